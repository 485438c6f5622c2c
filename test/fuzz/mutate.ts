// Hostile-input generators for the parser fuzz tests. Inputs are built as bytes and decoded the way
// a bundle decodes them (UTF-8, lenient), because that is the only way text reaches a parser.
import fc from 'fast-check';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: false });

export const toBytes = (s: string): Uint8Array => enc.encode(s);
export const fromBytes = (b: Uint8Array): string => dec.decode(b);

/** Byte sequences that are not valid UTF-8 (lone continuation, truncated multi-byte, overlong, surrogate, 5-byte). */
const INVALID_UTF8: readonly number[][] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xc3],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
];

/**
 * Tokens that break naive parsers: numbers out of range, special floats, prototype keys used as
 * record keys, quotes and escapes left open, separators of every format we read.
 */
const NASTY_TOKENS: readonly string[] = [
  '-1',
  '0',
  '1e400',
  '-1e400',
  '99999999999999999999999999',
  '0x10',
  '1_000',
  'NaN',
  '+Inf',
  '-Inf',
  'Infinity',
  '',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  '"',
  '\\',
  '\\"',
  "'",
  '{',
  '}',
  '[',
  ']',
  '[[',
  ']]',
  '=',
  ':',
  ',',
  '#',
  '*',
  '-A',
  'COMMIT',
  '---',
  '...',
  '\t',
  '\r',
  '\r\n',
  '\n\n',
  '%',
  '%s',
  '${x}',
  '\u2028',
  '\u0000',
  '\ufeff',
  'é',
  '😀',
];

type Mutation = (b: Uint8Array) => Uint8Array;

const pos = fc.double({ min: 0, max: 1, noNaN: true });
const at = (b: Uint8Array, f: number) => Math.min(b.length, Math.floor(f * (b.length + 1)));

function insert(b: Uint8Array, i: number, ins: Uint8Array): Uint8Array {
  const out = new Uint8Array(b.length + ins.length);
  out.set(b.subarray(0, i), 0);
  out.set(ins, i);
  out.set(b.subarray(i), i + ins.length);
  return out;
}

function lineBounds(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let s = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10) {
      out.push([s, i + 1]);
      s = i + 1;
    }
  }
  if (s < b.length) out.push([s, b.length]);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Sizes of the "huge line" mutation, small enough for 10,000 cases; the 8 MB line has its own test. */
const HUGE = [300, 4096] as const;

export type { Mutation };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // truncation: the file was cut off mid-write
  pos.map(
    (f): Mutation =>
      (b) =>
        b.subarray(0, at(b, f)),
  ),
  // bit flips
  fc.tuple(pos, fc.integer({ min: 0, max: 7 })).map(([f, bit]): Mutation => (b) => {
    if (b.length === 0) return b;
    const c = b.slice();
    const i = Math.min(c.length - 1, Math.floor(f * c.length));
    c[i] = (c[i] as number) ^ (1 << bit);
    return c;
  }),
  // inserted NULs
  fc.tuple(pos, fc.integer({ min: 1, max: 4 })).map(
    ([f, n]): Mutation =>
      (b) =>
        insert(b, at(b, f), new Uint8Array(n)),
  ),
  // invalid UTF-8
  fc.tuple(pos, fc.constantFrom(...INVALID_UTF8)).map(
    ([f, seq]): Mutation =>
      (b) =>
        insert(b, at(b, f), Uint8Array.from(seq)),
  ),
  // a huge line (no newline in it)
  fc.tuple(pos, fc.constantFrom(...HUGE), fc.constantFrom('A', '9', ' ', '"', '{', '\\')).map(
    ([f, n, ch]): Mutation =>
      (b) =>
        insert(b, at(b, f), toBytes(ch.repeat(n))),
  ),
  // nasty tokens where numbers and names go
  fc.tuple(pos, fc.constantFrom(...NASTY_TOKENS)).map(
    ([f, t]): Mutation =>
      (b) =>
        insert(b, at(b, f), toBytes(t)),
  ),
  // random bytes / random unicode
  fc.tuple(pos, fc.uint8Array({ maxLength: 24 })).map(
    ([f, r]): Mutation =>
      (b) =>
        insert(b, at(b, f), r),
  ),
  fc.tuple(pos, fc.string({ unit: 'grapheme', maxLength: 24 })).map(
    ([f, s]): Mutation =>
      (b) =>
        insert(b, at(b, f), toBytes(s)),
  ),
  // deleted range
  fc.tuple(pos, fc.integer({ min: 1, max: 64 })).map(([f, n]): Mutation => (b) => {
    const i = at(b, f);
    return concat([b.subarray(0, i), b.subarray(Math.min(b.length, i + n))]);
  }),
  // duplicated / swapped / dropped lines (structure out of order: a value before its header…)
  fc.tuple(pos, pos, fc.constantFrom('dup', 'swap', 'drop', 'reverse')).map(([f, g, op]): Mutation => (b) => {
    const lines = lineBounds(b).map(([s, e]) => b.subarray(s, e));
    if (lines.length === 0) return b;
    const i = Math.min(lines.length - 1, Math.floor(f * lines.length));
    const j = Math.min(lines.length - 1, Math.floor(g * lines.length));
    if (op === 'dup') lines.splice(i, 0, lines[i] as Uint8Array);
    else if (op === 'drop') lines.splice(i, 1);
    else if (op === 'reverse') lines.reverse();
    else [lines[i], lines[j]] = [lines[j] as Uint8Array, lines[i] as Uint8Array];
    return concat(lines);
  }),
  // a name replaced by a nasty token (`*filter` → `*constructor`, `le="0.1"` → `le="NaN"`)
  fc.tuple(pos, fc.constantFrom(...NASTY_TOKENS)).map(([f, t]): Mutation => (b) => {
    const s = fromBytes(b);
    const words = [...s.matchAll(/[A-Za-z0-9_.+-]+/g)];
    const w = words[Math.min(words.length - 1, Math.floor(f * words.length))];
    if (!w || w.index === undefined) return b;
    return toBytes(s.slice(0, w.index) + t + s.slice(w.index + w[0].length));
  }),
  // one name replaced everywhere by a key every JS object has (records indexed by names from the input)
  // (weighted: a name must land where a lookup table is indexed, which random placement rarely hits)
  {
    weight: 4,
    arbitrary: fc
      .tuple(pos, fc.constantFrom('__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'))
      .map(([f, t]): Mutation => (b) => {
        const s = fromBytes(b);
        const names = [...new Set(s.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])];
        const w = names[Math.min(names.length - 1, Math.floor(f * names.length))];
        return w === undefined ? b : toBytes(s.replace(new RegExp(`\\b${w}\\b`, 'g'), t));
      }),
  },
  // line endings changed
  fc.constantFrom<Mutation>(
    (b) => toBytes(fromBytes(b).replace(/\n/g, '\r\n')),
    (b) => toBytes(fromBytes(b).replace(/\n/g, '\r')),
    (b) => toBytes(fromBytes(b).replace(/\n/g, '')),
  ),
);

/** A fixture with 1–4 mutations applied, as bytes (the way a file reaches a streaming scanner). */
export function mutatedBytes(seeds: readonly string[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([seed, ms]) => ms.reduce((b, m) => m(b), toBytes(seed)));
}

/** Words of the seeds, so that random lines are built from the format's own vocabulary and reach deep. */
function vocabulary(seeds: readonly string[]): string[] {
  const words = new Set<string>();
  for (const s of seeds) {
    for (const w of s.split(/[\s]+/)) if (w && w.length <= 80) words.add(w);
    for (const w of s.split(/[^A-Za-z0-9_.:/-]+/)) if (w && w.length <= 40) words.add(w);
  }
  return [...words].slice(0, 5000);
}

/** Random input: raw bytes, unicode, and lines of the format's own words mixed with nasty tokens. */
export function randomBytes(seeds: readonly string[]): fc.Arbitrary<Uint8Array> {
  const vocab = vocabulary(seeds);
  const word =
    vocab.length > 0
      ? fc.oneof(fc.constantFrom(...vocab), fc.constantFrom(...NASTY_TOKENS))
      : fc.constantFrom(...NASTY_TOKENS);
  const sep = fc.constantFrom(' ', ' ', ' ', '\t', '', '=', ',', '"', ':');
  const line = fc.array(fc.tuple(word, sep), { maxLength: 14 }).map((ws) => ws.map(([w, s]) => w + s).join(''));
  return fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }).map(toBytes) },
    { weight: 4, arbitrary: fc.array(line, { maxLength: 30 }).map((ls) => toBytes(ls.join('\n'))) },
  );
}

/** Mutated fixtures (most cases) and random input. */
export function hostileBytes(seeds: readonly string[]): fc.Arbitrary<Uint8Array> {
  return fc.oneof({ weight: 4, arbitrary: mutatedBytes(seeds) }, { weight: 1, arbitrary: randomBytes(seeds) });
}
