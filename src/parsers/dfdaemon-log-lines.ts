// The lines of a dfdaemon log that the WebAssembly scanner (dfdaemon-log.ts) hands back to JS: the rare
// layouts (zap development console, Go std-log, tracing pretty with its continuation lines), a zap JSON
// message with escapes or cut short, timestamps of an unusual shape, and lines in no layout. They are
// few in a daemon's log, so they are read here with strings and regexes, in file order with the rest.
import {
  clip,
  goDetails,
  goEvidenceText,
  newEvent,
  parseZapTs,
  rustDetails,
  rustEvidenceText,
  rustSpanFields,
  str,
  stripAnsi,
} from './dfdaemon-log-details.js';
import { GO_NO_AVAILABLE_PORT, GO_STDLOG_BODY_COPY_ERROR, GO_STDLOG_PROXY_ERROR } from '../knowledge/dfdaemon-go.js';
import { GO_PATTERNS, type Pattern, RUST_PATTERNS } from './dfdaemon-log-patterns.js';
import type { Layout, Level, LogEvent, ScanStats } from './dfdaemon-log-types.js';

export interface LineSink {
  file: string;
  sinceMs?: number;
  onEvent(e: LogEvent): void;
  onLine?(line: number, layout: Layout | null, level: Level): void;
}

const TS_KEY = Buffer.from('"ts":"');
/** The std-log messages read, each with the kind of its event. */
const STDLOG_MESSAGES: readonly { prefix: Buffer; kind: 'proxy-upstream-error' | 'proxy-body-cut' }[] = [
  { prefix: Buffer.from(GO_STDLOG_PROXY_ERROR.entries[0]!.value, 'latin1'), kind: 'proxy-upstream-error' },
  { prefix: Buffer.from(GO_STDLOG_BODY_COPY_ERROR.entries[0]!.value, 'latin1'), kind: 'proxy-body-cut' },
];
const CLIENT_GONE = /^http: proxy error: context canceled\s*$/;

/** cobra's line on the Go daemon's stderr when it exits for want of a port (GO_NO_AVAILABLE_PORT). */
const COBRA_NO_PORT = Buffer.from(`Error: ${GO_NO_AVAILABLE_PORT.entries[0]!.value}`, 'latin1');

/** The file line of a Go stack frame ("/go/src/d7y.io/…/peer/piece_manager.go:188"), indented under its function. */
export const GO_STACK_FILE = /^\/[\w./@+-]+\.go:\d+$/;
/** A line of a Go stack, unindented: its function ("pkg/path.(*Type).Method", "sync.(*Once).doSlow"), or a file line. */
export const GO_STACK_LINE = new RegExp(String.raw`^(?:[\w.-]+\/)*[\w.-]+\.[\w(*).]+$|${GO_STACK_FILE.source}`);

function levelOf(b: number): Level {
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

/** The string value of a JSON key found in buf[from, e), without parsing the line. */
function rawField(buf: Buffer, from: number, e: number, key: Buffer): string | undefined {
  const k = buf.indexOf(key, from);
  if (k < 0 || k >= e) return undefined;
  const v = k + key.length;
  const q = buf.indexOf(0x22, v);
  if (q < 0 || q >= e) return undefined;
  return buf.toString('utf8', v, q);
}

/** zap's "2006-01-02 15:04:05.000" at p, read as Date.UTC reads its parts (the shapes WASM leaves to JS). */
export function zapTsAt(buf: Buffer, p: number, e: number): number | null {
  if (p + 19 > e || buf[p + 4] !== 0x2d || buf[p + 13] !== 0x3a) return null;
  const day = buf.toString('latin1', p, p + 10);
  const d = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  if (Number.isNaN(d)) return null;
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
  } else if (buf[p + 19] !== 0x22) return null;
  const v = d + ((dd(11) * 60 + dd(14)) * 60 + dd(17)) * 1000 + ms;
  return Number.isFinite(v) ? v : null;
}

/** JS's share of one scan: its lines' statistics and the state the rare layouts carry between lines. */
export class JsLines {
  /** Counts of the lines read here (the scanner adds those WASM read). */
  readonly stats: Pick<ScanStats, 'byLayout' | 'errors' | 'warnings' | 'debugLines' | 'beforeSince'> & {
    unrecognised: number;
    samples: { line: number; text: string }[];
    firstTsMs: number | null;
    lastTsMs: number | null;
  } = {
    byLayout: { 'go-json': 0, 'go-console': 0, 'go-stdlog': 0, 'rust-compact': 0, 'rust-pretty': 0 },
    errors: 0,
    warnings: 0,
    debugLines: 0,
    beforeSince: 0,
    unrecognised: 0,
    samples: [],
    firstTsMs: null,
    lastTsMs: null,
  };
  lastLayout: Layout | null = null;
  private pretty: { ev: LogEvent | null; level: Level } | null = null;

  constructor(private readonly o: LineSink) {}

  unrecognised(lineNo: number, text: string): void {
    this.stats.unrecognised++;
    if (this.stats.samples.length < 5) this.stats.samples.push({ line: lineNo, text: text.slice(0, 160) });
  }

  /** A line WASM read in no layout it handles (counted there already). */
  line(buf: Buffer, s: number, e: number, lineNo: number): void {
    const c0 = buf[s] as number;
    if (c0 >= 0x30 && c0 <= 0x39) {
      const i = isoTimeEnd(buf, s, e);
      if (i >= 0) {
        if (i < e && buf[i] === 0x09) return this.goConsole(buf, s, e, i, lineNo);
        // "<time> <LEVEL> <message>" without a source file: a tracing-pretty head that lost its indent
        // (a log collector trims each line; WASM reads the compact layout, which names its file)
        if (i < e) return this.indented(buf, s, e, lineNo);
      } else if (buf[s + 4] === 0x2f /* / */ && buf[s + 7] === 0x2f && buf[s + 10] === 0x20) {
        this.stats.byLayout['go-stdlog']++;
        this.lastLayout = 'go-stdlog';
        this.o.onLine?.(lineNo, 'go-stdlog', 'other');
        return this.goStdlog(buf, s, e, lineNo);
      }
    } else if (c0 === 0x20 || c0 === 0x09 || c0 === 0x1b) {
      return this.indented(buf, s, e, lineNo);
    } else if (
      c0 === 0x45 /* E */ &&
      s + COBRA_NO_PORT.length <= e &&
      buf.subarray(s, s + COBRA_NO_PORT.length).equals(COBRA_NO_PORT)
    ) {
      // cobra's "Error: <err>" as the Go daemon exits: only this error is read (a Rust client that
      // returns an error from main prints "Error: …" too), as a line of the daemon's stderr
      this.count('go-stdlog', 'error', lineNo);
      const msg = buf.toString('utf8', s + 7, e);
      return this.o.onEvent(
        newEvent('listen-failed', this.o.file, lineNo, 'go-stdlog', 'error', null, clip(msg, 'error')),
      );
    }
    const lay = this.lastLayout;
    if ((lay === 'go-console' || lay === null) && GO_STACK_LINE.test(buf.toString('latin1', s, Math.min(e, s + 300)))) {
      // a line of the stack zap appends to a console ERROR/WARN line: a function
      // ("d7y.io/dragonfly/v2/client/…(*peerTaskConductor).register", "sync.(*Once).doSlow"), or its
      // "/go/src/…/file.go:123" where a paste lost the tab; before any dated line too (an excerpt that
      // begins inside a stack)
      this.o.onLine?.(lineNo, lay, 'other');
      return;
    }
    const text = buf.toString('utf8', s, Math.min(e, s + 200));
    if (text.trim() === '') return;
    this.o.onLine?.(lineNo, null, 'other');
    this.unrecognised(lineNo, text);
  }

  /**
   * A Go std-log line ("2006/01/02 15:04:05 <message>", no level): the messages read are Go's
   * ReverseProxy's, a request answered 502 (GO_STDLOG_PROXY_ERROR) and a response whose body failed after
   * its headers were sent, cut short (GO_STDLOG_BODY_COPY_ERROR). No timestamp: the time is local
   * without a zone (dfdaemon-log-time.ts).
   */
  private goStdlog(buf: Buffer, s: number, e: number, lineNo: number): void {
    const sp = buf.indexOf(0x20, s + 11);
    if (sp < 0) return;
    const m = STDLOG_MESSAGES.find(
      (x) => sp + 1 + x.prefix.length <= e && buf.subarray(sp + 1, sp + 1 + x.prefix.length).equals(x.prefix),
    );
    if (!m) return;
    const msg = buf.toString('utf8', sp + 1, e);
    // the client went away: ServeHTTP cancels the request to the registry when its client's connection
    // closes, and the handler logs that cancel as it logs a failure (golang/go net/http/httputil
    // reverseproxy.go ServeHTTP, CloseNotify → cancel; defaultErrorHandler) — no fault of the registry
    if (m.kind === 'proxy-upstream-error' && CLIENT_GONE.test(msg)) return;
    this.o.onEvent(newEvent(m.kind, this.o.file, lineNo, 'go-stdlog', 'other', null, clip(msg, 'error')));
  }

  private count(layout: Layout, level: Level, lineNo: number): void {
    this.stats.byLayout[layout]++;
    this.lastLayout = layout;
    if (level === 'error') this.stats.errors++;
    else if (level === 'warn') this.stats.warnings++;
    else if (level === 'debug') this.stats.debugLines++;
    this.o.onLine?.(lineNo, layout, level);
  }

  /** A matched zap JSON line whose message holds escapes or has no closing quote (counted by WASM). */
  goJsonSlow(buf: Buffer, s: number, e: number, ms: number, p: Pattern, level: Level, lineNo: number): void {
    // WASM sends the lines whose message has escapes (JSON.parse reads them) or no closing quote
    let me = -1;
    for (let i = ms; i < e; i++) {
      if (buf[i] === 0x22 && buf[i - 1] !== 0x5c) {
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
    } else {
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
    }
    const tsAt = buf.indexOf(TS_KEY, s);
    const fast = tsAt < 0 || tsAt >= ms ? null : zapTsAt(buf, tsAt + TS_KEY.length, e);
    const ts =
      fast ?? (typeof tsField === 'string' ? parseZapTs(tsField) : typeof tsField === 'number' ? tsField * 1000 : null);
    this.emitGo(p, level, msg, ts, task, peer, 'go-json', lineNo);
  }

  private goConsole(buf: Buffer, s: number, e: number, tab: number, lineNo: number): void {
    // ts \t LEVEL \t caller \t msg \t {json}
    const t2 = buf.indexOf(9, tab + 1);
    const level = levelOf(buf[tab + 1] as number);
    this.count('go-console', level, lineNo);
    if (t2 < 0 || t2 >= e) return;
    const t3 = buf.indexOf(9, t2 + 1);
    const ms = t3 < 0 || t3 >= e ? t2 + 1 : t3 + 1;
    const p = matchAt(GO_PATTERNS, buf, ms, e);
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
      lineNo,
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
    lineNo: number,
  ): void {
    if (!this.inWindow(ts)) return;
    if (!p) return; // an error line without a known message: counted in stats only
    const ev = newEvent(p.kind, this.o.file, lineNo, layout, level, ts, clip(goEvidenceText(msg), level));
    if (task) ev.task = task;
    if (peer) ev.peer = peer;
    goDetails(ev, msg);
    this.o.onEvent(ev);
  }

  private indented(buf: Buffer, s: number, e: number, lineNo: number): void {
    // a zap console line indented where it was pasted (a Markdown list): read at its first character
    const tab = indentedGoConsole(buf, s, e);
    if (tab !== null) return this.goConsole(buf, tab.start, e, tab.at, lineNo);
    let text = buf.toString('utf8', s, Math.min(e, s + 8192));
    if (text.includes('\x1b') || text.includes('[2m') || text.includes('[0m')) text = stripAnsi(text);
    const t = text.trimStart();
    if (t === '') return;
    if (/^\d{4}-\d{2}-\d{2}T\S+\s+(TRACE|DEBUG|INFO|WARN|ERROR)\s/.test(t)) {
      this.flushPretty();
      // [\s\S] not `.`: a stray CR inside the line (CRCRLF endings) would make `.` stop and the match null
      const m = /^(\S+)\s+(\S+)\s+([\s\S]*)$/.exec(t) as RegExpExecArray;
      const level = levelOf((m[2] as string).charCodeAt(0));
      this.count('rust-pretty', level, lineNo);
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
        lineNo,
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
      this.o.onLine?.(lineNo, 'rust-pretty', this.pretty.level);
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
      this.o.onLine?.(lineNo, this.lastLayout, 'other');
      return;
    }
    this.o.onLine?.(lineNo, null, 'other');
    this.unrecognised(lineNo, t);
  }

  /** The pending tracing-pretty event: its continuation lines have been read. */
  flushPretty(): void {
    if (this.pretty?.ev) this.o.onEvent(this.pretty.ev);
    this.pretty = null;
  }

  inWindow(ts: number | null): boolean {
    const st = this.stats;
    if (ts !== null) {
      if (st.firstTsMs === null || ts < st.firstTsMs) st.firstTsMs = ts;
      if (st.lastTsMs === null || ts > st.lastTsMs) st.lastTsMs = ts;
    }
    if (this.o.sinceMs !== undefined && ts !== null && ts < this.o.sinceMs) {
      st.beforeSince++;
      return false;
    }
    return true;
  }
}

/** The first pattern whose prefix (and second string) the message at buf[ms, e) holds. */
function matchAt(list: readonly Pattern[], buf: Buffer, ms: number, e: number): Pattern | null {
  const key = ((buf[ms] as number) << 8) | (buf[ms + 1] as number);
  let line: string | null = null;
  for (const p of list) {
    if (keyOf(p.prefix) !== key || ms + p.prefix.length > e) continue;
    if (buf.toString('latin1', ms, ms + p.prefix.length) !== p.prefix) continue;
    if (p.contains !== undefined && !(line ??= buf.toString('latin1', ms, e)).includes(p.contains)) continue;
    return p;
  }
  return null;
}

/** The dispatch key of a prefix: its first two characters, as the scanner reads them from bytes. */
export function keyOf(prefix: string): number {
  return (prefix.charCodeAt(0) << 8) | prefix.charCodeAt(1);
}

/**
 * Where an indented line is a zap console line (its time, then a tab): the line's first character and
 * that tab; null for any other line. The same test as JsLines.line() makes of a line that starts there.
 */
function indentedGoConsole(buf: Buffer, s: number, e: number): { start: number; at: number } | null {
  let i = s;
  while (i < e && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  const c0 = buf[i] as number;
  if (i === s || !(c0 >= 0x30 && c0 <= 0x39)) return null;
  const j = isoTimeEnd(buf, i, e);
  return j >= 0 && j < e && buf[j] === 0x09 ? { start: i, at: j } : null;
}

/**
 * Where the ISO time a line starts with at `s` ends (the first space or tab after it, or `e`); -1 when
 * the line starts with no such time ("2006-01-02T…", the caller has seen the first digit).
 */
function isoTimeEnd(buf: Buffer, s: number, e: number): number {
  if (buf[s + 4] !== 0x2d /* - */ || buf[s + 10] !== 0x54 /* T */) return -1;
  let i = s + 19;
  while (i < e && buf[i] !== 0x20 && buf[i] !== 0x09) i++;
  return i;
}
