// What a recognised message says beyond its kind: URLs, sizes, costs, settings —
// read from the decoded message text of either generation, and the event record itself.
import type { EventKind, Layout, Level, LogEvent } from './dfdaemon-log-types.js';

/** Every field set up front so that all events share one hidden class (fewer deopts on long logs). */
export function newEvent(
  kind: EventKind,
  file: string,
  line: number,
  layout: Layout,
  level: Level,
  tsMs: number | null,
  text: string,
): LogEvent {
  return {
    kind,
    file,
    line,
    layout,
    level,
    tsMs,
    task: undefined,
    peer: undefined,
    url: undefined,
    contentLength: undefined,
    costMs: undefined,
    value: undefined,
    text,
    nodeLine: undefined,
  };
}

/**
 * A flat copy of a short string: a regex capture is a slice that keeps the whole decoded line alive for
 * as long as the timeline holds the capture (V8 flattens the concatenation into a new string).
 */
export function own(s: string): string {
  return ` ${s}`.slice(1);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** Characters of a message kept for evidence. */
export const TEXT_MAX = 240;

/**
 * Characters of an error line's end kept besides its first TEXT_MAX: the cause comes last in Go's
 * wrapped errors ("connect with <url> with error: Get …: dial tcp …: i/o timeout, from peer: <id>",
 * v2.1.49 piece_manager.go:202) and in Rust's `error: {:?}`, past a piece id and a parent id.
 */
export const TAIL_MAX = 120;

/** What evidence keeps of a message: its first TEXT_MAX characters, and an error line's last TAIL_MAX too. */
export function clip(s: string, level?: Level): string {
  if (s.length <= TEXT_MAX || (level === 'error' && s.length <= TEXT_MAX + TAIL_MAX)) return s;
  // a copy, not a slice: a sliced string would pin the whole decoded line in memory
  return level === 'error' ? `${s.slice(0, TEXT_MAX)}…${s.slice(-TAIL_MAX)}` : `${s.slice(0, TEXT_MAX)}…`;
}

/**
 * clip() of a message held as bytes [s, e), for the Rust compact layout, whose quotes are cut after
 * TEXT_MAX bytes without a "…" (an error line's tail gets one before it). The tail starts on a character,
 * not inside one.
 */
export function clipBytes(buf: Buffer, s: number, e: number, level: Level): string {
  if (level !== 'error' || e - s <= TEXT_MAX) return buf.toString('utf8', s, Math.min(e, s + TEXT_MAX));
  if (e - s <= TEXT_MAX + TAIL_MAX) return buf.toString('utf8', s, e);
  let t = e - TAIL_MAX;
  while (t < e && ((buf[t] as number) & 0xc0) === 0x80) t++;
  return `${buf.toString('utf8', s, s + TEXT_MAX)}…${buf.toString('utf8', t, e)}`;
}

export function stripAnsi(s: string): string {
  return s.replace(/\x1b\[[0-9;]*m/g, '').replace(/\[(?:\d+;)*\d*m/g, '');
}

/** zap's "2006-01-02 15:04:05.000" (no zone) or ISO 8601. */
export function parseZapTs(s: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return null;
  if (m[8] !== undefined) {
    const t = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(t) ? null : t;
  }
  const ms = m[7] === undefined ? 0 : Number((m[7] + '000').slice(0, 3));
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
}

/**
 * Go v2.0.8–v2.1.11 log `start download with url: %s, header: %#v` (transport.go): the header dump
 * carries the request's Authorization, so it is cut off the URL and off the evidence text.
 */
const GO_HEADER_DUMP = ', header: ';
export function goUrl(rest: string): string {
  const h = rest.indexOf(GO_HEADER_DUMP);
  return (h >= 0 ? rest.slice(0, h) : rest).trim();
}

/** The message as evidence may quote it: without a request header dump. */
export function goEvidenceText(msg: string): string {
  const h = msg.startsWith('start download with url: ') ? msg.indexOf(GO_HEADER_DUMP) : -1;
  return h >= 0 ? `${msg.slice(0, h)}, header: (left out)` : msg;
}

export function goDetails(ev: LogEvent, msg: string): void {
  let m: RegExpExecArray | null;
  switch (ev.kind) {
    case 'task-start':
    case 'proxy-p2p':
      ev.url = goUrl(msg.replace(/^(start download with url|round trip with dragonfly): /, ''));
      break;
    case 'proxy-direct':
      // v2.0.0: "round trip directly: <method> <url>" (transport.go:141); later "…, method: %s, url: %s"
      if ((m = /url: (\S+)/.exec(msg) ?? /^round trip directly: \S+ (\S+)/.exec(msg))) ev.url = m[1] as string;
      break;
    case 'stream-ready':
      if ((m = /Content-Length:\[(\d+)\]/.exec(msg))) ev.contentLength = Number(m[1]);
      break;
    case 'reuse':
      // "…, total size: %d" from v2.0.2, "…, size: %d" before (v2.0.0 peertask_reuse.go:58)
      if ((m = /(?:total )?size: (\d+)/.exec(msg))) ev.contentLength = Number(m[1]);
      break;
    case 'task-done':
    case 'reuse-done':
      if ((m = /cost: (\d+)ms/.exec(msg))) ev.costMs = Number(m[1]);
      break;
    case 'register-start':
    case 'register-ok':
    case 'register-failed':
      // v2.0.0–v2.0.1 file and stream tasks log these with the package logger, the ids in the text only:
      // "step 1: peer %s start to register", "step 1: peer %s register failed: …" (v2.0.0
      // client/daemon/peer/peertask_file.go:100, :107; peertask_stream.go:77, :87) and "[step 1: ]register
      // task success, task id: %s, peer id: %s, …" (peertask_file.go:128, peertask_stream.go:108)
      if (!ev.peer && (m = /^step 1: peer (\S+) (?:start to register|register failed)|peer id: ([^,\s]+)/.exec(msg)))
        ev.peer = (m[1] ?? m[2]) as string;
      break;
    case 'sched-back-source':
      // the scheduler's 5001 error names the peer only in its text (no structured field)
      if (!ev.peer && (m = /reschedule parent for peer (\S+) already reaches max reschedule times/.exec(msg)))
        ev.peer = m[1] as string;
      break;
    case 'rate-limit-setting':
      if ((m = /set download limiter ([\d.e+]+)/.exec(msg))) ev.value = Number(m[1]);
      break;
    case 'digest-setting':
      ev.value = /calculateDigest to true/.test(msg);
      break;
    case 'daemon-version':
      if ((m = /GitVersion: (v?\d+\.\d+\.\d+[\w.+-]*)/.exec(msg))) ev.release = m[1] as string;
      break;
  }
}

// A download's credentials in a Rust client's Debug of its request (before v1.3.9, dragonflyoss/client
// dragonfly-client/src/grpc/dfdaemon_download.rs `download task started: {:?}`; the structs are
// dragonflyoss/api common.proto's ObjectStorage, HDFS, HuggingFace and ModelScope): a log read as
// loose files is not redacted, so the evidence leaves them out, to the struct's end or the text's. Each
// string is read to its closing quote or the text's end, one way only: no backtracking on a cut text.
const CREDENTIAL_FIELD = /\b(?:object_storage|hdfs|hugging_face|model_scope): Some\(/;
const CREDENTIAL_STRUCT =
  /\b(object_storage|hdfs|hugging_face|model_scope): Some\(\w+ \{(?:[^"}]|"(?:[^"\\]|\\.)*(?:"|$))*(?:\}\)?|$)/g;

/**
 * A Rust line's evidence text. Proxy lines print the request's headers (tokens included), and so do
 * the download requests of older clients (`Download { …, request_header: {…} }`): evidence keeps the
 * request without them, whichever layout (compact or pretty) the line came in.
 */
export function rustEvidenceText(kind: EventKind, text: string): string {
  if (kind === 'proxy-p2p' || kind === 'proxy-direct') return own(text.replace(/,? ?headers: \{.*$/s, ' …'));
  if (kind === 'task-start' && (text.includes('request_header: {') || CREDENTIAL_FIELD.test(text)))
    return own(
      text
        .replace(/request_header: \{[^}]*\}?/, 'request_header: (left out)')
        .replace(CREDENTIAL_STRUCT, '$1: (left out)'),
    );
  return text;
}

export function rustSpanFields(ev: LogEvent, text: string, re: RegExp): void {
  for (const m of text.matchAll(re)) {
    const k = m[1] as string;
    let v = m[2] as string;
    if (v.startsWith('"')) v = v.slice(1, -1);
    if (k === 'task_id' && !ev.task) ev.task = v;
    else if (k === 'peer_id' && !ev.peer) ev.peer = v;
    else if (k === 'url' && !ev.url) ev.url = v;
    else if (k === 'content_length' && ev.contentLength === undefined && /^\d+$/.test(v)) ev.contentLength = Number(v);
  }
}

export function rustDetails(ev: LogEvent, msg: string): void {
  let m: RegExpExecArray | null;
  switch (ev.kind) {
    case 'task-start':
      if ((m = /url: "([^"]+)"/.exec(msg))) ev.url = own(m[1] as string);
      if ((m = /content_length: Some\((\d+)\)/.exec(msg))) ev.contentLength = Number(m[1]);
      break;
    case 'piece-local':
    case 'piece-remote':
    case 'piece-source':
      // outside a task span, the line names its task only in its text: "finished piece <task>-<n>"
      if (!ev.task && (m = /finished piece (\S+)/.exec(msg))) {
        const t = /^(.+)-\d+$/.exec(m[1] as string);
        if (t) ev.task = t[1] as string;
      }
      break;
    case 'task-slow':
      // µ as an escape: the start-up bundle must be ASCII (scripts/bundle.mjs)
      if ((m = /cost: ([\d.]+)(ms|s|\u00b5s|us|ns)/.exec(msg))) ev.costMs = durationMs(Number(m[1]), m[2] as string);
      if ((m = /size: (\d+) bytes/.exec(msg))) ev.contentLength = Number(m[1]);
      break;
    case 'proxy-p2p':
    case 'proxy-direct':
      if ((m = /uri: ([^,\s}]+)/.exec(msg))) ev.url = own(m[1] as string);
      break;
    case 'daemon-version':
      // the announce span's request: Build { git_version: CARGO_PKG_VERSION } ("1.4.0", no "v")
      if ((m = /\bBuild \{ git_version: "v?(\d{1,4}\.\d{1,4}\.\d{1,4}[\w.+-]{0,40})"/.exec(msg)))
        ev.release = `v${m[1] as string}`;
      break;
    case 'local-start':
      ev.value = localPiecesFound(msg);
      break;
  }
}

/**
 * Whether a local-start line shows pieces found in the local cache. "download the pieces from local
 * (peer)" is logged for every task before its cache is looked at (v0.1.82 task/mod.rs:292-293, v1.5.1
 * resource/task.rs:429): it shows none. "interested pieces after downloading from local: [n, …]"
 * (v1.5.1 resource/task.rs:452-458) lists the pieces still to fetch, as Rust's Debug of a Vec<u32> in
 * piece order (remove_finished_from_interested filters the interested list, piece.rs:255-269): an empty
 * list is a whole hit, and a gap between two of its numbers shows the pieces in it were found locally.
 * A list without a gap is what a cold task prints, from piece 0 or, for a ranged request, from the
 * first piece its range touches (calculate_interested, v1.5.1 piece.rs:146-202, runs of consecutive
 * pieces): a cold [3, 4, 5] cannot be told from [0, …, 5] with 0–2 cached, since the range is not in
 * the INFO log (the proxy logs "download task started" before it sets the range from the Range header,
 * proxy/task.rs:127 and :168-177, and "interested pieces: […]" is DEBUG, task.rs:376-382). No hit
 * either for a list not in that form (cut short, or rewritten by hand). Nor for "interested pieces after
 * waiting for in-flight pieces: […]" (from v1.4.1; v1.5.1 task.rs:465-499), logged after that line when
 * the task is being prefetched and this download is not the prefetch: its list is the one above less the
 * pieces the prefetch wrote during the wait of at most 1 s (wait_for_in_flight_pieces, :2060-2157), so a
 * gap in it may be pieces fetched from a parent a moment ago, not found in the cache. The pieces the cache
 * held are read from the line above; an empty list is followed by "all pieces are downloaded from local"
 * (:502-503), read on its own.
 */
function localPiecesFound(msg: string): boolean {
  const m = /^interested pieces after downloading from local: \[([\d, ]*)(\]?)/.exec(msg);
  if (!m) return false;
  const closed = m[2] === ']';
  const parts = (m[1] as string)
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (closed && parts.length === 0) return true;
  // a list read only so far (a line longer than what is read of it, or cut where it was pasted): the
  // numbers before the cut are still in piece order, so a gap among them is still pieces found locally;
  // its last number may itself be cut
  if (!closed) parts.pop();
  const nums = parts.map(Number);
  return nums.some((n, i) => i > 0 && n !== (nums[i - 1] as number) + 1);
}

function durationMs(n: number, unit: string): number {
  switch (unit) {
    case 's':
      return n * 1000;
    case 'ms':
      return n;
    case 'µs':
    case 'us':
      return n / 1000;
    default:
      return n / 1e6;
  }
}
