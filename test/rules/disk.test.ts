import { stepText } from '../../src/report/steps-render.js';
import { describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/bundle/measurements.js';
import { evaluate } from '../../src/engine.js';
import { saturated } from '../../src/rules/disk/saturated.js';
import { HEALTHY_NVME_MBPS, slowMedium } from '../../src/rules/disk/slow-medium.js';
import { spacePressure } from '../../src/rules/disk/space-pressure.js';
import { factsFrom } from '../helpers/bundle.js';
import { type DiskScenario, diskBundle } from '../helpers/disk-bundle.js';

async function match(rule: typeof slowMedium, s: DiskScenario, settings = {}) {
  const b = diskBundle(s);
  const f = await factsFrom(b.files, { ...b.opts, settings });
  return rule.when(f);
}

const warmPull = (bytes: number, wallSeconds: number): Measurements => ({
  bench: {
    image: 'registry.local/app:1',
    pulls: [
      {
        kind: 'warm',
        wallSeconds,
        resolveSeconds: 0.2,
        layers: [{ digest: 'sha256:aa', bytes, fetchSeconds: wallSeconds - 1, unpackSeconds: null }],
      },
    ],
    floors: { dfdaemonFetchMBps: null, diskReadMBps: null, loopbackMBps: null, gunzipMBps: null, sha256MBps: null },
  },
});

describe('disk.slow-medium', () => {
  it('fires below the floor and not above it; the floor is a setting', async () => {
    expect(await match(slowMedium, { measurement: { seqReadMBps: 60 } })).not.toBeNull();
    expect(await match(slowMedium, { measurement: { seqReadMBps: 140 } })).toBeNull();
    expect(await match(slowMedium, { measurement: { seqReadMBps: 60 } }, { diskFloorMBps: 50 })).toBeNull();
    expect(await match(slowMedium, { measurement: { seqReadMBps: 140 } }, { diskFloorMBps: 200 })).not.toBeNull();
  });

  it('is critical far below the floor, a warning near it, with no impact when the pull is unknown', async () => {
    const near = await match(slowMedium, { measurement: { seqReadMBps: 80 } });
    const far = await match(slowMedium, { measurement: { seqReadMBps: 20 } });
    expect(near?.severity).toBe('warning');
    expect(far?.severity).toBe('critical');
    expect(near?.impactSeconds).toBeUndefined();
    expect(near?.evidence.join('\n')).toMatch(/no pull size known/);
  });

  it('estimates impact as size / measured − size / a healthy NVMe rate from the pull in question', async () => {
    const m = await match(slowMedium, { measurement: { seqReadMBps: 50 }, measurements: warmPull(1e9, 30) });
    expect(m?.impactSeconds).toBeCloseTo(1e9 / 50e6 - 1e9 / (HEALTHY_NVME_MBPS * 1e6), 6);
    expect(m?.evidence.join('\n')).toMatch(/bench warm pull/);
  });

  it('fires above the floor when reading the pull at that rate takes half its wall time', async () => {
    // 2 GB at 150 MB/s = 13.3 s of a 20 s pull
    const m = await match(slowMedium, { measurement: { seqReadMBps: 150 }, measurements: warmPull(2e9, 20) });
    expect(m).not.toBeNull();
    expect(m?.evidence.join('\n')).toMatch(/too slow for this pull/);
    // the same disk is not the floor of a 60 s pull
    expect(await match(slowMedium, { measurement: { seqReadMBps: 150 }, measurements: warmPull(2e9, 60) })).toBeNull();
  });

  it('never judges the device from a page-cache figure, and says the rotational flag is not trusted', async () => {
    expect(await match(slowMedium, { measurement: { method: 'page_cache', seqReadMBps: 30 } })).toBeNull();
    const m = await match(slowMedium, { rotational: true, measurement: { seqReadMBps: 40, randReadP50Ms: 0.07 } });
    expect(m?.evidence.join('\n')).toMatch(/flash-like.*rotational flag is wrong here/);
  });

  it('is less confident when the device was also busy with other IO', async () => {
    const idle = await match(slowMedium, { measurement: { seqReadMBps: 40 } });
    const busy = await match(slowMedium, {
      measurement: { seqReadMBps: 40, randReadP50Ms: 9 },
      window: { reads: 300, readTicksMs: 300 * 120, ioTicksMs: 1000, queueMs: 20000 },
    });
    expect(busy?.confidence).toBeLessThan(idle?.confidence ?? 0);
  });
});

describe('disk.saturated', () => {
  const deep = {
    reads: 500,
    sectorsRead: 500 * 64,
    readTicksMs: 500 * 150,
    writes: 2000,
    writeTicksMs: 2000 * 80,
    ioTicksMs: 1000,
    queueMs: 30000,
  };

  it('fires on a deep queue with r_await far above an HDD-class unloaded latency', async () => {
    const m = await match(saturated, { rotational: true, window: deep, measurement: { randReadP50Ms: 40 } });
    expect(m).not.toBeNull();
    expect(m?.evidence.join('\n')).toMatch(/aqu-sz 30\.0, r_await 150\.0 ms/);
    expect(m?.evidence.join('\n')).toMatch(/before dfdoctor's own reads/);
  });

  it('never fires on %util alone: an NVMe at 100 % util with 0.1 ms reads is fine', async () => {
    const busyNvme = {
      reads: 50000,
      sectorsRead: 50000 * 8,
      readTicksMs: 5000,
      writes: 0,
      writeTicksMs: 0,
      ioTicksMs: 1000,
      queueMs: 5000,
    };
    expect(
      await match(saturated, { device: 'nvme0n1', siType: 'NVMe', rotational: false, window: busyNvme }),
    ).toBeNull();
  });

  it('needs a deep queue: high latency at aqu-sz < 2 is a slow device, not a busy one', async () => {
    const shallow = { ...deep, queueMs: 1500 };
    expect(
      await match(saturated, { rotational: true, window: shallow, measurement: { randReadP50Ms: 40 } }),
    ).toBeNull();
  });

  it('uses a flash threshold once measured latency or the flag rules out a disk head', async () => {
    const modest = {
      reads: 400,
      sectorsRead: 400 * 8,
      readTicksMs: 400 * 6,
      writes: 4000,
      writeTicksMs: 4000 * 9,
      ioTicksMs: 1000,
      queueMs: 8000,
    };
    // 6 ms r_await: far above an SSD's 0.2 ms, unremarkable for an HDD
    expect(await match(saturated, { rotational: false, window: modest })).not.toBeNull();
    expect(await match(saturated, { rotational: true, window: modest, measurement: { randReadP50Ms: 9 } })).toBeNull();
  });

  it("fires on dfdoctor's own measured latency when others only write", async () => {
    const writers = { reads: 0, writes: 5000, writeTicksMs: 5000 * 40, ioTicksMs: 1000, queueMs: 25000 };
    const m = await match(saturated, { rotational: false, window: writers, measurement: { randReadP50Ms: 12 } });
    expect(m).not.toBeNull();
    expect(m?.confidence).toBeLessThan(0.75);
  });
});

describe('disk.space-pressure', () => {
  const used = (pct: number, inodesFreePct = 50) => ({
    bsize: 4096,
    blocks: 1_000_000,
    bfree: 1_000_000 * (1 - pct / 100),
    bavail: 1_000_000 * (1 - pct / 100),
    files: 1000,
    ffree: 10 * inodesFreePct,
  });
  const rust = { 'raw/dfdaemon/generation.txt': 'rust\n' };
  const go = { 'raw/dfdaemon/generation.txt': 'go\n' };

  it("fires at dfdaemon's GC threshold: Rust 80 %, Go 95 %", async () => {
    expect((await match(spacePressure, { statfs: used(82), extraFiles: rust }))?.severity).toBe('critical');
    expect(await match(spacePressure, { statfs: used(82), extraFiles: go })).toBeNull();
    expect(await match(spacePressure, { statfs: used(96), extraFiles: go })).not.toBeNull();
  });

  it('fires below 10 % free when the GC threshold is unknown, and on inodes', async () => {
    expect(await match(spacePressure, { statfs: used(85) })).toBeNull();
    const m = await match(spacePressure, { statfs: used(92) });
    expect(m?.severity).toBe('warning');
    expect(m?.evidence.join('\n')).toMatch(/GC threshold unknown/);
    expect((await match(spacePressure, { statfs: used(97) }))?.severity).toBe('critical');
    expect(await match(spacePressure, { statfs: used(30, 4) })).not.toBeNull();
  });

  it('names the config key and line of a configured threshold', async () => {
    const m = await match(spacePressure, {
      statfs: used(72),
      extraFiles: { ...go, 'raw/dfdaemon/config/dfget.yaml': 'storage:\n  diskGCThresholdPercent: 70\n' },
    });
    expect(m?.evidence.join('\n')).toMatch(
      /storage\.diskGCThresholdPercent: 70 \(raw\/dfdaemon\/config\/dfget\.yaml:2\)/,
    );
    expect(m?.remediation.steps.map(stepText).join('\n')).toMatch(/storage\.diskGCThresholdPercent/);
    expect(m?.remediation.steps.map(stepText).join('\n')).not.toMatch(/gc\.policy/);
  });
});

describe('disk rules through the engine', () => {
  it('rank a slow medium with a known pull by its impact', async () => {
    const b = diskBundle({ measurement: { seqReadMBps: 30 }, measurements: warmPull(1.5e9, 70) });
    const f = await factsFrom(b.files, b.opts);
    const d = evaluate(f, [slowMedium, saturated, spacePressure]).diagnoses;
    expect(d.map((x) => x.rule)).toEqual(['disk.slow-medium']);
    expect(d[0]?.impactSeconds).toBeGreaterThan(45);
  });
});
