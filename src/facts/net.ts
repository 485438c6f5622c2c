import type { BundleReader } from '../bundle/reader.js';
import type { LoopbackMeasurement } from '../bundle/measurements.js';
import { isLoopback } from '../parsers/net-address.js';
import { isDefaultLoQdisc, parseQdiscs, type Qdisc } from '../parsers/qdisc.js';
import { type Listener, parseSsListeners } from '../parsers/ss-listeners.js';
import { defineFacts } from './context.js';
import type { Facts } from './types.js';
import type { InputProblem } from './problems.js';
import { checkNames, type MirrorTarget, type NameCheck, targetFromUrl } from './net-names.js';
import { buildNetfilterFacts, NET_FILES, type NetfilterFacts, type PortsToCheck } from './net-netfilter.js';
import { type EnvValue, parseEnvLines, parseSystemdEnvironment } from '../parsers/containerd-env.js';
import { goProxyFor, type ProxyDecision, type ProxyEnv, proxyEnvFrom, redactUrl } from './net-proxy.js';
import { BUNDLE } from '../bundle/layout.js';

export { NET_FILES } from './net-netfilter.js';

/** A dfdaemon port the network checks use, by role, and how we know it. */
export interface DfdaemonPort {
  port: number;
  role: 'proxy' | 'upload' | 'metrics' | 'health';
  from: 'dfdaemon facts' | 'probe' | 'default';
}

export interface ProxyFacts {
  env: ProxyEnv;
  /** "process" = the running containerd's environment; "systemd" = its unit drop-ins only. */
  source: 'process' | 'systemd';
  decisions: { target: MirrorTarget; role: 'mirror' | 'origin'; decision: ProxyDecision }[];
  /** Variables a drop-in sets that the running process does not have (containerd not restarted since). */
  pendingInDropIns: string[];
}

export interface NetFacts {
  ports: DfdaemonPort[];
  listeners: Listener[] | null;
  netfilter?: NetfilterFacts;
  qdiscs: { all: Qdisc[]; nonDefault: Qdisc[] } | null;
  loMtu: number | null;
  loopback?: LoopbackMeasurement;
  names: NameCheck[];
  proxy?: ProxyFacts;
}

// Defaults of both generations: Go proxy 65001, upload 65002 (dragonflyoss/helm-charts dragonfly-1.1.65 values.yaml,
// dragonfly v2.1.49 client/config/constants.go); Rust proxy 4001, upload 4000, metrics 4002 (dragonflyoss/client v1.5.1
// dragonfly-client-config/src/dfdaemon.rs). docs/dfdaemon.md lists them.
const DEFAULT_PORTS: DfdaemonPort[] = [
  { port: 65001, role: 'proxy', from: 'default' },
  { port: 65002, role: 'upload', from: 'default' },
  { port: 4001, role: 'proxy', from: 'default' },
  { port: 4000, role: 'upload', from: 'default' },
  { port: 4002, role: 'metrics', from: 'default' },
];

interface ProbeEndpoints {
  dfdaemon?: { role?: string; port?: number; url?: string; from?: string }[];
}

async function readEndpoints(b: BundleReader, problem: (p: InputProblem) => void): Promise<ProbeEndpoints> {
  const text = await b.text(NET_FILES.endpoints);
  if (text === undefined) return {};
  try {
    return JSON.parse(text) as ProbeEndpoints;
  } catch (e) {
    problem({ file: NET_FILES.endpoints, message: `not JSON: ${(e as Error).message}` });
    return {};
  }
}

function portsFrom(facts: Facts, ep: ProbeEndpoints, listeners: Listener[] | null): DfdaemonPort[] {
  const known = facts.dfdaemon?.ports;
  if (known && (known.proxy !== undefined || known.upload !== undefined)) {
    const out: DfdaemonPort[] = [];
    for (const role of ['proxy', 'upload', 'metrics', 'health'] as const) {
      const p = known[role];
      if (typeof p === 'number') out.push({ port: p, role, from: 'dfdaemon facts' });
    }
    return out;
  }
  const fromProbe = (ep.dfdaemon ?? []).filter(
    (e): e is { role: DfdaemonPort['role']; port: number } =>
      typeof e.port === 'number' &&
      ['proxy', 'upload', 'metrics', 'health'].includes(String(e.role)) &&
      e.from !== 'default',
  );
  // what the probe was told (--dfdaemon-proxy) or found, plus both generations' defaults for the rest
  const out: DfdaemonPort[] = fromProbe.map((e) => ({ port: e.port, role: e.role, from: 'probe' }));
  // a default port nothing listens on is not dfdaemon's (the other generation's, or no dfdaemon at all)
  // (when none of them listens, dfdaemon is down: check them all, a rule on lo hits it once it is back)
  const anyListening = DEFAULT_PORTS.some((d) => listeners?.some((l) => l.port === d.port));
  const listening = (p: number) => listeners === null || !anyListening || listeners.some((l) => l.port === p);
  for (const d of DEFAULT_PORTS) if (!out.some((x) => x.port === d.port) && listening(d.port)) out.push(d);
  return out;
}

/** Which hosts containerd sends pulls to, from the containerd facts, else the probe's list, else the fallback. */
function mirrorTargets(
  facts: Facts,
  ep: ProbeEndpoints,
  ports: DfdaemonPort[],
): { mirrors: MirrorTarget[]; origins: MirrorTarget[] } {
  const mirrors: MirrorTarget[] = [];
  const origins: MirrorTarget[] = [];
  for (const r of facts.containerd?.routes ?? []) {
    for (const h of r.hosts) {
      const t = targetFromUrl(
        h.url,
        `${r.file ?? r.registry}${h.line === undefined ? '' : `:${h.line}`}`,
        'containerd',
      );
      if (!t) continue;
      // a `server` that is dfdaemon (or on loopback) is where pulls go, not an origin to reach off-node
      const isMirror =
        h.role === 'mirror' || h.isDfdaemon || (h.role === 'server' && (t.host === 'localhost' || isLoopback(t.host)));
      (isMirror ? mirrors : origins).push(t);
    }
  }
  for (const e of ep.dfdaemon ?? []) {
    if (e.role === 'proxy' && typeof e.url === 'string' && e.from !== 'default') {
      const t = targetFromUrl(e.url, `${NET_FILES.endpoints} (${e.from ?? 'probe'})`, 'probe');
      if (t && !mirrors.some((m) => m.host === t.host && m.port === t.port)) mirrors.push(t);
    }
  }
  if (mirrors.length === 0) {
    // nothing says which name containerd uses: check the two usual spellings on the proxy ports
    for (const p of ports.filter((x) => x.role === 'proxy')) {
      for (const host of ['localhost', '127.0.0.1'])
        mirrors.push({
          url: `http://${host}:${p.port}`,
          host,
          port: p.port,
          scheme: 'http',
          from: 'fallback',
          source: 'fallback',
        });
    }
  }
  return { mirrors, origins };
}

function checkedPorts(
  ports: DfdaemonPort[],
  mirrors: MirrorTarget[],
  names: NameCheck[],
  listeners: Listener[] | null,
): PortsToCheck {
  const v6Wanted = (port: number) =>
    names.some((n) => n.target.port === port && n.order[0] !== undefined && n.order[0].includes(':')) ||
    (listeners ?? []).some((l) => l.port === port && (l.address === '::' || l.address === '::1'));
  const loopback = new Map<number, { port: number; role: string; families: (4 | 6)[] }>();
  const addLo = (port: number, role: string) => {
    if (!loopback.has(port)) loopback.set(port, { port, role, families: v6Wanted(port) ? [4, 6] : [4] });
  };
  for (const m of mirrors) if (m.host === 'localhost' || isLoopback(m.host)) addLo(m.port, 'proxy');
  for (const p of ports) if (p.role !== 'upload') addLo(p.port, p.role);
  const peer = ports
    .filter((p) => p.role === 'upload')
    .map((p) => ({ port: p.port, families: v6Wanted(p.port) ? ([4, 6] as (4 | 6)[]) : ([4] as (4 | 6)[]) }));
  return { loopback: [...loopback.values()], peer };
}

async function readProxy(
  b: BundleReader,
  mirrors: MirrorTarget[],
  origins: MirrorTarget[],
): Promise<ProxyFacts | undefined> {
  const envText = await b.text(BUNDLE.containerd.env);
  const dropIns = (await b.list(BUNDLE.containerd.systemd)).filter((f) => f.endsWith('.conf')).sort();
  const fromUnits = new Map<string, EnvValue>();
  for (const path of dropIns) {
    // list() gives bundle-relative paths
    const t = await b.text(path);
    if (t !== undefined) parseSystemdEnvironment(t, path, fromUnits);
  }
  if (envText === undefined && fromUnits.size === 0) return undefined;
  const processVars = envText === undefined ? null : parseEnvLines(envText, BUNDLE.containerd.env);
  const env = proxyEnvFrom(processVars ?? fromUnits);
  const PROXY_KEYS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];
  const pending = processVars
    ? PROXY_KEYS.filter((k) => fromUnits.has(k) && processVars.get(k)?.value !== fromUnits.get(k)?.value)
    : [];
  const decisions: ProxyFacts['decisions'] = [];
  for (const t of mirrors)
    if (t.source === 'containerd') decisions.push({ target: t, role: 'mirror', decision: goProxyFor(t.url, env) });
  for (const t of origins) decisions.push({ target: t, role: 'origin', decision: goProxyFor(t.url, env) });
  for (const k of ['httpProxy', 'httpsProxy'] as const) if (env[k]) env[k] = redactUrl(env[k] as string);
  for (const d of decisions) if (d.decision.proxy) d.decision.proxy = redactUrl(d.decision.proxy);
  return { env, source: processVars ? 'process' : 'systemd', decisions, pendingInDropIns: pending };
}

export const netFacts = defineFacts({
  area: 'net',
  async build({ bundle: b, facts, problem }) {
    const files = await b.list(BUNDLE.net.dir);
    const hasContainerdEnv =
      (await b.text(BUNDLE.containerd.env)) !== undefined || (await b.list(BUNDLE.containerd.systemd)).length > 0;
    const loopback = facts.measurements.loopback;
    if (files.length === 0 && !loopback && !hasContainerdEnv && (await b.text(NET_FILES.dmesg)) === undefined)
      return undefined;

    const ep = await readEndpoints(b, problem);
    const lt = await b.text(NET_FILES.listeners);
    let listeners: Listener[] | null = null;
    if (lt !== undefined) {
      const parsed = parseSsListeners(lt);
      listeners = parsed.listeners;
      for (const line of parsed.unrecognised.slice(0, 3))
        problem({ file: NET_FILES.listeners, line, message: 'not an `ss -ltn` listener line' });
    }
    const ports = portsFrom(facts, ep, listeners);
    const { mirrors, origins } = mirrorTargets(facts, ep, ports);
    const names = await checkNames(b, mirrors, listeners, problem);

    const out: NetFacts = { ports, listeners, qdiscs: null, loMtu: null, names };
    const nf = await buildNetfilterFacts(b, checkedPorts(ports, mirrors, names, listeners), problem);
    if (nf) out.netfilter = nf;

    const qt = await b.text(NET_FILES.qdisc);
    if (qt !== undefined) {
      const q = parseQdiscs(qt);
      out.qdiscs = { all: q.qdiscs, nonDefault: q.qdiscs.filter((x) => !isDefaultLoQdisc(x)) };
      for (const line of q.unrecognised.slice(0, 3))
        problem({ file: NET_FILES.qdisc, line, message: 'not a `tc qdisc show` line' });
    }
    const mtu = await b.text(NET_FILES.loMtu);
    if (mtu !== undefined) {
      const n = Number(mtu.trim());
      if (Number.isInteger(n) && n > 0) out.loMtu = n;
      else problem({ file: NET_FILES.loMtu, line: 1, message: `not an MTU: "${mtu.trim().slice(0, 40)}"` });
    }
    if (loopback) out.loopback = loopback;
    const proxy = await readProxy(b, mirrors, origins);
    if (proxy) out.proxy = proxy;
    return out;
  },
});
