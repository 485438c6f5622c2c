import { describe, expect, it } from 'vitest';
import { splitLines, splitLinesBounded } from '../../src/bundle/line-split.js';

async function* chunked(s: string | Uint8Array, size: number): AsyncIterable<Uint8Array> {
  const b = typeof s === 'string' ? Buffer.from(s) : Buffer.from(s);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
async function all(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

describe('splitLinesBounded', () => {
  it('gives the same lines as splitLines when no line passes the cap, whatever the chunking', async () => {
    const text = 'a\r\nbb\n\nccc é 😀\nlast';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await all(splitLinesBounded(chunked(text, size), 64))).toEqual(await all(splitLines(chunked(text, size))));
    }
  });

  it('cuts a line past the cap to its head and still counts it as one line', async () => {
    const text = `first\n${'x'.repeat(10_000)}\nthird\n${'y'.repeat(5000)}`;
    const lines = await all(splitLinesBounded(chunked(text, 333), 100));
    expect(lines).toEqual(['first', 'x'.repeat(100), 'third', 'y'.repeat(100)]);
  });

  it('reads a 64 MB single line without holding it', async () => {
    const chunk = new Uint8Array(1 << 20).fill(0x7a);
    async function* big(): AsyncIterable<Uint8Array> {
      for (let i = 0; i < 64; i++) yield chunk;
      yield Buffer.from('\nend\n');
    }
    const before = process.memoryUsage().rss;
    const lines = await all(splitLinesBounded(big(), 1 << 20));
    expect(lines.map((l) => l.length)).toEqual([1 << 20, 3]);
    // the whole line would be 64 MB as bytes and as a string; the cap keeps it to about 1 MiB
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 2 ** 20);
  });
});
