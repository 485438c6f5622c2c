// The search behind the redaction of large logs (src/bundle/redact-triggers.ts), compiled to WebAssembly
// by `npm run build`. A log line can hold a secret only where one of the redactor's guards occurs (its
// rules test them first; src/bundle/redact-text.ts, LINE_TRIGGERS): `@`, `[]string{`,
// `map[string]string{`, a query parameter (`[?&;]name=`), or one of its words, in any case. Most lines
// of a daemon's log hold none, and V8's regular expressions took ~50 ms to say so of 20 MB; this finds
// the same places with SIMD, sixteen bytes at a time. The words come from JS (init()): this module holds
// no word of its own.
//
// Memory (from BASE): WORDS (what JS writes: per word its length, then its bytes; a 0 length ends the
// list), TABLES (the words' first three bytes as nibble masks, 6 × 16 bytes, then 16 bytes of
// scratch), IN (the bytes searched, then zero padding).

const WORDS_BYTES: i32 = 4096;
// the six masks, then a block where next() keeps the buckets of sixteen places
const TABLE_BYTES: i32 = 7 * 16;
// the search reads up to 17 bytes past a position, and the input is followed by this many zeros
const PAD: i32 = 32;

let BASE: usize = 0;
let WORDS: usize = 0;
let TABLES: usize = 0;
let IN: usize = 0;
let inCap: i32 = 0;

/** Sets the memory layout for inputs of up to `cap` bytes; returns where JS writes the words. */
export function layout(cap: i32): usize {
  BASE = (__heap_base + 15) & ~15;
  WORDS = BASE;
  TABLES = WORDS + <usize>WORDS_BYTES;
  IN = (TABLES + <usize>TABLE_BYTES + 15) & ~15;
  inCap = cap;
  const need = <i32>((IN + <usize>(cap + PAD) - <usize>memory.size() * 65536 + 65535) >> 16);
  if (need > 0) memory.grow(need);
  return WORDS;
}

export function inputAt(): usize {
  return IN;
}

/**
 * Builds the nibble masks from the words JS wrote: word w sets bit w % 8 for its k-th byte (k < 3) in
 * the masks of position k, one for its low nibble and one for its high. A place where the three bytes
 * from it (lower-cased) each have a common bit in both their masks may start a word; verify() decides.
 * Returns the number of words, or -1 when a word is shorter than three bytes or not lower-case ASCII
 * letters (the case folding below is exact for those only).
 */
export function init(): i32 {
  memory.fill(TABLES, 0, <usize>TABLE_BYTES);
  let n = 0;
  for (let p = WORDS; ;) {
    const len = <i32>load<u8>(p);
    if (len === 0) break;
    if (len < 3) return -1;
    for (let k = 0; k < len; k++) {
      const c = <i32>load<u8>(p + 1 + <usize>k);
      if (c < 0x61 || c > 0x7a) return -1;
    }
    const bit = <u8>((<i32>1) << (n & 7));
    for (let k = 0; k < 3; k++) {
      const c = <i32>load<u8>(p + 1 + <usize>k);
      const lo = TABLES + <usize>(k * 32 + (c & 15));
      const hi = TABLES + <usize>(k * 32 + 16 + (c >> 4));
      store<u8>(lo, load<u8>(lo) | bit);
      store<u8>(hi, load<u8>(hi) | bit);
    }
    p += 1 + <usize>len;
    n++;
  }
  return n;
}

// [A-Za-z0-9_.-]: a query parameter's name
function nameByte(c: i32): bool {
  const l = c | 0x20;
  return (l >= 0x61 && l <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d;
}

/** Whether a guard starts at `at` (within the `len` input bytes); `buckets`: the masks' bits there. */
function verify(at: i32, len: i32, buckets: i32): bool {
  const c = <i32>load<u8>(IN + <usize>at);
  if (c === 0x40) return true; // @
  if (c === 0x3f || c === 0x26 || c === 0x3b) {
    // ?&; then a name, then =
    let j = at + 1;
    while (j < len && nameByte(<i32>load<u8>(IN + <usize>j))) j++;
    return j > at + 1 && j < len && load<u8>(IN + <usize>j) === 0x3d;
  }
  if (c === 0x5b) {
    // []string{ (a Go http.Header dump)
    if (
      at + 9 <= len &&
      load<u32>(IN + <usize>at) === 0x74735d5b && // "[]st", little-endian
      load<u32>(IN + <usize>(at + 4)) === 0x676e6972 && // "ring"
      load<u8>(IN + <usize>(at + 8)) === 0x7b // "{"
    )
      return true;
    // map[string]string{ (a Go map dump), from its "["
    return (
      at >= 3 &&
      at + 15 <= len &&
      load<u16>(IN + <usize>(at - 3)) === 0x616d && // "ma"
      load<u8>(IN + <usize>(at - 1)) === 0x70 && // "p"
      load<u32>(IN + <usize>at) === 0x7274735b && // "[str"
      load<u32>(IN + <usize>(at + 4)) === 0x5d676e69 && // "ing]"
      load<u32>(IN + <usize>(at + 8)) === 0x69727473 && // "stri"
      load<u16>(IN + <usize>(at + 12)) === 0x676e && // "ng"
      load<u8>(IN + <usize>(at + 14)) === 0x7b // "{"
    );
  }
  // only the words of the buckets the masks name here (word w is in bucket w % 8)
  let w = 0;
  for (let p = WORDS; load<u8>(p) !== 0; w++) {
    const n = <i32>load<u8>(p);
    if (((buckets >> (w & 7)) & 1) !== 0 && at + n <= len) {
      let k = 0;
      while (k < n && ((<i32>load<u8>(IN + <usize>(at + k))) | 0x20) === <i32>load<u8>(p + 1 + <usize>k)) k++;
      if (k === n) return true;
    }
    p += 1 + <usize>n;
  }
  return false;
}

/**
 * The first place at or after `from` where a guard occurs in the `len` bytes JS wrote at IN, or -1. The
 * bytes past `len`, up to PAD of them, must be zero.
 */
export function next(from: i32, len: i32): i32 {
  if (len > inCap) return -2;
  const lo0 = v128.load(TABLES);
  const hi0 = v128.load(TABLES, 16);
  const lo1 = v128.load(TABLES, 32);
  const hi1 = v128.load(TABLES, 48);
  const lo2 = v128.load(TABLES, 64);
  const hi2 = v128.load(TABLES, 80);
  const low = i8x16.splat(0x0f);
  const fold = i8x16.splat(0x20);
  const at = i8x16.splat(0x40);
  const q = i8x16.splat(0x3f);
  const amp = i8x16.splat(0x26);
  const semi = i8x16.splat(0x3b);
  const br = i8x16.splat(0x5b);
  const zero = i8x16.splat(0);
  for (let i = from; i < len; i += 16) {
    const raw = v128.load(IN + <usize>i);
    const a = v128.or(raw, fold);
    const b = v128.or(v128.load(IN + <usize>(i + 1)), fold);
    const c = v128.or(v128.load(IN + <usize>(i + 2)), fold);
    let m = v128.and(i8x16.swizzle(lo0, v128.and(a, low)), i8x16.swizzle(hi0, i8x16.shr_u(a, 4)));
    m = v128.and(m, v128.and(i8x16.swizzle(lo1, v128.and(b, low)), i8x16.swizzle(hi1, i8x16.shr_u(b, 4))));
    m = v128.and(m, v128.and(i8x16.swizzle(lo2, v128.and(c, low)), i8x16.swizzle(hi2, i8x16.shr_u(c, 4))));
    const special = v128.or(
      v128.or(i8x16.eq(raw, at), i8x16.eq(raw, q)),
      v128.or(v128.or(i8x16.eq(raw, amp), i8x16.eq(raw, semi)), i8x16.eq(raw, br)),
    );
    let bits = i8x16.bitmask(v128.or(i8x16.ne(m, zero), special));
    if (bits === 0) continue;
    v128.store(TABLES, m, 96);
    while (bits !== 0) {
      const k = <i32>ctz(bits);
      const j = i + k;
      if (j >= len) return -1;
      if (verify(j, len, <i32>load<u8>(TABLES + <usize>(96 + k)))) return j;
      bits &= bits - 1;
    }
  }
  return -1;
}
