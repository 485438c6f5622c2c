// The events and statistics of a dfdaemon log scan (dfdaemon-log.ts), shared by the scanner, the
// message tables and the timeline builder.

export type Layout = 'go-json' | 'go-console' | 'go-stdlog' | 'rust-compact' | 'rust-pretty';
export type Level = 'debug' | 'info' | 'warn' | 'error' | 'other';

/** What a recognised message means for the task it belongs to. */
export type EventKind =
  | 'proxy-p2p' // request sent through P2P (url)
  | 'proxy-direct' // request sent straight to the origin (url)
  | 'proxy-error'
  | 'proxy-rate-limited'
  | 'proxy-tls-refused' // the client refused the cert the proxy answered its CONNECT with (TLS alert)
  | 'proxy-upstream-error' // Go std-log: a hijacked HTTPS request failed at the registry, answered 502
  | 'daemon-version' // the daemon's start, with its release (Go: GitVersion; Rust: the announce's git_version)
  | 'proxy-hijack-dial-failed' // Go: the HTTPS hijack could not dial the registry, the client's connection closed
  | 'listen-failed' // Go: the daemon could not open a listener (its port taken) and exited: it is not running
  | 'proxy-body-cut' // Go std-log: a proxied body failed after the headers were sent, the client's response cut short
  | 'proxy-self-signed' // Rust: a CONNECT answered with a self-signed cert (no proxy.server.caCert)
  | 'proxy-not-http' // Rust: a client sent the plain-HTTP proxy port bytes that are no HTTP request (TLS: an https:// mirror)
  | 'task-start' // url
  | 'stream-ready' // Go: response headers ready (contentLength)
  | 'register-start'
  | 'register-ok'
  | 'register-failed'
  | 'schedule-timeout'
  | 'scheduler-error'
  | 'scheduler-check-retried' // Go v2.0.9–v2.2.1: a scheduler's IP failed its check; its host name is tried next (says nothing alone)
  | 'back-source'
  | 'sched-back-source' // the scheduler ordered this peer to the origin (Go Code_SchedNeedBackSource, Rust NeedBackToSourceResponse)
  | 'source-ok'
  | 'source-error'
  | 'remote-peer'
  | 'piece-remote'
  | 'piece-local'
  | 'piece-source'
  | 'piece-failed'
  | 'piece-store-failed' // Go: a piece that reached the daemon could not be written to its storage (disk, stream, digest)
  | 'local-start'
  | 'local-all'
  | 'source-all'
  | 'sched-all' // Rust: every piece came through the scheduler (parents, or the origin on its order): the task's end
  | 'reuse' // Go cache hit (contentLength, partial)
  | 'reuse-done' // Go file reuse cost
  | 'local-hit-announced'
  | 'task-done' // costMs
  | 'task-succeeded' // Rust: INFO until v1.4.0, DEBUG from v1.4.1
  | 'task-slow' // Rust v1.5 WARN "download task, cost: …, size: …"
  | 'task-failed'
  | 'digest-setting'
  | 'digest-failed'
  | 'digest-ok'
  | 'rate-limit-setting'
  | 'rate-limit-error'
  | 'mirror-disabled'; // Go: proxy.registryMirror.url unset, mirror requests answered 404

export interface LogEvent {
  kind: EventKind;
  file: string;
  line: number;
  layout: Layout;
  level: Level;
  /** ms since the epoch; zone-less Go timestamps are read as UTC (only differences matter). */
  tsMs: number | null;
  task?: string;
  peer?: string;
  url?: string;
  contentLength?: number;
  costMs?: number;
  value?: number | boolean;
  /** For `daemon-version`: the release the daemon says it is ("v2.1.0"). */
  release?: string;
  /** The message, clipped, for evidence. */
  text: string;
  /** The line in the node's file when the bundled log is a slice of it (set by the facts, not the scanner). */
  nodeLine?: number;
}

export interface ScanStats {
  lines: number;
  bytes: number;
  byLayout: Record<Layout, number>;
  /** Lines in none of the layouts (not counting blank lines and continuation lines). */
  unrecognised: number;
  unrecognisedSamples: { line: number; text: string }[];
  /** Lines older than the --since window. */
  beforeSince: number;
  errors: number;
  warnings: number;
  /** DEBUG lines: none means the log was written at INFO, where some messages never appear. */
  debugLines: number;
  firstTsMs: number | null;
  lastTsMs: number | null;
}

export function emptyStats(): ScanStats {
  return {
    lines: 0,
    bytes: 0,
    byLayout: { 'go-json': 0, 'go-console': 0, 'go-stdlog': 0, 'rust-compact': 0, 'rust-pretty': 0 },
    unrecognised: 0,
    unrecognisedSamples: [],
    beforeSince: 0,
    errors: 0,
    warnings: 0,
    debugLines: 0,
    firstTsMs: null,
    lastTsMs: null,
  };
}

/** The generation a layout belongs to. */
export function layoutGeneration(l: Layout): 'go' | 'rust' {
  return l.startsWith('go') ? 'go' : 'rust';
}
