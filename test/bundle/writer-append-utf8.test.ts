// BundleWriter.appendUtf8 redacts a part of a log in 64 KiB pieces cut at line ends (and never inside a
// PEM block): what it writes must be what one redactor call over the whole part writes, with the same
// redaction counts, byte for byte, non-ASCII text included.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/bundle/redact.js';
import { BundleWriter } from '../../src/bundle/writer.js';

const REL = 'raw/dfdaemon/logs/core.log';
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** What appendUtf8 writes for `text`, and the redactions it records. */
async function viaPieces(text: string): Promise<{ text: string; counts: Record<string, number> }> {
  const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-append-'));
  dirs.push(dir);
  const w = new BundleWriter(dir, createRedactor());
  await w.appendUtf8(REL, Buffer.from(text, 'utf8'));
  const written = readFileSync(join(dir, REL), 'utf8');
  const manifest = await w.finish({
    tool: { name: 'dfdoctor', version: '0' },
    host: { hostname: 'h' } as never,
    createdAt: '',
  });
  const counts: Record<string, number> = {};
  for (const r of manifest.redactions ?? []) {
    expect(r.file).toBe(REL);
    expect(counts[r.what], `one entry per kind: ${r.what}`).toBeUndefined();
    counts[r.what] = r.count;
  }
  return { text: written, counts };
}

/** One redactor call over the whole text: what appendUtf8 did before it cut pieces. */
function whole(text: string): { text: string; counts: Record<string, number> } {
  const r = createRedactor()(REL, text);
  const counts: Record<string, number> = {};
  for (const x of r.redactions) counts[x.what] = (counts[x.what] ?? 0) + x.count;
  return { text: r.text, counts };
}

const PEM_BODY = Array.from(
  { length: 26 },
  (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(4, '0')}BKcwggSjAgEAAoIBAQ`,
);
const PEM = ['-----BEGIN PRIVATE KEY-----', ...PEM_BODY, '-----END PRIVATE KEY-----'].join('\n');

/** ~`bytes` of ordinary log lines, each ~200 bytes, numbered (no secret). */
function filler(bytes: number, tag: string): string {
  const lines: string[] = [];
  for (let n = 0, i = 0; n < bytes; i++) {
    const l = `{"level":"info","ts":"2024-06-21 10:00:00.000","msg":"peer task done, cost: ${i}ms","task":"${tag}${i}-${'x'.repeat(120)}"}`;
    lines.push(l);
    n += l.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

describe('BundleWriter.appendUtf8', () => {
  it('a PEM block across the 64 KiB mark is redacted whole', async () => {
    for (const before of [64 * 1024 - 300, 64 * 1024 - 1000, 64 * 1024 - 40]) {
      const text = `${filler(before, 'a')}${PEM}\n${filler(100_000, 'b')}`;
      const got = await viaPieces(text);
      for (const body of PEM_BODY) expect(got.text).not.toContain(body);
      expect(got).toEqual(whole(text));
    }
  });

  it('keeps non-ASCII text byte for byte, and a line longer than a piece whole', async () => {
    const long = `{"msg":"${'é漢🙂'.repeat(30_000)} password=hunter2secret"}`;
    const text = `${filler(70_000, 'ü')}${long}\n${filler(70_000, 'c')}ende ß\n`;
    const got = await viaPieces(text);
    expect(got.text).not.toContain('hunter2secret');
    expect(got.text).toContain('é漢🙂'.repeat(30_000));
    expect(got).toEqual(whole(text));
  });

  it('gives what one redactor call gives, on logs with secrets spread over many pieces', async () => {
    const secretLine = fc.constantFrom(
      (k: number) => `GET https://user${k}:pa55word${k}zz@registry.example/v2/x`,
      (k: number) => `{"msg":"proxy","url":"https://r.example/v2/x?token=tok${k}abcdefgh&ok=1"}`,
      (k: number) => `Authorization: Bearer bearer${k}abcdefghijklmnop`,
      (k: number) => `password=hunter${k}secretvalue`,
      () => PEM,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 90_000 }), line: secretLine }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (parts) => {
          const text = parts.map((p, k) => `${filler(p.gap, `t${k}-`)}${p.line(k)}\n`).join('');
          expect(await viaPieces(text)).toEqual(whole(text));
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});
