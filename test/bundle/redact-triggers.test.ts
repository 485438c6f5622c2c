// The guard search in WebAssembly must name every line a redaction rule could change: each line where
// one of LINE_TRIGGERS (the rules' own guards, as redactLogLines searches them) matches. A line it
// misses would be written with its secret by the redactor's byte path (Redactor.leaves), so it is held
// to the regular expressions on every fixture file, at every place of a 16-byte block, and on random
// text; and leaves() to what the redactor itself gives.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/bundle/redact.js';
import { GUARD_WORDS, LINE_TRIGGERS } from '../../src/bundle/redact-text.js';
import { GuardSearch } from '../../src/bundle/redact-triggers.js';
import { redactTriggersWasm } from '../../src/bundle/wasm-modules.js';
import { filesUnder } from '../helpers/fixture-files.js';

const search = new GuardSearch(redactTriggersWasm());
const LOG = 'raw/dfdaemon/logs/core.log';

/** Starts of the lines the search names. */
function found(text: string): number[] {
  const b = Buffer.from(text, 'latin1');
  return [...search.lines(b)].map(([s]) => s);
}

/** Starts of the lines a trigger expression matches in: what redactLogLines redacts. */
function expected(text: string): number[] {
  const starts = new Set<number>();
  for (const re of LINE_TRIGGERS) {
    const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
    for (const m of text.matchAll(g)) starts.add(text.lastIndexOf('\n', m.index) + 1);
  }
  return [...starts].sort((a, b) => a - b);
}

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

describe('GuardSearch', () => {
  it('names the lines the trigger expressions match, on every fixture file', () => {
    const files = filesUnder(FIXTURES).filter((p) => !/\.(gz|tar|tgz)$/.test(p));
    expect(files.length).toBeGreaterThan(300);
    let lines = 0;
    for (const p of files) {
      // as latin1, a byte is a character: offsets agree, and ASCII guards read the same
      const text = readFileSync(p, 'latin1');
      const want = expected(text);
      expect(found(text), p).toEqual(want);
      lines += want.length;
    }
    // the comparison covers many named lines, not only clean files
    expect(lines).toBeGreaterThan(500);
  });

  it('finds each guard in any case, at every place of a block and at the very end', () => {
    const guards = [
      ...GUARD_WORDS.flatMap((w) => [w, w.toUpperCase(), w[0]?.toUpperCase() + w.slice(1)]),
      '@',
      '[]string{',
      'map[string]string{',
      '?a=',
      '&X-Amz-Signature=',
      ';v.1_-=',
    ];
    for (const g of guards)
      for (let at = 0; at < 40; at++) {
        const line = `${'x'.repeat(at)}${g}`;
        const text = `plain\n${line}\nplain`;
        expect(found(text), `${g} at ${at}`).toEqual([6]);
        // as the last bytes of the input, with no line end after them
        expect(found(`plain\n${line}`), `${g} at ${at}, at the end`).toEqual([6]);
      }
  });

  it('does not name a guard cut short by the end of the input or broken by a line end', () => {
    for (const t of [
      'toke',
      'x[]string',
      'map[string]string',
      'ma\n[string]string{',
      '?a',
      '?=',
      'pw',
      'se\ncret',
      'ke\ny',
      '&\na=',
      'nothing here',
    ]) {
      expect(found(t), t).toEqual([]);
      expect(expected(t), t).toEqual([]);
    }
  });

  it('property: the same lines as the expressions, on text made of pieces of guards', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        ...GUARD_WORDS,
        '@',
        '[]string{',
        '[]strin',
        'map[string]string{',
        'map[string]strin',
        'map',
        '[string]string{',
        '?',
        '&',
        ';',
        '=',
        '\n',
        'PASS',
        'ToKeN',
        'x-y.z_1',
      ),
      fc.constantFrom(...GUARD_WORDS).map((w) => w.slice(0, -1)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(found(text)).toEqual(expected(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('grows for an input longer than its first memory, and refuses words it cannot fold', () => {
    const text = `${'a'.repeat(300_000)}\nsecret\n`;
    expect(found(text)).toEqual([300_001]);
    expect(() => new GuardSearch(redactTriggersWasm(), ['ok', 'fine'])).toThrow(/three or more/);
    expect(() => new GuardSearch(redactTriggersWasm(), ['Token'])).toThrow(/lower-case/);
  });
});

describe('Redactor.leaves', () => {
  it('only when the redactor gives the text back as it is, with nothing recorded', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }).map((s) => s.replace(/[\n\u0080-\uffff]/g, ' ')),
      fc.constantFrom(
        'GET /v2/library/alpine/blobs/sha256:abc?ns=docker.io',
        'token=abcdef0123456789',
        'the key is ready',
        'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
        'proxy https://u:secretpass@h:3128',
        'pin 4',
        '{"level":"info","msg":"peer task done, cost: 12ms"}',
      ),
    );
    let left = 0;
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        const text = `${lines.join('\n')}\n`;
        const r = createRedactor();
        if (!r.leaves?.(LOG, Buffer.from(text, 'latin1'))) return;
        left++;
        expect(r(LOG, text)).toEqual({ text, redactions: [] });
      }),
      { numRuns: 500 },
    );
    // the property held for texts it left, with guards in them, not only for none
    expect(left).toBeGreaterThan(50);
    expect(createRedactor().leaves?.(LOG, Buffer.from('GET /v2/x?ns=docker.io\nthe key\n'))).toBe(true);
  });

  it('not for a secret, a key block, a secret seen in an earlier file, non-ASCII text or a config file', () => {
    const r = createRedactor();
    const clean = 'level=info msg="peer task done"\n';
    expect(r.leaves?.(LOG, Buffer.from(clean))).toBe(true);
    expect(r.leaves?.(LOG, Buffer.from(`${clean}Authorization: Bearer abcdefghijklmnop\n`))).toBe(false);
    expect(r.leaves?.(LOG, Buffer.from(`${clean}-----BEGIN PRIVATE KEY-----\nMIIE\n`))).toBe(false);
    expect(r.leaves?.(LOG, Buffer.from(`${clean}grüße\n`))).toBe(false);
    expect(r.leaves?.('raw/containerd/config.toml', Buffer.from(clean))).toBe(false);
    // a password read from containerd's config, then printed bare in a log line no rule names
    r(
      'raw/containerd/config.toml',
      '[plugins."io.containerd.grpc.v1.cri".registry.configs."r".auth]\npassword = "Zq9xW2vLm4"\n',
    );
    const echoed = `${clean}retrying with Zq9xW2vLm4 now\n`;
    expect(r.leaves?.(LOG, Buffer.from(echoed))).toBe(false);
    expect(r(LOG, echoed).text).not.toContain('Zq9xW2vLm4');
  });
});
