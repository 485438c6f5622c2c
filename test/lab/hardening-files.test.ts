// Files that misbehave (issue 9 §3), under a dfdaemon log dir given with --dfdaemon-log-dir: a 100 MB
// single-line log, a symlink loop, a FIFO named like a log, a log rotated (renamed and recreated)
// while being read, and a truncated gzip. diagnose must finish in bounded time and memory, say what
// it could not read, and still read the good log beside them. Runs the built CLI.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDfdaemonLog } from '../../bench/gen-dfdaemon-log.mjs';
import { runCliMeasured } from '../helpers/peak-rss.js';

interface ProbeRecord {
  status: string;
  reason?: string;
  logFiles?: { source: string; bundled: string; bytes: number; sliced: boolean }[];
}

let work: string;
let logDir: string;
const GOOD =
  '{"level":"info","ts":"2026-11-25 10:00:00.000","caller":"peer/peertask_reuse.go:91","msg":"reuse from peer task: p1, total size: 7459","peer":"p1","task":"t1","component":"reuseStreamPeerTask"}\n';

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dfdoctor-h9-files-'));
  logDir = join(work, 'daemon');
  await mkdir(logDir);
  // the good log: real layout, newest
  writeDfdaemonLog(join(logDir, 'core.log'), 2 * 2 ** 20);
  // 100 MB on one line, no newline at all
  const fd = openSync(join(logDir, 'core-2026-11-24T10-00-00.000.log'), 'w');
  const chunk = Buffer.alloc(2 ** 20, 'x');
  for (let i = 0; i < 100; i++) writeSync(fd, chunk);
  closeSync(fd);
  // a rotated backup cut off mid-stream
  const gz = gzipSync(Buffer.from(GOOD.repeat(20_000)));
  await writeFile(join(logDir, 'core-2026-11-23T10-00-00.000.log.gz'), gz.subarray(0, gz.length >> 1));
  // symlink loops: two links pointing at each other, and a directory link to itself
  await symlink('core.log.3', join(logDir, 'core.log.2'));
  await symlink('core.log.2', join(logDir, 'core.log.3'));
  await symlink('.', join(logDir, 'loop'));
  // a FIFO named like a log: opening it for reading blocks until a writer comes, which none will
  execFileSync('mkfifo', [join(logDir, 'core.log.4')]);
}, 120_000);

afterAll(() => rm(work, { recursive: true, force: true }));

describe('diagnose over a dfdaemon log dir full of bad files', () => {
  it('finishes within its --timeout, reads the good log, names what it could not read, in bounded memory', async () => {
    // rotation while the CLI reads: core.log renamed away and recreated, again and again
    let rotating = true;
    let rotations = 0;
    const rotator = (async () => {
      while (rotating) {
        await rename(join(logDir, 'core.log'), join(logDir, 'core.log.1')).catch(() => {});
        await writeFile(join(logDir, 'core.log'), GOOD.repeat(1000)).catch(() => {});
        rotations++;
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const tmp = join(work, 'tmp');
    await mkdir(tmp, { recursive: true });
    let r: Awaited<ReturnType<typeof runCliMeasured>>;
    try {
      r = await runCliMeasured(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '30',
          '--probes',
          'dfdaemon',
          '--dfdaemon-log-dir',
          logDir,
          '--dfdaemon-metrics',
          'http://127.0.0.1:9/metrics',
        ],
        { timeoutMs: 90_000, env: { TMPDIR: tmp } },
      );
    } finally {
      rotating = false;
      await rotator;
    }
    console.log(
      `bad log dir: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${((r.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB, ${rotations} rotations during the run, exit ${r.code}`,
    );
    expect(r.signal, r.stderr).toBeNull();
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.ms).toBeLessThan(32_000);
    expect(rotations).toBeGreaterThan(0);
    // bounded: the 100 MB line is never held whole, let alone twice (the target itself is in bench/memory.bench.mjs)
    expect(r.peakRssBytes).not.toBeNull();
    expect(r.peakRssBytes as number).toBeLessThan(400 * 2 ** 20);

    const report = JSON.parse(r.stdout) as { probes: Record<string, ProbeRecord>; notes: { text: string }[] };
    const dfd = report.probes.dfdaemon as ProbeRecord;
    expect(dfd.status, JSON.stringify(dfd)).toBe('ok');
    // the good (rotating) log was read: under its live name, or — when the listing fell between the
    // rotator's rename and its re-create, as a real lumberjack rotation can — under core.log.1
    const good = (dfd.logFiles ?? []).filter((f) => /\/core\.log(\.1)?$/.test(f.source) && f.bytes > 0);
    expect(good.length, JSON.stringify(dfd)).toBeGreaterThan(0);
    // what could not be read is named, with why
    expect(dfd.reason ?? '', JSON.stringify(dfd)).toMatch(
      /core-2026-11-23T10-00-00\.000\.log\.gz[^;]*(truncated|unexpected end|corrupt|incomplete)/i,
    );
    expect(await readdir(tmp)).toEqual([]);
  }, 120_000);

  it('reads nothing through a FIFO even when it is the only log (no hang waiting for a writer)', async () => {
    const only = join(work, 'fifo-only');
    await mkdir(only);
    execFileSync('mkfifo', [join(only, 'core.log')]);
    const r = await runCliMeasured(
      ['diagnose', '--format', 'json', '--timeout', '10', '--probes', 'dfdaemon', '--dfdaemon-log-dir', only],
      { timeoutMs: 60_000 },
    );
    expect([0, 1], r.stderr).toContain(r.code);
    expect(r.ms).toBeLessThan(12_000);
    const dfd = JSON.parse(r.stdout).probes.dfdaemon as ProbeRecord;
    expect(['ok', 'skipped', 'failed']).toContain(dfd.status);
    expect(dfd.reason ?? '').not.toMatch(/timed out/);
  }, 60_000);

  it('analyze of a bundle whose log is a truncated gzip and a 20 MB line reports it located and still reports', async () => {
    const b = join(work, 'bundle');
    await mkdir(join(b, 'raw/dfdaemon/logs'), { recursive: true });
    const manifest = JSON.parse(await readFile('fixtures/healthy/manifest.json', 'utf8'));
    await writeFile(join(b, 'manifest.json'), JSON.stringify(manifest));
    const gz = gzipSync(Buffer.from(GOOD.repeat(50_000)));
    await writeFile(join(b, 'raw/dfdaemon/logs/core.log.gz'), gz.subarray(0, gz.length >> 1));
    await writeFile(join(b, 'raw/dfdaemon/logs/core.log'), `${GOOD}${'y'.repeat(20 * 2 ** 20)}\n${GOOD}`);
    await writeFile(join(b, 'raw/dfdaemon/generation.txt'), 'go\n');
    const r = await runCliMeasured(['analyze', b, '--format', 'json'], { timeoutMs: 60_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout) as { notes: { text: string; source?: string }[] };
    expect(report.notes.filter((n) => n.text.startsWith('internal:'))).toEqual([]);
    console.log(
      `analyze of the bad bundle: ${(r.ms / 1000).toFixed(1)} s, peak RSS ${((r.peakRssBytes ?? 0) / 2 ** 20).toFixed(0)} MiB; notes: ${JSON.stringify(report.notes).slice(0, 600)}`,
    );
  }, 60_000);
});
