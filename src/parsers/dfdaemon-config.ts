// dfget.yaml (Go dfdaemon) and dfdaemon.yaml (Rust client) → the settings that bear on pull speed,
// with each generation's code defaults applied where a key is absent. Key names and defaults that
// change by release come from src/knowledge/ (dfdaemon-go.ts, dfdaemon-rust.ts) with their sources.
import { GO_LOG_SUBDIR, GO_VIPER_FOLDS_LIST_ITEMS } from '../knowledge/dfdaemon-go.js';
import { parseRelease, pick } from '../knowledge/versioned.js';
import { goConfig } from './dfdaemon-config-go.js';
import { goTopLevel } from './dfdaemon-config-go-top.js';
import { rustConfig } from './dfdaemon-config-rust.js';
import { readYamlSettings, type ConfigProblem, type KeyMatch, type Setting } from './yaml-settings.js';

export type { Setting } from './yaml-settings.js';
export type Generation = 'go' | 'rust';

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
  /** Rust from v1.4.1: requests per second the proxy admits before answering 429. */
  proxyRequestRateLimit?: Setting<number>;
  defaultFilter?: Setting<string>;
  ports: {
    proxy?: Setting<number>;
    metrics?: Setting<number>;
    upload?: Setting<number>;
    health?: Setting<number>;
    grpc?: Setting<number>;
  };
  /**
   * Go: the listeners whose port the file leaves open (`ports.<role>` is then absent): a proxy with no port
   * is not served at all, another listener given port 0 binds a port the kernel picks.
   */
  unfixedPorts?: {
    proxy?: Setting<'not served (no port)'>;
    upload?: Setting<'a port the kernel picks'>;
    grpc?: Setting<'a port the kernel picks'>;
    health?: Setting<'a port the kernel picks'>;
  };
  /**
   * Go: the listeners given a port range (`port: {start: 65001, end: 65010}`, end above start); their
   * `ports.<role>` is the start. The daemon binds the first port of the range it can (v2.1.49
   * pkg/rpc/server_listen.go:54-68), skipping those another process holds: only its listeners show which.
   */
  portRanges?: {
    proxy?: { start: number; end: number };
    upload?: { start: number; end: number };
    grpc?: { start: number; end: number };
    health?: { start: number; end: number };
  };
  /**
   * Go: `proxy:` names a file the daemon reads its proxy's options from (v2.1.49 client/config/peerhost.go:411-425):
   * the proxy's port, rules and registry mirror in this config are then unknown, not unset.
   */
  proxyOptionsFile?: string;
  /** Go `metrics:` address; empty means no metrics server. */
  metricsAddr?: Setting<string>;
  /** Go up to v2.2.3: DEBUG lines on. */
  verbose?: Setting<boolean>;
  /** Go from v2.2.4 (replaces `verbose`): debug, info, warn or error, case-insensitive; anything else is info. */
  logLevel?: Setting<string>;
  console?: Setting<boolean>;
  /** Go `logDir`: the parent of the directory the daemon logs to (`<logDir>/daemon/core.log`). Rust has no such key (`--log-dir` is a flag). */
  logDir?: Setting<string>;
}

/** The directory the Go daemon writes core.log to, for its `logDir` (internal/dflog/loginit.go:101). */
export function goDaemonLogDir(logDir: string): string {
  return `${logDir.replace(/\/+$/, '')}/${GO_LOG_SUBDIR}`;
}

export type ConfigResult =
  { ok: true; config: DfdaemonConfig; problems: ConfigProblem[] } | { ok: false; problems: ConfigProblem[] };

/**
 * Parses a dfdaemon config; `generation` from the file name or detection. The daemon's `version`, when
 * known, picks the keys and defaults of its release (Rust: limits and timeouts; Go: the log-level key).
 */
export function parseDfdaemonConfig(text: string, generation: Generation, version?: string): ConfigResult {
  // the Go daemon reads its file through viper, which matches keys whatever their case; serde does not
  const read = readYamlSettings(text, generation === 'go' ? goKeyMatch(version) : undefined);
  if (!read.ok) return read;
  const { reader } = read;
  if (generation === 'go') {
    const top = goTopLevel(read.topKeys);
    if (top.readsNothing) return { ok: false, problems: top.problems };
    const config = goConfig(reader, version);
    return { ok: true, config, problems: [...top.problems, ...reader.problems] };
  }
  return { ok: true, config: rustConfig(reader, version), problems: reader.problems };
}

/** How viper matches the keys of this release's dfget.yaml (the newest release's way when the release is unknown). */
function goKeyMatch(version: string | undefined): KeyMatch {
  const p = pick(GO_VIPER_FOLDS_LIST_ITEMS, version ? parseRelease(version) : null);
  return { fold: true, inLists: p.kind === 'none' ? true : p.value };
}

/** Which generation a config text belongs to, from keys only one of them has. */
export function detectConfigGeneration(text: string): Generation | null {
  if (
    // any case: viper reads `DataDir:` as `dataDir:` (see goKeyMatch)
    /^\s*(dataDir|keepStorage|workHome|aliveTime|gcInterval)\s*:/im.test(text) ||
    /^\s*(totalRateLimit|perPeerRateLimit|calculateDigest|proxies)\s*:/im.test(text)
  )
    return 'go';
  if (
    /^\s*(bandwidthLimit|concurrentPieceCount|readBufferSize|rules)\s*:/m.test(text) ||
    /^\s*server\s*:\s*$/m.test(text)
  )
    return 'rust';
  return null;
}
