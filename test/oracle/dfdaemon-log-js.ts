// The JS scanner that read dfdaemon logs before the WebAssembly one (src/parsers/dfdaemon-log.ts), kept
// unchanged as the test oracle it is held to (test/parsers/dfdaemon-log-wasm.test.ts, test/fuzz).
// Streaming scanner for dfdaemon logs of both generations (Go: dragonflyoss/dragonfly v2.1.49
// internal/dflog/logcore.go; Rust: dragonflyoss/client dragonfly-client/src/tracing/mod.rs):
//   go-json      zap production JSON, one object per line (Go dfdaemon file mode, core.log)
//   go-console   zap development console: ISO8601<TAB>LEVEL<TAB>caller<TAB>msg<TAB>{json}
//   go-stdlog    Go std-log lines on stderr ("2023/08/14 16:18:32 httputil: …")
//   rust-compact tracing-subscriber compact: "<rfc3339> <LEVEL> <spans>: <file>:<line>: <msg> <k=v…>"
//   rust-pretty  tracing-subscriber pretty: "  <ts> <LEVEL>  <msg>" + "    at …" + "    in <span> with …"
// Lines are filtered on raw bytes before any decoding: only the messages in the pattern tables (the ones
// that tell how a task was served, and what it waited on) are decoded and parsed. JSON.parse on every
// line would cap the scan at ~90 MB/s on Node 20 (measured during development). The message tables are in
// dfdaemon-log-patterns.ts, what a message says beyond its kind in dfdaemon-log-details.ts.
import {
  clip,
  clipBytes,
  goDetails,
  goEvidenceText,
  newEvent,
  parseZapTs,
  rustDetails,
  rustEvidenceText,
  rustSpanFields,
  str,
  stripAnsi,
} from '../../src/parsers/dfdaemon-log-details.js';
import {
  GO_NO_AVAILABLE_PORT,
  GO_STDLOG_BODY_COPY_ERROR,
  GO_STDLOG_PROXY_ERROR,
} from '../../src/knowledge/dfdaemon-go.js';
import { GO_INDEX, type Pattern, RUST_INDEX, RUST_PATTERNS } from '../../src/parsers/dfdaemon-log-patterns.js';
import { GO_STACK_FILE, GO_STACK_LINE } from '../../src/parsers/dfdaemon-log-lines.js';
import {
  emptyStats,
  type Layout,
  type Level,
  type LogEvent,
  type ScanStats,
} from '../../src/parsers/dfdaemon-log-types.js';

const MSG_KEY = Buffer.from('"msg":"');
const TS_KEY = Buffer.from('"ts":"');
const PEER_KEY = Buffer.from('"peer":"');
const TASK_KEY = Buffer.from('"task":"');
const PEERID_KEY = Buffer.from('"peerID":"');
const TASKID_KEY = Buffer.from('"taskID":"');
const RS_TASK = Buffer.from(' task_id="');
const RS_PEER = Buffer.from(' peer_id="');
const RS_URL = Buffer.from(' url="');
const RS_LEN = Buffer.from(' content_length=');

/**
 * indexOf bounded to [from, e) without allocating: a search that ran past `e` is remembered per buffer
 * and needle, so a key that later lines lack is not searched for again through the rest of the chunk.
 */
const memo = new Map<Buffer | number, { buf: Buffer | null; from: number; at: number }>();
function indexIn(buf: Buffer, needle: Buffer | number, from: number, e: number): number {
  let m = memo.get(needle);
  if (!m) {
    m = { buf: null, from: 0, at: -1 };
    memo.set(needle, m);
  }
  let at: number;
  if (m.buf === buf && from >= m.from && (m.at < 0 || m.at >= from)) at = m.at;
  else {
    at = buf.indexOf(needle, from);
    m.buf = buf;
    m.from = from;
    m.at = at;
  }
  return at >= 0 && at < e ? at : -1;
}

/** Where the " key=value" fields of a compact line begin (a space, [a-z_]+, "="), or e. */
function fieldsStart(buf: Buffer, from: number, e: number): number {
  for (let i = indexIn(buf, 0x3d, from, e); i >= 0; i = indexIn(buf, 0x3d, i + 1, e)) {
    let j = i - 1;
    while (j > from && (((buf[j] as number) >= 0x61 && (buf[j] as number) <= 0x7a) || buf[j] === 0x5f)) j--;
    if (j < i - 1 && buf[j] === 0x20) return j;
  }
  return e;
}

function bytesAt(buf: Buffer, at: number, b: Buffer): boolean {
  for (let i = 0; i < b.length; i++) if (buf[at + i] !== b[i]) return false;
  return true;
}

/** The string value of a JSON key found in buf[from, e), without parsing the line. */
function rawField(buf: Buffer, from: number, e: number, key: Buffer): string | undefined {
  const k = indexIn(buf, key, from, e);
  if (k < 0) return undefined;
  const v = k + key.length;
  const q = indexIn(buf, 0x22, v, e);
  if (q < 0 || q > e) return undefined;
  return buf.toString('utf8', v, q);
}
const RS_MARK = Buffer.from('.rs:');

function at(i: number, base: number): number {
  return i < 0 ? -1 : base + i;
}

/** First index of needle starting in [from, e) (it may run past e, as Buffer.indexOf's would). */
function findIn(buf: Buffer, needle: Buffer, from: number, e: number): number {
  const c0 = needle[0] as number;
  const n = needle.length;
  const len = buf.length;
  for (let i = from; i < e; i++) {
    if (buf[i] !== c0) continue;
    if (i + n > len) return -1;
    let j = 1;
    while (j < n && buf[i + j] === needle[j]) j++;
    if (j === n) return i;
  }
  return -1;
}

const ID_SLOTS = 256;
const ID_MAX = 120;

/**
 * The quoted values that name tasks and peers, decoded once: the lines of one task repeat its ids, so
 * most lookups find the string made for an earlier line (no decode, no garbage, and the timeline's Map
 * hashes the same string again). Slots are keyed by a hash of the bytes and hold a copy of them.
 */
class IdCache {
  private readonly bytes = new Uint8Array(ID_SLOTS * ID_MAX);
  private readonly lens = new Int32Array(ID_SLOTS).fill(-1);
  private readonly strs: string[] = new Array<string>(ID_SLOTS).fill('');
  /** The slot each kind of field found last: the next line most often names the same task again. */
  private readonly last = new Int32Array(4).fill(-1);

  /**
   * The text from v up to the next '"' before e (undefined without one, or when v < 0). `hint` names
   * the kind of field (0 peer, 1 task, 2 url), whose last slot is tried first, in one pass.
   */
  value(buf: Buffer, v: number, e: number, hint: number): string | undefined {
    if (v < 0) return undefined;
    const b = this.bytes;
    const ls = this.last[hint] as number;
    if (ls >= 0) {
      // the cached bytes hold no '"': equal bytes followed by '"' are the same value
      const n = this.lens[ls] as number;
      const at = ls * ID_MAX;
      if (v + n < e && buf[v + n] === 0x22) {
        let j = 0;
        while (j < n && b[at + j] === buf[v + j]) j++;
        if (j === n) return this.strs[ls];
      }
    }
    let h = 0;
    let q = v;
    for (; q < e; q++) {
      const c = buf[q] as number;
      if (c === 0x22) break;
      h = (Math.imul(h, 31) + c) | 0;
    }
    if (q >= e) return undefined;
    const n = q - v;
    if (n > ID_MAX) return buf.toString('utf8', v, q);
    const slot = (h ^ (h >>> 16)) & (ID_SLOTS - 1);
    const at = slot * ID_MAX;
    this.last[hint] = slot;
    if (this.lens[slot] === n) {
      let j = 0;
      while (j < n && b[at + j] === buf[v + j]) j++;
      if (j === n) return this.strs[slot];
    }
    const str = buf.toString('utf8', v, q);
    for (let j = 0; j < n; j++) b[at + j] = buf[v + j] as number;
    this.lens[slot] = n;
    this.strs[slot] = str;
    return str;
  }
}

const NL = 10;

export interface ScanOptions {
  file: string;
  /** Lines with a timestamp before this (ms since the epoch) are skipped. */
  sinceMs?: number;
  /** Called for each recognised event, in file order. */
  onEvent(e: LogEvent): void;
  /** Called for every line the scanner classifies, with its layout and level (for slicing). */
  onLine?(line: number, layout: Layout | null, level: Level): void;
}

/**
 * Scans one log file fed in chunks. Memory is bounded by the longest line (capped: a line longer than
 * MAX_LINE is counted and skipped) whatever the file size.
 */
export class LogScanner {
  readonly stats = emptyStats();
  private carry: Buffer | null = null;
  private lineNo = 0;
  private pretty: { ev: LogEvent | null; level: Level } | null = null;
  private lastLayout: Layout | null = null;
  private skipping = false;
  private readonly ids = new IdCache();
  /** The line after the message start, when match() had to decode it (latin1). */
  private matched: string | null = null;
  static readonly MAX_LINE = 1 << 20;

  constructor(private readonly o: ScanOptions) {}

  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.stats.bytes += buf.length;
    let pos = 0;
    if (this.carry) {
      // finish the line split across chunks without copying the whole new chunk
      const first = buf.indexOf(NL);
      if (first < 0) {
        buf = Buffer.concat([this.carry, buf]);
        this.carry = null;
      } else {
        const joined = Buffer.concat([this.carry, buf.subarray(0, first)]);
        this.carry = null;
        this.line(joined, 0, joined.length > 0 && joined[joined.length - 1] === 13 ? joined.length - 1 : joined.length);
        pos = first + 1;
      }
    }
    const n = buf.length;
    for (;;) {
      const nl = buf.indexOf(NL, pos);
      if (nl < 0) break;
      this.line(buf, pos, nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl);
      pos = nl + 1;
    }
    if (pos < n) {
      if (n - pos > LogScanner.MAX_LINE) {
        // a runaway line: count it once, drop its bytes
        this.carry = null;
        if (!this.skipping) {
          this.lineNo++;
          this.stats.lines++;
          this.unrecognised('(line longer than 1 MiB)');
        }
        this.skipping = true;
      } else {
        this.carry = Buffer.from(buf.subarray(pos));
      }
    }
  }

  end(): ScanStats {
    if (this.carry && this.carry.length > 0) this.line(this.carry, 0, this.carry.length);
    this.carry = null;
    this.flushPretty();
    return this.stats;
  }

  private unrecognised(text: string): void {
    this.stats.unrecognised++;
    if (this.stats.unrecognisedSamples.length < 5)
      this.stats.unrecognisedSamples.push({ line: this.lineNo, text: text.slice(0, 160) });
  }

  private line(buf: Buffer, s: number, e: number): void {
    if (this.skipping) {
      // the rest of an over-long line
      this.skipping = false;
      return;
    }
    this.lineNo++;
    this.stats.lines++;
    if (e <= s) return;
    const c0 = buf[s] as number;
    if (c0 === 0x7b /* { */) {
      if (buf[s + 1] === 0x22 && buf[s + 2] === 0x6c /* {"l */) return this.goJson(buf, s, e);
    } else if (c0 >= 0x30 && c0 <= 0x39) {
      if (buf[s + 4] === 0x2d /* - */ && buf[s + 10] === 0x54 /* T */) {
        // ISO timestamp: the separator after it tells zap console (TAB) from tracing compact (space)
        let i = s + 19;
        while (i < e && buf[i] !== 0x20 && buf[i] !== 0x09) i++;
        if (buf[i] === 0x09) return this.goConsole(buf, s, e, i);
        if (buf[i] === 0x20) return this.rustCompact(buf, s, e, i);
      } else if (buf[s + 4] === 0x2f /* / */ && buf[s + 7] === 0x2f && buf[s + 10] === 0x20) {
        this.stats.byLayout['go-stdlog']++;
        this.lastLayout = 'go-stdlog';
        this.o.onLine?.(this.lineNo, 'go-stdlog', 'other');
        // the std-log messages read: ReverseProxy's 502 and its body cut short (no level, no zone)
        const msg = /^\S+ \S+ ([\s\S]*)$/.exec(buf.toString('utf8', s, e))?.[1];
        const kind = msg?.startsWith(GO_STDLOG_PROXY_ERROR.entries[0]!.value)
          ? 'proxy-upstream-error'
          : msg?.startsWith(GO_STDLOG_BODY_COPY_ERROR.entries[0]!.value)
            ? 'proxy-body-cut'
            : null;
        if (msg !== undefined && kind)
          this.o.onEvent(newEvent(kind, this.o.file, this.lineNo, 'go-stdlog', 'other', null, clip(msg, 'error')));
        return;
      }
    } else if (c0 === 0x20 || c0 === 0x09 || c0 === 0x1b) {
      return this.indented(buf, s, e);
    } else if (c0 === 0x45 /* E */) {
      // cobra's "Error: <err>" of the Go daemon, for the one error read: no port to listen on
      const text = buf.toString('utf8', s, e);
      if (text.startsWith(`Error: ${GO_NO_AVAILABLE_PORT.entries[0]!.value}`)) {
        this.stats.byLayout['go-stdlog']++;
        this.lastLayout = 'go-stdlog';
        this.stats.errors++;
        this.o.onLine?.(this.lineNo, 'go-stdlog', 'error');
        this.o.onEvent(
          newEvent('listen-failed', this.o.file, this.lineNo, 'go-stdlog', 'error', null, clip(text.slice(7), 'error')),
        );
        return;
      }
    }
    const lay = this.lastLayout;
    if ((lay === 'go-console' || lay === null) && GO_STACK_LINE.test(buf.toString('latin1', s, Math.min(e, s + 300)))) {
      // a line of the stack zap appends to a console ERROR/WARN line: a function
      // ("d7y.io/dragonfly/v2/client/…(*peerTaskConductor).register", "sync.(*Once).doSlow"), or its
      // "/go/src/…/file.go:123" where a paste lost the tab; before any dated line too (an excerpt that
      // begins inside a stack)
      this.o.onLine?.(this.lineNo, lay, 'other');
      return;
    }
    const text = buf.toString('utf8', s, Math.min(e, s + 200));
    if (text.trim() === '') return;
    this.o.onLine?.(this.lineNo, null, 'other');
    this.unrecognised(text);
  }

  private level(b: number): Level {
    switch (b | 0x20) {
      case 0x64:
        return 'debug';
      case 0x69:
        return 'info';
      case 0x77:
        return 'warn';
      case 0x65:
        return 'error';
      default:
        return 'other';
    }
  }

  private count(layout: Layout, level: Level): void {
    this.stats.byLayout[layout]++;
    this.lastLayout = layout;
    if (level === 'error') this.stats.errors++;
    else if (level === 'warn') this.stats.warnings++;
    else if (level === 'debug') this.stats.debugLines++;
    this.o.onLine?.(this.lineNo, layout, level);
  }

  private match(index: Map<number, Pattern[]>, buf: Buffer, ms: number, me: number): Pattern | null {
    const cands = index.get(((buf[ms] as number) << 8) | (buf[ms + 1] as number));
    this.matched = null;
    if (!cands) return null;
    for (const p of cands) {
      const b = p.bytes as Buffer;
      // a JS byte loop: no string is made, and no native call, for the lines that match nothing
      if (ms + b.length > me || !bytesAt(buf, ms, b)) continue;
      // bounded to this line: an unbounded indexOf would scan ahead through the whole chunk
      // bounded to this line (an unbounded indexOf would scan ahead through the whole chunk), decoded
      // once for all the candidates that share the prefix
      if (p.contains !== undefined && !(this.matched ??= buf.toString('latin1', ms, me)).includes(p.contains)) continue;
      return p;
    }
    return null;
  }

  private goJson(buf: Buffer, s: number, e: number): void {
    // {"level":"info","ts":…  — the level's first letter sits at a fixed offset
    const level = this.level(buf[s + 10] as number);
    this.count('go-json', level);
    // zap writes "msg" on every line; byte loops, not Buffer.indexOf: a native call costs more than
    // the few dozen bytes of one line it would search
    const m = findIn(buf, MSG_KEY, s, e);
    if (m < 0) return;
    const ms = m + MSG_KEY.length;
    const p = this.match(GO_INDEX, buf, ms, e);
    if (!p) return;
    // Fields are sliced from the raw bytes; JSON.parse only when the message holds escapes.
    let me = -1;
    let escaped = false;
    for (let i = ms; i < e; i++) {
      const c = buf[i] as number;
      if (c === 0x5c) escaped = true;
      else if (c === 0x22 && buf[i - 1] !== 0x5c) {
        me = i;
        break;
      }
    }
    let msg: string;
    let task: string | undefined;
    let peer: string | undefined;
    let tsField: unknown;
    if (me < 0) {
      // truncated line (rotation mid-write, or a paste): take what the raw text shows
      msg = buf.toString('utf8', ms, e);
      tsField = rawField(buf, s, e, TS_KEY);
    } else if (escaped) {
      try {
        const obj = JSON.parse(buf.toString('utf8', s, e)) as Record<string, unknown>;
        msg = typeof obj.msg === 'string' ? obj.msg : '';
        task = str(obj.task) ?? str(obj.taskID);
        peer = str(obj.peer) ?? str(obj.peerID);
        tsField = obj.ts;
      } catch {
        msg = buf.toString('utf8', ms, me);
        tsField = rawField(buf, s, e, TS_KEY);
      }
    } else {
      msg = buf.toString('utf8', ms, me);
      // one pass over the fields after the message for the first "peer"/"task" (or "peerID"/"taskID")
      let pk = -1;
      let tk = -1;
      let pik = -1;
      let tik = -1;
      for (let i = me; i < e && (pk < 0 || tk < 0); i++) {
        if (buf[i] !== 0x22) continue;
        const c = buf[i + 1];
        if (c === 0x70 /* p */) {
          if (pk < 0 && bytesAt(buf, i, PEER_KEY)) pk = i + PEER_KEY.length;
          else if (pik < 0 && bytesAt(buf, i, PEERID_KEY)) pik = i + PEERID_KEY.length;
        } else if (c === 0x74 /* t */) {
          if (tk < 0 && bytesAt(buf, i, TASK_KEY)) tk = i + TASK_KEY.length;
          else if (tik < 0 && bytesAt(buf, i, TASKID_KEY)) tik = i + TASKID_KEY.length;
        }
      }
      peer = str(this.ids.value(buf, pk >= 0 ? pk : pik, e, 0));
      task = str(this.ids.value(buf, tk >= 0 ? tk : tik, e, 1));
    }
    const tsAt = findIn(buf, TS_KEY, s, ms);
    const fast = tsAt < 0 ? null : this.zapTsAt(buf, tsAt + TS_KEY.length, e);
    const ts =
      fast ?? (typeof tsField === 'string' ? parseZapTs(tsField) : typeof tsField === 'number' ? tsField * 1000 : null);
    this.emitGo(p, level, msg, ts, task, peer, 'go-json');
  }

  private goConsole(buf: Buffer, s: number, e: number, tab: number): void {
    // ts \t LEVEL \t caller \t msg \t {json}
    const t2 = indexIn(buf, 9, tab + 1, e);
    const level = this.level(buf[tab + 1] as number);
    this.count('go-console', level);
    if (t2 < 0 || t2 >= e) return;
    const t3 = indexIn(buf, 9, t2 + 1, e);
    const ms = t3 < 0 || t3 >= e ? t2 + 1 : t3 + 1;
    const p = this.match(GO_INDEX, buf, ms, e);
    if (!p && level !== 'error') return;
    const rest = buf.toString('utf8', ms, e);
    const brace = rest.lastIndexOf('\t{');
    const msg = brace >= 0 ? rest.slice(0, brace) : rest;
    let obj: Record<string, unknown> = {};
    if (brace >= 0) {
      try {
        obj = JSON.parse(rest.slice(brace + 1)) as Record<string, unknown>;
      } catch {
        obj = {};
      }
    }
    const ts = Date.parse(buf.toString('latin1', s, tab));
    this.emitGo(
      p,
      level,
      msg,
      Number.isNaN(ts) ? null : ts,
      str(obj.task) ?? str(obj.taskID),
      str(obj.peer) ?? str(obj.peerID),
      'go-console',
    );
  }

  private emitGo(
    p: Pattern | null,
    level: Level,
    msg: string,
    ts: number | null,
    task: string | undefined,
    peer: string | undefined,
    layout: Layout,
  ): void {
    if (!this.inWindow(ts)) return;
    if (!p) return; // an error line without a known message: counted in stats only
    const ev = newEvent(p.kind, this.o.file, this.lineNo, layout, level, ts, clip(goEvidenceText(msg), level));
    if (task) ev.task = task;
    if (peer) ev.peer = peer;
    goDetails(ev, msg);
    this.o.onEvent(ev);
  }

  private rustCompact(buf: Buffer, s: number, e: number, sp: number): void {
    let i = sp;
    while (i < e && buf[i] === 0x20) i++;
    const level = this.level(buf[i] as number);
    // the message follows "<file>.rs:<line>: "; a dated line without a file is a tracing-pretty head that
    // lost its indent, unless a Go caller follows its level (a zap console line whose tabs became spaces)
    const r = findIn(buf, RS_MARK, i, e);
    if (r < 0 && !/^[^ \t]*[ \t]+[^ \t]*\.go:/.test(buf.toString('latin1', i, e))) return this.indented(buf, s, e);
    this.count('rust-compact', level);
    if (r < 0) return;
    let ms = r + RS_MARK.length;
    while (ms < e && (buf[ms] as number) >= 0x30 && (buf[ms] as number) <= 0x39) ms++;
    if (buf[ms] === 0x3a) ms++;
    if (buf[ms] === 0x20) ms++;
    const p = this.match(RUST_INDEX, buf, ms, e);
    if (!p) return;
    const ts = Date.parse(buf.toString('latin1', s, sp));
    if (!this.inWindow(Number.isNaN(ts) ? null : ts)) return;
    // span fields sit at the end of a compact line: slice the few that matter from the raw bytes
    // the quoted text is decoded on its own: a slice of `rest` would keep all of it alive in the timelines
    const piece = p.kind === 'piece-local' || p.kind === 'piece-remote' || p.kind === 'piece-source';
    // the quote is the message alone: span/event fields (" k=v" after it) are parsed below, not quoted
    const ev = newEvent(
      p.kind,
      this.o.file,
      this.lineNo,
      'rust-compact',
      level,
      Number.isNaN(ts) ? null : ts,
      clipBytes(buf, ms, fieldsStart(buf, ms, e), level),
    );
    // latin1: one char per byte, so an index in the decoded line is an offset from ms
    const line = this.matched;
    const tk = line === null ? findIn(buf, RS_TASK, ms, e) : at(line.indexOf(' task_id="'), ms);
    const pk = line === null ? findIn(buf, RS_PEER, ms, e) : at(line.indexOf(' peer_id="'), ms);
    const task = this.ids.value(buf, tk < 0 ? -1 : tk + RS_TASK.length, e, 1);
    const peer = this.ids.value(buf, pk < 0 ? -1 : pk + RS_PEER.length, e, 0);
    if (task) ev.task = task;
    if (peer) ev.peer = peer;
    if (piece) {
      // "finished piece <task id>-<number> from …": the most frequent line; read it without regexes
      const at = ms + 15;
      let sp = at;
      while (sp < e && buf[sp] !== 0x20) sp++;
      let dash = sp - 1;
      while (dash > at && (buf[dash] as number) >= 0x30 && (buf[dash] as number) <= 0x39) dash--;
      if (buf[dash] === 0x2d && dash < sp - 1 && !ev.task) ev.task = buf.toString('latin1', at, dash);
      this.o.onEvent(ev);
      return;
    }
    {
      const u = findIn(buf, RS_URL, ms, e);
      const url = this.ids.value(buf, u < 0 ? -1 : u + RS_URL.length, e, 2);
      if (url) ev.url = url;
      const cl = indexIn(buf, RS_LEN, ms, e);
      if (cl >= 0) {
        let v = 0;
        let i = cl + RS_LEN.length;
        let any = false;
        for (; i < e && (buf[i] as number) >= 0x30 && (buf[i] as number) <= 0x39; i++, any = true)
          v = v * 10 + ((buf[i] as number) - 0x30);
        if (any) ev.contentLength = v;
      }
    }
    // only these kinds read the message's own text (the rest is in the span fields above)
    if (p.kind === 'task-start' || p.kind === 'task-slow' || p.kind === 'proxy-p2p' || p.kind === 'proxy-direct') {
      rustDetails(ev, buf.toString('utf8', ms, Math.min(e, ms + 600)));
    } else if (p.kind === 'daemon-version' || p.kind === 'local-start') {
      rustDetails(ev, buf.toString('utf8', ms, Math.min(e, ms + 16384)));
    }
    ev.text = rustEvidenceText(p.kind, ev.text);
    this.o.onEvent(ev);
  }

  private indented(buf: Buffer, s: number, e: number): void {
    // a zap console line indented where it was pasted: read at its first character
    let i = s;
    while (i < e && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
    const c0 = buf[i] as number;
    if (i > s && c0 >= 0x30 && c0 <= 0x39 && buf[i + 4] === 0x2d && buf[i + 10] === 0x54) {
      let j = i + 19;
      while (j < e && buf[j] !== 0x20 && buf[j] !== 0x09) j++;
      if (j < e && buf[j] === 0x09) return this.goConsole(buf, i, e, j);
    }
    let text = buf.toString('utf8', s, Math.min(e, s + 8192));
    if (text.includes('\x1b') || text.includes('[2m') || text.includes('[0m')) text = stripAnsi(text);
    const t = text.trimStart();
    if (t === '') return;
    if (/^\d{4}-\d{2}-\d{2}T\S+\s+(TRACE|DEBUG|INFO|WARN|ERROR)\s/.test(t)) {
      this.flushPretty();
      // [\s\S] not `.`: a stray CR inside the line (CRCRLF endings) would make `.` stop and the match null
      const m = /^(\S+)\s+(\S+)\s+([\s\S]*)$/.exec(t) as RegExpExecArray;
      const level = this.level((m[2] as string).charCodeAt(0));
      this.count('rust-pretty', level);
      const msg = (m[3] as string).trim();
      const p = RUST_PATTERNS.find(
        (x) => msg.startsWith(x.prefix) && (x.contains === undefined || msg.includes(x.contains)),
      );
      const ts = Date.parse(m[1] as string);
      if (!p || !this.inWindow(Number.isNaN(ts) ? null : ts)) {
        this.pretty = { ev: null, level };
        return;
      }
      const ev = newEvent(
        p.kind,
        this.o.file,
        this.lineNo,
        'rust-pretty',
        level,
        Number.isNaN(ts) ? null : ts,
        rustEvidenceText(p.kind, clip(msg, level)),
      );
      rustDetails(ev, msg);
      this.pretty = { ev, level };
      return;
    }
    if (this.pretty && (t.startsWith('at ') || t.startsWith('in '))) {
      this.o.onLine?.(this.lineNo, 'rust-pretty', this.pretty.level);
      if (this.pretty.ev && t.startsWith('in '))
        rustSpanFields(this.pretty.ev, t, /(?:with |, )([a-z_]+): ("(?:[^"\\]|\\.)*"|[^,\s]+)/g);
      // the pretty layout (the console's up to v1.4.0) prints the announce span's request on its "in" line:
      // "in init_announce_host with request: AnnounceHostRequest { … Build { git_version: … } … }"
      // (tracing-subscriber fmt/format/pretty.rs: "    in <span> with <fields>", each field "name: {:?}")
      if (this.pretty.ev?.kind === 'daemon-version' && this.pretty.ev.release === undefined && t.startsWith('in '))
        rustDetails(this.pretty.ev, t);
      return;
    }
    if (
      this.lastLayout === 'go-console' ||
      this.lastLayout === 'go-json' ||
      (this.lastLayout === null && GO_STACK_FILE.test(t))
    ) {
      // zap console stack frame ("\t/go/src/…/file.go:123"), also where an excerpt begins inside a stack
      this.o.onLine?.(this.lineNo, this.lastLayout, 'other');
      return;
    }
    this.o.onLine?.(this.lineNo, null, 'other');
    this.unrecognised(t);
  }

  private dayKey: Buffer | null = null;
  private dayMs = 0;

  /** "2006-01-02 15:04:05.000" read from the bytes, the day's base cached: no regex, no Date per line. */
  private zapTsAt(buf: Buffer, p: number, e: number): number | null {
    if (p + 19 > e || buf[p + 4] !== 0x2d || buf[p + 13] !== 0x3a) return null;
    if (!this.dayKey || !bytesAt(buf, p, this.dayKey)) {
      const day = buf.toString('latin1', p, p + 10);
      const d = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
      if (Number.isNaN(d)) return null;
      this.dayKey = Buffer.from(day, 'latin1');
      this.dayMs = d;
    }
    const dd = (i: number) => ((buf[p + i] as number) - 48) * 10 + ((buf[p + i + 1] as number) - 48);
    let ms = 0;
    let i = p + 20;
    if (buf[p + 19] === 0x2e) {
      let f = 100;
      while (i < e && f >= 1) {
        const c = (buf[i] as number) - 48;
        if (c < 0 || c > 9) break;
        ms += c * f;
        f /= 10;
        i++;
      }
    } else if (buf[p + 19] !== 0x22) return null; // a zone or other layout: the slow path reads it
    const v = this.dayMs + ((dd(11) * 60 + dd(14)) * 60 + dd(17)) * 1000 + ms;
    return Number.isFinite(v) ? v : null;
  }

  private flushPretty(): void {
    if (this.pretty?.ev) this.o.onEvent(this.pretty.ev);
    this.pretty = null;
  }

  private inWindow(ts: number | null): boolean {
    if (ts !== null) {
      if (this.stats.firstTsMs === null || ts < this.stats.firstTsMs) this.stats.firstTsMs = ts;
      if (this.stats.lastTsMs === null || ts > this.stats.lastTsMs) this.stats.lastTsMs = ts;
    }
    if (this.o.sinceMs !== undefined && ts !== null && ts < this.o.sinceMs) {
      this.stats.beforeSince++;
      return false;
    }
    return true;
  }
}
