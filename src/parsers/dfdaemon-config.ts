// dfget.yaml (Go dfdaemon) and dfdaemon.yaml (Rust client) → the settings that bear on pull speed,
// with each generation's code defaults applied where a key is absent. Key names and defaults that
// change by release come from src/knowledge/ (dfdaemon-go.ts, dfdaemon-rust.ts) with their sources.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { GO_LOG_SUBDIR } from '../knowledge/dfdaemon-go.js';
import {
  RUST_BACK_TO_SOURCE_DEFAULT,
  RUST_CONCURRENT_PIECES,
  RUST_PIECE_TIMEOUT,
  RUST_PROXY_READ_BUFFER,
  RUST_RATE_DEFAULT,
  RUST_RATE_KEY,
  RUST_SCHEDULE_TIMEOUT,
  RUST_STORAGE_READ_BUFFER,
  RUST_TASK_TTL,
} from '../knowledge/dfdaemon-rust.js';
import { parseRelease, pick, type Release, type VersionedFact } from '../knowledge/versioned.js';

export type Generation = 'go' | 'rust';

export interface Setting<T> {
  value: T;
  /** Where the value came from: the file (with its key path and line) or the generation's code default. */
  from: 'config' | 'default';
  key: string;
  line?: number;
}

export interface ProxyRule {
  regex: string;
  direct: boolean;
  line?: number;
}

export interface DfdaemonConfig {
  generation: Generation;
  /**
   * Rust only: the release whose key names and defaults were applied — the detected version, or, when
   * none was detected, the one assumed from the keys the file uses (the newest otherwise), and why.
   */
  rustDefaults?: { version: string; assumed: false } | { version: string; assumed: true; why: string };
  /** Rust only: the name the limits are read under (`rateLimit` until v1.2.7, `bandwidthLimit` from v1.2.8). */
  rateKey?: 'rateLimit' | 'bandwidthLimit';
  downloadRateLimit: Setting<number>;
  perPeerRateLimit?: Setting<number>;
  uploadRateLimit: Setting<number>;
  backToSourceRateLimit?: Setting<number>;
  storageDir: Setting<string>;
  keepStorage: Setting<boolean>;
  multiplex?: Setting<boolean>;
  taskExpireSeconds?: Setting<number>;
  gcHighThresholdPercent?: Setting<number>;
  calculateDigest?: Setting<boolean>;
  scheduleTimeoutSeconds: Setting<number>;
  disableAutoBackSource?: Setting<boolean>;
  pieceTimeoutSeconds: Setting<number>;
  concurrentPieceCount?: Setting<number>;
  proxyRules: Setting<ProxyRule[]>;
  /** Go: absent when unset (the code has no default: the mirror feature is then off); Rust: `addr`, defaulted. */
  registryMirror?: Setting<string>;
  registryMirrorDynamic?: Setting<boolean>;
  /** Go: only with this true do `proxies` decide what a registry-mirror request does (v2.0.2+). */
  registryMirrorUseProxies?: Setting<boolean>;
  /** Go: every registry-mirror request goes straight to the registry. */
  registryMirrorDirect?: Setting<boolean>;
  prefetch: Setting<boolean>;
  proxyReadBufferSize?: Setting<number>;
  storageReadBufferSize?: Setting<number>;
  proxyMaxConcurrency?: Setting<number>;
  defaultFilter?: Setting<string>;
  ports: {
    proxy?: Setting<number>;
    metrics?: Setting<number>;
    upload?: Setting<number>;
    health?: Setting<number>;
    grpc?: Setting<number>;
  };
  /** Go `metrics:` address; empty means no metrics server. */
  metricsAddr?: Setting<string>;
  verbose?: Setting<boolean>;
  console?: Setting<boolean>;
  /** Go `logDir`: the parent of the directory the daemon logs to (`<logDir>/daemon/core.log`). Rust has no such key (`--log-dir` is a flag). */
  logDir?: Setting<string>;
}

/** The directory the Go daemon writes core.log to, for its `logDir` (internal/dflog/loginit.go:101). */
export function goDaemonLogDir(logDir: string): string {
  return `${logDir.replace(/\/+$/, '')}/${GO_LOG_SUBDIR}`;
}

export interface ConfigProblem {
  line?: number;
  column?: number;
  message: string;
}

export type ConfigResult =
  { ok: true; config: DfdaemonConfig; problems: ConfigProblem[] } | { ok: false; problems: ConfigProblem[] };

const MiB = 1024 * 1024;

/** docker/go-units RAMInBytes (binary units, as Go's util.RateLimit uses): "1024Mi", "2MiB", "512m". */
export function parseGoBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i.exec(v);
  if (!m) return undefined;
  const pow = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** pow);
}

/** Rust bytesize ("50GB" = 50·10^9, "50GiB" = 50·2^30) or a plain integer. */
export function parseRustBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?)(b?)\s*$/i.exec(v);
  if (!m) return undefined;
  const pow = ' kmgtp'.indexOf((m[2] || ' ').toLowerCase());
  return Math.round(Number(m[1]) * (m[3] ? 1024 : 1000) ** pow);
}

/** Go time.ParseDuration / Rust humantime ("30s", "5m", "6h", "1h30m", "360s") → seconds. */
export function parseDurationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return v / 1e9; // Go durations as integers are nanoseconds
  if (typeof v !== 'string') return undefined;
  const re = /(\d+(?:\.\d+)?)\s*(ns|us|µs|ms|s|m|h|d|sec|min|hour|days?)/g;
  let total = 0;
  let matched = '';
  for (const m of v.matchAll(re)) {
    const n = Number(m[1]);
    const u = m[2] as string;
    const f: Record<string, number> = {
      ns: 1e-9,
      us: 1e-6,
      µs: 1e-6,
      ms: 1e-3,
      s: 1,
      sec: 1,
      m: 60,
      min: 60,
      h: 3600,
      hour: 3600,
      d: 86400,
      day: 86400,
      days: 86400,
    };
    total += n * (f[u] ?? 0);
    matched += m[0];
  }
  return matched.replace(/\s/g, '') === v.replace(/\s/g, '') && matched !== '' ? total : undefined;
}

function portOf(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}

/** Parses a dfdaemon config; `generation` from the file name or detection, `rustVersion` picks the Rust defaults. */
export function parseDfdaemonConfig(text: string, generation: Generation, rustVersion?: string): ConfigResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: true });
  const problems: ConfigProblem[] = [];
  for (const e of doc.errors) {
    const pos = e.linePos?.[0];
    problems.push({
      ...(pos ? { line: pos.line, column: pos.col } : {}),
      message: `invalid YAML: ${e.message.split('\n')[0]}`,
    });
  }
  if (doc.errors.length > 0) return { ok: false, problems };
  const root = doc.contents;
  if (root !== null && root !== undefined && !isMap(root)) {
    return { ok: false, problems: [{ line: 1, message: 'the config is not a YAML mapping' }] };
  }

  const lineOf = (n: Node | null | undefined): number | undefined =>
    n?.range ? lc.linePos(n.range[0]).line : undefined;
  const node = (path: string): Node | undefined => {
    const got = doc.getIn(path.split('.'), true) as Node | undefined;
    return got ?? undefined;
  };
  const raw = (path: string): unknown => {
    const n = node(path);
    if (n === undefined) return undefined;
    return isScalar(n) ? n.value : n.toJSON();
  };
  const get = <T>(paths: string[], conv: (v: unknown) => T | undefined, dflt: T, what: string): Setting<T> => {
    for (const p of paths) {
      const v = raw(p);
      if (v === undefined || v === null) continue;
      const c = conv(v);
      const line = lineOf(node(p));
      if (c === undefined) {
        problems.push({
          ...(line === undefined ? {} : { line }),
          message: `${p}: cannot read ${shown(v)} as ${what}; using the default`,
        });
        continue;
      }
      return { value: c, from: 'config', key: p, ...(line === undefined ? {} : { line }) };
    }
    return { value: dflt, from: 'default', key: paths[0] as string };
  };
  // a mapping may carry keys like `toString`: String() on it would throw, JSON never does here
  const shown = (v: unknown): string => {
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `"${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
  };
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined);
  const num = (v: unknown) =>
    typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
  const strv = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

  if (generation === 'go') {
    const rulesNode = node('proxy.proxies');
    const rules: ProxyRule[] = [];
    if (rulesNode && isSeq(rulesNode)) {
      for (const item of rulesNode.items) {
        const j = (item as Node).toJSON() as Record<string, unknown>;
        if (j && typeof j.regx === 'string')
          rules.push({
            regex: j.regx,
            direct: j.direct === true,
            ...(lineOf(item as Node) ? { line: lineOf(item as Node) as number } : {}),
          });
      }
    }
    const metricsAddr = get(['metrics'], strv, '', 'an address');
    // 65001: the deb/rpm dfget.yaml's and the Helm chart's value (the code's own is an empty port range)
    const proxyPort = get(
      ['proxy.tcpListen.port'],
      (v) => (typeof v === 'number' ? v : isPortRange(v)),
      65001,
      'a port',
    );
    const mirrorUrl = raw('proxy.registryMirror.url');
    const cfg: DfdaemonConfig = {
      generation,
      downloadRateLimit: get(['download.totalRateLimit'], parseGoBytes, 1024 * MiB, 'a rate'),
      perPeerRateLimit: get(['download.perPeerRateLimit'], parseGoBytes, 512 * MiB, 'a rate'),
      uploadRateLimit: get(['upload.rateLimit'], parseGoBytes, 1024 * MiB, 'a rate'),
      storageDir: get(['dataDir'], strv, '/var/lib/dragonfly', 'a path'),
      keepStorage: get(['keepStorage'], bool, false, 'a boolean'),
      multiplex: get(['storage.multiplex'], bool, false, 'a boolean'),
      taskExpireSeconds: get(['storage.taskExpireTime'], parseDurationSeconds, 6 * 3600, 'a duration'),
      gcHighThresholdPercent: get(['storage.diskGCThresholdPercent'], num, 95, 'a percentage'),
      calculateDigest: get(['download.calculateDigest'], bool, false, 'a boolean'),
      scheduleTimeoutSeconds: get(['scheduler.scheduleTimeout'], parseDurationSeconds, 300, 'a duration'),
      disableAutoBackSource: get(['scheduler.disableAutoBackSource'], bool, false, 'a boolean'),
      pieceTimeoutSeconds: get(['download.pieceDownloadTimeout'], parseDurationSeconds, 30, 'a duration'),
      proxyRules: rulesNode
        ? {
            value: rules,
            from: 'config',
            key: 'proxy.proxies',
            ...(lineOf(rulesNode) ? { line: lineOf(rulesNode) as number } : {}),
          }
        : { value: [], from: 'default', key: 'proxy.proxies' },
      ...(mirrorUrl === undefined || mirrorUrl === null || mirrorUrl === ''
        ? {}
        : { registryMirror: get(['proxy.registryMirror.url'], strv, '', 'a URL') }),
      registryMirrorDynamic: get(['proxy.registryMirror.dynamic'], bool, false, 'a boolean'),
      registryMirrorUseProxies: get(['proxy.registryMirror.useProxies'], bool, false, 'a boolean'),
      registryMirrorDirect: get(['proxy.registryMirror.direct'], bool, false, 'a boolean'),
      prefetch: get(['download.prefetch'], bool, false, 'a boolean'),
      proxyMaxConcurrency: get(['proxy.maxConcurrency'], num, 0, 'a number'),
      defaultFilter: get(['proxy.defaultFilter'], strv, '', 'a filter'),
      ports: {
        proxy: proxyPort,
        upload: get(['upload.tcpListen.port'], (v) => (typeof v === 'number' ? v : isPortRange(v)), 65002, 'a port'),
        grpc: get(
          ['download.peerGRPC.tcpListen.port'],
          (v) => (typeof v === 'number' ? v : isPortRange(v)),
          65000,
          'a port',
        ),
        health: get(['health.tcpListen.port'], (v) => (typeof v === 'number' ? v : isPortRange(v)), 40901, 'a port'),
      },
      metricsAddr,
      verbose: get(['verbose'], bool, false, 'a boolean'),
      console: get(['console'], bool, false, 'a boolean'),
      logDir: get(['logDir'], strv, '/var/log/dragonfly', 'a path'),
    };
    const mp = portOf(metricsAddr.value);
    if (mp !== undefined)
      cfg.ports.metrics = {
        value: mp,
        from: metricsAddr.from,
        key: 'metrics',
        ...(metricsAddr.line ? { line: metricsAddr.line } : {}),
      };
    return { ok: true, config: cfg, problems };
  }

  // Rust: key names and defaults by release. With no detected version, the keys the file uses decide
  // between the newest release and the last one that read `rateLimit` (v1.2.7); either is stated.
  const detected = rustVersion ? parseRelease(rustVersion) : null;
  const hasNewKeys = node('download.bandwidthLimit') !== undefined || node('upload.bandwidthLimit') !== undefined;
  const hasOldKeys = node('download.rateLimit') !== undefined || node('upload.rateLimit') !== undefined;
  let release: Release | null = detected;
  let rustDefaults: NonNullable<DfdaemonConfig['rustDefaults']>;
  if (detected && rustVersion) rustDefaults = { version: rustVersion, assumed: false };
  else if (hasOldKeys && !hasNewKeys) {
    release = parseRelease(RUST_RATE_KEY.entries[0]!.range.to as string);
    rustDefaults = {
      version: 'v1.2.7',
      assumed: true,
      why: 'the file uses download/upload.rateLimit, the key name up to v1.2.7',
    };
  } else rustDefaults = { version: 'newest known (v1.5.1)', assumed: true, why: 'the version is unknown' };
  const by = <T>(fact: VersionedFact<T>, fallback: T): T => {
    const p = pick(fact, release);
    return p.kind === 'none' ? fallback : p.value;
  };
  const rateKey = by(RUST_RATE_KEY, 'bandwidthLimit');
  const otherKey = rateKey === 'rateLimit' ? 'bandwidthLimit' : 'rateLimit';
  for (const side of ['download', 'upload']) {
    const n = node(`${side}.${otherKey}`);
    if (n !== undefined && detected) {
      const line = lineOf(n);
      problems.push({
        ...(line === undefined ? {} : { line }),
        message: `${side}.${otherKey}: not read by ${rustVersion} (it reads ${side}.${rateKey}); the default limit applies`,
      });
    }
  }
  const rateKeys = (side: string) =>
    detected ? [`${side}.${rateKey}`] : [`${side}.bandwidthLimit`, `${side}.rateLimit`];
  const backToSource = by(RUST_BACK_TO_SOURCE_DEFAULT, null);
  const rulesNode = node('proxy.rules');
  const rules: ProxyRule[] = [];
  if (rulesNode && isSeq(rulesNode)) {
    for (const item of rulesNode.items) {
      const j = (item as Node).toJSON() as Record<string, unknown>;
      if (j && typeof j.regex === 'string')
        rules.push({
          regex: j.regex,
          direct: false,
          ...(lineOf(item as Node) ? { line: lineOf(item as Node) as number } : {}),
        });
    }
  }
  const cfg: DfdaemonConfig = {
    generation,
    rustDefaults,
    rateKey,
    downloadRateLimit: get(rateKeys('download'), parseRustBytes, by(RUST_RATE_DEFAULT, 50e9), 'a byte rate'),
    uploadRateLimit: get(rateKeys('upload'), parseRustBytes, by(RUST_RATE_DEFAULT, 50e9), 'a byte rate'),
    ...(backToSource === null
      ? {}
      : {
          backToSourceRateLimit: get(
            ['download.backToSourceBandwidthLimit'],
            parseRustBytes,
            backToSource,
            'a byte rate',
          ),
        }),
    storageDir: get(['storage.dir'], strv, '/var/lib/dragonfly', 'a path'),
    keepStorage: get(['storage.keep'], bool, false, 'a boolean'),
    taskExpireSeconds: get(['gc.policy.taskTTL'], parseDurationSeconds, by(RUST_TASK_TTL, 30 * 86400), 'a duration'),
    gcHighThresholdPercent: get(
      ['gc.policy.diskHighThresholdPercent', 'gc.policy.distHighThresholdPercent'],
      num,
      80,
      'a percentage',
    ),
    scheduleTimeoutSeconds: get(
      ['scheduler.scheduleTimeout'],
      parseDurationSeconds,
      by(RUST_SCHEDULE_TIMEOUT, 3 * 3600),
      'a duration',
    ),
    pieceTimeoutSeconds: get(
      ['download.pieceTimeout'],
      parseDurationSeconds,
      by(RUST_PIECE_TIMEOUT, 360),
      'a duration',
    ),
    concurrentPieceCount: get(['download.concurrentPieceCount'], num, by(RUST_CONCURRENT_PIECES, 8), 'a number'),
    proxyRules: rulesNode
      ? {
          value: rules,
          from: 'config',
          key: 'proxy.rules',
          ...(lineOf(rulesNode) ? { line: lineOf(rulesNode) as number } : {}),
        }
      : { value: [], from: 'default', key: 'proxy.rules' },
    registryMirror: get(['proxy.registryMirror.addr'], strv, 'https://index.docker.io', 'a URL'),
    prefetch: get(['proxy.prefetch'], bool, false, 'a boolean'),
    proxyReadBufferSize: get(['proxy.readBufferSize'], num, by(RUST_PROXY_READ_BUFFER, 512 * 1024), 'a size'),
    storageReadBufferSize: get(['storage.readBufferSize'], num, by(RUST_STORAGE_READ_BUFFER, 512 * 1024), 'a size'),
    ports: {
      proxy: get(['proxy.server.port'], num, 4001, 'a port'),
      upload: get(['upload.server.port'], num, 4000, 'a port'),
      metrics: get(['metrics.server.port'], num, 4002, 'a port'),
      health: get(['health.server.port'], num, 4003, 'a port'),
    },
  };
  return { ok: true, config: cfg, problems };
}

function isPortRange(v: unknown): number | undefined {
  if (v && typeof v === 'object' && 'start' in v && typeof (v as { start: unknown }).start === 'number')
    return (v as { start: number }).start;
  return undefined;
}

/** Which generation a config text belongs to, from keys only one of them has. */
export function detectConfigGeneration(text: string): Generation | null {
  if (
    /^\s*(dataDir|keepStorage|workHome|aliveTime|gcInterval)\s*:/m.test(text) ||
    /^\s*(totalRateLimit|perPeerRateLimit|calculateDigest|proxies)\s*:/m.test(text)
  )
    return 'go';
  if (
    /^\s*(bandwidthLimit|concurrentPieceCount|readBufferSize|rules)\s*:/m.test(text) ||
    /^\s*server\s*:\s*$/m.test(text)
  )
    return 'rust';
  return null;
}
