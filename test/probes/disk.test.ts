import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.js';
import { CleanupStack } from '../../src/commands/cleanup.js';
import type { ProbeContext, ProbeOptions } from '../../src/probes/context.js';
import { diskProbe, writableBytes } from '../../src/probes/disk.js';
import { existingFilesReadTest } from '../../src/probes/disk-measure.js';

// Real reads on this machine's disk: the probe against a temp dir, no mocks.

const made: string[] = [];
function tempDir(prefix: string, base = tmpdir()): string {
  const d = mkdtempSync(join(base, prefix));
  made.push(d);
  return d;
}
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(over: Partial<ProbeOptions>, budgetMs = 6000, signal = new AbortController().signal) {
  const bundle = tempDir('dfdoctor-disk-bundle-');
  const out = new BundleWriter(bundle);
  const cleanup = new CleanupStack();
  const deadline = performance.now() + budgetMs;
  const ctx: ProbeContext = {
    options: {
      root: '/',
      timeoutSeconds: 30,
      scrapeIntervalSeconds: 1,
      diskBytes: 64 * 1024 * 1024,
      diskMethod: 'o_direct',
      forBundle: false,
      ...over,
    },
    out,
    signal,
    remainingMs: () => Math.max(0, deadline - performance.now()),
    progress: () => undefined,
    discovery: {},
    cleanup,
    nodePath: (p) => p,
  };
  return { ctx, out, bundle, cleanup };
}

const leftovers = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.dfdoctor-disk-'));

describe('disk probe on this machine', () => {
  it('measures a directory with O_DIRECT and leaves nothing behind', async () => {
    const dir = tempDir('dfdoctor-disk-cache-');
    const { ctx, out, bundle } = context({ cacheDir: dir });
    const r = await diskProbe.run(ctx);
    expect(r.status).toBe('ok');
    const m = out.getMeasurement('disk');
    expect(m?.method).toBe('o_direct');
    expect(m?.seqReadMBps).toBeGreaterThan(0);
    expect(m?.randReadP50Ms).toBeGreaterThan(0);
    expect(m?.randReadP99Ms).toBeGreaterThanOrEqual(m?.randReadP50Ms ?? Infinity);
    expect(m?.randReadSamples).toBeGreaterThan(0);
    expect(m?.freeBytes).toBeGreaterThan(0);
    expect(m?.bytesRead).toBeLessThanOrEqual(64 * 1024 * 1024 + (m?.randReadSamples ?? 0) * 4096);
    expect(r.details?.diskstatsIntervalMs).toBeGreaterThanOrEqual(450);
    for (const f of ['mounts.txt', 'diskstats-0.txt', 'diskstats-1.txt', 'df.json'])
      expect(existsSync(join(bundle, 'raw/disk', f)), f).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('removes the temp file when aborted mid-measurement', async () => {
    const dir = tempDir('dfdoctor-disk-cache-');
    const ac = new AbortController();
    const { ctx, cleanup } = context({ cacheDir: dir, diskBytes: 256 * 1024 * 1024 }, 6000, ac.signal);
    const run = diskProbe.run(ctx);
    const t0 = Date.now();
    while (leftovers(dir).length === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 2));
    expect(leftovers(dir)).toHaveLength(1);
    ac.abort(new Error('interrupted by SIGINT'));
    await expect(run).rejects.toThrow(/SIGINT/);
    expect(leftovers(dir)).toEqual([]);
    // the undo step was deregistered once the probe removed the file itself
    await cleanup.runAll();
    expect(leftovers(dir)).toEqual([]);
  });

  it('is skipped with the reason when the cache dir does not exist', async () => {
    const { ctx } = context({ cacheDir: '/nonexistent/dragonfly-cache' });
    const r = await diskProbe.run(ctx);
    expect(r.status).toBe('skipped');
    expect(r.reason).toMatch(/\/nonexistent\/dragonfly-cache does not exist.*--cache-dir/);
  });

  it('takes --cache-dir, then what the dfdaemon probe found, then the default, all under --root', async () => {
    const root = tempDir('dfdoctor-disk-root-');
    const run = async (
      cacheDir: string | undefined,
      discovered: string | undefined,
      cacheDirFrom?: 'config' | 'default',
    ) => {
      const { ctx } = context({ root, ...(cacheDir ? { cacheDir } : {}) });
      ctx.nodePath = (p) => join(root, p);
      if (discovered)
        ctx.discovery.dfdaemon = {
          generation: 'rust',
          cacheDir: discovered,
          ports: [],
          ...(cacheDirFrom ? { cacheDirFrom } : {}),
        };
      return diskProbe.run(ctx);
    };
    expect((await run('/data/df', '/srv/dragonfly')).reason).toContain(
      `${root}/data/df does not exist (from --cache-dir)`,
    );
    expect((await run(undefined, '/srv/dragonfly')).reason).toContain(
      `${root}/srv/dragonfly does not exist (from dfdaemon's config)`,
    );
    // a discovered path that is already under --root is not rooted twice
    expect((await run(undefined, `${root}/srv/dragonfly`)).reason).toContain(`${root}/srv/dragonfly does not exist`);
    const r = await run(undefined, undefined);
    expect(r.reason).toContain(
      `${root}/var/lib/dragonfly does not exist (dfdaemon's default; its config was not found)`,
    );
    expect(r.details).toMatchObject({ cacheDirFrom: 'default' });
    // the dfdaemon probe fell back to its generation's default: said as such, not as dfdaemon's config
    expect((await run(undefined, '/var/lib/dragonfly', 'default')).reason).toContain(
      `${root}/var/lib/dragonfly does not exist (dfdaemon's default; its config was not found)`,
    );
    // a cache dir seen through the daemon's own root is used as it is
    const { ctx } = context({ root });
    ctx.discovery.dfdaemon = {
      generation: 'go',
      cacheDir: '/var/lib/dragonfly',
      cacheDirOnNode: '/proc/self/root/nonexistent-dfdoctor',
      cacheDirFrom: 'config',
      ports: [],
    };
    expect((await diskProbe.run(ctx)).reason).toContain(
      "/proc/self/root/nonexistent-dfdoctor does not exist (from dfdaemon's config)",
    );
  });

  const shm = existsSync('/dev/shm') && readFileSync('/proc/mounts', 'utf8').includes(' /dev/shm tmpfs ');
  it.skipIf(!shm)('does not pass RAM off as a disk on tmpfs (which accepts O_DIRECT since Linux 6.6)', async () => {
    const dir = tempDir('dfdoctor-disk-shm-', '/dev/shm');
    const { ctx, out } = context({ cacheDir: dir });
    const r = await diskProbe.run(ctx);
    expect(r.status).toBe('ok');
    expect(r.reason).toMatch(/tmpfs is memory-backed/);
    const m = out.getMeasurement('disk');
    expect(m?.method).toBe('page_cache');
    expect(m?.seqReadMBps).toBeNull();
    expect(m?.fsType).toBe('tmpfs');
    expect(m?.bytesRead).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  const hasFio = (() => {
    try {
      execFileSync('fio', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasFio)('runs fio on the same single temp file with --disk-method fio', async () => {
    const dir = tempDir('dfdoctor-disk-cache-');
    const { ctx, out } = context({ cacheDir: dir, diskMethod: 'fio' });
    const r = await diskProbe.run(ctx);
    expect(r.status, r.reason).toBe('ok');
    const m = out.getMeasurement('disk');
    expect(m?.method).toBe('fio');
    expect(m?.seqReadMBps).toBeGreaterThan(0);
    expect(m?.randReadP50Ms).toBeGreaterThan(0);
    expect(leftovers(dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('existing-files read test (cache dir not writable)', () => {
  it("reads dfdaemon's cached files with O_DIRECT without changing them", async () => {
    const dir = tempDir('dfdoctor-disk-ro-');
    const files = ['content/tasks/abc/task-1', 'content/tasks/def/task-2'];
    const hashes: string[] = [];
    for (const [i, f] of files.entries()) {
      const p = join(dir, f);
      execFileSync('mkdir', ['-p', join(p, '..')]);
      const data = Buffer.alloc((3 + i) * 1024 * 1024 + 123, i + 1);
      writeFileSync(p, data);
      hashes.push(createHash('sha256').update(data).digest('hex'));
    }
    writeFileSync(join(dir, 'small'), 'x'); // under 1 MiB: not a cached piece worth timing
    const mtimes = files.map((f) => statSync(join(dir, f)).mtimeMs);
    const soon = performance.now();
    const r = await existingFilesReadTest(
      dir,
      64 * 1024 * 1024,
      { until: () => soon + 300 },
      new AbortController().signal,
    );
    expect(r.method).toBe('existing_files');
    expect(r.files).toBe(2);
    expect(r.seq?.bytes).toBeGreaterThan(0);
    expect(r.seq?.bytes).toBeLessThanOrEqual(7 * 1024 * 1024 + 2 * 123); // both files, once
    expect(r.randMs.length).toBeGreaterThan(0);
    expect(r.bytesWritten).toBe(0);
    files.forEach((f, i) => {
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, f)))
          .digest('hex'),
      ).toBe(hashes[i]);
      expect(statSync(join(dir, f)).mtimeMs).toBe(mtimes[i]);
    });
  });

  it('fails with a reason when there is nothing to read', async () => {
    const dir = tempDir('dfdoctor-disk-empty-');
    await expect(
      existingFilesReadTest(dir, 1024 * 1024, { until: () => performance.now() + 100 }, new AbortController().signal),
    ).rejects.toThrow(/no cached files/);
  });
});

describe('space guard for the temp file', () => {
  const GiB = 1024 ** 3;
  const MiB = 1024 ** 2;
  const guard = (free: number, total: number, generation?: 'go' | 'rust') => {
    const { ctx } = context({ diskBytes: 256 * MiB });
    if (generation) ctx.discovery.dfdaemon = { generation, cacheDir: '/var/lib/dragonfly', ports: [] };
    return writableBytes(ctx, { freeBytes: free, totalBytes: total });
  };

  it('writes --disk-bytes when there is room', () => {
    expect(guard(50 * GiB, 100 * GiB)).toEqual({ kind: 'ok', bytes: 256 * MiB });
  });

  it("shrinks the file rather than push usage to dfdaemon's GC threshold (Rust 80 %, Go 95 %)", () => {
    // 21.1 GiB free of 100: 79 % is reached after ~100 MiB
    const r = guard(21.1 * GiB, 100 * GiB, 'rust');
    expect(r.kind).toBe('ok');
    expect(r.kind === 'ok' && r.bytes).toBeLessThan(110 * MiB);
    expect(r.kind === 'ok' && r.bytes).toBeGreaterThan(90 * MiB);
    expect(guard(21.1 * GiB, 100 * GiB, 'go')).toEqual({ kind: 'ok', bytes: 256 * MiB });
  });

  it('writes nothing with under ~1 GiB to spare, or at the GC threshold', () => {
    expect(guard(1.01 * GiB, 100 * GiB).kind).toBe('no-room');
    expect(guard(20 * GiB, 100 * GiB, 'rust').kind).toBe('no-room');
  });
});
