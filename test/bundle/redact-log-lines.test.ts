// redactLogLines cuts out only the lines a trigger names; it must give exactly what redacting every
// line does (split on "\n", redactLine each, join), with the same tally, on every text the fixtures
// hold and on lines built to sit at the edges of its search.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactLine, redactLogLines } from '../../src/bundle/redact-text.js';
import { Tally } from '../../src/bundle/redact-tally.js';
import { filesUnder } from '../helpers/fixture-files.js';

function everyLine(text: string): { text: string; counts: [string, number][]; values: string[] } {
  const t = new Tally();
  const out = text
    .split('\n')
    .map((l) => redactLine(l, t, { strict: false }))
    .join('\n');
  return { text: out, counts: [...t.counts], values: [...t.values] };
}

function triggered(text: string): { text: string; counts: [string, number][]; values: string[] } {
  const t = new Tally();
  const out = redactLogLines(text, t);
  return { text: out, counts: [...t.counts], values: [...t.values] };
}

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;
const texts = filesUnder(FIXTURES)
  .filter((p) => !/\.(gz|tar|tgz)$/.test(p))
  .map((p) => ({ p, text: readFileSync(p, 'utf8') }))
  .filter(({ text }) => !text.includes('\0'));

describe('redactLogLines', () => {
  it('gives what redacting every line gives, on every fixture file', () => {
    expect(texts.length).toBeGreaterThan(300);
    let changed = 0;
    for (const { p, text } of texts) {
      const want = everyLine(text);
      expect(triggered(text), p).toEqual(want);
      if (want.text !== text) changed++;
    }
    // the comparison covers files with secrets in them, not only clean ones
    expect(changed).toBeGreaterThan(10);
  });

  it('edges: a trigger on the first or last line, no final newline, two triggers on a line, CRLF', () => {
    const cases = [
      'password=hunter2secret\nplain\n',
      'plain\nurl https://user:pa55word@registry.example/v2',
      'Authorization: Bearer abcdefghijklmnop token=qwertyuiop12345\r\nok\r\n',
      '\n\n@\n?a=\n',
      'GET /v2/x?X-Amz-Signature=deadbeefcafe1234&sig=abcdef123456\nnext',
      'plain only\nno secrets here',
      '',
    ];
    for (const c of cases) expect(triggered(c), JSON.stringify(c)).toEqual(everyLine(c));
  });

  it('property: any mix of plain lines and lines with secrets', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 40 }).map((s) => s.replace(/\n/g, ' ')),
      fc.constantFrom(
        'token=abcdef0123456789',
        'proxy https://u:secretpass@h:3128',
        '"Authorization":[]string{"Basic dXNlcjpwYXNzd29yZA=="}',
        'GET /blob?token=zzzzzzzzzzzz&x=1',
        'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc',
        'level=info msg="peer task done"',
      ),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), (lines, finalNewline) => {
        const text = lines.join('\n') + (finalNewline ? '\n' : '');
        expect(triggered(text)).toEqual(everyLine(text));
      }),
      { numRuns: 300 },
    );
  });
});
