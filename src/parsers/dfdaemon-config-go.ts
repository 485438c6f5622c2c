// dfget.yaml, the Go dfdaemon's config: the keys that bear on pull speed, with the code's defaults
// (dragonflyoss/dragonfly client/config/peerhost.go and peerhost_linux.go) where a key is absent.
import { parseByteSize } from './byte-size.js';
import { parseGoDuration } from './go-duration.js';
import type { DfdaemonConfig, ProxyRule } from './dfdaemon-config-types.js';
import {
  GO_CALCULATE_DIGEST_DEFAULT,
  GO_DATA_DIR_DEFAULT,
  GO_DEBUG_SWITCH,
  GO_DISK_GC_PERCENT_DEFAULT,
  GO_KEYS,
  GO_RATE_LIMIT_DEFAULTS,
  GO_TASK_EXPIRE_DEFAULT,
} from '../knowledge/dfdaemon-go.js';
import {
  compareRelease,
  parseRelease,
  pick,
  type Release,
  type VersionedEntry,
  type VersionedFact,
} from '../knowledge/versioned.js';
import { bool, num, type Setting, str, type Convert, type SettingsReader } from './yaml-settings.js';

/** docker/go-units RAMInBytes (binary units, as Go's util.RateLimit uses): "1024Mi", "2MiB", "512m". */
export const parseGoBytes: Convert<number> = (v) => parseByteSize(v, 'always');

/** Dragonfly's util.Duration: a time.ParseDuration string, or an integer of nanoseconds. */
export const goConfigSeconds: Convert<number> = (v) => {
  if (typeof v === 'number') return v / 1e9;
  if (typeof v !== 'string') return undefined;
  const ms = parseGoDuration(v.trim());
  return ms === null ? undefined : ms / 1000;
};

/**
 * A port, or the `start` of a port range (`port: {start: 65001, end: 65010}`): the daemon tries each port from
 * start to end and keeps the first it can bind (v2.1.49 pkg/rpc/server_listen.go:44-70; v2.0.0 :42-61), so the
 * start is the port it holds unless another process had it; the range is kept beside it (`portRanges`).
 */
const port: Convert<number> = (v) => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'start' in v && typeof (v as { start: unknown }).start === 'number')
    return (v as { start: number }).start;
  return undefined;
};

type Listens = NonNullable<DfdaemonConfig['unfixedPorts']>;
type PortRange = NonNullable<NonNullable<DfdaemonConfig['portRanges']>['proxy']>;

/**
 * The `end` of a port range. TCPListenPortRange takes `end` beside `start` (v2.1.49
 * client/config/peerhost.go:576-607), and ListenWithPortRange reads an end below the start, or none (0), as the
 * start alone (v2.1.49 pkg/rpc/server_listen.go:50-52; v2.0.0 :43-45; v2.3.4 :50-52).
 */
function rangeEnd(v: unknown): number | undefined {
  if (!v || typeof v !== 'object' || !('end' in v)) return undefined;
  const end = (v as { end: unknown }).end;
  return typeof end === 'number' && Number.isInteger(end) ? end : undefined;
}

/**
 * A listener's port, or why it has none fixed. A port of 0 (or a range starting at 0) makes
 * ListenWithPortRange(ip, 0, 0) bind a port the kernel picks (v2.1.49 pkg/rpc/server_listen.go:43, v2.0.0 :41
 * "random port"). A null or absent port keeps the code's default range (viper's AllSettings drops null
 * values), and the proxy has none: its options are decoded afresh from the file's `proxy` map
 * (v2.1.49 cmd/dependency/dependency.go:241 hook on *config.ProxyOption; client/config/peerhost.go:457-470
 * into a zero struct) and peerhost_linux.go:133-134 gives `PortRange: TCPListenPortRange{}` — and a proxy
 * whose port range starts at 0 is not served at all: IsEnabled() is `TCPListen != nil &&
 * PortRange.Start != 0` (v2.1.49 client/daemon/proxy/proxy_manager.go:158-160, the same at v2.0.0 :135-137
 * and v2.3.4 :153-155), checked before the proxy listens (v2.1.49 client/daemon/daemon.go:666).
 */
function listenPort<K extends keyof Listens>(
  r: SettingsReader,
  key: string,
  codeDefault: number | undefined,
  none: NonNullable<Listens[K]>['value'],
): { port: Setting<number>; range?: PortRange } | { unfixed: NonNullable<Listens[K]> } {
  const s = r.get([key], port, codeDefault ?? 0, 'a port');
  if (s.value > 0) {
    const end = rangeEnd(r.raw(key));
    return end !== undefined && end > s.value ? { port: s, range: { start: s.value, end } } : { port: s };
  }
  const line = r.lineOf(r.node(key));
  const unfixed = {
    value: none,
    from: r.raw(key) === undefined ? 'default' : 'config',
    key,
    ...(line ? { line } : {}),
  };
  return { unfixed: unfixed as NonNullable<Listens[K]> };
}

function portOf(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * The log-level key(s) to read: the release's own when the version is known (the other one, if set,
 * is reported as not read), else both.
 */
function debugSwitchKeys(r: SettingsReader, version: string | undefined): { verbose: boolean; logLevel: boolean } {
  const sw = pick(GO_DEBUG_SWITCH, version ? parseRelease(version) : null);
  if (sw.kind !== 'known') return { verbose: true, logLevel: true };
  const other = sw.value.key === 'verbose' ? 'logLevel' : 'verbose';
  r.notRead(
    other,
    `not read by ${version} (${sw.value.key === 'logLevel' ? 'from v2.2.4 the daemon reads logLevel; verbose was removed, dragonflyoss/dragonfly #4157' : 'logLevel is read from v2.2.4; this release reads verbose'})`,
  );
  return { verbose: sw.value.key === 'verbose', logLevel: sw.value.key === 'logLevel' };
}

/**
 * A path the daemon takes only when it is not empty: `dataDir: ''` and `logDir: ''` leave dfpath's defaults
 * (v2.1.0 cmd/dfget/cmd/daemon.go:119-133 `if cfg.LogDir != ""`, `if cfg.DataDir != ""`; v2.1.49 :124, :136;
 * v2.0.2 :135). Not so in v2.0.0–v2.0.1, where an empty dataDir is made absolute against the daemon's working
 * directory (v2.0.1 client/daemon/storage/storage_manager.go:131-136), which no file shows: the release's
 * default is kept there too.
 */
function unlessEmpty(s: Setting<string>, dflt: string): Setting<string> {
  return s.from === 'config' && s.value === '' ? { value: dflt, from: 'default', key: s.key } : s;
}

/** The code's calculateDigest for a file that leaves it out, by release (the newest's when unknown). */
function calculateDigestDefault(version: string | undefined): boolean {
  const p = pick(GO_CALCULATE_DIGEST_DEFAULT, version ? parseRelease(version) : null);
  return p.kind === 'none' ? false : p.value;
}

/**
 * The keys the known release does not read (GO_KEYS' from/to), each reported where the file sets it; the
 * log-level keys are GO_DEBUG_SWITCH's. With the release unknown, every key is read.
 */
function unreadKeys(r: SettingsReader, version: string | undefined): Set<string> {
  const rel = version ? parseRelease(version) : null;
  const out = new Set<string>();
  if (!rel) return out;
  for (const k of GO_KEYS) {
    if (k.key === 'verbose' || k.key === 'logLevel') continue;
    if (k.from !== undefined && compareRelease(rel, parseRelease(k.from) as Release) < 0) {
      r.notRead(k.key, `not read by ${version} (the key arrives in ${k.from}); taken as absent`);
      out.add(k.key);
    } else if (k.to !== undefined && compareRelease(rel, parseRelease(k.to) as Release) > 0) {
      r.notRead(k.key, `not read by ${version} (${k.to} is the last release that reads it); taken as absent`);
      out.add(k.key);
    }
  }
  return out;
}

/** The same reader, with the keys the release does not read (and what is under them) as if absent. */
function without(r: SettingsReader, keys: ReadonlySet<string>): SettingsReader {
  if (keys.size === 0) return r;
  const gone = (path: string) => [...keys].some((k) => path === k || path.startsWith(`${k}.`));
  return {
    get problems() {
      return r.problems;
    },
    node: (path) => (gone(path) ? undefined : r.node(path)),
    lineOf: (n) => r.lineOf(n),
    raw: (path) => (gone(path) ? undefined : r.raw(path)),
    get: (paths, conv, dflt, what) => {
      const kept = paths.filter((p) => !gone(p));
      return kept.length > 0
        ? r.get(kept, conv, dflt, what)
        : { value: dflt, from: 'default', key: paths[0] as string };
    },
    list: (path, item) => (gone(path) ? { value: [], from: 'default', key: path } : r.list(path, item)),
    notRead: (path, why) => r.notRead(path, why),
  };
}

/**
 * The code's default for a key the file leaves out, by release; the newest release's when the release is
 * unknown or outside the table (which then reads as a default, not as the release's).
 */
function byRelease<T>(fact: VersionedFact<T>, version: string | undefined): T {
  const p = pick(fact, version ? parseRelease(version) : null);
  if (p.kind !== 'none') return p.value;
  return (fact.entries[fact.assumeWhenUnknown] as VersionedEntry<T>).value;
}

/** Where a Go daemon of this release keeps its cache when its config sets no dataDir (the newest's when unknown). */
export function goDataDirDefault(version: string | undefined): string {
  return byRelease(GO_DATA_DIR_DEFAULT, version);
}

function lineAt(r: SettingsReader, path: string): { line?: number } {
  const line = r.lineOf(r.node(path));
  return line === undefined ? {} : { line };
}

export function goConfig(file: SettingsReader, version?: string): DfdaemonConfig {
  const unread = unreadKeys(file, version);
  const r = without(file, unread);
  const reads = debugSwitchKeys(r, version);
  const limits = byRelease(GO_RATE_LIMIT_DEFAULTS, version);
  // null before v2.0.2, which unreadKeys reported where the file sets it
  const gcPercent = byRelease(GO_DISK_GC_PERCENT_DEFAULT, version);
  const dataDir = goDataDirDefault(version);
  const proxyRules = r.list<ProxyRule>('proxy.proxies', (j, line) =>
    typeof j.regx === 'string' ? { regex: j.regx, direct: j.direct === true, ...(line ? { line } : {}) } : null,
  );
  const metricsAddr = r.get(['metrics'], str, '', 'an address');
  const proxyFile = r.raw('proxy');
  if (typeof proxyFile === 'string')
    r.problems.push({
      ...lineAt(r, 'proxy'),
      message: `proxy: the daemon reads its proxy's options from ${proxyFile} (v2.1.49 client/config/peerhost.go:411-425), which was not read: its port, rules and registry mirror are not known here`,
    });
  const listens: Listens = {};
  const ports: DfdaemonConfig['ports'] = {};
  const ranges: NonNullable<DfdaemonConfig['portRanges']> = {};
  const proxy =
    typeof proxyFile === 'string'
      ? null
      : listenPort<'proxy'>(r, 'proxy.tcpListen.port', undefined, 'not served (no port)');
  if (proxy && 'port' in proxy) {
    ports.proxy = proxy.port;
    if (proxy.range) ranges.proxy = proxy.range;
  } else if (proxy) listens.proxy = proxy.unfixed;
  const others = [
    ['upload', 'upload.tcpListen.port', 65002],
    ['grpc', 'download.peerGRPC.tcpListen.port', 65000],
    ['health', 'health.tcpListen.port', 40901],
  ] as const;
  for (const [role, key, dflt] of others) {
    // no health server before v2.0.2
    if (unread.has(key)) continue;
    const p = listenPort<typeof role>(r, key, dflt, 'a port the kernel picks');
    if ('port' in p) {
      ports[role] = p.port;
      if (p.range) ranges[role] = p.range;
    } else listens[role] = p.unfixed;
  }
  const mirrorUrl = r.raw('proxy.registryMirror.url');
  const cfg: DfdaemonConfig = {
    generation: 'go',
    downloadRateLimit: r.get(['download.totalRateLimit'], parseGoBytes, limits.total, 'a rate'),
    perPeerRateLimit: r.get(['download.perPeerRateLimit'], parseGoBytes, limits.perPeer, 'a rate'),
    uploadRateLimit: r.get(['upload.rateLimit'], parseGoBytes, limits.upload, 'a rate'),
    storageDir: unlessEmpty(r.get(['dataDir'], str, dataDir, 'a path'), dataDir),
    keepStorage: r.get(['keepStorage'], bool, false, 'a boolean'),
    multiplex: r.get(['storage.multiplex'], bool, false, 'a boolean'),
    taskExpireSeconds: r.get(
      ['storage.taskExpireTime'],
      goConfigSeconds,
      byRelease(GO_TASK_EXPIRE_DEFAULT, version),
      'a duration',
    ),
    ...(gcPercent === null
      ? {}
      : { gcHighThresholdPercent: r.get(['storage.diskGCThresholdPercent'], num, gcPercent, 'a percentage') }),
    calculateDigest: r.get(['download.calculateDigest'], bool, calculateDigestDefault(version), 'a boolean'),
    scheduleTimeoutSeconds: r.get(['scheduler.scheduleTimeout'], goConfigSeconds, 300, 'a duration'),
    disableAutoBackSource: r.get(['scheduler.disableAutoBackSource'], bool, false, 'a boolean'),
    pieceTimeoutSeconds: r.get(['download.pieceDownloadTimeout'], goConfigSeconds, 30, 'a duration'),
    proxyRules,
    ...(mirrorUrl === undefined || mirrorUrl === null || mirrorUrl === ''
      ? {}
      : { registryMirror: r.get(['proxy.registryMirror.url'], str, '', 'a URL') }),
    registryMirrorDynamic: r.get(['proxy.registryMirror.dynamic'], bool, false, 'a boolean'),
    registryMirrorUseProxies: r.get(['proxy.registryMirror.useProxies'], bool, false, 'a boolean'),
    registryMirrorDirect: r.get(['proxy.registryMirror.direct'], bool, false, 'a boolean'),
    prefetch: r.get(['download.prefetch'], bool, false, 'a boolean'),
    proxyMaxConcurrency: r.get(['proxy.maxConcurrency'], num, 0, 'a number'),
    defaultFilter: r.get(['proxy.defaultFilter'], str, '', 'a filter'),
    ports,
    ...(Object.keys(listens).length > 0 ? { unfixedPorts: listens } : {}),
    ...(Object.keys(ranges).length > 0 ? { portRanges: ranges } : {}),
    ...(typeof proxyFile === 'string' ? { proxyOptionsFile: proxyFile } : {}),
    metricsAddr,
    ...(reads.verbose ? { verbose: r.get(['verbose'], bool, false, 'a boolean') } : {}),
    ...(reads.logLevel ? { logLevel: r.get(['logLevel'], str, 'info', 'a log level') } : {}),
    console: r.get(['console'], bool, false, 'a boolean'),
    logDir: unlessEmpty(r.get(['logDir'], str, '/var/log/dragonfly', 'a path'), '/var/log/dragonfly'),
  };
  const mp = portOf(metricsAddr.value);
  if (mp !== undefined)
    cfg.ports.metrics = {
      value: mp,
      from: metricsAddr.from,
      key: 'metrics',
      ...(metricsAddr.line ? { line: metricsAddr.line } : {}),
    };
  return cfg;
}
