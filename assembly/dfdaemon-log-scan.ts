// The hot loop of the dfdaemon log scanner (src/parsers/dfdaemon-log.ts), compiled to WebAssembly by
// `npm run build` (AssemblyScript, no runtime: all state is in linear memory and globals). It splits
// lines, classifies the two layouts that make up nearly all of a daemon's log (Go zap JSON, Rust
// tracing compact), counts them, reads timestamps and levels, matches the message against the message
// table the JS side writes into memory at start (made from src/knowledge/dfdaemon-*.ts: this module
// holds no message text of its own), and extracts the byte ranges of the fields an event needs. Every
// other line (zap console, std-log, tracing pretty, a JSON message with escapes, odd timestamps) is
// handed back to JS as a record, in order, so JS decodes strings only for the lines that matter.
//
// Memory (from BASE, set by JS through layout()):
//   DISPATCH  2 × 65536 u16: per generation (0 Go, 1 Rust), first pattern + 1 for a message's first two bytes
//   PATTERNS  16 bytes each: prefix offset u32, prefix length u16, contains length u16, contains offset u32,
//             next pattern + 1 u16, flags u16 (bit 0: a Rust piece line)
//   OUT       records of REC bytes (see the R_* slots), up to outCap of them per run()
//   IDS       the id table (intern())
//   SIM_*     the first pass's task table, and a scratch area for keys JS reads (see simSee())
//   IN        the bytes to scan: the carried partial line, then the new chunk, then zero padding

// the record layout JS reads (one file that both sides compile)
import {
  T_EVENT_GO,
  T_EVENT_RUST,
  T_FALLBACK,
  T_GO_SLOW,
  T_LINE,
  REC,
  R_TYPE,
  R_LINE,
  R_S,
  R_E,
  R_PAT,
  R_LEVEL,
  R_MS,
  R_ME,
  R_TASK_S,
  R_PEER_S,
  R_URL_S,
  R_URL_E,
  R_PTASK_S,
  R_PTASK_E,
  R_TS_STATE,
  R_LAYOUT,
  R_SP,
  R_TSAT,
  R_TS,
  R_CLEN,
  ID_SLOT_DELTA,
  R_SIM,
  PF_PIECE,
  PF_EVENT,
  PF_TASK_PART,
  PF_TASK_PART_WITH_TASK,
  PF_KEY_IN_TEXT,
  PF_PROXY,
  PF_ANY_PIECE,
  LAY_GO_JSON,
  LAY_RUST_COMPACT,
  LAY_NONE,
  LAY_JS,
} from '../src/parsers/dfdaemon-log-record';

const NL: u8 = 10;

let BASE: usize = 0;
let DISPATCH: usize = 0;
let PATTERNS: usize = 0;
let OUT: usize = 0;
let IN: usize = 0;
let IDS: usize = 0;
const ID_SLOTS = 4096;
const ID_STRIDE = 128;
const ID_MAX = ID_STRIDE - 4;
let outCap: i32 = 0;

// scan state
let inLen: i32 = 0;
let pos: i32 = 0;
let nOut: i32 = 0;
let lineNo: i32 = 0;
let skipping: bool = false;
let wantLines: bool = false;
let sinceMs: f64 = NaN;
let lastLayout: i32 = LAY_NONE;

// statistics of the lines read here (JS adds those it reads itself)
let sLines: f64 = 0;
let sGoJson: f64 = 0;
let sRustCompact: f64 = 0;
let sErrors: f64 = 0;
let sWarnings: f64 = 0;
let sDebug: f64 = 0;
let sBeforeSince: f64 = 0;
let sFirstTs: f64 = NaN;
let sLastTs: f64 = NaN;

// the day of the last zap timestamp read, and its first millisecond
let dayKeyLo: u64 = 0;
let dayKeyHi: u16 = 0;
let dayMs: f64 = NaN;
// the same for tracing's RFC 3339 dates
let isoKeyLo: u64 = 0;
let isoKeyHi: u16 = 0;
let isoDayMs: f64 = NaN;
// the last RFC 3339 timestamp read whole, to its second: a log writes several lines a second, and a line
// whose timestamp differs from it only in the fraction's digits reads as its second plus the fraction's
// first three digits (isoLen -1: none)
let isoLen: i32 = -1;
let isoHead0: u64 = 0;
let isoHead1: u64 = 0;
let isoHead2: u32 = 0;
let isoTail: u64 = 0;
let isoSecondMs: f64 = 0;

/** Sets the memory layout; returns the first byte of the input area. */
export function layout(outRecords: i32): usize {
  BASE = (__heap_base + 65535) & ~65535;
  DISPATCH = BASE;
  PATTERNS = DISPATCH + 2 * 65536 * 2;
  OUT = PATTERNS + 65536;
  outCap = outRecords;
  IDS = OUT + <usize>(outRecords * REC);
  SIM_RING = IDS + <usize>(ID_SLOTS * ID_STRIDE);
  SIM_TABLE = SIM_RING + <usize>(SIM_CAP * SIM_REC);
  SIM_KEYS = SIM_TABLE + <usize>(SIM_SLOTS * 4);
  SCRATCH = SIM_KEYS + <usize>SIM_KEY_BYTES;
  PROXY_RING = SCRATCH + <usize>SCRATCH_BYTES;
  IN = (PROXY_RING + <usize>(SIM_CAP * 8) + 65535) & ~65535;
  const need = <i32>((IN + 65536 - <usize>memory.size() * 65536) >> 16);
  if (need > 0) memory.grow(need);
  return BASE;
}

export function scratchAt(): usize {
  return SCRATCH;
}
export function inputAt(): usize {
  return IN;
}
export function outAt(): usize {
  return OUT;
}
export function patternsAt(): usize {
  return PATTERNS;
}

/** Makes a used instance as good as new for the next file (its tables stay). */
export function reset(): void {
  inLen = 0;
  pos = 0;
  nOut = 0;
  lineNo = 0;
  skipping = false;
  lastLayout = LAY_NONE;
  sLines = 0;
  sGoJson = 0;
  sRustCompact = 0;
  sErrors = 0;
  sWarnings = 0;
  sDebug = 0;
  sBeforeSince = 0;
  sFirstTs = NaN;
  sLastTs = NaN;
  dayKeyLo = 0;
  dayKeyHi = 0;
  dayMs = NaN;
  isoKeyLo = 0;
  isoKeyHi = 0;
  isoDayMs = NaN;
  isoLen = -1;
  memory.fill(IDS, 0, <usize>(ID_SLOTS * ID_STRIDE));
}

export function configure(since: f64, lines: bool): void {
  sinceMs = since;
  wantLines = lines;
}

export function setSkipping(v: bool): void {
  skipping = v;
}
export function getSkipping(): bool {
  return skipping;
}
/** Line numbers go on from n (a scan that starts part-way through a file). */
export function setLine(n: i32): void {
  lineNo = n;
}
/** A line JS counted itself (an over-long one). */
export function countLine(): i32 {
  lineNo++;
  sLines++;
  return lineNo;
}

export function stat(i: i32): f64 {
  switch (i) {
    case 0:
      return sLines;
    case 1:
      return sGoJson;
    case 2:
      return sRustCompact;
    case 3:
      return sErrors;
    case 4:
      return sWarnings;
    case 5:
      return sDebug;
    case 6:
      return sBeforeSince;
    case 7:
      return sFirstTs;
    case 8:
      return sLastTs;
    default:
      return <f64>lineNo;
  }
}

// ---- bytes

function b(i: i32): i32 {
  return <i32>load<u8>(IN + <usize>i);
}

function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** The next index in [i, e) holding byte c, or e (16 bytes at a time). */
function nextByte(c: i32, i: i32, e: i32): i32 {
  const v = i8x16.splat(<i8>c);
  while (i + 16 <= e) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(IN + <usize>i), v));
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  while (i < e) {
    if (b(i) == c) return i;
    i++;
  }
  return e;
}

/** The next index in [i, e) holding byte c or byte d, or e (16 bytes at a time). */
function nextEither(c: i32, d: i32, i: i32, e: i32): i32 {
  const vc = i8x16.splat(<i8>c);
  const vd = i8x16.splat(<i8>d);
  while (i + 16 <= e) {
    const w = v128.load(IN + <usize>i);
    const m = i8x16.bitmask(v128.or(i8x16.eq(w, vc), i8x16.eq(w, vd)));
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  while (i < e) {
    const x = b(i);
    if (x == c || x == d) return i;
    i++;
  }
  return e;
}

/** First index in [from, e) where the literal (JS-encoded as bytes at lit, n long) starts; -1 if none. */
function findLit(lit: usize, n: i32, from: i32, e: i32): i32 {
  const c0 = <i32>load<u8>(lit);
  for (let i = nextByte(c0, from, e); i < e; i = nextByte(c0, i + 1, e)) {
    if (i + n > inLen) return -1;
    let j = 1;
    while (j < n && b(i + j) == <i32>load<u8>(lit + <usize>j)) j++;
    if (j == n) return i;
  }
  return -1;
}

/** Whether the literal sits at i. */
function litAt(lit: usize, n: i32, i: i32): bool {
  return same(lit, IN + <usize>i, n);
}

/** Whether n bytes at a and at b are equal (eight at a time: ids and message prefixes are 10–70 bytes). */
function same(a: usize, b: usize, n: i32): bool {
  let j = 0;
  for (; j + 8 <= n; j += 8) if (load<u64>(a + <usize>j) != load<u64>(b + <usize>j)) return false;
  for (; j < n; j++) if (load<u8>(a + <usize>j) != load<u8>(b + <usize>j)) return false;
  return true;
}

// the keys, as static data
const K_MSG = memory.data<u8>([0x22, 0x6d, 0x73, 0x67, 0x22, 0x3a, 0x22]); // "msg":"
const K_TS = memory.data<u8>([0x22, 0x74, 0x73, 0x22, 0x3a, 0x22]); // "ts":"
const K_PEER = memory.data<u8>([0x22, 0x70, 0x65, 0x65, 0x72, 0x22, 0x3a, 0x22]); // "peer":"
const K_TASK = memory.data<u8>([0x22, 0x74, 0x61, 0x73, 0x6b, 0x22, 0x3a, 0x22]); // "task":"
const K_PEERID = memory.data<u8>([0x22, 0x70, 0x65, 0x65, 0x72, 0x49, 0x44, 0x22, 0x3a, 0x22]); // "peerID":"
const K_TASKID = memory.data<u8>([0x22, 0x74, 0x61, 0x73, 0x6b, 0x49, 0x44, 0x22, 0x3a, 0x22]); // "taskID":"
const K_RS = memory.data<u8>([0x2e, 0x72, 0x73, 0x3a]); // .rs:
const K_GO = memory.data<u8>([0x2e, 0x67, 0x6f, 0x3a]); // .go:
const K_RTASK = memory.data<u8>([0x20, 0x74, 0x61, 0x73, 0x6b, 0x5f, 0x69, 0x64, 0x3d, 0x22]); //  task_id="
const K_RPEER = memory.data<u8>([0x20, 0x70, 0x65, 0x65, 0x72, 0x5f, 0x69, 0x64, 0x3d, 0x22]); //  peer_id="
const K_URI = memory.data<u8>([0x75, 0x72, 0x69, 0x3a, 0x20]); // uri:
const K_RURL = memory.data<u8>([0x20, 0x75, 0x72, 0x6c, 0x3d, 0x22]); //  url="
const K_RLEN = memory.data<u8>([
  0x20, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x6c, 0x65, 0x6e, 0x67, 0x74, 0x68, 0x3d,
]); //  content_length=

// ---- records

let rec: usize = 0;

function open(type: i32, s: i32, e: i32): void {
  rec = OUT + <usize>(nOut * REC);
  nOut++;
  store<i32>(rec, type, R_TYPE * 4);
  store<i32>(rec, lineNo, R_LINE * 4);
  store<i32>(rec, s, R_S * 4);
  store<i32>(rec, e, R_E * 4);
}

function put(slot: i32, v: i32): void {
  store<i32>(rec + <usize>(slot * 4), v);
}

function putF(slot: i32, v: f64): void {
  store<f64>(rec + <usize>(slot * 8), v);
}

// ---- lines

function level(c: i32): i32 {
  switch (c | 0x20) {
    case 0x64:
      return 0; // debug
    case 0x69:
      return 1; // info
    case 0x77:
      return 2; // warn
    case 0x65:
      return 3; // error
    default:
      return 4;
  }
}

function count(lay: i32, lev: i32, s: i32, e: i32): void {
  if (lay == LAY_GO_JSON) sGoJson++;
  else sRustCompact++;
  lastLayout = lay;
  if (lev == 3) sErrors++;
  else if (lev == 2) sWarnings++;
  else if (lev == 0) sDebug++;
  if (wantLines) {
    open(T_LINE, s, e);
    put(R_LAYOUT, lay);
    put(R_LEVEL, lev);
  }
}

function fallback(s: i32, e: i32): void {
  simStop = simOn;
  open(T_FALLBACK, s, e);
  put(R_LAYOUT, lastLayout);
  lastLayout = LAY_JS;
}

/** The first pattern of generation g that the message at [ms, e) matches (index + 1), or 0. */
function match(g: i32, ms: i32, e: i32): i32 {
  const key = (b(ms) << 8) | b(ms + 1);
  let p = <i32>load<u16>(DISPATCH + <usize>((g * 65536 + key) * 2));
  headN = -1;
  while (p != 0) {
    const at = PATTERNS + <usize>((p - 1) * 16);
    const pOff = load<u32>(at);
    const pLen = <i32>load<u16>(at, 4);
    const cLen = <i32>load<u16>(at, 6);
    if (ms + pLen <= e && litAt(BASE + <usize>pOff, pLen, ms)) {
      if (cLen == 0) return p;
      // the second string is looked for in the message and what follows it on the line, as JS did
      const cOff = load<u32>(at, 8);
      if (cLen <= e - ms) {
        if (simOn && cLen >= HEAD && (load<u16>(at, 14) & PF_ANY_PIECE) != 0) {
          const q = anyPieceAtFirstPlace(p, BASE + <usize>cOff, ms, e);
          if (q != 0) return q;
        }
        if (contains(BASE + <usize>cOff, cLen, ms, e)) return p;
      }
    }
    p = <i32>load<u16>(at, 12);
  }
  return 0;
}

// The second strings of a dispatch chain often begin alike (Rust's pieces: " from local", " from remote
// peer ", " from parent ", " from source"), and a piece line that is no local one was searched to its
// end once for each. The places of their common HEAD bytes are found once per match() call, as far as
// a string needs them, and every string of that head is compared at those places only.
const HEAD = 6;
const HEAD_MAX = 8;
const HEAD_POS = memory.data(HEAD_MAX * 4);
/** Places found of the head being searched (-1: none searched in this call; -2: more than HEAD_MAX). */
let headN: i32 = -1;
let headLo: u32 = 0;
let headHi: u16 = 0;
/** Where the search for the head goes on (e: it is done). */
let headNext: i32 = 0;

/** Makes the literal's first HEAD bytes the head whose places are kept (from `from` on), unless they are. */
function useHead(lit: usize, from: i32): void {
  const lo = load<u32>(lit);
  const hi = load<u16>(lit, 4);
  if (headN == -1 || lo != headLo || hi != headHi) {
    headN = 0;
    headLo = lo;
    headHi = hi;
    headNext = from;
  }
}

/** Finds and keeps the head's next place before e (past HEAD_MAX, headN becomes -2); false: none is left. */
function nextPlace(lit: usize, e: i32): bool {
  if (headNext >= e) return false;
  const i = findBounded(lit, HEAD, headNext, e);
  if (i < 0) {
    headNext = e;
    return false;
  }
  headNext = i + 1;
  if (headN == HEAD_MAX) headN = -2;
  else {
    store<i32>(HEAD_POS + <usize>(headN * 4), i);
    headN++;
  }
  return true;
}

/** Whether the literal lies wholly inside [from, e): findBounded's answer, sharing the head's places. */
function contains(lit: usize, n: i32, from: i32, e: i32): bool {
  if (n < HEAD) return findBounded(lit, n, from, e) >= 0;
  useHead(lit, from);
  for (let k = 0; ; k++) {
    // every place found so far is tried: find the next, if any is left
    if (k == headN && !nextPlace(lit, e)) return false;
    if (headN == -2) return findBounded(lit, n, from, e) >= 0;
    const at = load<i32>(HEAD_POS + <usize>(k * 4));
    if (at + n <= e && litAt(lit, n, at)) return true;
  }
  return false;
}

/**
 * In a first pass, a piece pattern from p on in the chain (PF_ANY_PIECE) whose second string lies at the
 * first place of p's head, or 0. A piece line's kind is told by which of " from local", " from parent "…
 * comes first in the table, and for the one after the first, strictly, that means searching the rest of
 * the line (its span fields) for another head; a first pass reads the line by its flags only, which all
 * these patterns share, so any of them that matches gives its answer.
 */
function anyPieceAtFirstPlace(p: i32, lit: usize, ms: i32, e: i32): i32 {
  useHead(lit, ms);
  // no place, or more than HEAD_MAX: the strict search (contains) answers
  if ((headN == 0 && !nextPlace(lit, e)) || headN < 0) return 0;
  const lo = headLo;
  const hi = headHi;
  const place = load<i32>(HEAD_POS);
  for (let q = p; q != 0;) {
    const at = PATTERNS + <usize>((q - 1) * 16);
    const pLen = <i32>load<u16>(at, 4);
    const cLen = <i32>load<u16>(at, 6);
    const c = BASE + <usize>load<u32>(at, 8);
    if (
      cLen >= HEAD &&
      load<u32>(c) == lo &&
      load<u16>(c, 4) == hi &&
      place + cLen <= e &&
      ms + pLen <= e &&
      litAt(BASE + <usize>load<u32>(at), pLen, ms) &&
      litAt(c, cLen, place)
    )
      return q;
    q = <i32>load<u16>(at, 12);
  }
  return 0;
}

/**
 * A literal wholly inside [from, e). Sixteen starts are tried at once on two of the literal's bytes (its
 * second, or first, and its last) together, so that few candidates reach the full comparison.
 */
function findBounded(lit: usize, n: i32, from: i32, e: i32): i32 {
  const last = e - n + 1;
  // the second byte, not the first: the second strings mostly start with a space, the commonest byte
  const a = n > 2 ? 1 : 0;
  const v0 = i8x16.splat(load<i8>(lit + <usize>a));
  const v1 = i8x16.splat(load<i8>(lit + <usize>(n - 1)));
  let i = from;
  while (i + 16 <= last) {
    let m = i8x16.bitmask(
      v128.and(i8x16.eq(v128.load(IN + <usize>(i + a)), v0), i8x16.eq(v128.load(IN + <usize>(i + n - 1)), v1)),
    );
    while (m != 0) {
      const k = i + ctz(m);
      if (litAt(lit, n, k)) return k;
      m &= m - 1;
    }
    i += 16;
  }
  for (; i < last; i++) if (litAt(lit, n, i)) return i;
  return -1;
}

function patFlags(p: i32): i32 {
  return <i32>load<u16>(PATTERNS + <usize>((p - 1) * 16), 14);
}

/** Updates the first/last times and tells whether the line is inside the --since window. */
function inWindow(ts: f64, known: bool): bool {
  if (known) {
    if (isNaN(sFirstTs) || ts < sFirstTs) sFirstTs = ts;
    if (isNaN(sLastTs) || ts > sLastTs) sLastTs = ts;
    if (!isNaN(sinceMs) && ts < sinceMs) {
      sBeforeSince++;
      return false;
    }
  }
  return true;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1–12; day may run past the month). */
function days(y: i32, m: i32, d: i32): f64 {
  y -= m <= 2 ? 1 : 0;
  const era = (y >= 0 ? y : y - 399) / 400;
  const yoe = y - era * 400;
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return <f64>era * 146097 + <f64>doe - 719468;
}

function d2(i: i32): i32 {
  return (b(i) - 48) * 10 + (b(i + 1) - 48);
}

let tsState: i32 = 0;

/**
 * zap's "2006-01-02 15:04:05.000" at p (as JS's Date.UTC reads it): tsState 1 with the value, 0 when
 * it is no such timestamp, 2 when JS must read the date (not all digits, or a two-digit year).
 */
function zapTs(p: i32, e: i32): f64 {
  tsState = 0;
  if (p + 19 > e || b(p + 4) != 0x2d || b(p + 13) != 0x3a) return 0;
  const lo = load<u64>(IN + <usize>p);
  const hi = load<u16>(IN + <usize>p, 8);
  if (lo != dayKeyLo || hi != dayKeyHi || isNaN(dayMs)) {
    for (let i = 0; i < 10; i++) {
      if (i == 4 || i == 7) continue;
      if (!isDigit(b(p + i))) {
        tsState = 2;
        return 0;
      }
    }
    const y = (b(p) - 48) * 1000 + (b(p + 1) - 48) * 100 + d2(p + 2);
    if (y < 100) {
      tsState = 2;
      return 0;
    }
    // Date.UTC(y, month - 1, day): months past 12 roll into the next years, day 0 is the month's eve
    const mi = d2(p + 5) - 1;
    const yy = y + (mi < 0 ? -1 : mi / 12);
    const m = mi < 0 ? 12 : (mi % 12) + 1;
    dayMs = (days(yy, m, 1) + <f64>(d2(p + 8) - 1)) * 86400000;
    dayKeyLo = lo;
    dayKeyHi = hi;
  }
  let ms = 0;
  let i = p + 20;
  const sep = b(p + 19);
  if (sep == 0x2e) {
    let f = 100;
    while (i < e && f >= 1) {
      const c = b(i) - 48;
      if (c < 0 || c > 9) break;
      ms += c * f;
      f /= 10;
      i++;
    }
  } else if (sep != 0x22) return 0;
  tsState = 1;
  return dayMs + <f64>(((d2(p + 11) * 60 + d2(p + 14)) * 60 + d2(p + 17)) * 1000 + ms);
}

/**
 * tracing's RFC 3339 "2024-06-21T10:00:00.123456Z" (or "+00:00") in [s, sp) as Date.parse reads it
 * (fraction truncated to ms); tsState 2 (JS reads it) for any other shape: odd days, missing parts.
 */
function isoTs(s: i32, sp: i32): f64 {
  const len = sp - s;
  if (
    len == isoLen &&
    load<u64>(IN + <usize>s) == isoHead0 &&
    load<u64>(IN + <usize>s, 8) == isoHead1 &&
    load<u32>(IN + <usize>s, 16) == isoHead2 &&
    load<u64>(IN + <usize>(sp - 8)) == isoTail &&
    digits(s + 20, sp - 8)
  ) {
    tsState = 1;
    return isoSecondMs + <f64>fractionMs(s + 20, s + 23);
  }
  tsState = 2;
  // the zone: "Z" or "+HH:MM"/"-HH:MM"
  let z = sp - 1;
  let offMin = 0;
  if (b(z) != 0x5a /* Z */) {
    z = sp - 6;
    const sign = b(z);
    if (z < s + 19 || (sign != 0x2b && sign != 0x2d) || b(z + 3) != 0x3a) return 0;
    if (!isDigit(b(z + 1)) || !isDigit(b(z + 2)) || !isDigit(b(z + 4)) || !isDigit(b(z + 5))) return 0;
    const oh = d2(z + 1);
    const om = d2(z + 4);
    if (oh > 23 || om > 59) return 0;
    offMin = (sign == 0x2b ? 1 : -1) * (oh * 60 + om);
  }
  const n = z + 1 - s;
  if (n < 20) return 0;
  if (b(s + 4) != 0x2d || b(s + 7) != 0x2d || b(s + 10) != 0x54 || b(s + 13) != 0x3a || b(s + 16) != 0x3a) return 0;
  // the date is checked (and its day computed, below) once per day of log
  const lo = load<u64>(IN + <usize>s);
  const hi = load<u16>(IN + <usize>s, 8);
  const sameDay = lo == isoKeyLo && hi == isoKeyHi && !isNaN(isoDayMs);
  for (let i = sameDay ? 11 : 0; i < 19; i++) {
    if (i == 4 || i == 7 || i == 10 || i == 13 || i == 16) continue;
    if (!isDigit(b(s + i))) return 0;
  }
  let ms = 0;
  if (n > 20) {
    if (b(s + 19) != 0x2e || n < 22 || !digits(s + 20, z)) return 0;
    ms = fractionMs(s + 20, z);
  }
  const y = (b(s) - 48) * 1000 + (b(s + 1) - 48) * 100 + d2(s + 2);
  const m = d2(s + 5);
  const d = d2(s + 8);
  const hh = d2(s + 11);
  const mm = d2(s + 14);
  const ss = d2(s + 17);
  if (m < 1 || m > 12 || d < 1 || d > 28 || hh > 23 || mm > 59 || ss > 59) return 0;
  if (!sameDay) {
    isoDayMs = days(y, m, d) * 86400000;
    isoKeyLo = lo;
    isoKeyHi = hi;
  }
  tsState = 1;
  const second = isoDayMs + <f64>(((hh * 60 + mm - offMin) * 60 + ss) * 1000);
  // kept for the next lines when the fraction has three digits or more and the zone with the fraction's
  // end fills the last eight bytes, whose bytes the next line must repeat: only [s + 20, sp - 8) may differ
  if (z - (s + 20) >= 3 && sp - 8 >= s + 20) {
    isoLen = len;
    isoHead0 = load<u64>(IN + <usize>s);
    isoHead1 = load<u64>(IN + <usize>s, 8);
    isoHead2 = load<u32>(IN + <usize>s, 16);
    isoTail = load<u64>(IN + <usize>(sp - 8));
    isoSecondMs = second;
  }
  return second + <f64>ms;
}

// eight bytes' high nibbles, eight "0"s, eight 6s: a byte is a digit when its high nibble is 3, and still
// when 6 is added to it (":" to "?" carry into 4)
const NIBBLES_HI: u64 = ((<u64>0xf0f0f0f0) << 32) | 0xf0f0f0f0;
const ZEROS: u64 = ((<u64>0x30303030) << 32) | 0x30303030;
const SIXES: u64 = ((<u64>0x06060606) << 32) | 0x06060606;

/** The milliseconds of the fraction digits at [i, e): its first three (Date.parse truncates the rest). */
function fractionMs(i: i32, e: i32): i32 {
  let ms = 0;
  for (let k = 0; k < 3 && i + k < e; k++) ms += (b(i + k) - 48) * (k == 0 ? 100 : k == 1 ? 10 : 1);
  return ms;
}

/** Whether [i, e) holds ASCII digits only (eight at a time). */
function digits(i: i32, e: i32): bool {
  for (; i + 8 <= e; i += 8) {
    const x = load<u64>(IN + <usize>i);
    if ((x & NIBBLES_HI) != ZEROS || ((x + SIXES) & NIBBLES_HI) != ZEROS) return false;
  }
  for (; i < e; i++) if (!isDigit(b(i))) return false;
  return true;
}

/** Where `"msg":"` first starts in [s, e), or -1: found by its "m", rarer in a zap line than quotes. */
function msgKey(s: i32, e: i32): i32 {
  for (let i = nextByte(0x6d, s + 1, e); i < e; i = nextByte(0x6d, i + 1, e)) {
    if (i - 1 + 7 > inLen) return -1;
    if (litAt(K_MSG, 7, i - 1)) return i - 1;
  }
  return -1;
}

function goJson(s: i32, e: i32): void {
  const lev = level(b(s + 10));
  count(LAY_GO_JSON, lev, s, e);
  const m = msgKey(s, e);
  if (m < 0) return;
  const ms = m + 7;
  const p = match(0, ms, e);
  if (p == 0) return;
  // the closing quote; a backslash before it means escapes, which JS reads
  const q = nextEither(0x22, 0x5c, ms, e);
  const escaped = q < e && b(q) == 0x5c;
  const me = q < e && !escaped ? q : -1;
  const tsAt = findLit(K_TS, 6, s, ms);
  if (me < 0 || escaped) {
    simStop = simOn;
    open(T_GO_SLOW, s, e);
    put(R_PAT, p - 1);
    put(R_LEVEL, lev);
    put(R_MS, ms);
    put(R_TSAT, tsAt < 0 ? -1 : tsAt + 6);
    return;
  }
  const ts = tsAt < 0 ? 0 : zapTs(tsAt + 6, e);
  const state = tsAt < 0 ? 0 : tsState;
  if (state != 2 && !inWindow(ts, state == 1)) return;
  let pk = -1;
  let tk = -1;
  let pik = -1;
  let tik = -1;
  for (let i = nextByte(0x22, me, e); i < e && (pk < 0 || tk < 0); i = nextByte(0x22, i + 1, e)) {
    const c = b(i + 1);
    if (c == 0x70) {
      if (pk < 0 && litAt(K_PEER, 8, i)) pk = i + 8;
      else if (pik < 0 && litAt(K_PEERID, 10, i)) pik = i + 10;
    } else if (c == 0x74) {
      if (tk < 0 && litAt(K_TASK, 8, i)) tk = i + 8;
      else if (tik < 0 && litAt(K_TASKID, 10, i)) tik = i + 10;
    }
  }
  open(T_EVENT_GO, s, e);
  put(R_PAT, p - 1);
  put(R_LEVEL, lev);
  put(R_MS, ms);
  put(R_ME, me);
  // task before peer: the order JS decodes them in (goEvent), which must be the order they are interned
  // in, or a task and a peer that share an id table slot would leave JS with the wrong string there
  quoted(R_TASK_S, tk >= 0 ? tk : tik, e);
  const ts0 = qS;
  const te0 = qE;
  quoted(R_PEER_S, pk >= 0 ? pk : pik, e);
  put(R_URL_S + ID_SLOT_DELTA, -1);
  put(R_TS_STATE, state);
  put(R_TSAT, tsAt < 0 ? -1 : tsAt + 6);
  putF(R_TS, ts);
  if (simOn) simLine(p, state, qS, qE, ts0, te0, ts0 >= 0 && te0 > ts0);
}

/** The value from v to the next '"' before e into the slot pair (-1, -1 without one). */
let qS: i32 = -1;
let qE: i32 = -1;

function quoted(slot: i32, v: i32, e: i32): void {
  let q = -1;
  if (v >= 0) {
    q = nextByte(0x22, v, e);
    if (q == e) q = -1;
  }
  qS = q < 0 ? -1 : v;
  qE = q;
  put(slot, q < 0 ? -1 : v);
  put(slot + 1, q);
  // a first pass interns only the values of the lines it hands to JS (simLine), which are few
  put(slot + ID_SLOT_DELTA, q < 0 ? -1 : simOn ? ID_PENDING : intern(v, q));
}

/** An id table code simLine() has yet to make (the record may be dropped). */
const ID_PENDING = -3;

// 64-bit constants built from halves: as one literal a JS linter reads them as doubles
const SEED: u64 = ((<u64>0x9e3779b9) << 32) | 0x7f4a7c15;
const MIX: u64 = ((<u64>0xff51afd7) << 32) | 0xed558ccd;

/**
 * The ids of tasks and peers (and URLs) repeat from line to line: their bytes are kept in a table of
 * ID_SLOTS slots keyed by a hash, so that JS decodes a value only when its slot changes. Returns
 * slot × 2 + 1 when JS must decode the value (the slot now holds it), slot × 2 when JS has its string
 * from an earlier line, -2 when the value is too long to keep (JS decodes it).
 */
/** A hash of n bytes at a: eight at a time (ids are 30–70 bytes), a multiply-xor mix, the tail byte by byte. */
function hashAt(a: usize, n: i32): u64 {
  let h: u64 = SEED ^ (<u64>n);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    h = (h ^ load<u64>(a + <usize>i)) * MIX;
    h ^= h >> 32;
  }
  for (; i < n; i++) h = (h ^ (<u64>load<u8>(a + <usize>i))) * 0x100000001b3;
  return h ^ (h >> 29);
}

function intern(v: i32, q: i32): i32 {
  const n = q - v;
  if (n > ID_MAX) return -2;
  const h = hashAt(IN + <usize>v, n);
  const slot = <i32>((<u32>(h ^ (h >> 17))) & (ID_SLOTS - 1));
  const at = IDS + <usize>(slot * ID_STRIDE);
  if (load<i32>(at) == n && same(at + 4, IN + <usize>v, n)) return slot << 1;
  store<i32>(at, n);
  memory.copy(at + 4, IN + <usize>v, <usize>n);
  return (slot << 1) | 1;
}

// where the values of the span fields a compact line's event needs start (-1: absent): the first
// ` task_id="`, ` peer_id="`, ` url="` and ` content_length=` at or after the message, found in one
// pass over the line's "=" signs (a search per key anchored on spaces met every word of the message);
// and where the " key=value" fields begin (a space, [a-z_]+, "="; e without one), the message's end
let fTask: i32 = -1;
let fPeer: i32 = -1;
let fUrl: i32 = -1;
let fLen: i32 = -1;
let fStart: i32 = 0;

function rustFields(ms: i32, e: i32, all: bool): void {
  fTask = -1;
  fPeer = -1;
  fUrl = -1;
  fLen = -1;
  fStart = e;
  for (let i = nextByte(0x3d, ms, e); i < e; i = nextByte(0x3d, i + 1, e)) {
    if (fStart == e) {
      let j = i - 1;
      while (j > ms) {
        const c = b(j);
        if ((c >= 0x61 && c <= 0x7a) || c == 0x5f) j--;
        else break;
      }
      if (j < i - 1 && b(j) == 0x20) fStart = j;
    }
    // every key below is a field's: the fields' start is found by the time one of them is
    if (b(i + 1) == 0x22) {
      if (fTask < 0 && i - 8 >= ms && litAt(K_RTASK, 10, i - 8)) fTask = i + 2;
      else if (fPeer < 0 && i - 8 >= ms && litAt(K_RPEER, 10, i - 8)) fPeer = i + 2;
      else if (all && fUrl < 0 && i - 4 >= ms && litAt(K_RURL, 6, i - 4)) fUrl = i + 2;
    } else if (all && fLen < 0 && i - 15 >= ms && litAt(K_RLEN, 16, i - 15)) fLen = i + 1;
    if (fTask >= 0 && fPeer >= 0 && (!all || (fUrl >= 0 && fLen >= 0))) return;
  }
}

function rustCompact(s: i32, e: i32, sp: i32): void {
  let i = sp;
  while (i < e && b(i) == 0x20) i++;
  const lev = level(b(i));
  // the compact layout always names its source file (the client's file layer: with_file(true)); a dated
  // line without one is a tracing-pretty head whose indent a log collector trimmed, which JS reads as
  // such, unless a Go caller follows its level (a zap console line whose tabs a paste turned to spaces)
  const r = findLit(K_RS, 4, i, e);
  if (r < 0 && !goCallerAfterLevel(i, e)) {
    fallback(s, e);
    return;
  }
  count(LAY_RUST_COMPACT, lev, s, e);
  if (r < 0) return;
  let ms = r + 4;
  while (ms < e && isDigit(b(ms))) ms++;
  if (b(ms) == 0x3a) ms++;
  if (b(ms) == 0x20) ms++;
  const p = match(1, ms, e);
  if (p == 0) return;
  const ts = isoTs(s, sp);
  const state = tsState;
  if (state == 1 && !inWindow(ts, true)) return;
  open(T_EVENT_RUST, s, e);
  put(R_PAT, p - 1);
  put(R_LEVEL, lev);
  put(R_MS, ms);
  put(R_SP, sp);
  put(R_TS_STATE, state);
  putF(R_TS, ts);
  const piece = (patFlags(p) & PF_PIECE) != 0;
  rustFields(ms, e, !piece);
  // the whole message: JS keeps its first 240 characters, and an error line's end (clipBytes)
  put(R_ME, fStart);
  quoted(R_TASK_S, fTask, e);
  const tS = qS;
  const tE = qE;
  quoted(R_PEER_S, fPeer, e);
  const pS = qS;
  const pE = qE;
  put(R_URL_S, -1);
  put(R_URL_E, -1);
  put(R_URL_S + ID_SLOT_DELTA, -1);
  put(R_PTASK_S, -1);
  put(R_PTASK_E, -1);
  putF(R_CLEN, -1);
  if (piece) {
    // the task: the span's, else the one the piece's text names, which only a line without the span's
    // is read for (JS reads the span's first)
    const spanTask = tS >= 0 && tE > tS;
    if (spanTask) {
      if (simOn) simLine(p, state, pS, pE, tS, tE, true);
      return;
    }
    // "finished piece <task id>-<number> from …": the task id before the dash and the digits
    const at = ms + 15;
    const sp2 = nextByte(0x20, at, e);
    let dash = sp2 - 1;
    while (dash > at && isDigit(b(dash))) dash--;
    const parsed = b(dash) == 0x2d && dash < sp2 - 1;
    if (parsed) {
      put(R_PTASK_S, at);
      put(R_PTASK_E, dash);
    }
    if (simOn) simLine(p, state, pS, pE, parsed ? at : -1, dash, true);
    return;
  }
  quoted(R_URL_S, fUrl, e);
  if (fLen >= 0) {
    let v: f64 = 0;
    let any = false;
    for (let k = fLen; k < e && isDigit(b(k)); k++) {
      v = v * 10 + <f64>(b(k) - 0x30);
      any = true;
    }
    if (any) putF(R_CLEN, v);
  }
  if (simOn) {
    const proxy = (patFlags(p) & PF_PROXY) != 0;
    simLine(p, state, pS, pE, tS, tE, tS >= 0 && tE > tS, proxy ? proxyUrl(ms, e, qS, qE) : 0);
  }
}

/** Whether the word after the level at `lev` is a Go caller ("peer/peertask.go:71"). */
function goCallerAfterLevel(lev: i32, e: i32): bool {
  let i = nextEither(0x20, 0x09, lev, e);
  while (i < e && (b(i) == 0x20 || b(i) == 0x09)) i++;
  const end = nextEither(0x20, 0x09, i, e);
  return i < e && findLit(K_GO, 4, i, end) >= 0;
}

/**
 * Whether a Rust proxy request's event gets a URL (rustEvent): a url span field that is not empty, or
 * rustDetails' /uri: ([^,\s}]+)/ in the message's first 600 bytes. 1 yes, 0 no, -1 JS must tell (a byte
 * past ASCII where the regex reads a character class). [us, ue) is the url field's value (-1: none).
 */
function proxyUrl(ms: i32, e: i32, us: i32, ue: i32): i32 {
  if (us >= 0 && ue > us) return 1;
  const end = e < ms + 600 ? e : ms + 600;
  for (let i = findBounded(K_URI, 5, ms, end); i >= 0; i = findBounded(K_URI, 5, i + 1, end)) {
    const j = i + 5;
    if (j >= end) return 0;
    const c = b(j);
    if (c >= 0x80) return -1;
    if (c != 0x2c && c != 0x7d && c != 0x20 && (c < 0x09 || c > 0x0d)) return 1;
  }
  return 0;
}

function line(s: i32, e: i32): void {
  if (skipping) {
    // the rest of an over-long line
    skipping = false;
    return;
  }
  lineNo++;
  sLines++;
  if (e <= s) return;
  const c0 = b(s);
  if (c0 == 0x7b) {
    if (b(s + 1) == 0x22 && b(s + 2) == 0x6c) {
      goJson(s, e);
      return;
    }
  } else if (isDigit(c0) && b(s + 4) == 0x2d && b(s + 10) == 0x54) {
    const i = nextEither(0x20, 0x09, s + 19, e);
    if (i < e && b(i) == 0x20) {
      rustCompact(s, e, i);
      return;
    }
  }
  fallback(s, e);
}

/** The next newline at or after i, or -1 (16 bytes at a time). */
function nextNl(i: i32, end: i32): i32 {
  const nl = i8x16.splat(10);
  // lines run to hundreds of bytes: 64 at a time until one of them is a newline
  while (i + 64 <= end) {
    const a = i8x16.eq(v128.load(IN + <usize>i), nl);
    const c = i8x16.eq(v128.load(IN + <usize>i, 16), nl);
    const d = i8x16.eq(v128.load(IN + <usize>i, 32), nl);
    const f = i8x16.eq(v128.load(IN + <usize>i, 48), nl);
    if (v128.any_true(v128.or(v128.or(a, c), v128.or(d, f)))) break;
    i += 64;
  }
  while (i + 16 <= end) {
    const m = i8x16.bitmask(i8x16.eq(v128.load(IN + <usize>i), nl));
    if (m != 0) return i + ctz(m);
    i += 16;
  }
  while (i < end) {
    if (load<u8>(IN + <usize>i) == NL) return i;
    i++;
  }
  return -1;
}

// ---- the first pass's task table
//
// The first pass of a two-pass fold (src/facts/dfdaemon-log-fold.ts) learns which tasks the timelines
// will still hold at the end: the key of every line that counts in a task (peer, else task) goes into
// this table, which drops tasks as TimelineBuilder does (src/parsers/dfdaemon-timeline.ts, TaskTable:
// at most simMax; when a new key would pass that, the ceil(simMax / 10) created first go). Only lines
// whose event the fold needs (PF_EVENT) or whose key JS must read (R_SIM = 1: run() stops after them,
// so that JS puts the key in before any later line's) are handed to JS.
//   SIM_RING   SIM_CAP records of SIM_REC bytes, creation c at c % simMax: key offset u32, key length
//              i32, hash u32, line i32, file i32
//   SIM_TABLE  SIM_SLOTS i32: creation + 1 (0 empty), open addressing on the key's hash
//   SIM_KEYS   the keys' bytes, a ring in creation order
//   SCRATCH    a key JS writes for simSeeJs()
//   PROXY_RING the file and line of the last proxyMax proxy requests with a URL (PF_PROXY), which the
//              timelines' list keeps: the second pass makes their events
const SIM_CAP = 8192;
const SIM_REC = 32;
const SIM_SLOTS = 16384;
const SIM_KEY_BYTES = 4 << 20;
const SCRATCH_BYTES = 65536;
let SIM_RING: usize = 0;
let SIM_TABLE: usize = 0;
let SIM_KEYS: usize = 0;
let SCRATCH: usize = 0;
let PROXY_RING: usize = 0;
let proxyMax: i32 = 0;
let proxyN: i32 = 0;
let simOn: bool = false;
let simMax: i32 = 0;
let simLo: i32 = 0;
let simHi: i32 = 0;
let simDropped: f64 = 0;
let simFile: i32 = 0;
let simKeyTail: i32 = 0;
let simFull: bool = false;
let simStop: bool = false;
/** The key of the last line seen (its bytes in SIM_KEYS; -1 length: none). */
let simLastKey: usize = 0;
let simLastLen: i32 = -1;

/** Turns the table on, empty, for tasks up to max and proxy requests up to maxProxy (both ≤ SIM_CAP). */
export function simStart(max: i32, maxProxy: i32): void {
  simOn = true;
  simMax = max;
  proxyMax = maxProxy;
  proxyN = 0;
  simLo = 0;
  simHi = 0;
  simDropped = 0;
  simFile = 0;
  simKeyTail = 0;
  simFull = false;
  simStop = false;
  simLastLen = -1;
  memory.fill(SIM_TABLE, 0, <usize>(SIM_SLOTS * 4));
}
export function simEnd(): void {
  simOn = false;
}
export function simSetFile(f: i32): void {
  simFile = f;
}
/** The key of a line JS read, written at scratchAt(). */
export function simSeeJs(n: i32, line: i32): void {
  if (n > SCRATCH_BYTES) simFull = true;
  else simSee(SCRATCH, n, line);
}
/** A proxy request with a URL that JS read. */
export function simProxyJs(line: i32): void {
  proxySee(line);
}
export function simProxyCount(): i32 {
  return proxyN;
}
/** The file (k 0) or line (k 1) of the first proxy request kept (the oldest of the ring). */
export function simProxyFirst(k: i32): i32 {
  const at = PROXY_RING + <usize>((proxyN <= proxyMax ? 0 : proxyN % proxyMax) * 8);
  return load<i32>(at + <usize>(k * 4));
}

function proxySee(line: i32): void {
  const at = PROXY_RING + <usize>((proxyN % proxyMax) * 8);
  store<i32>(at, simFile);
  store<i32>(at, line, 4);
  proxyN++;
}

/** Whether a key did not fit (the table's answer is void: the fold reads every line instead). */
export function simOverflowed(): bool {
  return simFull;
}
export function simDroppedCount(): f64 {
  return simDropped;
}
export function simFirst(): i32 {
  return simLo;
}
export function simEndIndex(): i32 {
  return simHi;
}
/** Field k (0 key offset from SIM_KEYS' start as an address, 1 length, 3 line, 4 file) of creation c. */
export function simField(c: i32, k: i32): i32 {
  const r = simRec(c);
  if (k == 0) return <i32>(SIM_KEYS + <usize>load<u32>(r));
  return load<i32>(r + <usize>(k * 4));
}

function simRec(c: i32): usize {
  return SIM_RING + <usize>((c % simMax) * SIM_REC);
}

function simInsert(c: i32, h: u32): void {
  let i = <i32>(h & (SIM_SLOTS - 1));
  while (load<i32>(SIM_TABLE + <usize>(i * 4)) != 0) i = (i + 1) & (SIM_SLOTS - 1);
  store<i32>(SIM_TABLE + <usize>(i * 4), c + 1);
}

function simSee(key: usize, n: i32, line: i32): void {
  if (simFull) return;
  // the key of the last line seen again (a task's lines run together): no creation since, so it is
  // still in the table
  if (n == simLastLen && same(simLastKey, key, n)) return;
  const h = <u32>hashAt(key, n);
  let i = <i32>(h & (SIM_SLOTS - 1));
  for (;;) {
    const ent = load<i32>(SIM_TABLE + <usize>(i * 4));
    if (ent == 0) break;
    const r = simRec(ent - 1);
    if (load<u32>(r, 8) == h && load<i32>(r, 4) == n && same(SIM_KEYS + <usize>load<u32>(r), key, n)) {
      simLastKey = SIM_KEYS + <usize>load<u32>(r);
      simLastLen = n;
      return;
    }
    i = (i + 1) & (SIM_SLOTS - 1);
  }
  if (simHi - simLo >= simMax) {
    // as TaskTable: the tenth created first go (at least one), then the table is made again from the rest
    const drop = (simMax + 9) / 10;
    simLo += drop;
    simDropped += drop;
    memory.fill(SIM_TABLE, 0, <usize>(SIM_SLOTS * 4));
    for (let c = simLo; c < simHi; c++) simInsert(c, load<u32>(simRec(c), 8));
  }
  // the key's bytes: after the newest, or from the ring's start, never over a live key
  let at = simKeyTail;
  if (simLo == simHi) at = 0;
  else {
    const head = <i32>load<u32>(simRec(simLo));
    if (at >= head) {
      if (at + n > SIM_KEY_BYTES) at = n < head ? 0 : -1;
    } else if (at + n >= head) at = -1;
  }
  if (at < 0) {
    simFull = true;
    return;
  }
  memory.copy(SIM_KEYS + <usize>at, key, <usize>n);
  simKeyTail = at + n;
  const c = simHi++;
  const r = simRec(c);
  store<u32>(r, <u32>at);
  store<i32>(r, n, 4);
  store<u32>(r, h, 8);
  store<i32>(r, line, 12);
  store<i32>(r, simFile, 16);
  simInsert(c, h);
  simLastKey = SIM_KEYS + <usize>at;
  simLastLen = n;
}

/** Whether any byte of [s, e) is not ASCII (JS then makes the key: its decoding may join two byte strings). */
function nonAscii(s: i32, e: i32): bool {
  let i = s;
  // a byte's top bit is its bitmask bit
  for (; i + 16 <= e; i += 16) if (i8x16.bitmask(v128.load(IN + <usize>i)) != 0) return true;
  for (; i < e; i++) if (b(i) >= 0x80) return true;
  return false;
}

/**
 * The first pass's part of an event line whose record is written: puts its key in the table, or hands
 * the line to JS (R_SIM 1, run() stops after it) when JS must; drops the record when the fold needs no
 * event. Key: the peer [ps, pe) when not empty, else the task [ts, te) when not empty (-1: none).
 */
function simLine(p: i32, state: i32, ps: i32, pe: i32, ts: i32, te: i32, hasTask: bool, url: i32 = -1): void {
  const f = patFlags(p);
  const proxy = (f & PF_PROXY) != 0;
  const peer = ps >= 0 && pe > ps;
  let ks = peer ? ps : ts;
  const ke = peer ? pe : te;
  if (ks >= 0 && ke <= ks) ks = -1;
  const taskPart = (f & (hasTask ? PF_TASK_PART_WITH_TASK : PF_TASK_PART)) != 0;
  if (
    state == 2 ||
    (!peer && (f & PF_KEY_IN_TEXT) != 0) ||
    (taskPart && ks >= 0 && nonAscii(ks, ke)) ||
    (proxy && url < 0)
  ) {
    put(R_SIM, 1);
    internRecord();
    simStop = true;
    return;
  }
  if (taskPart && ks >= 0) simSee(IN + <usize>ks, ke - ks, lineNo);
  if (proxy && url > 0) proxySee(lineNo);
  if (f & PF_EVENT) {
    put(R_SIM, 0);
    internRecord();
    return;
  }
  // no event: the record goes
  nOut--;
}

/** The id table codes of a record JS will read (quoted() left them pending in a first pass). */
function internRecord(): void {
  for (let k = R_TASK_S; k <= R_URL_S; k += 2) {
    const at = rec + <usize>((k + ID_SLOT_DELTA) * 4);
    if (load<i32>(at) == ID_PENDING)
      store<i32>(at, intern(load<i32>(rec + <usize>(k * 4)), load<i32>(rec + <usize>((k + 1) * 4))));
  }
}

/** Starts a scan of IN[from, end) (JS zero-pads what follows). */
export function begin(from: i32, end: i32): void {
  inLen = end;
  pos = from;
}

/**
 * Scans whole lines from where the last run stopped until the output area is full (it returns then,
 * JS drains the records and calls again) or no newline is left. Returns the number of records.
 */
export function run(): i32 {
  nOut = 0;
  simStop = false;
  // a line writes at most two records (its onLine record and its event)
  while (nOut + 2 <= outCap && !simStop) {
    const nl = nextNl(pos, inLen);
    if (nl < 0) break;
    line(pos, nl > pos && b(nl - 1) == 13 ? nl - 1 : nl);
    pos = nl + 1;
  }
  return nOut;
}

/** Where the unscanned rest begins (after run() returned with room to spare: a partial line). */
export function position(): i32 {
  return pos;
}
/** Whether run() must be called again on this input (its output was full, or JS must read a line first). */
export function full(): bool {
  return nOut + 2 > outCap || simStop;
}

/** The last line of the input, IN[from, end) without a newline (end of file). */
export function lastLine(from: i32, end: i32): i32 {
  inLen = end;
  nOut = 0;
  line(from, end);
  return nOut;
}
