import { describe, expect, it } from 'vitest';
import { mediumByLatency } from '../../src/facts/disk.js';
import { factsFrom } from '../helpers/bundle.js';
import { diskBundle } from '../helpers/disk-bundle.js';

describe('disk facts', () => {
  it('computes iostat for the cache device over the recorded window', async () => {
    const b = diskBundle({
      window: {
        reads: 400,
        sectorsRead: 400 * 256,
        readTicksMs: 400 * 30,
        writes: 100,
        writeTicksMs: 500,
        ioTicksMs: 950,
        queueMs: 12500,
      },
    });
    const f = await factsFrom(b.files, b.opts);
    expect(f.problems).toEqual([]);
    const io = f.disk?.iostat;
    expect(io).toHaveLength(1);
    expect(io?.[0]).toMatchObject({ device: 'sdb', windowSeconds: 1 });
    expect(io?.[0]?.stat).toMatchObject({ readsPerSec: 400, rAwaitMs: 30, wAwaitMs: 5, aquSz: 12.5, utilPct: 95 });
    expect(f.disk?.mount?.mountPoint).toBe('/var/lib/dragonfly');
    expect(f.disk?.cacheDirFrom).toBe('dfdaemon');
  });

  it('reads space as df does (used / (used + available)) and inodes from df.json', async () => {
    const b = diskBundle({ statfs: { bsize: 4096, blocks: 1000, bfree: 100, bavail: 50, files: 1000, ffree: 30 } });
    const f = await factsFrom(b.files, b.opts);
    expect(f.disk?.space).toMatchObject({
      freeBytes: 50 * 4096,
      totalBytes: 1000 * 4096,
      freeInodes: 30,
      freeInodesPct: 3,
    });
    expect(f.disk?.space?.usedPct).toBeCloseTo((100 * 900) / 950, 6);
  });

  it('falls back on measurements.disk for space when df.json is absent', async () => {
    const b = diskBundle({ statfs: null, measurement: { freeBytes: 5e9, totalBytes: 100e9 } });
    const f = await factsFrom(b.files, b.opts);
    expect(f.disk?.space).toMatchObject({ freePct: 5, source: 'measurements.disk' });
  });

  it('reports garbage in each raw file at its line and still builds the rest', async () => {
    const b = diskBundle();
    b.files['raw/disk/diskstats-1.txt'] = ' 8 16 sdb 1 2 3\n';
    b.files['raw/disk/mounts.txt'] = '27 1 254:0 / / rw - ext4 /dev/vda rw\nnot a mount\n';
    b.files['raw/disk/df.json'] = '{"statfs": ';
    const f = await factsFrom(b.files, b.opts);
    expect(f.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'raw/disk/diskstats-1.txt', line: 1 }),
        expect.objectContaining({ file: 'raw/disk/mounts.txt', line: 2 }),
        expect.objectContaining({ file: 'raw/disk/df.json', message: expect.stringContaining('not JSON') }),
      ]),
    );
    expect(f.disk?.iostat).toEqual([]);
    expect(f.disk?.read?.seqReadMBps).toBe(900);
    // space still known from the measurement
    expect(f.disk?.space?.source).toBe('measurements.disk');
  });

  it('says why iostat is missing when the window length was not recorded', async () => {
    const b = diskBundle({ intervalMs: null, window: { reads: 10 } });
    const f = await factsFrom(b.files, b.opts);
    expect(f.disk?.iostat).toEqual([]);
    expect(f.problems.map((p) => p.message).join()).toMatch(/diskstatsIntervalMs/);
  });

  it('resolves the device from mounts.txt and diskstats when the probe record lacks it (a hand-made bundle)', async () => {
    const b = diskBundle({ window: { reads: 50, readTicksMs: 100, queueMs: 100 } });
    const f = await factsFrom(b.files, { measurements: b.opts.measurements });
    expect(f.disk?.mount?.source).toBe('/dev/sdb');
    expect(f.disk?.device?.name).toBe('sdb');
    // no window length without the probe record
    expect(f.disk?.iostat).toEqual([]);
  });

  it('is absent when the bundle has no disk data at all', async () => {
    const f = await factsFrom({});
    expect(f.disk).toBeUndefined();
  });

  it('classifies the medium by measured latency, not by the rotational flag', async () => {
    expect(mediumByLatency(0.06)).toBe('flash');
    expect(mediumByLatency(0.8)).toBe('network-or-virtual');
    expect(mediumByLatency(7)).toBe('seek-bound');
    const b = diskBundle({ rotational: true, measurement: { randReadP50Ms: 0.07 } });
    const f = await factsFrom(b.files, b.opts);
    expect(f.disk?.medium).toEqual({ byLatency: 'flash', p50Ms: 0.07 });
    const pc = diskBundle({ measurement: { method: 'page_cache', seqReadMBps: null, randReadP50Ms: null } });
    expect((await factsFrom(pc.files, pc.opts)).disk?.medium).toBeNull();
  });

  it("takes the GC threshold from dfdaemon's config, else its generation's default", async () => {
    const go = diskBundle({
      extraFiles: {
        'raw/dfdaemon/generation.txt': 'go\n',
        'raw/dfdaemon/config/dfget.yaml': 'dataDir: /var/lib/dragonfly\nstorage:\n  diskGCThresholdPercent: 70\n',
      },
    });
    const fg = await factsFrom(go.files, go.opts);
    expect(fg.disk?.gc).toMatchObject({
      highPercent: 70,
      from: 'config',
      generation: 'go',
      key: 'storage.diskGCThresholdPercent',
    });
    expect(fg.disk?.gc?.evidence).toMatch(/dfget\.yaml:3/);
    const rust = diskBundle({ extraFiles: { 'raw/dfdaemon/generation.txt': 'rust\n' } });
    expect((await factsFrom(rust.files, rust.opts)).disk?.gc).toMatchObject({
      highPercent: 80,
      from: 'default',
      generation: 'rust',
    });
    const none = diskBundle();
    expect((await factsFrom(none.files, none.opts)).disk?.gc).toBeNull();
  });
});
