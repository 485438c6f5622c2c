// The time-window seek on real files on disk: windows at the start, middle and end of a log, skewed
// timestamps, a window before the first line and after the last, a file without timestamps, and the
// layouts of both generations.
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineTimeMs } from '../../src/parsers/dfdaemon-log-time.js';
import { lastStamp, seekTime, SKEW_MS } from '../../src/probes/dfdaemon-log-window.js';
import { goConsole, goJson, rustCompact, rustTs } from '../facts/dfdaemon-loggen.js';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);
const b = (s: string) => Buffer.from(s);
const ts = (s: string) => lineTimeMs(b(s), 0, Buffer.byteLength(s));

describe('lineTimeMs', () => {
  it('reads the timestamp of every dfdaemon layout', () => {
    expect(ts(goJson(T0 + 1234, 'info', 'x.go:1', 'peer task done, cost: 5ms'))).toBe(T0 + 1234);
    expect(ts(goConsole(T0 + 5, 'info', 'x.go:1', 'start download with url: x'))).toBe(T0 + 5);
    expect(ts(rustCompact(T0 + 7, 'INFO', 'download_task', 'a.rs:1', 'download task succeeded'))).toBe(T0 + 7);
    expect(ts(`  \x1b[2m${rustTs(T0 + 9)}\x1b[0m \x1b[32m INFO\x1b[0m download task succeeded`)).toBe(T0 + 9);
    expect(ts(`  ${rustTs(T0 + 9)}  INFO download task succeeded`)).toBe(T0 + 9);
    expect(ts('{"level":"info","ts":1782345600.5,"msg":"x"}')).toBe(1782345600500);
  });

  it('gives null for lines without one', () => {
    expect(ts('2023/08/14 16:18:32 httputil: ReverseProxy read error')).toBeNull();
    expect(ts('\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/peertask_conductor.go:296')).toBeNull();
    expect(ts('    at dragonfly-client/src/grpc/dfdaemon_download.rs:221')).toBeNull();
    expect(ts('{"level":"info","msg":"no ts"}')).toBeNull();
    expect(ts('')).toBeNull();
  });
});

/** A deterministic PRNG: the skew of each line. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Written {
  path: string;
  size: number;
  /** [byte offset, ms] of every line with a timestamp. */
  lines: [number, number][];
}

/** A log of `n` lines one `stepMs` apart, each off by up to ±skewMs, with a stack-trace line now and then. */
async function writeLog(
  kind: 'go' | 'go-console' | 'rust',
  n: number,
  stepMs: number,
  skewMs: number,
): Promise<Written> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-window-'));
  temps.push(dir);
  const r = rng(n + stepMs);
  const parts: string[] = [];
  const lines: [number, number][] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const ms = T0 + i * stepMs + Math.round((r() * 2 - 1) * skewMs);
    const msg = `peer task done, cost: ${i % 900}ms`;
    const line =
      kind === 'go'
        ? goJson(ms, 'info', 'peer/peertask_conductor.go:1393', msg, { peer: `p${i}`, task: `t${i}` })
        : kind === 'go-console'
          ? goConsole(ms, 'info', 'peer/peertask_conductor.go:1393', msg, { peer: `p${i}` })
          : rustCompact(
              ms,
              'INFO',
              'download_task',
              'dragonfly-client/src/grpc/dfdaemon_download.rs:459',
              'download task succeeded',
              `task_id="t${i}"`,
            );
    lines.push([at, ms]);
    parts.push(line);
    at += Buffer.byteLength(line) + 1;
    if (i % 97 === 0) {
      const extra =
        kind === 'rust'
          ? '    at dragonfly-client/src/grpc/dfdaemon_download.rs:459'
          : '\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/peertask_conductor.go:296';
      parts.push(extra);
      at += Buffer.byteLength(extra) + 1;
    }
  }
  const path = join(dir, kind === 'rust' ? 'dfdaemon.log' : 'core.log');
  await writeFile(path, `${parts.join('\n')}\n`);
  return { path, size: at, lines };
}

async function seek(w: Written, fromMs: number) {
  const fh = await open(w.path, 'r');
  try {
    return await seekTime(fh, w.size, fromMs);
  } finally {
    await fh.close();
  }
}

/** The window holds every line at or after fromMs, and starts not much more than the skew before it. */
function expectWindow(w: Written, fromMs: number, offset: number, stepMs: number) {
  expect(w.lines.some(([at]) => at === offset) || offset === 0).toBe(true);
  const missed = w.lines.filter(([at, ms]) => ms >= fromMs && at < offset);
  expect(missed).toEqual([]);
  // the lines before fromMs that the window holds were written at most about two skews earlier
  const early = w.lines.filter(
    ([at, ms]) => at >= offset && ms < fromMs - 2 * SKEW_MS - 2 * stepMs - 8 * stepMs * Math.ceil(4096 / 120),
  );
  expect(early).toEqual([]);
}

describe('seekTime', () => {
  for (const kind of ['go', 'go-console', 'rust'] as const) {
    it(`finds windows at the start, middle and end of a ${kind} log with skewed timestamps`, async () => {
      const stepMs = 200;
      const w = await writeLog(kind, 40_000, stepMs, 25_000);
      const last = w.lines.at(-1)?.[1] as number;
      for (const frac of [0.02, 0.5, 0.95, 0.999]) {
        const fromMs = T0 + Math.round((last - T0) * frac);
        const s = await seek(w, fromMs);
        expect(s.untimed).toBe(false);
        expectWindow(w, fromMs, s.offset, stepMs);
        // a handful of reads, not the file: log2(size / 4 KiB) and the first line
        expect(s.reads).toBeLessThanOrEqual(Math.ceil(Math.log2(w.size / 4096)) + 3);
        if (frac >= 0.5) expect(s.offset).toBeGreaterThan(w.size * (frac - 0.1));
      }
    });
  }

  it('starts at 0 for a window before the first line, near the end for one after the last', async () => {
    const w = await writeLog('go', 20_000, 100, 0);
    const before = await seek(w, T0 - 3600_000);
    expect(before).toMatchObject({ offset: 0, untimed: false });
    const after = await seek(w, T0 + 10 * 3600_000);
    expect(after.offset).toBeGreaterThan(w.size - 8192);
    expect(w.lines.filter(([at]) => at >= after.offset).every(([, ms]) => ms < T0 + 10 * 3600_000)).toBe(true);
    const fh = await open(w.path, 'r');
    expect((await lastStamp(fh, w.size))?.ms).toBe(w.lines.at(-1)?.[1]);
    await fh.close();
  });

  it('reads a file without timestamps from its start and says it is untimed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-window-'));
    temps.push(dir);
    const path = join(dir, 'core.log');
    const text = Array.from(
      { length: 50_000 },
      (_, i) => `2023/08/14 16:18:32 httputil: ReverseProxy read error ${i}`,
    ).join('\n');
    await writeFile(path, text);
    const fh = await open(path, 'r');
    try {
      expect(await seekTime(fh, Buffer.byteLength(text), T0)).toMatchObject({ offset: 0, untimed: true });
      expect(await lastStamp(fh, Buffer.byteLength(text))).toBeNull();
    } finally {
      await fh.close();
    }
  });
});
