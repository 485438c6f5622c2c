import type { DiskMeasurement, Measurements } from '../../src/bundle/measurements.js';

// Builds the disk area of an in-memory bundle the way the disk probe writes it (docs/architecture.md#bundle).

export interface DiskCounters {
  reads: number;
  sectorsRead: number;
  readTicksMs: number;
  writes: number;
  writeTicksMs: number;
  ioTicksMs: number;
  queueMs: number;
}

const ZERO: DiskCounters = {
  reads: 0,
  sectorsRead: 0,
  readTicksMs: 0,
  writes: 0,
  writeTicksMs: 0,
  ioTicksMs: 0,
  queueMs: 0,
};
const BASE: DiskCounters = {
  reads: 501234,
  sectorsRead: 90123456,
  readTicksMs: 402311,
  writes: 300123,
  writeTicksMs: 250111,
  ioTicksMs: 800123,
  queueMs: 1200456,
};

function line(maj: number, min: number, name: string, c: DiskCounters): string {
  return `${String(maj).padStart(4)} ${String(min).padStart(7)} ${name} ${c.reads} 0 ${c.sectorsRead} ${c.readTicksMs} ${c.writes} 0 ${c.writes * 16} ${c.writeTicksMs} 0 ${c.ioTicksMs} ${c.queueMs} 0 0 0 0 0 0`;
}

export interface DiskScenario {
  device?: string;
  rotational?: boolean | null;
  physicalName?: string;
  siType?: string | null;
  /** Counter deltas over the 1 s window. */
  window?: Partial<DiskCounters>;
  measurement?: Partial<DiskMeasurement>;
  /** statfs figures for df.json; default: 500 GB, 20 % used. */
  statfs?: { bsize: number; blocks: number; bfree: number; bavail: number; files: number; ffree: number } | null;
  intervalMs?: number | null;
  extraFiles?: Record<string, string>;
  measurements?: Measurements;
}

export function diskBundle(s: DiskScenario = {}) {
  const dev = s.device ?? 'sdb';
  const phys = s.physicalName ?? dev;
  const w = { ...ZERO, ...s.window };
  const after: DiskCounters = {
    reads: BASE.reads + w.reads,
    sectorsRead: BASE.sectorsRead + w.sectorsRead,
    readTicksMs: BASE.readTicksMs + w.readTicksMs,
    writes: BASE.writes + w.writes,
    writeTicksMs: BASE.writeTicksMs + w.writeTicksMs,
    ioTicksMs: BASE.ioTicksMs + w.ioTicksMs,
    queueMs: BASE.queueMs + w.queueMs,
  };
  const statfs =
    s.statfs === undefined
      ? { bsize: 4096, blocks: 122070312, bfree: 97656250, bavail: 91552734, files: 30517578, ffree: 30000000 }
      : s.statfs;
  const files: Record<string, string> = {
    'raw/disk/diskstats-0.txt': `${line(7, 0, 'loop0', ZERO)}\n${line(8, 16, dev, BASE)}\n`,
    'raw/disk/diskstats-1.txt': `${line(7, 0, 'loop0', ZERO)}\n${line(8, 16, dev, after)}\n`,
    'raw/disk/mounts.txt': `27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n41 27 8:16 / /var/lib/dragonfly rw,relatime - ext4 /dev/${dev} rw\n`,
    ...(statfs
      ? {
          'raw/disk/df.json': JSON.stringify({
            path: '/var/lib/dragonfly',
            mountPoint: '/var/lib/dragonfly',
            fsType: 'ext4',
            statfs,
          }),
        }
      : {}),
    ...s.extraFiles,
  };
  const disk: DiskMeasurement = {
    path: '/var/lib/dragonfly',
    device: dev,
    fsType: 'ext4',
    rotational: s.rotational ?? null,
    seqReadMBps: 900,
    randReadP50Ms: 0.08,
    randReadP99Ms: 0.3,
    randReadSamples: 2000,
    pageCacheReadMBps: 9000,
    method: 'o_direct',
    bytesRead: 268435456,
    freeBytes: statfs ? statfs.bavail * statfs.bsize : null,
    totalBytes: statfs ? statfs.blocks * statfs.bsize : null,
    ...s.measurement,
  };
  const record = {
    status: 'ok' as const,
    durationMs: 1800,
    cacheDir: '/var/lib/dragonfly',
    cacheDirFrom: 'dfdaemon',
    ...(s.intervalMs === null ? {} : { diskstatsIntervalMs: s.intervalMs ?? 1000 }),
    mount: {
      mountPoint: '/var/lib/dragonfly',
      fsType: 'ext4',
      source: `/dev/${dev}`,
      options: ['rw', 'relatime'],
      majMin: '8:16',
    },
    device: { name: dev, majMin: '8:16', kind: 'disk' },
    chain: [dev],
    physical: [
      {
        name: phys,
        majMin: '8:16',
        rotational: s.rotational ?? null,
        scheduler: 'mq-deadline',
        readAheadKb: 128,
        model: null,
        vendor: null,
        siPhysical: null,
        siType: s.siType ?? null,
        siInterface: null,
      },
    ],
  };
  return { files, opts: { manifest: { probes: { disk: record } }, measurements: { ...s.measurements, disk } } };
}
