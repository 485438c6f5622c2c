// Per-task timelines rebuilt from dfdaemon log events (see dfdaemon-log.ts). A "task" here is one
// download as the daemon ran it: Go keys lines by the request's peer id (a new one per proxied
// request), Rust by the download_task span's peer_id/task_id.

import type { EventKind, LogEvent } from './dfdaemon-log-types.js';

export type ServedBy = 'local' | 'remote-peer' | 'back-to-source' | 'mixed' | 'unknown';

export interface LineRef {
  file: string;
  line: number;
  text: string;
  tsMs: number | null;
  /** The line in the node's file, when the bundled log is a slice (dfdaemon-log-slices.ts). */
  nodeLine?: number;
}

export interface TaskTimeline {
  key: string;
  taskId?: string;
  peerId?: string;
  url?: string;
  /** sha256:… when the URL names a blob digest. */
  digest?: string;
  contentLength?: number;
  startMs: number | null;
  endMs: number | null;
  /** Total cost: logged by the daemon, derived from first/last timestamps, or unknown (Go stream cache hits log none). */
  costMs: number | null;
  costFrom: 'logged' | 'timestamps' | 'unknown';
  servedBy: ServedBy;
  /** The daemon said it served this from its cache (Go "reuse from peer task", Rust "…from local"). */
  reportedHit: boolean;
  pieces: { local: number; remote: number; source: number; failed: number };
  /** From "start to register" to "register task success"/failure. */
  registerWaitMs: number | null;
  /** The scheduler ordered this peer to the origin (Go "receive back source code", Rust "need back to source response"). */
  schedulerBackSource: boolean;
  /** From "start to register" to the scheduler's back-to-source order, when both lines carry a time. */
  backSourceOrderWaitMs: number | null;
  scheduleTimeout: boolean;
  backSourceReason?: string;
  digestFailures: LineRef[];
  /** Pieces that failed from a parent for another reason than their digest (unreachable, reset, timed out). */
  pieceFailures: LineRef[];
  /**
   * Go: pieces that reached the daemon but could not be written to its storage ("put piece to storage failed"),
   * for another reason than their digest: the disk (no space, read-only), the origin's stream they were read
   * from, or a download cancelled here. A parent's stream that broke is a piece failure (fromParentStream).
   */
  storeFailures: LineRef[];
  /** Requests of this task to the origin that failed (source-error lines: the status or error it answered). */
  originFailures: LineRef[];
  errors: LineRef[];
  failed: boolean;
  first: LineRef;
  /** The lines that decided servedBy / cost, for evidence. */
  refs: {
    start?: LineRef;
    hit?: LineRef;
    done?: LineRef;
    backSource?: LineRef;
    register?: LineRef;
    timeout?: LineRef;
    schedulerOrder?: LineRef;
  };
}

export interface ProxyRequest {
  url: string;
  viaP2P: boolean;
  ref: LineRef;
}

export interface LogSummary {
  tasks: TaskTimeline[];
  /** Tasks evicted to keep memory bounded (very long logs). */
  droppedTasks: number;
  proxy: ProxyRequest[];
  droppedProxy: number;
  proxyErrors: LineRef[];
  proxyRateLimited: number;
  /** Clients that refused the cert the proxy answered their CONNECT with (Go HTTPS hijack, Rust tunnel). */
  proxyTlsRefused: LineRef[];
  /** Go: hijacked HTTPS requests the registry could not be reached for ("http: proxy error: …", 502). */
  proxyUpstreamErrors: LineRef[];
  /**
   * Go: CONNECTs the HTTPS hijack accepted but could not dial the registry for ("dial failed for <host:port>:
   * …"); the client's connection is closed with no HTTP response.
   */
  proxyHijackDialFailed: LineRef[];
  /**
   * Go: proxied responses whose body failed after the status and headers were sent ("httputil:
   * ReverseProxy read error during body copy: …"); the client's response was cut short.
   */
  proxyBodyCut: LineRef[];
  /**
   * Go: the daemon could not open a listener and exited ("no available port to listen, port: …", from its
   * log or cobra's "Error: …" on its stderr; "failed to listen for proxy service: …").
   */
  listenFailed: LineRef[];
  /** Rust: the first CONNECT answered with a self-signed cert (proxy.server.caCert unset). */
  proxySelfSigned?: LineRef;
  /**
   * Rust: connections whose first bytes were no HTTP request ("failed to serve connection from …: invalid
   * HTTP method parsed"): a client speaking TLS to the plain-HTTP proxy port.
   */
  proxyNotHttp: LineRef[];
  /** The first request the Rust proxy refused with 429 ("proxy request rate limit exceeded"). */
  proxyRateLimitedFirst?: LineRef;
  rateLimitSetting?: { bytesPerSecond: number; ref: LineRef };
  digestSetting?: { on: boolean; ref: LineRef };
  rateLimitErrors: LineRef[];
  schedulerErrors: LineRef[];
  /** Failed requests to the origin, whether or not the line names its task (an exported log's lines name none). */
  originErrors: LineRef[];
  /** The release the daemon's last start (Go) or announce (Rust) in the log names (a restart may bring another). */
  daemonVersion?: { release: string; ref: LineRef };
  /** Go's startup warning that the registry mirror is off (no proxy.registryMirror.url). */
  mirrorDisabled?: LineRef;
}

/**
 * A failed piece's text that names a digest mismatch: the Display of the error (Go, and Rust's
 * "digest mismatch expected: …, actual: …", dragonfly-client-core/src/error/mod.rs:118), or Rust's
 * Debug form, which its "download from parent error: {:?}" and "download piece {} from parent {:?}
 * error: {:?}" print: DigestMismatch("crc32:…", "crc32:…"); Go's "put piece to storage failed, …, error:
 * digest not match" (v2.0.0–v2.0.3 pkg/util/digestutils/digest_reader.go:31) / "digest encoded not match"
 * (v2.0.4+ pkg/digest/digest_reader.go:110).
 */
export const DIGEST_MISMATCH = /digest mismatch|DigestMismatch\(|digest (?:encoded )?not match/;

/**
 * Rust's check of a dfget output file against the digest it was given, after the download (v1.5.1
 * dragonfly-client/src/grpc/dfdaemon_download.rs:615-638): a mismatch of the whole file, not of a piece
 * from a parent, whose pieces passed their CRC checks wherever they came from (origin, parents, cache).
 */
export const FILE_DIGEST_MISMATCH = /^verify file digest: /;

/**
 * Rust's "download back-to-source is disabled…" (rust.log.back-source-disabled), a source error by its kind,
 * sent nothing to the origin: the daemon was not allowed to (v1.5.1 resource/task.rs:561, :608).
 */
const NOT_SENT = /^download back-to-source is disabled/;

/**
 * Go's "put piece to storage failed, piece num: %d, wrote: %d, error: %s" (go.log.put-piece-failed) for a
 * piece read from the stream, not the disk: the error is none of the data file's own (os.PathError "open",
 * "seek", "write" or "close" on its path: v2.1.49 client/daemon/storage/local_storage.go:102, WritePiece) nor
 * this daemon's cancel ("context canceled": the conductor cancels its parents' pieces before it goes to the
 * origin, peertask_conductor.go:505, and a request whose client left is cancelled too). Before the task
 * went to the origin the stream is a parent's response body (DownloadPiece, piece_manager.go:170-235, its
 * read through storage's tryWriteWithBuffer, storage_manager.go:1069-1080: "read tcp …->parent: …",
 * "unexpected EOF", the piece timeout's "context deadline exceeded (Client.Timeout … while reading body)",
 * or "short read", storage/const.go:33, for a body that ended early), and the piece is reported to the
 * scheduler as failed from that parent (Code_ClientPieceDownloadFail, peertask_conductor.go:1118-1120,
 * :1252-1265): a parent failure. After, it is an origin's piece, whose failure the task's "download from
 * source error" repeats (peertask_conductor.go:515).
 */
function fromParentStream(text: string): boolean {
  const err = /, error: (.*)$/s.exec(text)?.[1];
  return err !== undefined && !/^(?:open|seek|write|close) \//.test(err) && !/^context canceled/.test(err);
}

/** Timelines kept at once; the first created are dropped first (a 1 GiB log holds ~300k tasks). */
export const MAX_TASKS = 5_000;
export const MAX_PROXY = 5_000;
/** Lines a summary's list keeps (the first ones): evidence shows a full list's count as "20+". */
export const MAX_REFS = 20;

/**
 * A piece line as the scanner reads it, without its event object: a Rust log is mostly piece lines, and
 * the timeline keeps few of them (a task's first line, a piece logged as an error), so the event is
 * made by event() only for those. Valid only during the call it is passed to.
 */
export interface PieceLine {
  kind: 'piece-local' | 'piece-remote' | 'piece-source';
  /** The line's number in its file. */
  line: number;
  task: string | undefined;
  peer: string | undefined;
  tsMs: number | null;
  level: LogEvent['level'];
  event(): LogEvent;
}

/** Events carry every LineRef field, so they serve as their own reference (no copy per line). */
function ref(e: LogEvent): LineRef {
  return e;
}

/**
 * The tasks a fold holds, by key, in creation order: when a new one would pass the bound, the tenth
 * created first are dropped, finished or not, and counted. (Its condition once read "finished, or among
 * the first tenth", which every task of the loop was: the order was always creation order. Keeping
 * unfinished tasks first would keep, from the start of a long log on, every task whose end the log does
 * not show.) The first pass of a two-pass fold drops the same tasks in WebAssembly
 * (assembly/dfdaemon-log-scan.ts, simSee; test/facts/dfdaemon-log-fold.test.ts holds the two together).
 */
class TaskTable<V> {
  private readonly map = new Map<string, V>();
  dropped = 0;

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  create(key: string, v: V): void {
    if (this.map.size >= this.max) {
      let n = 0;
      for (const k of this.map.keys()) {
        this.map.delete(k);
        this.dropped++;
        if (++n >= this.max / 10) break;
      }
    }
    this.map.set(key, v);
  }

  values(): IterableIterator<V> {
    return this.map.values();
  }
}

/**
 * What a line of each kind feeds: the daemon-wide lists (`shared`: proxy requests, settings, error
 * lists; addShared), and its task's timeline (`task`: always, never, or only when the line names a
 * task; addToTask). A two-pass fold reads the shared lines in its first pass and the task lines of the
 * surviving tasks in its second, so a kind missing here would be lost by one of them: the Record makes
 * every kind say where it goes.
 */
const PARTS: Readonly<Record<EventKind, { shared: boolean; task: 'always' | 'named' | 'never' }>> = {
  // Rust proxy lines run inside no task span; Go's are task-less too
  'proxy-p2p': { shared: true, task: 'named' },
  'proxy-direct': { shared: true, task: 'named' },
  'proxy-error': { shared: true, task: 'never' },
  'proxy-rate-limited': { shared: true, task: 'never' },
  'proxy-tls-refused': { shared: true, task: 'never' },
  'proxy-upstream-error': { shared: true, task: 'never' },
  'proxy-hijack-dial-failed': { shared: true, task: 'never' },
  'daemon-version': { shared: true, task: 'never' },
  'proxy-body-cut': { shared: true, task: 'never' },
  'listen-failed': { shared: true, task: 'never' },
  'proxy-self-signed': { shared: true, task: 'never' },
  'proxy-not-http': { shared: true, task: 'never' },
  'rate-limit-setting': { shared: true, task: 'never' },
  'mirror-disabled': { shared: true, task: 'never' },
  'digest-setting': { shared: true, task: 'never' },
  'rate-limit-error': { shared: true, task: 'always' },
  'scheduler-error': { shared: true, task: 'always' },
  // recognised so that no wider form reads it as an error: only the check after it decides
  'scheduler-check-retried': { shared: false, task: 'never' },
  'task-start': { shared: false, task: 'always' },
  'stream-ready': { shared: false, task: 'always' },
  'register-start': { shared: false, task: 'always' },
  'register-ok': { shared: false, task: 'always' },
  'register-failed': { shared: false, task: 'always' },
  'schedule-timeout': { shared: false, task: 'always' },
  'back-source': { shared: false, task: 'always' },
  'sched-back-source': { shared: false, task: 'always' },
  'source-ok': { shared: false, task: 'always' },
  'source-error': { shared: true, task: 'always' },
  'remote-peer': { shared: false, task: 'always' },
  'piece-remote': { shared: false, task: 'always' },
  'piece-local': { shared: false, task: 'always' },
  'piece-source': { shared: false, task: 'always' },
  'piece-failed': { shared: false, task: 'always' },
  'piece-store-failed': { shared: false, task: 'always' },
  'local-start': { shared: false, task: 'always' },
  'local-all': { shared: false, task: 'always' },
  'source-all': { shared: false, task: 'always' },
  'sched-all': { shared: false, task: 'always' },
  reuse: { shared: false, task: 'always' },
  'reuse-done': { shared: false, task: 'always' },
  'local-hit-announced': { shared: false, task: 'always' },
  'task-done': { shared: false, task: 'always' },
  'task-succeeded': { shared: false, task: 'always' },
  'task-slow': { shared: false, task: 'always' },
  'task-failed': { shared: false, task: 'always' },
  'digest-failed': { shared: false, task: 'always' },
  'digest-ok': { shared: false, task: 'always' },
};

/** The kinds whose lines feed the daemon-wide lists (addShared does something for these only). */
export const SHARED_KINDS: ReadonlySet<EventKind> = new Set(
  (Object.keys(PARTS) as EventKind[]).filter((k) => PARTS[k].shared),
);

/**
 * The proxy request kinds: the list keeps the newest MAX_PROXY of those with a URL. A two-pass fold counts
 * them in its first pass and makes events for the kept ones only, in its second.
 */
export const PROXY_KINDS: ReadonlySet<EventKind> = new Set<EventKind>(['proxy-p2p', 'proxy-direct']);

/** Whether a line counts in a task's timeline (PARTS). */
export function hasTaskPart(e: Pick<LogEvent, 'kind' | 'task'>): boolean {
  const task = PARTS[e.kind].task;
  return task === 'always' || (task === 'named' && Boolean(e.task));
}

/** The key of the task a line belongs to (after addShared() said it has one): its peer, else its task. */
export function eventKey(e: Pick<LogEvent, 'peer' | 'task'>): string | undefined {
  return (e.peer ?? e.task) || undefined;
}

/** Accumulates events into timelines; memory stays bounded by MAX_TASKS whatever the log length. */
export class TimelineBuilder {
  private readonly tasks: TaskTable<TaskTimeline>;
  private finished = false;
  private readonly s: Omit<LogSummary, 'tasks' | 'droppedTasks'> = {
    proxy: [],
    droppedProxy: 0,
    proxyErrors: [],
    proxyRateLimited: 0,
    proxyTlsRefused: [],
    proxyUpstreamErrors: [],
    proxyHijackDialFailed: [],
    proxyBodyCut: [],
    proxyNotHttp: [],
    listenFailed: [],
    rateLimitErrors: [],
    schedulerErrors: [],
    originErrors: [],
  };

  /** The bounds: tasks, and proxy requests (tests lower them to reach them with small logs). */
  constructor(
    maxTasks = MAX_TASKS,
    private readonly maxProxy = MAX_PROXY,
  ) {
    this.tasks = new TaskTable(maxTasks);
  }

  add(e: LogEvent): void {
    this.addShared(e);
    if (hasTaskPart(e)) this.addToTask(e);
  }

  /** The daemon-wide part of a line (SHARED_KINDS): nothing for the other kinds. */
  addShared(e: LogEvent): void {
    if (this.finished) throw new Error('TimelineBuilder: add() after finish()');
    switch (e.kind) {
      case 'proxy-p2p':
      case 'proxy-direct':
        if (e.url) {
          this.s.proxy.push({ url: e.url, viaP2P: e.kind === 'proxy-p2p', ref: ref(e) });
          // keep the newest MAX_PROXY, trimming in batches (shift() per line would be quadratic)
          if (this.s.proxy.length >= 2 * this.maxProxy) {
            this.s.proxy.splice(0, this.maxProxy);
            this.s.droppedProxy += this.maxProxy;
          }
        }
        break;
      case 'proxy-error':
        // not the WARN "round trip error: %s, dest peer: %#v" (v2.1.40–v2.3.4 transport.go proxyToPeers, :454
        // at v2.3.4): one of the peers peer exchange offered failed, and the daemon tries the next one or
        // downloads the request itself (:363-367), so no error is answered
        if (e.level !== 'warn') push(this.s.proxyErrors, ref(e));
        break;
      case 'proxy-rate-limited':
        this.s.proxyRateLimited++;
        this.s.proxyRateLimitedFirst ??= ref(e);
        break;
      case 'proxy-tls-refused':
        push(this.s.proxyTlsRefused, ref(e));
        break;
      case 'proxy-upstream-error':
        push(this.s.proxyUpstreamErrors, ref(e));
        break;
      case 'proxy-hijack-dial-failed':
        push(this.s.proxyHijackDialFailed, ref(e));
        break;
      case 'proxy-body-cut':
        push(this.s.proxyBodyCut, ref(e));
        break;
      case 'listen-failed':
        push(this.s.listenFailed, ref(e));
        break;
      case 'proxy-self-signed':
        this.s.proxySelfSigned ??= ref(e);
        break;
      case 'proxy-not-http':
        push(this.s.proxyNotHttp, ref(e));
        break;
      case 'rate-limit-setting':
        if (typeof e.value === 'number') this.s.rateLimitSetting = { bytesPerSecond: e.value, ref: ref(e) };
        break;
      case 'mirror-disabled':
        this.s.mirrorDisabled = ref(e);
        break;
      case 'daemon-version':
        if (e.release) this.s.daemonVersion = { release: e.release, ref: ref(e) };
        break;
      case 'digest-setting':
        this.s.digestSetting = { on: e.value === true, ref: ref(e) };
        break;
      case 'rate-limit-error':
        push(this.s.rateLimitErrors, ref(e));
        break;
      case 'scheduler-error':
        push(this.s.schedulerErrors, ref(e));
        break;
      case 'source-error':
        if (!NOT_SENT.test(e.text)) push(this.s.originErrors, ref(e));
        break;
    }
  }

  /** The task's part of a line (one that hasTaskPart()). */
  addToTask(e: LogEvent): void {
    if (this.finished) throw new Error('TimelineBuilder: add() after finish()');
    const key = eventKey(e);
    if (!key) return;
    let t = this.tasks.get(key);
    if (!t) {
      const r = ref(e);
      t = {
        key,
        startMs: e.tsMs,
        endMs: e.tsMs,
        costMs: null,
        costFrom: 'unknown',
        servedBy: 'unknown',
        reportedHit: false,
        pieces: { local: 0, remote: 0, source: 0, failed: 0 },
        registerWaitMs: null,
        schedulerBackSource: false,
        backSourceOrderWaitMs: null,
        scheduleTimeout: false,
        digestFailures: [],
        pieceFailures: [],
        storeFailures: [],
        originFailures: [],
        errors: [],
        failed: false,
        first: r,
        refs: {},
      };
      this.tasks.create(key, t);
    }
    if (e.task && !t.taskId) t.taskId = e.task;
    if (e.peer && !t.peerId) t.peerId = e.peer;
    if (e.url && !t.url && e.kind !== 'proxy-direct') {
      t.url = e.url;
      const d = /sha256:[0-9a-f]{64}/.exec(e.url);
      if (d) t.digest = d[0];
    }
    if (e.contentLength !== undefined && t.contentLength === undefined) t.contentLength = e.contentLength;
    if (e.tsMs !== null) {
      if (t.startMs === null || e.tsMs < t.startMs) t.startMs = e.tsMs;
      if (t.endMs === null || e.tsMs > t.endMs) t.endMs = e.tsMs;
    }
    if (e.level === 'error') push(t.errors, ref(e));
    switch (e.kind) {
      case 'task-start':
        t.refs.start ??= ref(e);
        break;
      case 'register-start':
        t.refs.register = ref(e);
        break;
      case 'register-ok':
      case 'register-failed':
        if (t.refs.register?.tsMs != null && e.tsMs !== null) t.registerWaitMs = e.tsMs - t.refs.register.tsMs;
        if (e.kind === 'register-failed') this.backSource(t, e, 'register failed');
        break;
      case 'schedule-timeout':
        t.scheduleTimeout = true;
        t.refs.timeout ??= ref(e);
        break;
      case 'back-source':
        if (/due to/.test(e.text)) t.scheduleTimeout = t.scheduleTimeout || /timeout/.test(e.text);
        this.backSource(t, e, e.text);
        break;
      case 'sched-back-source':
        t.schedulerBackSource = true;
        if (t.refs.register?.tsMs != null && e.tsMs !== null && t.backSourceOrderWaitMs === null)
          t.backSourceOrderWaitMs = e.tsMs - t.refs.register.tsMs;
        t.refs.schedulerOrder ??= ref(e);
        this.backSource(t, e, 'the scheduler ordered back-to-source');
        break;
      case 'source-ok':
      case 'source-all':
        this.backSource(t, e, t.backSourceReason ?? e.text);
        // Rust's INFO "all pieces are downloaded from source" is printed once download_partial_from_source
        // has stored every piece (v1.5.1 resource/task.rs:537, :583, :628), as "…with scheduler" is for the
        // scheduler's path: the task's end at INFO, where "download task succeeded" is DEBUG from v1.4.1.
        // Not so "…from local" (:462): the proxy reads a local hit's content after it, at its own pace.
        if (e.kind === 'source-all') t.refs.done = ref(e);
        break;
      case 'remote-peer':
        this.served(t, 'remote-peer');
        break;
      case 'piece-remote':
      case 'piece-local':
      case 'piece-source':
        this.piece(t, e.kind);
        break;
      case 'piece-failed':
        t.pieces.failed++;
        // a piece that failed its CRC is a digest failure; any other, a failure of the parent it came from
        push(DIGEST_MISMATCH.test(e.text) ? t.digestFailures : t.pieceFailures, ref(e));
        break;
      case 'piece-store-failed':
        t.pieces.failed++;
        if (DIGEST_MISMATCH.test(e.text)) push(t.digestFailures, ref(e));
        else if (!t.refs.backSource && fromParentStream(e.text)) push(t.pieceFailures, ref(e));
        else push(t.storeFailures, ref(e));
        break;
      case 'local-start':
        // only a line that shows pieces found locally is a hit (localPiecesFound, dfdaemon-log-details.ts)
        if (e.value === true) this.hit(t, e);
        break;
      case 'local-all':
      case 'local-hit-announced':
      case 'reuse':
        this.hit(t, e);
        break;
      case 'reuse-done':
      case 'task-done':
        if (e.costMs !== undefined) {
          t.costMs = e.costMs;
          t.costFrom = 'logged';
        }
        t.refs.done = ref(e);
        break;
      case 'task-slow':
        if (e.costMs !== undefined) {
          t.costMs = e.costMs;
          t.costFrom = 'logged';
        }
        t.refs.done = ref(e);
        break;
      case 'sched-all':
      case 'task-succeeded':
        // "all pieces are downloaded with scheduler" ends a task the scheduler served at INFO, where
        // "download task succeeded" (logged just after it) is DEBUG from v1.4.1; with both, the later wins
        t.refs.done = ref(e);
        break;
      case 'task-failed':
        t.failed = true;
        break;
      case 'source-error':
        if (!NOT_SENT.test(e.text)) push(t.originFailures, ref(e));
        break;
      case 'digest-failed':
        push(t.digestFailures, ref(e));
        break;
    }
  }

  /** A piece line: what add() does with its event, making the event only where a reference is kept. */
  addPiece(p: PieceLine): void {
    if (this.finished) throw new Error('TimelineBuilder: addPiece() after finish()');
    const key = eventKey(p);
    if (!key) return;
    const t = this.tasks.get(key);
    if (!t) {
      this.add(p.event());
      return;
    }
    if (p.task && !t.taskId) t.taskId = p.task;
    if (p.peer && !t.peerId) t.peerId = p.peer;
    const ts = p.tsMs;
    if (ts !== null) {
      if (t.startMs === null || ts < t.startMs) t.startMs = ts;
      if (t.endMs === null || ts > t.endMs) t.endMs = ts;
    }
    if (p.level === 'error') push(t.errors, p.event());
    this.piece(t, p.kind);
  }

  private hit(t: TaskTimeline, e: LogEvent): void {
    t.reportedHit = true;
    t.refs.hit ??= ref(e);
    this.served(t, 'local');
  }

  private backSource(t: TaskTimeline, e: LogEvent, reason: string): void {
    t.backSourceReason ??= reason;
    t.refs.backSource ??= ref(e);
    this.served(t, 'back-to-source');
  }

  private served(t: TaskTimeline, how: Exclude<ServedBy, 'mixed' | 'unknown'>): void {
    if (t.servedBy === 'unknown') t.servedBy = how;
    else if (t.servedBy !== how) t.servedBy = 'mixed';
  }

  private piece(t: TaskTimeline, kind: PieceLine['kind']): void {
    if (kind === 'piece-local') {
      t.pieces.local++;
      t.reportedHit = true;
      this.served(t, 'local');
    } else if (kind === 'piece-remote') {
      t.pieces.remote++;
      this.served(t, 'remote-peer');
    } else {
      t.pieces.source++;
      this.served(t, 'back-to-source');
    }
  }

  /** The timelines, with the costs only their whole can give. Ends the build: nothing may be added after it. */
  finish(): LogSummary {
    this.finished = true;
    const tasks: TaskTimeline[] = [];
    for (const rest of this.tasks.values()) {
      // a task whose log shows neither its start, its registration nor its cache hit (a --since window,
      // a rotated file or an excerpt begins after them) started its logged cost before its done line:
      // Go logs "peer task done, cost" as the time since the task began (v2.1.49
      // client/daemon/peer/peertask_conductor.go:1389-1393), not since its first line here
      const done = rest.refs.done;
      if (
        rest.costFrom === 'logged' &&
        rest.costMs !== null &&
        done?.tsMs != null &&
        !rest.refs.start &&
        !rest.refs.register &&
        !rest.refs.hit &&
        (rest.startMs === null || done.tsMs - rest.costMs < rest.startMs)
      )
        rest.startMs = done.tsMs - rest.costMs;
      if (
        rest.costMs === null &&
        rest.refs.done &&
        rest.startMs !== null &&
        rest.endMs !== null &&
        rest.endMs > rest.startMs
      ) {
        rest.costMs = rest.endMs - rest.startMs;
        rest.costFrom = 'timestamps';
      }
      if (
        rest.costMs === null &&
        rest.servedBy !== 'local' &&
        rest.startMs !== null &&
        rest.endMs !== null &&
        rest.endMs > rest.startMs &&
        rest.pieces.remote + rest.pieces.source + rest.pieces.local > 0
      ) {
        rest.costMs = rest.endMs - rest.startMs;
        rest.costFrom = 'timestamps';
      }
      tasks.push(rest);
    }
    tasks.sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
    if (this.s.proxy.length > this.maxProxy) {
      this.s.droppedProxy += this.s.proxy.length - this.maxProxy;
      this.s.proxy.splice(0, this.s.proxy.length - this.maxProxy);
    }
    return { tasks, droppedTasks: this.tasks.dropped, ...this.s };
  }
}

function push<T>(list: T[], v: T): void {
  if (list.length < MAX_REFS) list.push(v);
}

/** A blob request (…/blobs/sha256:…) as registries serve image layers and configs. */
export function isBlobUrl(url: string): boolean {
  return /\/blobs\/sha256:[0-9a-f]+/.test(url);
}

export function isManifestUrl(url: string): boolean {
  return /\/v2\/.+\/manifests\//.test(url);
}

export function isTokenUrl(url: string): boolean {
  return /\/token\b|[?&]scope=|\/service\/token|\/oauth2?\//.test(url);
}
