// Streaming scanner for dfdaemon logs of both generations (Go: dragonflyoss/dragonfly v2.1.49
// internal/dflog/logcore.go; Rust: dragonflyoss/client dragonfly-client/src/tracing/mod.rs):
//   go-json      zap production JSON, one object per line (Go dfdaemon file mode, core.log)
//   go-console   zap development console: ISO8601<TAB>LEVEL<TAB>caller<TAB>msg<TAB>{json}
//   go-stdlog    Go std-log lines on stderr ("2023/08/14 16:18:32 httputil: …")
//   rust-compact tracing-subscriber compact: "<rfc3339> <LEVEL> <spans>: <file>:<line>: <msg> <k=v…>"
//   rust-pretty  tracing-subscriber pretty: "  <ts> <LEVEL>  <msg>" + "    at …" + "    in <span> with …"
// The bytes are scanned by a WebAssembly module (assembly/dfdaemon-log-scan.ts, built into dist/wasm by
// `npm run build`; its loader hands the compiled module in): it splits the lines, counts them, reads
// levels and timestamps, matches messages against the tables of dfdaemon-log-patterns.ts (written into
// its memory here, at start) and returns the byte ranges of each matched line's fields. Strings are made
// only for the lines that matter; the rare layouts are read by dfdaemon-log-lines.ts. A JS-only scan
// (strings per line, or JSON.parse) capped the analysis at 0.05–0.1 × `grep -c` (bench/dfdaemon-logs.bench.ts).
import {
  clip,
  clipBytes,
  goDetails,
  goEvidenceText,
  newEvent,
  rustDetails,
  rustEvidenceText,
} from './dfdaemon-log-details.js';
import { JsLines, keyOf, zapTsAt } from './dfdaemon-log-lines.js';
import { GO_PATTERNS, type Pattern, RUST_PATTERNS } from './dfdaemon-log-patterns.js';
import {
  ID_SLOT_DELTA,
  LAY_JS,
  PF_EVENT,
  PF_KEY_IN_TEXT,
  PF_ANY_PIECE,
  PF_PIECE,
  PF_PROXY,
  PF_TASK_PART,
  PF_TASK_PART_WITH_TASK,
  R_SIM,
  R_CLEN,
  R_E,
  R_LAYOUT,
  R_LEVEL,
  R_LINE,
  R_ME,
  R_MS,
  R_PAT,
  R_PEER_S,
  R_PTASK_E,
  R_PTASK_S,
  R_S,
  R_SP,
  R_TASK_S,
  R_TS,
  R_TS_STATE,
  R_TSAT,
  R_TYPE,
  R_URL_S,
  REC_I32,
  T_EVENT_GO,
  T_EVENT_RUST,
  T_FALLBACK,
  T_GO_SLOW,
  T_LINE,
} from './dfdaemon-log-record.js';
import type { PieceLine } from './dfdaemon-timeline.js';
import {
  emptyStats,
  type EventKind,
  type Layout,
  type Level,
  type LogEvent,
  type ScanStats,
} from './dfdaemon-log-types.js';

export type { Layout, Level, LogEvent, ScanStats } from './dfdaemon-log-types.js';
export { emptyStats, layoutGeneration } from './dfdaemon-log-types.js';
export { parseZapTs } from './dfdaemon-log-details.js';

export interface ScanOptions {
  file: string;
  /** Lines with a timestamp before this (ms since the epoch) are skipped. */
  sinceMs?: number;
  /** Called for each recognised event, in file order. */
  onEvent(e: LogEvent): void;
  /** Called for every line the scanner classifies, with its layout and level (for slicing). */
  onLine?(line: number, layout: Layout | null, level: Level): void;
  /** Rust piece lines go here instead of onEvent when given (TimelineBuilder.addPiece: no event per line). */
  onPiece?(line: PieceLine): void;
  /**
   * The first pass of a two-pass fold (facts/dfdaemon-log-fold.ts): the lines' task keys go into the
   * pass's table (KeyPass), and only the events of the kinds the fold names reach onEvent.
   */
  keyPass?: { pass: KeyPass; file: number };
  /**
   * A place a later scan of the same bytes may start from: the first whole line of each chunk, as the
   * number of lines before it and its offset in the bytes pushed.
   */
  onRestartPoint?(linesBefore: number, offset: number): void;
  /** Lines before the first byte pushed (a scan that starts at a restart point): line numbers go on from there. */
  startLine?: number;
}

/** The module's exports (assembly/dfdaemon-log-scan.ts). */
interface ScanExports {
  memory: WebAssembly.Memory;
  layout(outRecords: number): number;
  inputAt(): number;
  outAt(): number;
  patternsAt(): number;
  configure(sinceMs: number, lines: number): void;
  setSkipping(v: number): void;
  getSkipping(): number;
  countLine(): number;
  setLine(n: number): void;
  stat(i: number): number;
  begin(from: number, end: number): void;
  run(): number;
  position(): number;
  full(): number;
  lastLine(from: number, end: number): number;
  reset(): void;
  scratchAt(): number;
  simStart(max: number, maxProxy: number): void;
  simProxyJs(line: number): void;
  simProxyCount(): number;
  simProxyFirst(k: number): number;
  simEnd(): void;
  simSetFile(f: number): void;
  simSeeJs(n: number, line: number): void;
  simOverflowed(): number;
  simDroppedCount(): number;
  simFirst(): number;
  simEndIndex(): number;
  simField(c: number, k: number): number;
}

const OUT_RECORDS = 4096;
/** Zero bytes after the input: reads a little past the last line see no stale bytes. */
const PAD = 64;
const LEVELS: Level[] = ['debug', 'info', 'warn', 'error', 'other'];
const LAYOUTS: (Layout | null)[] = ['go-json', 'go-console', 'go-stdlog', 'rust-compact', 'rust-pretty', null];
const PIECE_KINDS = new Set(['piece-local', 'piece-remote', 'piece-source']);
/** Go kinds whose peer goDetails reads from the text when the line has no peer field. */
const GO_KEY_IN_TEXT: ReadonlySet<EventKind> = new Set<EventKind>([
  'sched-back-source',
  'register-start',
  'register-ok',
  'register-failed',
]);
/** Both generations' message tables, in the order the module's pattern indices count them. */
const PATTERNS: readonly Pattern[] = [...GO_PATTERNS, ...RUST_PATTERNS];

/**
 * Writes both generations' message tables into the module's memory: a dispatch table on a message's
 * first two bytes (per generation), then each pattern's prefix, second string and flags. The module
 * keeps no message text of its own.
 */
function writeTables(x: ScanExports): void {
  const base = x.layout(OUT_RECORDS);
  const at = x.patternsAt();
  const mem = new DataView(x.memory.buffer);
  const u8 = new Uint8Array(x.memory.buffer);
  const all = PATTERNS;
  // the byte pool follows the 16-byte records
  let pool = at + all.length * 16;
  const bytes = (s: string): number => {
    for (let i = 0; i < s.length; i++)
      if (s.charCodeAt(i) > 0xff) throw new Error(`dfdaemon log pattern not latin1: ${JSON.stringify(s)}`);
    const off = pool - base;
    u8.set(Buffer.from(s, 'latin1'), pool);
    pool += s.length;
    return off;
  };
  const tails = new Map<number, number>();
  all.forEach((p, i) => {
    const g = i < GO_PATTERNS.length ? 0 : 1;
    if (p.prefix.length < 2) throw new Error(`dfdaemon log pattern shorter than 2 bytes: ${JSON.stringify(p.prefix)}`);
    const rec = at + i * 16;
    mem.setUint32(rec, bytes(p.prefix), true);
    mem.setUint16(rec + 4, p.prefix.length, true);
    mem.setUint16(rec + 6, p.contains?.length ?? 0, true);
    mem.setUint32(rec + 8, p.contains ? bytes(p.contains) : 0, true);
    mem.setUint16(rec + 12, 0, true);
    mem.setUint16(rec + 14, PIECE_KINDS.has(p.kind) ? 1 : 0, true);
    // chained in table order: the first pattern that matches wins, as the tables are written
    const slot = g * 65536 + (keyOf(p.prefix) & 0xffff);
    const tail = tails.get(slot);
    if (tail === undefined) mem.setUint16(base + slot * 2, i + 1, true);
    else mem.setUint16(at + tail * 16 + 12, i + 1, true);
    tails.set(slot, i);
  });
  if (pool - at > 65536) throw new Error('dfdaemon log patterns do not fit the scanner table');
}

/** Slots of the module's id table (assembly/dfdaemon-log-scan.ts: intern()). */
const ID_SLOTS = 4096;

/** Instances whose scan has ended, per module, for the next scanner. */
const POOL = new WeakMap<WebAssembly.Module, ScanExports[]>();

function take(wasm: WebAssembly.Module): ScanExports {
  const x = POOL.get(wasm)?.pop();
  if (x) {
    x.reset();
    return x;
  }
  const made = new WebAssembly.Instance(wasm, {}).exports as unknown as ScanExports;
  writeTables(made);
  return made;
}

/** What the first pass of a fold must know of its kinds (src/parsers/dfdaemon-timeline.ts). */
export interface FoldKinds {
  /** Tasks kept at most (the timelines' bound). */
  maxTasks: number;
  /** Kinds whose events the first pass folds (the daemon-wide lists). */
  events: ReadonlySet<EventKind>;
  /** Proxy request kinds: only counted, where they are listed; the last maxProxy are the second pass's. */
  proxies: ReadonlySet<EventKind>;
  maxProxy: number;
  /** Whether a proxy request's event is listed (it has a URL). */
  listed(e: LogEvent): boolean;
  /** Whether a line counts in its task's timeline. */
  hasTaskPart(e: Pick<LogEvent, 'kind' | 'task'>): boolean;
  /** The key of that task. */
  keyOf(e: Pick<LogEvent, 'peer' | 'task'>): string | undefined;
}

/** A task that the first pass's table still holds at the end, and the line it started on. */
export interface Survivor {
  key: string;
  file: number;
  line: number;
}

/**
 * The first pass of a two-pass fold: one module instance whose task table (assembly/dfdaemon-log-scan.ts,
 * simSee) takes the task key of every line of every file, dropping tasks as the timelines do, so that
 * the pass learns which tasks remain without a JS object per line. The scanners of the pass's files
 * share the instance (keyPass option); release() ends it.
 */
export class KeyPass {
  /** Tasks the module's table can hold. */
  static readonly CAPACITY = 8192;
  readonly x: ScanExports;
  private released = false;

  constructor(
    private readonly wasm: WebAssembly.Module,
    readonly kinds: FoldKinds,
  ) {
    for (const n of [kinds.maxTasks, kinds.maxProxy])
      if (n < 1 || n > KeyPass.CAPACITY) throw new Error(`KeyPass: a bound of ${n} is outside 1–${KeyPass.CAPACITY}`);
    this.x = take(wasm);
    this.x.simStart(kinds.maxTasks, kinds.maxProxy);
    // what each message kind means to the fold, as pattern flags
    const mem = new DataView(this.x.memory.buffer);
    const at = this.x.patternsAt();
    PATTERNS.forEach((p, i) => {
      let f = PIECE_KINDS.has(p.kind) ? PF_PIECE : 0;
      // a Go proxy request's URL is read by goDetails: the module hands those lines to JS (simLine)
      if (kinds.proxies.has(p.kind)) f |= PF_PROXY;
      else if (kinds.events.has(p.kind)) f |= PF_EVENT;
      if (kinds.hasTaskPart({ kind: p.kind, task: undefined })) f |= PF_TASK_PART;
      if (kinds.hasTaskPart({ kind: p.kind, task: 'x' })) f |= PF_TASK_PART_WITH_TASK;
      // goDetails: the scheduler's 5001 error and the v2.0.0–v2.0.1 register lines name their peer only in the text
      if (i < GO_PATTERNS.length && GO_KEY_IN_TEXT.has(p.kind)) f |= PF_KEY_IN_TEXT;
      mem.setUint16(at + i * 16 + 14, f, true);
    });
    // PF_ANY_PIECE: a piece pattern whose chain goes on with piece patterns of its own flags only
    PATTERNS.forEach((_, i) => {
      const flags = mem.getUint16(at + i * 16 + 14, true);
      if (!(flags & PF_PIECE)) return;
      for (let n = mem.getUint16(at + i * 16 + 12, true); n !== 0; n = mem.getUint16(at + (n - 1) * 16 + 12, true))
        if (mem.getUint16(at + (n - 1) * 16 + 14, true) !== flags) return;
      mem.setUint16(at + i * 16 + 14, flags | PF_ANY_PIECE, true);
    });
  }

  /** The instance, ready for the pass's file number `file`. */
  instance(file: number): ScanExports {
    this.x.reset();
    this.x.simSetFile(file);
    return this.x;
  }

  /** A key that JS read (a line the module handed over), into the table. */
  see(key: string, line: number): void {
    const n = Buffer.byteLength(key);
    if (n <= SCRATCH_BYTES) Buffer.from(this.x.memory.buffer, this.x.scratchAt(), n).write(key);
    this.x.simSeeJs(n, line);
  }

  /** Whether a key did not fit the table (its answer is then void). */
  get overflowed(): boolean {
    return this.x.simOverflowed() !== 0;
  }

  get dropped(): number {
    return this.x.simDroppedCount();
  }

  /** A proxy request JS read whose event is listed. */
  proxy(line: number): void {
    this.x.simProxyJs(line);
  }

  /** Proxy requests listed in all, and where the first of the last maxProxy is (null: none). */
  proxies(): { count: number; first: { file: number; line: number } | null } {
    const count = this.x.simProxyCount();
    return { count, first: count === 0 ? null : { file: this.x.simProxyFirst(0), line: this.x.simProxyFirst(1) } };
  }

  survivors(): Survivor[] {
    const x = this.x;
    const out: Survivor[] = [];
    const mem = Buffer.from(x.memory.buffer);
    for (let c = x.simFirst(); c < x.simEndIndex(); c++) {
      const at = x.simField(c, 0);
      out.push({
        key: mem.toString('utf8', at, at + x.simField(c, 1)),
        line: x.simField(c, 3),
        file: x.simField(c, 4),
      });
    }
    return out;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.x.simEnd();
    const free = POOL.get(this.wasm) ?? [];
    if (free.length < 4) free.push(this.x);
    POOL.set(this.wasm, free);
  }
}

/** Bytes of the module's scratch area (assembly/dfdaemon-log-scan.ts: SCRATCH_BYTES). */
const SCRATCH_BYTES = 65536;

/** The scanner's one PieceLine, filled for each piece line: its event is made on demand, once. */
class ScannedPiece implements PieceLine {
  at = 0;
  line = 0;
  kind: PieceLine['kind'] = 'piece-local';
  task: string | undefined = undefined;
  peer: string | undefined = undefined;
  tsMs: number | null = null;
  level: Level = 'info';
  made: LogEvent | undefined = undefined;

  constructor(private readonly scanner: LogScanner) {}

  event(): LogEvent {
    if (this.made) return this.made;
    const ev = this.scanner.rustBase(this.at, this.line, this.kind, this.tsMs, undefined, this.peer);
    // the task read from the piece's own text may be empty: the JS scanner set it even then
    if (this.task !== undefined) ev.task = this.task;
    this.made = ev;
    return ev;
  }
}

/**
 * Scans one log file fed in chunks. Memory is bounded by the longest line (capped: a line longer than
 * MAX_LINE is counted and skipped) whatever the file size.
 */
export class LogScanner {
  static readonly MAX_LINE = 1 << 20;
  private readonly x: ScanExports;
  private readonly js: JsLines;
  private readonly kp: KeyPass | undefined;
  /** The strings of the module's id table, slot by slot. */
  private readonly ids: string[] = new Array<string>(ID_SLOTS).fill('');
  private readonly pieceLine = new ScannedPiece(this);
  private readonly patterns: readonly Pattern[] = PATTERNS;
  private readonly input: number;
  /** Where the carried partial line starts in the input area (the next bytes follow it). */
  private start = 0;
  private carry = 0;
  private bytes = 0;
  private released = false;
  private buf: Buffer;
  private i32: Int32Array;
  private f64: Float64Array;

  constructor(
    private readonly wasm: WebAssembly.Module,
    private readonly o: ScanOptions,
  ) {
    this.kp = o.keyPass?.pass;
    this.x = o.keyPass ? o.keyPass.pass.instance(o.keyPass.file) : take(wasm);
    this.x.configure(o.sinceMs ?? NaN, o.onLine ? 1 : 0);
    if (o.startLine) this.x.setLine(o.startLine);
    this.input = this.x.inputAt();
    // in a first pass, the events JS makes of the lines it reads put their keys in the table first
    this.js = new JsLines(this.kp ? { ...o, onEvent: (e) => this.keyEvent(e) } : o);
    this.buf = this.views();
    this.i32 = new Int32Array(this.x.memory.buffer);
    this.f64 = new Float64Array(this.x.memory.buffer);
  }

  /** Views over the module's memory (made again whenever it grows: the old buffer is detached). */
  private views(): Buffer {
    const mb = this.x.memory.buffer;
    this.buf = Buffer.from(mb, this.input, mb.byteLength - this.input);
    this.i32 = new Int32Array(mb);
    this.f64 = new Float64Array(mb);
    return this.buf;
  }

  private ensure(len: number): void {
    const need = this.input + len + PAD;
    const have = this.x.memory.buffer.byteLength;
    if (need > have) {
      this.x.memory.grow(Math.ceil((need - have) / 65536));
      this.views();
    }
  }

  push(chunk: Uint8Array): void {
    this.restartPoint();
    this.ensure(this.start + this.carry + chunk.length);
    this.buf.set(chunk, this.start + this.carry);
    this.scan(chunk.length);
  }

  /**
   * Reads the bytes [from, end) of a stored file straight into the scanner's memory (no chunk allocated,
   * none copied) and scans them, `part` bytes at a time. Each part is read into one of two areas while
   * the part before it is scanned in the other: on a second core the reads no longer add to the scan's
   * time (they were a ninth of it, a 1 GiB log read synchronously from the page cache). A carried partial
   * line goes into the room before the next part's area, where it precedes that part's bytes.
   */
  async readStored(
    read: (into: Uint8Array, position: number) => Promise<number>,
    from: number,
    end: number,
    part: number,
  ): Promise<void> {
    // area k (0 or 1) begins after room for a carried line, the longest that is kept
    const room = LogScanner.MAX_LINE;
    const area = (k: number) => room + k * (part + room);
    // grown once, first: the module's memory must not move while a read into it is under way
    this.ensure(area(1) + part);
    const into = (k: number, at: number) => read(this.buf.subarray(area(k), area(k) + Math.min(part, end - at)), at);
    this.moveCarry(area(0));
    let k = 0;
    let at = from;
    let pending: Promise<number> | undefined = at < end ? into(k, at) : undefined;
    try {
      while (pending) {
        const n = await pending;
        pending = undefined;
        if (n === 0) break;
        at += n;
        if (at < end) pending = into(k ^ 1, at);
        this.restartPoint();
        this.scan(n, area(k ^ 1));
        k ^= 1;
      }
    } finally {
      // a read still under way writes into the module's memory: it ends before the scanner is reused
      await pending?.catch(() => 0);
    }
  }

  /** Moves the carried partial line to end just before `base`. */
  private moveCarry(base: number): void {
    if (this.carry > 0) this.buf.copyWithin(base - this.carry, this.start, this.start + this.carry);
    this.start = base - this.carry;
  }

  private restartPoint(): void {
    // the carried partial line starts a line, unless it is the rest of an over-long one
    if (this.o.onRestartPoint && !this.x.getSkipping()) this.o.onRestartPoint(this.x.stat(9), this.bytes - this.carry);
  }

  /**
   * Scans the n bytes that follow the carried partial line, then carries the new partial line to end
   * before `next` (where the next bytes will be), or to the start of the input area.
   */
  private scan(n: number, next?: number): void {
    this.bytes += n;
    const from = this.start;
    const len = from + this.carry + n;
    this.buf.fill(0, len, len + PAD);
    const x = this.x;
    x.begin(from, len);
    for (;;) {
      this.drain(x.run());
      if (!x.full()) break;
    }
    const pos = x.position();
    const tail = len - pos;
    if (tail > LogScanner.MAX_LINE) {
      // a runaway line: count it once, drop its bytes
      this.carry = 0;
      this.start = next ?? 0;
      if (!x.getSkipping()) this.js.unrecognised(x.countLine(), '(line longer than 1 MiB)');
      x.setSkipping(1);
      return;
    }
    const to = next === undefined ? 0 : next - tail;
    if (tail > 0 && pos !== to) this.buf.copyWithin(to, pos, len);
    this.start = to;
    this.carry = tail;
  }

  end(): ScanStats {
    if (this.carry > 0) {
      const len = this.start + this.carry;
      this.buf.fill(0, len, len + PAD);
      this.drain(this.x.lastLine(this.start, len));
    }
    this.carry = 0;
    this.start = 0;
    this.js.flushPretty();
    const st = this.stats();
    if (!this.released && !this.kp) {
      // the next scanner reuses the instance: making one (memory, tables) costs ~1 ms
      this.released = true;
      const free = POOL.get(this.wasm) ?? [];
      if (free.length < 4) free.push(this.x);
      POOL.set(this.wasm, free);
    }
    return st;
  }

  /** The scan's statistics: WASM's counts and JS's, together. */
  private stats(): ScanStats {
    const x = this.x;
    const j = this.js.stats;
    const st = emptyStats();
    st.lines = x.stat(0);
    st.bytes = this.bytes;
    st.byLayout = { ...j.byLayout };
    st.byLayout['go-json'] += x.stat(1);
    st.byLayout['rust-compact'] += x.stat(2);
    st.errors = j.errors + x.stat(3);
    st.warnings = j.warnings + x.stat(4);
    st.debugLines = j.debugLines + x.stat(5);
    st.beforeSince = j.beforeSince + x.stat(6);
    st.unrecognised = j.unrecognised;
    st.unrecognisedSamples = j.samples;
    const first = x.stat(7);
    const last = x.stat(8);
    st.firstTsMs = Number.isNaN(first) ? j.firstTsMs : j.firstTsMs === null ? first : Math.min(first, j.firstTsMs);
    st.lastTsMs = Number.isNaN(last) ? j.lastTsMs : j.lastTsMs === null ? last : Math.max(last, j.lastTsMs);
    return st;
  }

  private drain(n: number): void {
    const r = this.i32;
    let at = this.x.outAt() >> 2;
    for (let k = 0; k < n; k++, at += REC_I32) {
      const type = r[at + R_TYPE] as number;
      const lineNo = r[at + R_LINE] as number;
      switch (type) {
        case T_LINE:
          this.o.onLine?.(
            lineNo,
            LAYOUTS[r[at + R_LAYOUT] as number] as Layout,
            LEVELS[r[at + R_LEVEL] as number] as Level,
          );
          break;
        case T_FALLBACK: {
          const lay = r[at + R_LAYOUT] as number;
          if (lay !== LAY_JS) this.js.lastLayout = LAYOUTS[lay] ?? null;
          this.js.line(this.buf, r[at + R_S] as number, r[at + R_E] as number, lineNo);
          break;
        }
        case T_GO_SLOW:
          this.js.goJsonSlow(
            this.buf,
            r[at + R_S] as number,
            r[at + R_E] as number,
            r[at + R_MS] as number,
            this.patterns[r[at + R_PAT] as number] as Pattern,
            LEVELS[r[at + R_LEVEL] as number] as Level,
            lineNo,
          );
          break;
        case T_EVENT_GO:
          this.goEvent(at, lineNo);
          break;
        case T_EVENT_RUST:
          this.rustEvent(at, lineNo);
          break;
      }
    }
  }

  /** The time of an event record: read by WASM, or left to JS for an unusual shape (-1: not in the window). */
  private eventTs(at: number, rust: boolean): number | null | undefined {
    const state = this.i32[at + R_TS_STATE] as number;
    if (state === 0) return null;
    if (state === 1) return this.f64[(at >> 1) + R_TS] as number;
    const buf = this.buf;
    let ts: number | null;
    if (rust) {
      const t = Date.parse(buf.toString('latin1', this.i32[at + R_S] as number, this.i32[at + R_SP] as number));
      ts = Number.isNaN(t) ? null : t;
    } else ts = zapTsAt(buf, this.i32[at + R_TSAT] as number, this.i32[at + R_E] as number);
    return this.js.inWindow(ts) ? ts : undefined;
  }

  /** The value whose range starts at record slot k (its end at k + 1, its id table code at k + ID_SLOT_DELTA). */
  private id(at: number, k: number): string | undefined {
    const r = this.i32;
    const s = r[at + k] as number;
    if (s < 0) return undefined;
    const code = r[at + k + ID_SLOT_DELTA] as number;
    if (code < 0) return this.buf.toString('utf8', s, r[at + k + 1] as number);
    const slot = code >> 1;
    if (code & 1) this.ids[slot] = this.buf.toString('utf8', s, r[at + k + 1] as number);
    return this.ids[slot];
  }

  /** An event the module handed over: in a first pass, JS puts its key in the table when the module could not (R_SIM). */
  private emit(e: LogEvent, at: number): void {
    if (this.kp && this.i32[at + R_SIM] === 1) this.keyEvent(e);
    else this.o.onEvent(e);
  }

  /** A first pass's event whose key JS read: into the table, then to onEvent if the fold needs it. */
  private keyEvent(e: LogEvent): void {
    const kp = this.kp as KeyPass;
    if (kp.kinds.hasTaskPart(e)) {
      const key = kp.kinds.keyOf(e);
      if (key) kp.see(key, e.line);
    }
    if (kp.kinds.proxies.has(e.kind)) {
      if (kp.kinds.listed(e)) kp.proxy(e.line);
    } else if (kp.kinds.events.has(e.kind)) this.o.onEvent(e);
  }

  /** A tracing compact event with its text, task and peer. */
  rustBase(at: number, lineNo: number, kind: EventKind, ts: number | null, task?: string, peer?: string): LogEvent {
    const r = this.i32;
    const level = LEVELS[r[at + R_LEVEL] as number] as Level;
    const ev = newEvent(
      kind,
      this.o.file,
      lineNo,
      'rust-compact',
      level,
      ts,
      clipBytes(this.buf, r[at + R_MS] as number, r[at + R_ME] as number, level),
    );
    if (task) ev.task = task;
    if (peer) ev.peer = peer;
    return ev;
  }

  private goEvent(at: number, lineNo: number): void {
    const r = this.i32;
    // the ids first: a slot the module filled must be decoded even when the line falls out of the window
    const task = this.id(at, R_TASK_S);
    const peer = this.id(at, R_PEER_S);
    const ts = this.eventTs(at, false);
    if (ts === undefined) return;
    const p = this.patterns[r[at + R_PAT] as number] as Pattern;
    const msg = this.buf.toString('utf8', r[at + R_MS] as number, r[at + R_ME] as number);
    const level = LEVELS[r[at + R_LEVEL] as number] as Level;
    const ev = newEvent(p.kind, this.o.file, lineNo, 'go-json', level, ts, clip(goEvidenceText(msg), level));
    if (task) ev.task = task;
    if (peer) ev.peer = peer;
    goDetails(ev, msg);
    this.emit(ev, at);
  }

  private rustEvent(at: number, lineNo: number): void {
    const r = this.i32;
    const f = this.f64;
    const task = this.id(at, R_TASK_S);
    const peer = this.id(at, R_PEER_S);
    const url = this.id(at, R_URL_S);
    const ts = this.eventTs(at, true);
    if (ts === undefined) return;
    const p = this.patterns[r[at + R_PAT] as number] as Pattern;
    const base = at >> 1;
    if (PIECE_KINDS.has(p.kind)) {
      const pl = this.pieceLine;
      const ptask = r[at + R_PTASK_S] as number;
      pl.at = at;
      pl.line = lineNo;
      pl.kind = p.kind as PieceLine['kind'];
      pl.tsMs = ts;
      pl.level = LEVELS[r[at + R_LEVEL] as number] as Level;
      pl.peer = peer || undefined;
      pl.task = task || (ptask >= 0 ? this.buf.toString('latin1', ptask, r[at + R_PTASK_E] as number) : undefined);
      pl.made = undefined;
      // a first pass hands JS only the piece lines whose key JS must read
      if (this.kp) this.keyEvent(pl.event());
      else if (this.o.onPiece) this.o.onPiece(pl);
      else this.o.onEvent(pl.event());
      return;
    }
    const ev = this.rustBase(at, lineNo, p.kind, ts, task, peer);
    const buf = this.buf;
    const ms = r[at + R_MS] as number;
    const e = r[at + R_E] as number;
    if (url) ev.url = url;
    const len = f[base + R_CLEN] as number;
    if (len >= 0) ev.contentLength = len;
    // only these kinds read the message's own text (the rest is in the span fields above)
    if (p.kind === 'task-start' || p.kind === 'task-slow' || p.kind === 'proxy-p2p' || p.kind === 'proxy-direct') {
      rustDetails(ev, buf.toString('utf8', ms, Math.min(e, ms + 600)));
    } else if (p.kind === 'daemon-version' || p.kind === 'local-start') {
      // the release is in the announce span's request, past the host's stats (a few KB); the pieces a
      // task still wants are listed one by one, ~5 bytes a piece (a 2 GB layer of 4 MiB pieces: 512)
      rustDetails(ev, buf.toString('utf8', ms, Math.min(e, ms + 16384)));
    }
    ev.text = rustEvidenceText(p.kind, ev.text);
    this.emit(ev, at);
  }
}
