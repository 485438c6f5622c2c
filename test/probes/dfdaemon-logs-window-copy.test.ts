// The log probe reads only the window: from --since, or for a log larger than the cap the last pull and
// what led up to it; rotated files before the window are not opened. Real files on disk, a real bundle.
import { mkdir, mkdtemp, readFile, rm, truncate, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleWriter, type Redactor } from '../../src/bundle/writer.js';
import { createRedactor } from '../../src/bundle/redact.js';
import { DirBundle } from '../../src/bundle/dir-bundle.js';
import { buildLogs } from '../../src/facts/dfdaemon-logs.js';
import { parseSliceMap } from '../../src/facts/dfdaemon-log-slices.js';
import type { ProbeContext } from '../../src/probes/context.js';
import { rootedPath } from '../../src/probes/context.js';
import { MARK } from '../../src/bundle/redact-keys.js';
import { copyLogs, LEAD_MS, LOG_CAP } from '../../src/probes/dfdaemon-logs.js';
import { goTaskLines, hex64, rustTaskLines } from '../facts/dfdaemon-loggen.js';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});
async function tmp(prefix: string) {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

function context(dir: string, forBundle: boolean, redactor?: Redactor, linking = false): ProbeContext {
  const t0 = Date.now();
  return {
    options: {
      root: '/',
      timeoutSeconds: 60,
      scrapeIntervalSeconds: 0.3,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle,
    },
    out: new BundleWriter(dir, redactor, linking),
    signal: new AbortController().signal,
    remainingMs: () => Math.max(0, 60_000 - (Date.now() - t0)),
    progress: () => undefined,
    discovery: {},
    cleanup: { add: () => () => undefined },
    nodePath: (p) => rootedPath('/', p),
  };
}

const SECRET = 'k8Zq2Lw9Xv4Tn7Rb1Mc6';

const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

/** Tasks `gapMs` apart from `startMs` until `bytes` are written. */
function goLog(startMs: number, gapMs: number, bytes: number): { text: string } {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const t = startMs + i * gapMs;
    for (const l of goTaskLines({
      startMs: t,
      peer: `10.0.0.5-1-${hex64(i).slice(0, 36)}`,
      task: hex64(i + 7),
      url: blob(i),
      size: 1e6,
      mode: i % 3 === 0 ? 'source' : 'p2p',
      costMs: 300,
      verbose: true,
    })) {
      lines.push(l);
      size += l.length + 1;
    }
  }
  return { text: `${lines.join('\n')}\n` };
}

describe('log windows in the dfdaemon probe', () => {
  it('--since reads the window only, and leaves rotated files written before it unopened', async () => {
    const logDir = await tmp('dfdoctor-win-logs-');
    const now = Date.now();
    // ten hours of tasks, one every 2 s, ending now
    const lines: string[] = [];
    let i = 0;
    // (non-ASCII text in the URLs: the copy must not cut a character in two where it parts the text)
    for (let t = now - 10 * 3600_000; t < now; t += 2000, i++)
      lines.push(
        ...goTaskLines({
          startMs: t,
          peer: `p${i}`,
          task: hex64(i),
          url: `${blob(i)}?r=é€😀`,
          size: 1e6,
          mode: 'p2p',
          costMs: 300,
        }),
      );
    const log = `${lines.join('\n')}\n`;
    await writeFile(join(logDir, 'core.log'), log);
    // a rotated file last written 11 h ago; not a valid gzip, so opening it would be seen as an error
    const rotated = join(logDir, 'core-2026-01-01T00-00-00.000.log.gz');
    await writeFile(rotated, 'not gzip');
    await utimes(rotated, (now - 11 * 3600_000) / 1000, (now - 11 * 3600_000) / 1000);
    const bundleDir = await tmp('dfdoctor-win-bundle-');
    const cutoff = now - 3600_000;
    const out = await copyLogs(context(bundleDir, false), logDir, 'go', cutoff);
    expect(out.skipped).toEqual(['core-2026-01-01T00-00-00.000.log.gz: last written before --since']);
    expect(out.files).toHaveLength(1);
    const f = out.files[0] as (typeof out.files)[number];
    expect(f.fromByte).toBeGreaterThan(0);
    // about the last tenth of the file, not all of it
    expect(f.bytes).toBeLessThan(Buffer.byteLength(log) * 0.12);
    const bundled = await readFile(join(bundleDir, 'raw/dfdaemon/logs/core.log'), 'utf8');
    expect(bundled).toBe(Buffer.from(log).subarray(f.fromByte).toString('utf8'));
    const map = parseSliceMap(await readFile(join(bundleDir, 'raw/dfdaemon/log-slices/core.log.json'), 'utf8'));
    expect(map?.fromByte).toBe(f.fromByte);
    // the facts filter exactly: every task started after the cutoff, and none before it
    const problems: unknown[] = [];
    const facts = await buildLogs(
      {
        bundle: new DirBundle(bundleDir),
        facts: {},
        problem: (p: unknown) => problems.push(p),
        note: () => {},
      } as never,
      cutoff,
    );
    const expected = lines.filter(
      (l) =>
        l.includes('start download with url') &&
        Date.parse(`${/"ts":"([^"]+)"/.exec(l)?.[1]}Z`.replace(' ', 'T')) >= cutoff,
    ).length;
    expect(facts?.summary.tasks.length).toBe(expected);
    expect(problems).toEqual([]);
  }, 60_000);

  it('reads a log larger than the cap from the last pull and the minutes before it (default window)', async () => {
    const logDir = await tmp('dfdoctor-win-default-');
    const now = Date.now();
    // a busy day of tasks 3 s apart (one long pull), an idle hour, then the last pull: 8 layers at once
    const day = goLog(now - 26 * 3600_000, 3000, LOG_CAP.collect * 1.5);
    const lastPullAt = now - 3600_000;
    const last: string[] = [];
    for (let k = 0; k < 8; k++)
      last.push(
        ...goTaskLines({
          startMs: lastPullAt + k * 50,
          peer: `last-${k}`,
          task: `lasttask${k}`,
          url: blob(900_000 + k),
          size: 5e7,
          mode: 'p2p',
          costMs: 4000,
        }),
      );
    const log = `${day.text}${last.join('\n')}\n`;
    await writeFile(join(logDir, 'core.log'), log);
    const bundleDir = await tmp('dfdoctor-win-default-bundle-');
    const out = await copyLogs(context(bundleDir, true), logDir, 'go');
    expect(out.window?.why).toBe('last-pull');
    // the window starts LEAD_MS before the last pull's first request (its log line, within a second)
    expect(Math.abs((out.window?.fromMs as number) - (lastPullAt - LEAD_MS))).toBeLessThan(1000);
    const f = out.files[0] as (typeof out.files)[number];
    expect(f.fromByte).toBeGreaterThan(0);
    const bundled = await readFile(join(bundleDir, 'raw/dfdaemon/logs/core.log'), 'utf8');
    expect(bundled.length).toBeLessThan(log.length / 10);
    for (let k = 0; k < 8; k++) expect(bundled).toContain(`"peer":"last-${k}"`);
    expect(bundled).not.toContain(day.text.slice(0, 200));
  }, 120_000);

  it('bounds the default window by the cap when the log is one endless pull', async () => {
    const logDir = await tmp('dfdoctor-win-endless-');
    const now = Date.now();
    // tasks one second apart for hours: no gap of a minute, so no pull ever completes within the cap
    const { text } = goLog(now - 12 * 3600_000, 1000, LOG_CAP.collect * 1.6);
    await writeFile(join(logDir, 'core.log'), text);
    const bundleDir = await tmp('dfdoctor-win-endless-bundle-');
    const out = await copyLogs(context(bundleDir, true), logDir, 'go');
    expect(out.window?.why).toBe('last-pull-unbounded');
    const f = out.files[0] as (typeof out.files)[number];
    // the newest part of the log, read from a seek and copied as it is: not a slice of the whole file
    expect(f.fromByte).toBeGreaterThan(0);
    expect(f.bytes).toBeLessThanOrEqual(LOG_CAP.collect);
    expect(f.bytes).toBeGreaterThan(LOG_CAP.collect * 0.8);
    const bundled = await readFile(join(bundleDir, 'raw/dfdaemon/logs/core.log'), 'utf8');
    expect(text.endsWith(bundled)).toBe(true);
  }, 120_000);

  it('gives a Rust log the same default window', async () => {
    const logDir = await tmp('dfdoctor-win-rust-');
    const now = Date.now();
    const lines: string[] = [];
    let size = 0;
    for (let i = 0, t = now - 30 * 3600_000; size < LOG_CAP.collect * 1.3; i++, t += 5000) {
      for (const l of rustTaskLines({
        startMs: t,
        host: 'node-1',
        peer: `peer-${i}`,
        task: hex64(i),
        url: blob(i),
        size: 4e7,
        mode: 'p2p',
        costMs: 900,
        series: 'v1',
      })) {
        lines.push(l);
        size += l.length + 1;
      }
    }
    const lastAt = now - 5 * 3600_000;
    lines.push(
      ...rustTaskLines({
        startMs: lastAt,
        host: 'node-1',
        peer: 'last-peer',
        task: 'lasttask',
        url: blob(1e6),
        size: 4e7,
        mode: 'source',
        costMs: 7000,
        series: 'v1',
      }),
    );
    const log = `${lines.join('\n')}\n`;
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'dfdaemon.log'), log);
    const bundleDir = await tmp('dfdoctor-win-rust-bundle-');
    const out = await copyLogs(context(bundleDir, true), logDir, 'rust');
    expect(out.window?.why).toBe('last-pull');
    expect(Math.abs((out.window?.fromMs as number) - (lastAt - LEAD_MS))).toBeLessThan(1000);
    const bundled = await readFile(join(bundleDir, 'raw/dfdaemon/logs/dfdaemon.log'), 'utf8');
    expect(bundled).toContain('task_id="lasttask"');
    expect(bundled.length).toBeLessThan(log.length / 5);
  }, 120_000);
  it('copies a line longer than the scanner cap in parts that never cut a character in two', async () => {
    const logDir = await tmp('dfdoctor-win-longline-');
    const now = Date.now();
    const task = (i: number, t: number) =>
      goTaskLines({ startMs: t, peer: `p${i}`, task: hex64(i), url: blob(i), size: 1e6, mode: 'p2p', costMs: 300 });
    // 2-, 3- and 4-byte characters, so that some part boundary falls inside one whatever the read sizes
    // and a secret in it, so that the redactor rewrites the text and the decoded parts are written
    const long = `{"msg":"${'é€😀'.repeat(250_000)} token=${SECRET}"}`;
    expect(Buffer.byteLength(long)).toBeGreaterThan(2 * 1024 * 1024);
    const old = Array.from({ length: 300 }, (_, i) => task(100 + i, now - 5 * 3600_000 + i * 1000)).flat();
    const recent = [...task(1, now - 60_000), long, ...task(2, now - 30_000)];
    const log = `${[...old, ...recent].join('\n')}\n`;
    await writeFile(join(logDir, 'core.log'), log);
    const bundleDir = await tmp('dfdoctor-win-longline-bundle-');
    const out = await copyLogs(context(bundleDir, false, createRedactor()), logDir, 'go', now - 3600_000);
    // the seek starts a little early (lines are only roughly in time order), but past the first old line
    const from = out.files[0]?.fromByte as number;
    expect(from).toBeGreaterThan(0);
    expect(from).toBeLessThanOrEqual(Buffer.byteLength(`${old.join('\n')}\n`));
    const bundled = await readFile(join(bundleDir, 'raw/dfdaemon/logs/core.log'));
    const want = Buffer.from(Buffer.from(log).subarray(from).toString('utf8').replace(SECRET, MARK));
    expect(bundled.includes(SECRET)).toBe(false);
    expect(bundled.equals(want), 'the bundled bytes are the window of the log, redacted').toBe(true);
  }, 60_000);
  it('keeps a PEM block that spans a read of the copy in one part, so that it is redacted whole', async () => {
    const now = Date.now();
    const task = (i: number, t: number) =>
      goTaskLines({ startMs: t, peer: `p${i}`, task: hex64(i), url: blob(i), size: 1e6, mode: 'p2p', costMs: 300 });
    const body = Array.from(
      { length: 40 },
      (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(4, '0')}${SECRET}`,
    );
    const pem = ['-----BEGIN PRIVATE KEY-----', ...body, '-----END PRIVATE KEY-----'].join('\n');
    const old = `${Array.from({ length: 300 }, (_, i) => task(100 + i, now - 5 * 3600_000 + i * 1000))
      .flat()
      .join('\n')}\n`;
    const recent = `${Array.from({ length: 700 }, (_, i) => task(i, now - 600_000 + i))
      .flat()
      .join('\n')}\n`;
    // old lines, then recent ones, a padding line, the block and the newest task
    const log = (pad: number) => `${old}${recent}${'x'.repeat(pad)}\n${pem}\n${task(9999, now - 1000).join('\n')}\n`;
    const copy = async (text: string) => {
      const logDir = await tmp('dfdoctor-win-pem-');
      await writeFile(join(logDir, 'core.log'), text);
      const bundleDir = await tmp('dfdoctor-win-pem-bundle-');
      const out = await copyLogs(context(bundleDir, false, createRedactor()), logDir, 'go', now - 3600_000);
      return {
        from: out.files[0]?.fromByte as number,
        bundled: await readFile(join(bundleDir, 'raw/dfdaemon/logs/core.log'), 'utf8'),
      };
    };
    // where the copy starts (the seek lands a little before the window, where depends on the file's
    // size) decides where its first read (2 MiB: the copy's buffer) ends: the padding puts the block's
    // BEGIN line about 1, 4 and 8 KB before that mark
    const fixed = Buffer.byteLength(old) + Buffer.byteLength(recent) + 1;
    const { from: guess } = await copy(log(1));
    let straddled = 0;
    for (const before of [1000, 4000, 8000]) {
      const pad = guess + (2 << 20) - before - fixed;
      expect(pad).toBeGreaterThan(0);
      const r = await copy(log(pad));
      const at = fixed + pad + 1 - r.from;
      if (at < 2 << 20 && at + Buffer.byteLength(pem) > 2 << 20) straddled++;
      expect(r.bundled.includes(SECRET), `BEGIN ${at} bytes into the copy`).toBe(false);
      expect(r.bundled).toContain('-----END PRIVATE KEY-----');
    }
    // the premise: a block sat across the end of the first read
    expect(straddled).toBeGreaterThan(0);
  }, 60_000);
});

describe('a log window in a bundle read on the node (diagnose)', () => {
  /** Ten hours of tasks 2 s apart ending now, with `extra` lines half an hour ago. */
  async function liveLog(extra: string[] = []): Promise<{ logDir: string; log: string; cutoff: number }> {
    const logDir = await tmp('dfdoctor-link-logs-');
    const now = Date.now();
    const lines: string[] = [];
    let i = 0;
    for (let t = now - 10 * 3600_000; t < now; t += 2000, i++) {
      lines.push(
        ...goTaskLines({
          startMs: t,
          peer: `p${i}`,
          task: hex64(i),
          url: blob(i),
          size: 1e6,
          mode: 'p2p',
          costMs: 300,
        }),
      );
      if (t < now - 1800_000 && t + 2000 >= now - 1800_000) lines.push(...extra);
    }
    const log = `${lines.join('\n')}\n`;
    await writeFile(join(logDir, 'core.log'), log);
    return { logDir, log, cutoff: now - 3600_000 };
  }

  async function facts(reader: DirBundle, cutoff: number) {
    const problems: unknown[] = [];
    const f = await buildLogs(
      { bundle: reader, facts: {}, problem: (p: unknown) => problems.push(p), note: () => {} } as never,
      cutoff,
    );
    return { summary: f?.summary, problems };
  }

  it('holds a window the redactor leaves as it is by reference: nothing written, the same bytes and timelines read', async () => {
    const { logDir, log, cutoff } = await liveLog();
    const copyDir = await tmp('dfdoctor-link-copy-');
    await copyLogs(context(copyDir, false, createRedactor()), logDir, 'go', cutoff);
    const linkDir = await tmp('dfdoctor-link-bundle-');
    const ctx = context(linkDir, false, createRedactor(), true);
    const out = await copyLogs(ctx, logDir, 'go', cutoff);
    const from = out.files[0]?.fromByte as number;
    expect(from).toBeGreaterThan(0);
    const rel = 'raw/dfdaemon/logs/core.log';
    expect(existsSync(join(linkDir, rel)), 'the window is not written to the temp dir').toBe(false);
    expect([...ctx.out.links.keys()]).toEqual([rel]);
    const reader = new DirBundle(linkDir, linkDir, ctx.out.links);
    const want = Buffer.from(log).subarray(from);
    expect(await reader.list('raw/dfdaemon/logs')).toEqual([rel]);
    expect(await reader.text(rel)).toBe(want.toString('utf8'));
    const parts: Uint8Array[] = [];
    for await (const c of reader.chunks(rel)) parts.push(c);
    expect(Buffer.concat(parts).equals(want)).toBe(true);
    const stored = await reader.openStored(rel);
    expect(stored?.size).toBe(want.length);
    const into = Buffer.alloc(100);
    expect(await stored?.read(into, want.length - 100)).toBe(100);
    expect(into.equals(want.subarray(want.length - 100))).toBe(true);
    // the analysis reads what it reads from a copy
    const linked = await facts(reader, cutoff);
    const copied = await facts(new DirBundle(copyDir), cutoff);
    expect(linked.summary?.tasks.length).toBeGreaterThan(1000);
    expect(linked).toEqual(copied);
    // a file truncated since (copytruncate) holds other bytes than the redactor saw: not read again
    await truncate(join(logDir, 'core.log'), from + 10);
    await expect(reader.text(rel)).rejects.toThrow(/core\.log: shorter than when dfdoctor read it/);
    await ctx.out.closeLinks();
    expect(ctx.out.links.size).toBe(0);
  }, 60_000);

  it('copies a window that holds a secret, redacted, and counts the redaction once', async () => {
    const secretLine = `{"level":"info","ts":"2026-01-01 00:00:00.000","msg":"login token=${SECRET}"}`;
    const { logDir, cutoff } = await liveLog([secretLine]);
    const copyDir = await tmp('dfdoctor-link-secret-copy-');
    const copying = context(copyDir, false, createRedactor());
    await copyLogs(copying, logDir, 'go', cutoff);
    const linkDir = await tmp('dfdoctor-link-secret-');
    const ctx = context(linkDir, false, createRedactor(), true);
    await copyLogs(ctx, logDir, 'go', cutoff);
    expect(ctx.out.links.size).toBe(0);
    const reader = new DirBundle(linkDir, linkDir, ctx.out.links);
    const text = (await reader.text('raw/dfdaemon/logs/core.log')) as string;
    expect(text).toContain(`token=${MARK}`);
    expect(text.includes(SECRET)).toBe(false);
    expect(text).toBe(await readFile(join(copyDir, 'raw/dfdaemon/logs/core.log'), 'utf8'));
    const host = { hostname: 'h', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 };
    const info = { tool: { name: 'dfdoctor', version: '0' }, host, createdAt: new Date(0).toISOString() };
    const [a, b] = [await ctx.out.finish(info), await copying.out.finish(info)];
    expect(a.redactions).toEqual(b.redactions);
    expect(a.redactions?.[0]?.count).toBe(1);
  }, 60_000);

  it('is refused by a writer whose bundle leaves the node', async () => {
    const dir = await tmp('dfdoctor-link-refused-');
    const w = new BundleWriter(dir, createRedactor());
    expect(() => w.link('raw/x.log', { path: '/x', file: {} as never, start: 0, end: 1 }, '/x', [])).toThrow(
      /leaves the node, so it holds copies only/,
    );
  });
});
