// Where dfdaemon is on this node: generation, config, log dir, cache dir, ports, proxy and metrics
// URLs — from flags, the running process (/proc/<pid>/cmdline), the config file, then each
// generation's defaults (docs/dfdaemon.md lists them with their upstream sources).
import { readdir, readlink, stat } from 'node:fs/promises';
import {
  type DfdaemonConfig,
  detectConfigGeneration,
  goDaemonLogDir,
  parseDfdaemonConfig,
} from '../parsers/dfdaemon-config.js';
import { goDataDirDefault } from '../parsers/dfdaemon-config-go.js';
import { urlPort } from '../parsers/net-address.js';
import { isReleaseTag } from '../parsers/proc-cgroup.js';
import { argValue, findProcesses } from './containerd-proc.js';
import type { ProbeContext } from './context.js';
import { type ContainerLookup, lookupContainer } from './dfdaemon-container.js';
import { readNodeFile } from './read-node.js';

export type Generation = 'go' | 'rust';

export const DEFAULTS = {
  go: {
    config: '/etc/dragonfly/dfget.yaml',
    logDir: '/var/log/dragonfly/daemon',
    cacheDir: '/var/lib/dragonfly',
    proxy: 65001,
    upload: 65002,
    grpc: 65000,
    health: 40901,
    metrics: undefined as number | undefined,
  },
  rust: {
    config: '/etc/dragonfly/dfdaemon.yaml',
    logDir: '/var/log/dragonfly/dfdaemon',
    cacheDir: '/var/lib/dragonfly',
    proxy: 4001,
    upload: 4000,
    grpc: undefined as number | undefined,
    health: 4003,
    metrics: 4002 as number | undefined,
  },
} as const;

export interface Discovered {
  generation: Generation | null;
  generationFrom: string;
  pid?: number;
  /**
   * Where the daemon's own paths are read from when it runs in another mount namespace (a pod):
   * "/proc/<pid>/root", through which its config, logs and cache dir are seen as it sees them.
   */
  daemonRoot?: string;
  /** The daemon's /proc/<pid>/mountinfo: which volume its cache dir lives on. */
  mountinfo?: string;
  /** The container the daemon runs in, looked up before its config is read. */
  container?: ContainerLookup;
  /** The daemon's release from its image tag, whose defaults the config was read with. */
  release?: string;
  /** The daemon's config path as the daemon names it; `configRead` is where it was read on this node. */
  configPath?: string;
  configRead?: string;
  /** The config's text as read (for the bundle), and its parse. */
  configText?: string;
  config?: DfdaemonConfig;
  configProblem?: string;
  /** The log dir as the daemon names it, and where it is read on this node (under --root or /proc/<pid>/root). */
  logDir: string;
  logDirOnNode: string;
  cacheDir: { path: string; from: 'config' | 'default' | 'flag' };
  /** The cache dir resolved for this node: already re-rooted, never to be re-rooted again. */
  cacheDirOnNode: string;
  proxyUrl?: string;
  metricsUrl?: string;
  ports: number[];
  notes: string[];
}

async function exists(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

type Found = { generation: Generation; pid: number; args: string[] };

/** Finds the running daemon: Go runs as `dfget daemon`, Rust as `dfdaemon`. */
async function findDaemon(): Promise<Found | undefined> {
  // one pass over /proc for both names
  const procs = await findProcesses(['dfdaemon', 'dfget']);
  const rust = procs.find((p) => p.comm === 'dfdaemon');
  if (rust) return { generation: 'rust', pid: rust.pid, args: rust.args };
  const go = procs.find((p) => p.comm === 'dfget' && p.args.includes('daemon'));
  if (go) return { generation: 'go', pid: go.pid, args: go.args };
  return undefined;
}

/** `find` and `containerOf` are the running process and its container (replaced in tests). */
export async function discover(
  ctx: ProbeContext,
  find: () => Promise<Found | undefined> = findDaemon,
  containerOf: (ctx: ProbeContext, pid: number) => Promise<ContainerLookup> = lookupContainer,
): Promise<Discovered> {
  const o = ctx.options;
  const notes: string[] = [];
  const proc = await find().catch(() => undefined);
  let generation: Generation | null = proc?.generation ?? null;
  let generationFrom = proc ? `running process ${proc.pid}` : '';
  const view = proc ? await daemonView(proc.pid) : undefined;
  if (view?.note) notes.push(view.note);
  const daemonRoot = view?.root;
  // a path the daemon names (its flags, its config, its defaults) is read through its own root when it
  // runs in a pod: /etc/dragonfly and /var/lib/dragonfly there are a ConfigMap and a volume, not the node's
  const ofDaemon = (p: string): string =>
    daemonRoot ? `${daemonRoot}${p.startsWith('/') ? p : `/${p}`}` : ctx.nodePath(p);

  // config: flag, then the process's --config, then the defaults of the generation (or both)
  const candidates: { path: string; onNode: string }[] = [];
  if (o.dfdaemonConfig) candidates.push({ path: o.dfdaemonConfig, onNode: ctx.nodePath(o.dfdaemonConfig) });
  const procConfig = proc ? argValue(proc.args, '--config', '-c') : undefined;
  if (procConfig) candidates.push({ path: procConfig, onNode: ofDaemon(procConfig) });
  for (const c of generation ? [DEFAULTS[generation].config] : [DEFAULTS.go.config, DEFAULTS.rust.config])
    candidates.push({ path: c, onNode: ofDaemon(c) });
  let configPath: string | undefined;
  let configRead: string | undefined;
  let configText: string | undefined;
  let configProblem: string | undefined;
  for (const c of candidates) {
    if (!(await exists(c.onNode))) {
      if (c.path === o.dfdaemonConfig) configProblem = `--dfdaemon-config ${c.path}: not found`;
      continue;
    }
    const r = await readNodeFile(c.onNode, 1024 * 1024);
    if (r.kind !== 'ok') {
      configProblem = r.reason;
      continue;
    }
    configPath = c.path;
    configRead = c.onNode;
    configText = r.text;
    break;
  }
  if (!generation && configPath) {
    const name = configPath.split('/').pop() ?? '';
    generation = name.startsWith('dfget')
      ? 'go'
      : name.startsWith('dfdaemon')
        ? 'rust'
        : detectConfigGeneration(configText ?? '');
    if (generation) generationFrom = `config file ${configPath}`;
  }
  // the release picks the defaults the config is read with: a Go daemon of v2.0.0–v2.0.1 keeps its cache in
  // root's ~/.dragonfly/dfget-daemon and reads no logDir or metrics key (knowledge/dfdaemon-go.ts). Its image
  // tag is the one source before the config is read; the version gauge needs the metrics address the config
  // gives, and exists from v2.0.2 only (dragonfly_dfdaemon_version), whose defaults are the newest's anyway.
  const container = proc ? await containerOf(ctx, proc.pid) : undefined;
  const tag = container?.kind === 'container' ? container.value.tag : undefined;
  const release = tag !== undefined && isReleaseTag(tag) ? tag : undefined;
  let config: DfdaemonConfig | undefined;
  if (configText !== undefined && generation) {
    const r = parseDfdaemonConfig(configText, generation, release);
    if (r.ok) config = r.config;
    else configProblem = `${configPath}: ${r.problems[0]?.message ?? 'unreadable'}`;
  }

  // log dir: flag, process flag, config, default; when the generation is unknown, whichever default dir exists
  // Go's logDir (flag or key) is the parent: the daemon writes <logDir>/daemon/core.log
  const givenLogDir =
    (proc ? argValue(proc.args, '--log-dir', '--logdir') : undefined) ??
    (config?.logDir?.from === 'config' && config.logDir.value ? config.logDir.value : undefined);
  let logDir = givenLogDir !== undefined && generation === 'go' ? goDaemonLogDir(givenLogDir) : givenLogDir;
  if (!logDir) {
    if (generation) logDir = DEFAULTS[generation].logDir;
    else {
      for (const g of ['go', 'rust'] as const) {
        const files = await readdir(ofDaemon(DEFAULTS[g].logDir)).catch(() => [] as string[]);
        if (files.length > 0) {
          logDir = DEFAULTS[g].logDir;
          generation = g;
          generationFrom = `log dir ${logDir}`;
          break;
        }
      }
      logDir ??= DEFAULTS.go.logDir;
    }
  }
  const logDirOnNode = o.dfdaemonLogDir ? ctx.nodePath(o.dfdaemonLogDir) : ofDaemon(logDir);
  if (o.dfdaemonLogDir) logDir = o.dfdaemonLogDir;

  const cacheDir: Discovered['cacheDir'] = o.cacheDir
    ? { path: o.cacheDir, from: 'flag' }
    : config
      ? { path: config.storageDir.value, from: config.storageDir.from }
      : { path: generation === 'rust' ? DEFAULTS.rust.cacheDir : goDataDirDefault(release), from: 'default' };
  const cacheDirOnNode = cacheDir.from === 'flag' ? ctx.nodePath(cacheDir.path) : ofDaemon(cacheDir.path);
  let mountinfo: string | undefined;
  if (proc) {
    const mi = await readNodeFile(`/proc/${proc.pid}/mountinfo`, 1024 * 1024);
    if (mi.kind === 'ok') mountinfo = mi.text;
    else notes.push(`the daemon's mounts: ${mi.reason}`);
  }

  const ports = new Set<number>();
  let proxyPort: number | undefined;
  let metricsPort: number | undefined;
  if (config) {
    for (const p of Object.values(config.ports)) if (p) ports.add(p.value);
    proxyPort = config.ports.proxy?.value;
    metricsPort = config.ports.metrics?.value;
    if (config.generation === 'go' && config.metricsAddr?.value === '')
      notes.push('metrics server off (dfget.yaml `metrics:` empty)');
    // no port: the Go daemon serves no proxy, so there is none to check (parsers/dfdaemon-config-go.ts listenPort)
    if (config.unfixedPorts?.proxy) notes.push('proxy not served (dfget.yaml gives proxy.tcpListen.port no port)');
    // the daemon holds the first free port of a range (pkg/rpc/server_listen.go:54-68@v2.1.49): the start, unless taken
    const range = config.portRanges?.proxy;
    if (range)
      notes.push(
        `proxy.tcpListen.port is the range ${range.start}–${range.end}: the daemon holds its first free port; the proxy is checked at ${range.start}, and the node's listeners show which it holds`,
      );
  } else if (generation) {
    const d = DEFAULTS[generation];
    for (const p of [d.proxy, d.upload, d.grpc, d.health, d.metrics]) if (p !== undefined) ports.add(p);
    proxyPort = d.proxy;
    metricsPort = d.metrics;
  } else {
    // unknown generation: the proxy ports of both, so later probes look at the right rules
    for (const p of [DEFAULTS.go.proxy, DEFAULTS.rust.proxy, DEFAULTS.rust.metrics as number]) ports.add(p);
  }
  const proxyUrl = o.dfdaemonProxy ?? (proxyPort !== undefined ? `http://127.0.0.1:${proxyPort}` : undefined);
  let metricsUrl = o.dfdaemonMetrics;
  if (!metricsUrl && metricsPort !== undefined) {
    const host = config?.generation === 'go' ? hostOf(config.metricsAddr?.value ?? '') : '127.0.0.1';
    metricsUrl = `http://${host}:${metricsPort}/metrics`;
  }
  if (o.dfdaemonProxy) addPort(ports, o.dfdaemonProxy);
  if (o.dfdaemonMetrics) addPort(ports, o.dfdaemonMetrics);
  if (!generation) generationFrom = 'not found (no dfdaemon process, config or log dir)';

  return {
    generation,
    generationFrom,
    ...(proc ? { pid: proc.pid } : {}),
    ...(container ? { container } : {}),
    ...(release ? { release } : {}),
    ...(daemonRoot ? { daemonRoot } : {}),
    ...(mountinfo !== undefined ? { mountinfo } : {}),
    ...(configPath ? { configPath } : {}),
    ...(configRead ? { configRead } : {}),
    ...(configText !== undefined ? { configText } : {}),
    ...(config ? { config } : {}),
    ...(configProblem ? { configProblem } : {}),
    logDir,
    logDirOnNode,
    cacheDir,
    cacheDirOnNode,
    ...(proxyUrl ? { proxyUrl } : {}),
    ...(metricsUrl ? { metricsUrl } : {}),
    ports: [...ports].sort((a, b) => a - b),
    notes,
  };
}

/**
 * How to see the daemon's files: through /proc/<pid>/root when it lives in another mount namespace
 * (a pod, or dfdoctor itself in a container), else as node paths. Unreadable namespace links (not root)
 * leave node paths, said in a note.
 */
async function daemonView(pid: number): Promise<{ root?: string; note?: string }> {
  try {
    const [theirs, ours] = await Promise.all([readlink(`/proc/${pid}/ns/mnt`), readlink('/proc/self/ns/mnt')]);
    if (theirs === ours) return {};
    const root = `/proc/${pid}/root`;
    await stat(`${root}/`);
    return { root };
  } catch (e) {
    return {
      note: `dfdaemon (pid ${pid}): its mount namespace is not readable here (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); its config, logs and cache dir are looked for at node paths, which is right only when it does not run in a pod`,
    };
  }
}

function hostOf(addr: string): string {
  const m = /^(.*):\d+$/.exec(addr.trim());
  const h = m?.[1] ?? '';
  return h === '' || h === '0.0.0.0' || h === '::' || h === '[::]' ? '127.0.0.1' : h;
}

/** A bad URL adds nothing here: it is reported where it is used. */
function addPort(ports: Set<number>, url: string): void {
  const p = urlPort(url);
  if (p !== undefined) ports.add(p);
}
