// Where dfdaemon listens, as containerd's routes are checked against it: its facts, the node's
// listeners table, and the probe's checks of each mirror host.
import { parseSsListeners, type Listener } from '../parsers/ss-listeners.js';
import { type FactsContext } from './context.js';
import { type DfdaemonEndpoints, type MirrorCheck } from './containerd-routes.js';
import type { Facts } from './types.js';
import { CONTAINERD_FILES } from './containerd-files.js';
import { goProxyOff } from './dfdaemon.js';
import { rangeText } from './dfdaemon-port-ranges.js';

export async function readListeners(ctx: FactsContext): Promise<Listener[] | null> {
  const t = await ctx.bundle.text(CONTAINERD_FILES.listeners);
  if (t === undefined) return null;
  return parseSsListeners(t).listeners;
}

const DFDAEMON_PROCESS = /^(dfdaemon|dfget)/;
/** Proxy ports of the two generations' defaults: Rust 4001, Go chart 65001 (docs/dfdaemon.md). */
export const DFDAEMON_PROXY_PORTS: readonly number[] = [4001, 65001];

export function dfdaemonEndpoints(
  f: Facts,
  listeners: Listener[] | null,
): { endpoints: DfdaemonEndpoints; present: boolean } | null {
  const ports = f.dfdaemon?.ports;
  const owned = (listeners ?? []).filter((l) => l.process && DFDAEMON_PROCESS.test(l.process.name));
  const otherPorts: { port: number; role: string }[] = [];
  for (const [role, port] of Object.entries(ports ?? {}))
    if (typeof port === 'number' && role !== 'proxy') otherPorts.push({ port, role });
  // a Go config that gives the proxy no port: no proxy runs, unless a listener on a proxy port says the
  // daemon runs with another config than the one read
  const off = goProxyOff(f.dfdaemon?.config);
  if (off && !owned.some((l) => DFDAEMON_PROXY_PORTS.includes(l.port))) {
    for (const l of owned)
      if (!otherPorts.some((o) => o.port === l.port)) otherPorts.push({ port: l.port, role: 'non-proxy' });
    return { endpoints: { proxyPorts: [], otherPorts, source: off, proxyOff: off }, present: true };
  }
  if (ports?.proxy !== undefined) {
    // a range the listeners do not pin down: any of its ports may be the proxy, but not another listener's
    const range = f.dfdaemon?.portRanges?.proxy;
    const open = range && range.bound === undefined ? range : undefined;
    const proxyPorts = open
      ? Array.from({ length: open.end - open.start + 1 }, (_, i) => open.start + i).filter(
          (p) => !otherPorts.some((o) => o.port === p),
        )
      : [ports.proxy];
    for (const l of owned)
      if (!proxyPorts.includes(l.port) && !otherPorts.some((o) => o.port === l.port))
        otherPorts.push({ port: l.port, role: 'non-proxy' });
    return {
      endpoints: {
        proxyPorts,
        otherPorts,
        source:
          range === undefined
            ? 'dfdaemon config (facts.dfdaemon.ports.proxy)'
            : open
              ? `dfdaemon config: proxy.tcpListen.port is the range ${rangeText(range)}, where the daemon takes the first free port (facts.dfdaemon.portRanges.proxy)`
              : `the dfdaemon listener on ${range.bound} in ${CONTAINERD_FILES.listeners}, of the range ${rangeText(range)} of proxy.tcpListen.port`,
        ...(open ? { proxyRange: { start: open.start, end: open.end } } : {}),
      },
      present: true,
    };
  }
  if (owned.length > 0) {
    const lp = [...new Set(owned.map((l) => l.port))];
    const proxy = lp.filter((p) => DFDAEMON_PROXY_PORTS.includes(p));
    // a listener owned by dfdaemon on its default proxy port is the proxy; otherwise any of its ports may be
    return {
      endpoints: {
        proxyPorts: proxy.length > 0 ? proxy : lp,
        otherPorts:
          proxy.length > 0
            ? lp.filter((p) => !proxy.includes(p)).map((port) => ({ port, role: 'non-proxy' }))
            : otherPorts,
        source: `listeners owned by dfdaemon in ${CONTAINERD_FILES.listeners}`,
      },
      present: true,
    };
  }
  // a skipped dfdaemon probe still leaves facts.dfdaemon behind: only what it found proves a dfdaemon
  const d = f.dfdaemon;
  const found =
    d !== undefined &&
    (d.generation !== null ||
      d.ports !== undefined ||
      d.config !== undefined ||
      d.logs !== undefined ||
      d.metrics !== undefined);
  return {
    endpoints: {
      proxyPorts: [...DFDAEMON_PROXY_PORTS],
      otherPorts,
      source: 'default dfdaemon proxy ports 4001 (Rust) / 65001 (Go): no dfdaemon facts or listeners in the bundle',
    },
    present: found,
  };
}

export async function readMirrorChecks(ctx: FactsContext): Promise<MirrorCheck[] | null> {
  const t = await ctx.bundle.text(CONTAINERD_FILES.mirrorCheck);
  if (t === undefined) return null;
  try {
    const v = JSON.parse(t) as unknown;
    if (!Array.isArray(v)) throw new Error('expected a JSON array');
    const TCP = ['open', 'refused', 'timeout', 'error'];
    const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
    const out: MirrorCheck[] = [];
    for (const c of v as Record<string, unknown>[]) {
      if (typeof c !== 'object' || c === null || typeof c.host !== 'string' || !TCP.includes(c.tcp as string)) continue;
      out.push({
        host: c.host,
        url: typeof c.url === 'string' ? c.url : `http://${c.host}`,
        tcp: c.tcp as MirrorCheck['tcp'],
        connectMs: num(c.connectMs),
        v2Status: num(c.v2Status),
        ...(typeof c.error === 'string' ? { error: c.error } : {}),
      });
    }
    return out;
  } catch (e) {
    ctx.problem({ file: CONTAINERD_FILES.mirrorCheck, message: `unreadable: ${(e as Error).message}` });
    return null;
  }
}
