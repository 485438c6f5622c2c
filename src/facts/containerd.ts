import type { BundleReader } from '../bundle/reader.js';
import {
  type ContainerdConfig,
  mergeTomlTables,
  readContainerdConfig,
  splitConfigPath,
} from '../parsers/containerd-config.js';
import { type EnvValue, goParseBoolTrue, parseEnvLines, parseSystemdEnvironment } from '../parsers/containerd-env.js';
import { type ContainerdLogEvent, HOST_MESSAGES, parseContainerdLogLine } from '../parsers/containerd-log.js';
import { normalizePastedLines } from '../parsers/paste-normalize.js';
import { criPluginRow, parseCtrPlugins } from '../parsers/containerd-plugins.js';
import { lineOfKey, parseTomlLocated, type TomlTable } from '../parsers/containerd-toml.js';
import { type ContainerdVersion, parseContainerdVersion } from '../parsers/containerd-version.js';
import { parseHostsToml, registryOfHostDir, type HostsEntry } from '../parsers/hosts-toml.js';
import {
  configsTlsWithConfigPath,
  defaultConfigPath,
  defaultHostsDir,
  gzipDecompressors,
  hostsWithoutHostTable,
  transferConfigPathList,
  type DefaultConfigPath,
} from '../knowledge/containerd.js';
import { ContainerdVersionPicker, type VersionAssumption } from './containerd-versioned.js';
import { listenerAccepts, parseSsListeners, type Listener } from '../parsers/ss-listeners.js';
import { defineFacts, type FactsContext } from './context.js';
import { type PullMode, progressTimeout, pullMode } from './containerd-pull-mode.js';
import {
  type DfdaemonEndpoints,
  hostPort,
  isLoopbackHost,
  type MirrorCheck,
  type RegistryRoute,
  routeFromHostsFile,
  routeFromLegacyMirrors,
} from './containerd-routes.js';
import type { Facts } from './types.js';
import { BUNDLE } from '../bundle/layout.js';

export type { MirrorCheck, RegistryRoute, RouteHost, DfdaemonEndpoints } from './containerd-routes.js';

const DIR = BUNDLE.containerd.dir;
/** containerd's files in the bundle, and the listeners table its routes are checked against. */
export const CONTAINERD_FILES = { ...BUNDLE.containerd, listeners: BUNDLE.net.listeners } as const;

/** One hosts directory containerd reads (`config_path`) or one it does not but where hosts.toml files were found. */
export interface HostsDir {
  path: string;
  bundleDir: string;
  inConfigPath: boolean;
}

export type MisconfigKind =
  | 'no-routing'
  | 'config-path-without-hosts'
  | 'wrong-dir'
  | 'wrong-name'
  | 'rejected'
  | 'legacy-with-config-path'
  | 'scheme'
  | 'wrong-port'
  | 'no-pull-capability'
  | 'not-listening'
  | 'shadowed'
  /** 2.2.0–2.2.1: `mirrors` with containerd's own default config_path: the CRI images plugin does not load. */
  | 'mirrors-refused'
  /** 2.1+ transfer-service pulls read a multi-directory config_path as one path (containerd#12415): no hosts.toml is found. */
  | 'config-path-list-transfer'
  /** `<config_path>/_default/hosts.toml` on a release before 1.6.17 / 1.7.0, which never reads it (containerd#8053). */
  | 'default-dir-unread';

export interface Misconfig {
  kind: MisconfigKind;
  message: string;
  /** Bundle file and line the evidence comes from. */
  file?: string;
  line?: number;
  registry?: string;
}

export interface Decompression {
  unpigz: string | null;
  igzip: string | null;
  /** Env settings that switch the external decompressor off (CONTAINERD_DISABLE_PIGZ / _IGZIP). */
  disabledBy: string[];
  /** What containerd will use for gzip layers. */
  effective: 'igzip' | 'unpigz' | 'go-stdlib';
  pathFrom: 'process' | 'default' | 'unknown';
  /** What containerd itself logged it used (DEBUG only: `using pigz|igzip|unpigz for decompression`). */
  logged?: { tool: string; file: string; line: number };
}

export interface ContainerdFacts {
  version: ContainerdVersion | null;
  /** dump = `containerd config dump` (effective values), file = config.toml (+imports), defaults = no config found, invalid = config.toml does not parse (containerd does not start). */
  configSource: 'dump' | 'file' | 'defaults' | 'invalid';
  /** Bundle path of the file the values came from. */
  configFile: string | null;
  config: ContainerdConfig;
  pull: PullMode;
  /** Line of max_concurrent_downloads in configFile, when the file sets it (for "what dfdoctor read"). */
  downloadsLine?: number;
  snapshotter: string;
  discardUnpackedLayers: boolean;
  imagePullProgressTimeout: string | null;
  /** The hosts directories in effect: from the config, or containerd's default (≥ 2.2.0 on Linux). */
  configPath: string[];
  configPathFrom: 'config' | 'default' | 'none';
  /** Version-dependent facts taken without a known version, and what was assumed. */
  versionAssumptions: VersionAssumption[];
  hostsDirs: HostsDir[];
  /** Per registry, the ordered hosts containerd tries (read by net facts for the mirror names). */
  routes: RegistryRoute[];
  /** host:port of every mirror (`[host]` entries, legacy endpoints, a `server` that is dfdaemon or on loopback; never the origin), for the loopback/net areas. */
  mirrorHosts: string[];
  dfdaemon: DfdaemonEndpoints | null;
  /** True when the bundle shows a dfdaemon on this node (its facts or a listener it owns). */
  dfdaemonPresent: boolean;
  misconfigs: Misconfig[];
  decompression: Decompression | null;
  env: Record<string, string>;
  log: { file: string; events: ContainerdLogEvent[] } | null;
  mirrorChecks: MirrorCheck[] | null;
  /** The CRI plugin's status from `ctr plugins ls` (raw/containerd/plugins.txt), when captured. */
  criPlugin: { status: string; line: number } | null;
}

export const containerdFacts = defineFacts({
  area: 'containerd',
  async build(ctx) {
    const b = ctx.bundle;
    const present = await b.list(DIR);
    if (present.length === 0) return undefined;

    const version = await readVersion(b);
    const pk = new ContainerdVersionPicker(version);
    const { config, source, file } = await readConfig(ctx);
    const dflt = pk.value(defaultConfigPath, describeDefault) ?? { kind: 'none' };
    const { configPath, from: configPathFrom } = effectiveConfigPath(config, dflt);
    const listeners = await readListeners(ctx);
    const dd = dfdaemonEndpoints(ctx.facts, listeners);
    const checks = await readMirrorChecks(ctx);
    const hostsDirs = await readHostsDirs(b, configPath);
    const misconfigs: Misconfig[] = [];
    const routes = await buildRoutes(ctx, config, configPath, hostsDirs, dd?.endpoints ?? null, checks ?? [], pk);
    const pull = pullMode(config, pk);
    const env = await readEnv(b);
    const log = await readLog(ctx);
    const pluginsText = await b.text(CONTAINERD_FILES.plugins);
    const cri = pluginsText === undefined ? undefined : criPluginRow(parseCtrPlugins(pluginsText));
    const criPlugin = cri ? { status: cri.status, line: cri.line } : null;
    findMisconfigs({
      criPlugin,
      configValid: source !== 'invalid',
      config,
      configPath,
      configPathFrom,
      dflt,
      pull,
      pk,
      hostsDirs,
      routes,
      dd,
      listeners,
      log,
      misconfigs,
      file,
    });
    const isMirror = (h: RegistryRoute['hosts'][number]) =>
      h.role === 'mirror' || (h.role === 'server' && (h.isDfdaemon || isLoopbackHost(h.host)));
    const mirrorHosts = [
      ...new Set(routes.flatMap((r) => r.hosts.filter(isMirror).map((h) => hostPort(h.host, h.port)))),
    ];
    const facts: ContainerdFacts = {
      version,
      configSource: source,
      configFile: file,
      config,
      pull,
      snapshotter: config.cri.snapshotter ?? 'overlayfs',
      discardUnpackedLayers: config.cri.discardUnpackedLayers ?? false,
      imagePullProgressTimeout: progressTimeout(config, pk),
      configPath,
      configPathFrom,
      versionAssumptions: pk.assumptions,
      hostsDirs,
      routes,
      mirrorHosts,
      dfdaemon: dd?.endpoints ?? null,
      dfdaemonPresent: dd?.present ?? false,
      misconfigs,
      decompression: withLoggedDecompressor(await readDecompression(ctx, env.vars, pk), log),
      env: env.vars,
      log,
      mirrorChecks: checks,
      criPlugin,
    };
    if (!facts.pull.downloads.fromDefault && file) {
      const line = lineOfKey((await b.text(file)) ?? '', 'max_concurrent_downloads');
      if (line !== undefined) facts.downloadsLine = line;
    }
    if (
      criPlugin?.status === 'error' &&
      !misconfigs.some((m) => m.kind === 'legacy-with-config-path' || m.kind === 'mirrors-refused')
    ) {
      ctx.note(
        `containerd's CRI plugin failed to load (\`ctr plugins ls\`: error): the kubelet cannot pull through this containerd at all; its log says why`,
        `${CONTAINERD_FILES.plugins}:${criPlugin.line}`,
      );
    }
    if (facts.discardUnpackedLayers) {
      ctx.note(
        'containerd discards layer blobs after unpacking (discard_unpacked_layers = true): once the image is garbage-collected, the next "cache hit" pull fetches every blob again, and on 2.1+ this setting also forces the older local pull',
        facts.configFile ?? CONTAINERD_FILES.config,
      );
    }
    if (source === 'defaults') {
      ctx.note(
        `containerd: no config.toml in the bundle — containerd runs on its defaults (${configPathFrom === 'default' ? `config_path ${configPath.join(':')}, the default of containerd ≥ 2.2.0 on Linux` : 'no config_path, so no mirror, before containerd 2.2.0'})`,
        CONTAINERD_FILES.config,
      );
    }
    if (pull.downloads.ignored) {
      ctx.note(
        `containerd ${version ? formatRelease(version) : ''}: ${pull.downloads.setting} has no effect on CRI pulls in ${pull.downloads.ignored.range} (containerd#6054: the unpacker that fetches the layers was built without the limit), so every layer downloads at once; the setting works again from 1.5.12 / 1.6.0`,
        facts.configFile ?? CONTAINERD_FILES.version,
      );
    }
    if (pk.assumptions.length > 0) {
      ctx.note(
        `containerd version unknown (no ${CONTAINERD_FILES.version}): assumed ${pk.assumptions.map((a) => `${a.assumed} (${a.range})`).join('; ')}`,
        CONTAINERD_FILES.version,
      );
    }
    return facts;
  },
});

async function readVersion(b: BundleReader): Promise<ContainerdVersion | null> {
  const t = await b.text(CONTAINERD_FILES.version);
  return t === undefined ? null : parseContainerdVersion(t);
}

async function readConfig(
  ctx: FactsContext,
): Promise<{ config: ContainerdConfig; source: ContainerdFacts['configSource']; file: string | null }> {
  const b = ctx.bundle;
  const dump = await b.text(CONTAINERD_FILES.dump);
  const mainText = await b.text(CONTAINERD_FILES.config);
  const mainVersion = mainText === undefined ? undefined : /^\s*version\s*=\s*(\d+)/m.exec(mainText)?.[1];
  if (dump !== undefined && dump.trim() !== '') {
    const p = parseTomlLocated(dump);
    const dumpVersion = p.ok ? String(p.value.version ?? '1') : undefined;
    if (p.ok && mainVersion !== undefined && dumpVersion !== mainVersion) {
      // an older binary prints its own layout and drops keys it does not know (a 1.x dump of a v3 file)
      ctx.note(
        `containerd config dump printed layout v${dumpVersion} for a v${mainVersion} config.toml: the running containerd does not understand this layout; values read from config.toml`,
        CONTAINERD_FILES.dump,
      );
    } else if (p.ok) {
      const r = readContainerdConfig(p.value, dump);
      for (const q of r.problems)
        ctx.problem({
          file: CONTAINERD_FILES.dump,
          ...(q.line === undefined ? {} : { line: q.line }),
          message: q.message,
        });
      return { config: r.config, source: 'dump', file: CONTAINERD_FILES.dump };
    } else if (!p.ok) ctx.problem({ file: CONTAINERD_FILES.dump, line: p.line, column: p.column, message: p.message });
  }
  const main = mainText;
  if (main === undefined) return { config: readContainerdConfig({}).config, source: 'defaults', file: null };
  const p = parseTomlLocated(main);
  if (!p.ok) {
    ctx.problem({
      file: CONTAINERD_FILES.config,
      line: p.line,
      column: p.column,
      message: `${p.message} (containerd refuses to start with this file)`,
    });
    return { config: readContainerdConfig({}).config, source: 'invalid', file: CONTAINERD_FILES.config };
  }
  let merged: TomlTable = p.value;
  // list() gives bundle-relative paths
  for (const path of await b.list(CONTAINERD_FILES.imports)) {
    const text = (await b.text(path)) ?? '';
    const ip = parseTomlLocated(text);
    if (!ip.ok) {
      ctx.problem({ file: path, line: ip.line, column: ip.column, message: ip.message });
      continue;
    }
    // an imported file's own version/imports do not override the main file's
    const { version: _v, imports: _i, ...rest } = ip.value;
    merged = mergeTomlTables(merged, rest);
  }
  const r = readContainerdConfig(merged, main);
  for (const q of r.problems)
    ctx.problem({
      file: CONTAINERD_FILES.config,
      ...(q.line === undefined ? {} : { line: q.line }),
      message: q.message,
    });
  return { config: r.config, source: 'file', file: CONTAINERD_FILES.config };
}

async function readListeners(ctx: FactsContext): Promise<Listener[] | null> {
  const t = await ctx.bundle.text(CONTAINERD_FILES.listeners);
  if (t === undefined) return null;
  return parseSsListeners(t).listeners;
}

const DFDAEMON_PROCESS = /^(dfdaemon|dfget)/;
/** Proxy ports of the two generations' defaults: Rust 4001, Go chart 65001 (docs/dfdaemon.md). */
const DEFAULT_PROXY_PORTS = [4001, 65001];

function dfdaemonEndpoints(
  f: Facts,
  listeners: Listener[] | null,
): { endpoints: DfdaemonEndpoints; present: boolean } | null {
  const ports = f.dfdaemon?.ports;
  const owned = (listeners ?? []).filter((l) => l.process && DFDAEMON_PROCESS.test(l.process.name));
  const otherPorts: { port: number; role: string }[] = [];
  for (const [role, port] of Object.entries(ports ?? {}))
    if (typeof port === 'number' && role !== 'proxy') otherPorts.push({ port, role });
  if (ports?.proxy !== undefined) {
    for (const l of owned)
      if (l.port !== ports.proxy && !otherPorts.some((o) => o.port === l.port))
        otherPorts.push({ port: l.port, role: 'non-proxy' });
    return {
      endpoints: { proxyPorts: [ports.proxy], otherPorts, source: 'dfdaemon config (facts.dfdaemon.ports.proxy)' },
      present: true,
    };
  }
  if (owned.length > 0) {
    const lp = [...new Set(owned.map((l) => l.port))];
    const proxy = lp.filter((p) => DEFAULT_PROXY_PORTS.includes(p));
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
      proxyPorts: DEFAULT_PROXY_PORTS,
      otherPorts,
      source: 'default dfdaemon proxy ports 4001 (Rust) / 65001 (Go): no dfdaemon facts or listeners in the bundle',
    },
    present: found,
  };
}

async function readMirrorChecks(ctx: FactsContext): Promise<MirrorCheck[] | null> {
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

function describeDefault(d: DefaultConfigPath): string {
  if (d.kind === 'none') return 'config_path has no default (containerd < 2.2.0)';
  return `config_path defaults to ${d.dirs.join(':')} (containerd ≥ 2.2.0)`;
}

function formatRelease(v: ContainerdVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** The hosts directories containerd reads: its config's config_path, else its default (≥ 2.2.0, Linux, and only without mirrors from 2.2.2). */
export function effectiveConfigPath(
  config: ContainerdConfig,
  dflt: DefaultConfigPath,
): { configPath: string[]; from: ContainerdFacts['configPathFrom'] } {
  const explicit = splitConfigPath(config.cri.configPath);
  if (explicit.length > 0) return { configPath: explicit, from: 'config' };
  const mirrors = Object.keys(config.cri.mirrors).length > 0;
  // 2.2.0–2.2.1 carry the default in the default config, mirrors or not (then the CRI plugin refuses the pair)
  if (dflt.kind === 'in-defaults' || (dflt.kind === 'at-plugin-init' && !mirrors))
    return { configPath: [...dflt.dirs], from: 'default' };
  return { configPath: [], from: 'none' };
}

async function readHostsDirs(b: BundleReader, configPath: string[]): Promise<HostsDir[]> {
  const t = await b.text(CONTAINERD_FILES.hostsDirs);
  if (t !== undefined) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) {
        const dirs = v.filter(
          (d): d is HostsDir =>
            typeof d === 'object' &&
            d !== null &&
            typeof d.path === 'string' &&
            typeof d.bundleDir === 'string' &&
            d.bundleDir.startsWith(`${DIR}/`),
        );
        // a probe that did not know the release's default config_path copied those dirs as stray ones
        const rank = (d: HostsDir) => (configPath.includes(d.path) ? configPath.indexOf(d.path) : configPath.length);
        return dirs
          .map((d) => ({ ...d, inConfigPath: d.inConfigPath || configPath.includes(d.path) }))
          .sort((x, y) => rank(x) - rank(y));
      }
    } catch {
      /* fall through to the conventional layout */
    }
  }
  // hand-made bundles: raw/containerd/certs.d is the first config_path directory
  if ((await b.list(CONTAINERD_FILES.certsD)).length === 0) return [];
  return [
    {
      path: configPath[0] ?? '/etc/containerd/certs.d',
      bundleDir: CONTAINERD_FILES.certsD,
      inConfigPath: configPath.length > 0,
    },
  ];
}

function parseEntryUrl(u: string): HostsEntry | null {
  const r = parseHostsToml(`[host.${JSON.stringify(u)}]\n`);
  return r.ok ? (r.file.hosts[0] ?? null) : null;
}

async function buildRoutes(
  ctx: FactsContext,
  config: ContainerdConfig,
  configPath: string[],
  hostsDirs: HostsDir[],
  dd: DfdaemonEndpoints | null,
  checks: MirrorCheck[],
  pk: ContainerdVersionPicker,
): Promise<RegistryRoute[]> {
  const routes: RegistryRoute[] = [];
  // config_path takes the registry hosts from hosts.toml; legacy mirrors otherwise (both set is an error, see findMisconfigs)
  if (configPath.length > 0) {
    const seen = new Map<string, string>(); // namespace → node dir that serves it
    const inPath = hostsDirs.filter((d) => d.inConfigPath);
    for (const [dirIndex, d] of inPath.entries()) {
      const files = (await ctx.bundle.list(d.bundleDir))
        .map((f) => f.slice(d.bundleDir.length + 1))
        .filter((f) => /^[^/]+\/hosts\.toml$/.test(f));
      for (const f of files) {
        const ns = f.slice(0, f.indexOf('/'));
        const file = `${d.bundleDir}/${f}`;
        const nodeFile = `${d.path}/${f}`;
        const text = (await ctx.bundle.text(file)) ?? '';
        const registry = ns === '_default' ? '_default' : registryOfHostDir(ns);
        const route: RegistryRoute = {
          registry,
          source: 'hosts.toml',
          file,
          nodeFile,
          hosts: [],
          firstIsDfdaemon: false,
          originFallback: false,
          dirIndex,
        };
        const shadow = seen.get(ns) ?? (ns !== '_default' ? seen.get('_default') : undefined);
        if (shadow !== undefined) route.shadowedBy = shadow;
        const p = parseHostsToml(text);
        const serverOnly = p.ok && p.file.withoutHostTable === true;
        if (
          registry === '_default' &&
          pk.value(defaultHostsDir, (v) => `a _default hosts directory is ${v}`) === 'ignored'
        ) {
          // not the file's fault: this release never looks there, so the registries it was to serve go direct
          const v = pk.version;
          const release = v ? `containerd ${v.major}.${v.minor}.${v.patch}` : 'this containerd';
          route.rejected = {
            message: `${release} looks only in <config_path>/<registry>/: the _default directory came in 1.6.17 and 1.7.0 (containerd PR #7607, containerd#8053)`,
            unread: true,
          };
          Object.assign(route, routeFromHostsFile(registry, { hosts: [] }, dd, checks));
        } else if (
          serverOnly &&
          pk.value(hostsWithoutHostTable, (v) => `a hosts.toml without [host] tables is ${v}`) === 'rejected'
        ) {
          const message =
            'no [host."…"] table: containerd ≤ 1.7.31 rejects the file ("invalid `host` tree") and pulls from the registry directly';
          route.rejected = { message };
          ctx.problem({ file, message });
          Object.assign(route, routeFromHostsFile(registry, { hosts: [] }, dd, checks));
        } else if (!p.ok) {
          route.rejected = {
            message: p.message,
            ...(p.line === undefined ? {} : { line: p.line }),
            ...(p.column === undefined ? {} : { column: p.column }),
          };
          ctx.problem({
            file,
            ...(p.line === undefined ? {} : { line: p.line }),
            ...(p.column === undefined ? {} : { column: p.column }),
            message: p.message,
          });
          Object.assign(route, routeFromHostsFile(registry, { hosts: [] }, dd, checks));
        } else {
          Object.assign(route, routeFromHostsFile(registry, p.file, dd, checks));
        }
        routes.push(route);
      }
      for (const f of files) {
        const ns = f.slice(0, f.indexOf('/'));
        if (!seen.has(ns)) seen.set(ns, d.path);
      }
    }
  } else {
    for (const [registry, endpoints] of Object.entries(config.cri.mirrors)) {
      routes.push({
        registry,
        source: 'legacy-mirrors',
        file: CONTAINERD_FILES.config,
        ...routeFromLegacyMirrors(registry, endpoints, dd, checks, parseEntryUrl),
      });
    }
  }
  return routes;
}

async function readEnv(b: BundleReader): Promise<{ vars: Record<string, string> }> {
  const t = await b.text(CONTAINERD_FILES.env);
  let env = t === undefined ? new Map<string, EnvValue>() : parseEnvLines(t, CONTAINERD_FILES.env);
  if (t === undefined) {
    // no process environment: the drop-ins say what the next start will get (in systemd's order: by name)
    for (const path of (await b.list(CONTAINERD_FILES.systemd)).sort())
      env = parseSystemdEnvironment((await b.text(path)) ?? '', path, env);
  }
  return { vars: Object.fromEntries([...env].map(([k, v]) => [k, v.value])) };
}

async function readLog(ctx: FactsContext): Promise<ContainerdFacts['log']> {
  const present = await ctx.bundle.text(CONTAINERD_FILES.journal);
  if (present === undefined) return null;
  const events: ContainerdLogEvent[] = [];
  let n = 0;
  let unrecognised = 0;
  let first: { line: number; text: string } | undefined;
  // a journal pasted into an issue: colour residue, logrus' terminal format, lost heads undone
  for (const line of normalizePastedLines(present.split('\n'), { logrus: true, knownMessages: HOST_MESSAGES })) {
    n++;
    const ev = parseContainerdLogLine(line, n);
    if (ev) events.push(ev);
    else if (line.trim() !== '' && !/\b(?:msg|level)=/.test(line)) {
      unrecognised++;
      first ??= { line: n, text: line };
    }
  }
  if (first) {
    ctx.problem({
      file: CONTAINERD_FILES.journal,
      line: first.line,
      message: `${unrecognised} of ${n} lines not recognised as containerd log lines (first: "${first.text.slice(0, 80)}")`,
    });
  }
  return { file: CONTAINERD_FILES.journal, events };
}

function withLoggedDecompressor(d: Decompression | null, log: ContainerdFacts['log']): Decompression | null {
  const ev = log?.events.findLast((e) => e.kind === 'decompressor-used' && e.tool !== undefined);
  if (!d || !ev || !log) return d;
  return { ...d, logged: { tool: ev.tool!, file: log.file, line: ev.line } };
}

async function readDecompression(
  ctx: FactsContext,
  env: Record<string, string>,
  pk: ContainerdVersionPicker,
): Promise<Decompression | null> {
  const t = await ctx.bundle.text(CONTAINERD_FILES.decompressors);
  if (t === undefined) return null;
  let d: { unpigz?: string | null; igzip?: string | null; pathFrom?: string };
  try {
    const v = JSON.parse(t) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    d = v as typeof d;
  } catch (e) {
    ctx.problem({ file: CONTAINERD_FILES.decompressors, message: `unreadable: ${(e as Error).message}` });
    return null;
  }
  const disabledBy: string[] = [];
  const pigzOff = goParseBoolTrue(env.CONTAINERD_DISABLE_PIGZ);
  const igzipOff = goParseBoolTrue(env.CONTAINERD_DISABLE_IGZIP);
  if (pigzOff) disabledBy.push(`CONTAINERD_DISABLE_PIGZ=${env.CONTAINERD_DISABLE_PIGZ}`);
  if (igzipOff) disabledBy.push(`CONTAINERD_DISABLE_IGZIP=${env.CONTAINERD_DISABLE_IGZIP}`);
  const unpigz = typeof d.unpigz === 'string' ? d.unpigz : null;
  const igzip = typeof d.igzip === 'string' ? d.igzip : null;
  // igzip is tried first from 2.0 on; 1.x knows only unpigz
  const tools = pk.value(gzipDecompressors, (t) => `containerd tries ${t.join(', then ')} for gzip`) ?? [];
  const igzipUsable = igzip !== null && !igzipOff && tools.includes('igzip');
  const effective = igzipUsable ? 'igzip' : unpigz !== null && !pigzOff ? 'unpigz' : 'go-stdlib';
  return {
    unpigz,
    igzip,
    disabledBy,
    effective,
    pathFrom: d.pathFrom === 'process' || d.pathFrom === 'default' ? d.pathFrom : 'unknown',
  };
}

const DOCKER_ALIASES = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com'];

function findMisconfigs(a: {
  criPlugin: { status: string; line: number } | null;
  configValid: boolean;
  config: ContainerdConfig;
  configPath: string[];
  configPathFrom: ContainerdFacts['configPathFrom'];
  dflt: DefaultConfigPath;
  pull: PullMode;
  pk: ContainerdVersionPicker;
  hostsDirs: HostsDir[];
  routes: RegistryRoute[];
  dd: { endpoints: DfdaemonEndpoints; present: boolean } | null;
  listeners: Listener[] | null;
  log: ContainerdFacts['log'];
  misconfigs: Misconfig[];
  file: string | null;
}): void {
  const { config, configPath, hostsDirs, routes, misconfigs: out } = a;
  const cfgFile = a.file ?? CONTAINERD_FILES.config;
  const legacy = Object.keys(config.cri.mirrors);
  const tlsRefused =
    config.cri.configsTls.length > 0 &&
    a.pk.value(configsTlsWithConfigPath, (v) => `registry.configs.*.tls next to config_path is ${v}`) === 'refused';
  const plugin =
    a.criPlugin?.status === 'error'
      ? ` — confirmed: \`ctr plugins ls\` shows it in error (${CONTAINERD_FILES.plugins}:${a.criPlugin.line})`
      : '';
  const isDefault =
    a.dflt.kind !== 'none' && (a.configPathFrom === 'default' || configPath.join(':') === a.dflt.dirs.join(':'));
  if (legacy.length > 0 && a.dflt.kind === 'in-defaults' && isDefault) {
    out.push({
      kind: 'mirrors-refused',
      message: `containerd ${a.pk.version ? `${a.pk.version.major}.${a.pk.version.minor}.${a.pk.version.patch}` : ''} sets config_path = "${a.dflt.dirs.join(':')}" by default and then refuses registry.mirrors (${legacy.join(', ')}): "invalid cri image config: \`mirrors\` cannot be set when \`config_path\` is provided" — the CRI images plugin does not load, so the kubelet cannot pull through this containerd at all (2.2.0–2.2.1 only; fixed in 2.2.2)${plugin}`,
      file: cfgFile,
    });
  } else if (configPath.length > 0 && (legacy.length > 0 || tlsRefused)) {
    out.push({
      kind: 'legacy-with-config-path',
      message: `config_path and registry.${legacy.length > 0 ? `mirrors (${legacy.join(', ')})` : 'configs.*.tls'} are both set: containerd rejects the CRI config ("\`${legacy.length > 0 ? 'mirrors' : 'configs.tls'}\` cannot be set when \`config_path\` is provided"), so the CRI plugin does not load${plugin}`,
      file: cfgFile,
    });
  }
  // 2.1+ transfer-service pulls pass config_path on as one path: a list finds no hosts.toml at all
  // only where hosts.toml files wait to be used: a stock 2.2 node without any has lost nothing
  if (
    a.pull.mode === 'transfer' &&
    configPath.length > 1 &&
    routes.some((r) => r.source === 'hosts.toml') &&
    a.pk.value(transferConfigPathList) === 'single-path'
  ) {
    out.push({
      kind: 'config-path-list-transfer',
      message: `config_path = "${configPath.join(':')}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''} lists ${configPath.length} directories, but CRI pulls here go through the transfer service, which does not split the list (containerd#12415, #12636): it looks for "${configPath.join(':')}/<registry>/hosts.toml", finds none, and pulls from the registry directly — no hosts.toml in these directories is used`,
      file: cfgFile,
    });
  }
  const stray = hostsDirs.filter((d) => !d.inConfigPath);
  // with the CRI plugin refused, where hosts.toml files sit makes no difference yet
  if (out.some((m) => m.kind === 'mirrors-refused')) return;
  const cpText = `config_path = "${configPath.join(':')}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''}`;
  // an empty hosts directory (containerd's default or one a node bootstrapper such as EKS nodeadm sets) is a
  // stock node: a finding only when dfdaemon waits for pulls or a hosts.toml sits where containerd does not look
  if (configPath.length > 0 && routes.length === 0 && (stray.length > 0 || (a.dd?.present && a.configValid))) {
    out.push({
      kind: stray.length > 0 ? 'wrong-dir' : 'config-path-without-hosts',
      message:
        stray.length > 0
          ? `${cpText} holds no hosts.toml, but ${stray.map((s) => s.path).join(', ')} does — containerd never reads it`
          : `${cpText} holds no <registry>/hosts.toml: every pull goes to the registry directly`,
      file: cfgFile,
    });
  } else if (stray.length > 0) {
    out.push({
      kind: 'wrong-dir',
      message: `hosts.toml files under ${stray.map((s) => s.path).join(', ')}, which is not in config_path (${configPath.length > 0 ? configPath.join(':') : 'unset'}): containerd ignores them`,
      ...(stray[0] ? { file: stray[0].bundleDir } : {}),
    });
  }
  if (configPath.length === 0 && legacy.length === 0 && a.dd?.present && a.configValid) {
    out.push({
      kind: 'no-routing',
      message: `neither config_path nor registry.mirrors is set${a.pk.version ? '' : " (and containerd's version is unknown: ≥ 2.2.0 would default config_path to /etc/containerd/certs.d:/etc/docker/certs.d)"}: containerd pulls every image straight from its registry, never through dfdaemon`,
      file: cfgFile,
    });
  }
  const names = routes.map((r) => r.registry);
  const hasDocker = names.includes('docker.io') || names.includes('_default');
  for (const r of routes) {
    if (DOCKER_ALIASES.includes(r.registry) && !hasDocker) {
      out.push({
        kind: 'wrong-name',
        registry: r.registry,
        message: `hosts.toml is keyed on "${r.registry}", but containerd looks up Docker Hub images under "docker.io": the mirror is never used for them`,
        ...(r.file ? { file: r.file } : {}),
      });
    }
    if (r.rejected?.unread) {
      out.push({
        kind: 'default-dir-unread',
        registry: r.registry,
        message: `${r.nodeFile ?? r.file} is never read: ${r.rejected.message}; every registry without a directory of its own is pulled directly`,
        ...(r.file ? { file: r.file } : {}),
      });
      continue;
    }
    if (r.rejected) {
      out.push({
        kind: 'rejected',
        registry: r.registry,
        message: `containerd ignores ${r.nodeFile ?? r.file} (${r.rejected.message}) and pulls from the registry directly`,
        ...(r.file ? { file: r.file } : {}),
        ...(r.rejected.line === undefined ? {} : { line: r.rejected.line }),
      });
      continue;
    }
    if (r.shadowedBy !== undefined) {
      out.push({
        kind: 'shadowed',
        registry: r.registry,
        message: `${r.nodeFile} is never read: ${r.shadowedBy} comes first in config_path and already matches ${r.registry} (containerd stops at the first directory with a match, _default included)`,
        ...(r.file ? { file: r.file } : {}),
      });
      continue;
    }
    const first = r.hosts[0];
    if (!first || first.role === 'origin') continue;
    const at = {
      ...(r.file ? { file: r.file } : {}),
      ...(first.line === undefined ? {} : { line: first.line }),
      registry: r.registry,
    };
    if (first.dfdaemonWrongPort) {
      out.push({
        kind: 'wrong-port',
        message: `${first.url} is dfdaemon's ${first.dfdaemonWrongPort} port, not its proxy port (${a.dd?.endpoints.proxyPorts.join('/')})`,
        ...at,
      });
    }
    if (!first.capabilities.includes('pull')) {
      out.push({
        kind: 'no-pull-capability',
        message: `${first.url} lacks the "pull" capability: containerd never fetches blobs from it`,
        ...at,
      });
    }
    // an https check that got an HTTP answer proves the proxy does serve TLS here
    if (
      first.isDfdaemon &&
      first.scheme === 'https' &&
      !(first.check?.tcp === 'open' && first.check.v2Status !== null)
    ) {
      out.push({
        kind: 'scheme',
        message: `${first.url} uses https, but dfdaemon's proxy speaks plain HTTP unless configured for TLS (a host without a scheme means https to containerd): write http://${hostPort(first.host, first.port)}`,
        ...at,
      });
    }
    const c = first.check;
    // a timeout is dropped traffic (mirror-fallback, netfilter), not a missing listener
    if (c && c.tcp === 'refused') {
      out.push({
        kind: 'not-listening',
        message: `nothing listens on ${hostPort(first.host, first.port)} (TCP connect refused${c.connectMs === null ? '' : ` in ${c.connectMs.toFixed(1)} ms`}, ${CONTAINERD_FILES.mirrorCheck})`,
        ...at,
      });
    } else if (
      !c &&
      a.listeners &&
      isLoopbackHost(first.host) &&
      !a.listeners.some(
        (l) => l.port === first.port && listenerAccepts(l, first.host === 'localhost' ? '127.0.0.1' : first.host),
      )
    ) {
      out.push({
        kind: 'not-listening',
        message: `no listener on ${hostPort(first.host, first.port)} in ${CONTAINERD_FILES.listeners}`,
        ...at,
      });
    }
  }
  // a dfdaemon is here but no registry route starts at it
  if (
    a.dd?.present &&
    routes.length > 0 &&
    !routes.some((r) => r.hosts[0]?.check?.tcp === 'timeout') &&
    !routes.some((r) => r.firstIsDfdaemon && !r.rejected && r.shadowedBy === undefined)
  ) {
    if (
      !out.some(
        (m) =>
          m.kind === 'not-listening' || m.kind === 'wrong-port' || m.kind === 'rejected' || m.kind === 'wrong-name',
      )
    ) {
      out.push({
        kind: 'no-routing',
        message: `no registry's first host is dfdaemon's proxy (port ${a.dd.endpoints.proxyPorts.join('/')}; ${a.dd.endpoints.source})`,
        ...(routes[0]?.file ? { file: routes[0].file } : {}),
      });
    }
  }
  for (const ev of a.log?.events ?? []) {
    if (ev.kind === 'hosts-toml-decode' && !out.some((m) => m.kind === 'rejected')) {
      out.push({
        kind: 'rejected',
        message: `containerd logged "${ev.msg}"${ev.error ? ` (${ev.error})` : ''}: that file is ignored`,
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
    if (
      ev.kind === 'mirrors-with-config-path' &&
      !out.some((m) => m.kind === 'legacy-with-config-path' || m.kind === 'mirrors-refused')
    ) {
      out.push({
        kind: 'legacy-with-config-path',
        message:
          'containerd logged "`mirrors` cannot be set when `config_path` is provided": the CRI plugin did not load',
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
  }
}
