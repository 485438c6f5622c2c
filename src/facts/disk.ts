import * as z from 'zod';
import type { DiskMeasurement } from '../bundle/measurements.js';
import { type Diskstats, type IoStat, ioStat, parseDiskstats } from '../parsers/diskstats.js';
import { type MountEntry, mountOf, parseMountTable } from '../parsers/mountinfo.js';
import { defineFacts, type FactsContext } from './context.js';
import { DiskProbeRecordSchema, type PhysicalRecord } from './disk-probe-record.js';
import { gcThreshold, type GcThreshold } from './disk-gc.js';
import { BUNDLE } from '../bundle/layout.js';
import { safeParseOnce } from '../parse-once.js';

/** The medium as measured 4 KiB latency shows it; the rotational flag is only reported, never trusted. */
export type MediumByLatency = 'flash' | 'network-or-virtual' | 'seek-bound';

export interface DiskFacts {
  /** The cache dir as dfdoctor saw it (re-rooted under --root). */
  path: string;
  cacheDirFrom: 'flag' | 'dfdaemon' | 'default' | null;
  mount: { mountPoint: string; fsType: string; source: string; options: string[] } | null;
  /** The filesystem's block device, and every hop down to the physical devices. */
  device: { name: string; kind: string; dmName?: string; backingFile?: string } | null;
  chain: string[];
  physical: PhysicalRecord[];
  /** measurements.disk as measured. */
  read: DiskMeasurement | null;
  medium: { byLatency: MediumByLatency; p50Ms: number } | null;
  /** iostat -x over the window before the read test (others' IO only), fs device first. */
  iostat: { device: string; windowSeconds: number; stat: IoStat }[];
  space: {
    freeBytes: number;
    totalBytes: number;
    /** As df computes Use%: used / (used + available to unprivileged users). */
    usedPct: number;
    freePct: number;
    freeInodes: number | null;
    totalInodes: number | null;
    freeInodesPct: number | null;
    source: string;
  } | null;
  gc: GcThreshold | null;
}

const DfJsonSchema = z.object({
  statfs: z
    .object({
      bsize: z.number(),
      blocks: z.number(),
      bfree: z.number(),
      bavail: z.number(),
      files: z.number(),
      ffree: z.number(),
    })
    .nullable()
    .optional(),
  freeBytes: z.number().nullable().optional(),
  totalBytes: z.number().nullable().optional(),
});

/** Sub-millisecond random 4 KiB reads rule out a seek; tens of ms rule out flash. */
export function mediumByLatency(p50Ms: number): MediumByLatency {
  if (p50Ms < 0.3) return 'flash';
  if (p50Ms < 2) return 'network-or-virtual';
  return 'seek-bound';
}

async function readSpace(ctx: FactsContext, read: DiskMeasurement | null): Promise<DiskFacts['space']> {
  const text = await ctx.bundle.text(BUNDLE.disk.df);
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      ctx.problem({ file: BUNDLE.disk.df, message: `not JSON: ${(e as Error).message}` });
    }
    const df = parsed === undefined ? null : DfJsonSchema.safeParse(parsed);
    if (df && !df.success)
      ctx.problem({ file: BUNDLE.disk.df, message: `unexpected shape: ${df.error.issues[0]?.message ?? ''}` });
    const s = df?.success ? df.data.statfs : null;
    if (s && s.blocks > 0) {
      const used = s.blocks - s.bfree;
      const usedPct = used + s.bavail > 0 ? (100 * used) / (used + s.bavail) : 100;
      return {
        freeBytes: s.bavail * s.bsize,
        totalBytes: s.blocks * s.bsize,
        usedPct,
        freePct: 100 - usedPct,
        freeInodes: s.files > 0 ? s.ffree : null,
        totalInodes: s.files > 0 ? s.files : null,
        freeInodesPct: s.files > 0 ? (100 * s.ffree) / s.files : null,
        source: `${BUNDLE.disk.df} (statfs)`,
      };
    }
  }
  if (read && read.freeBytes !== null && read.totalBytes !== null && read.totalBytes > 0) {
    const freePct = (100 * read.freeBytes) / read.totalBytes;
    const fi = read.freeInodes ?? null;
    const ti = read.totalInodes ?? null;
    return {
      freeBytes: read.freeBytes,
      totalBytes: read.totalBytes,
      usedPct: 100 - freePct,
      freePct,
      freeInodes: fi,
      totalInodes: ti,
      freeInodesPct: fi !== null && ti ? (100 * fi) / ti : null,
      source: 'measurements.disk',
    };
  }
  return null;
}

async function readDiskstats(ctx: FactsContext, file: string): Promise<Diskstats | null> {
  const text = await ctx.bundle.text(file);
  if (text === undefined) return null;
  const r = parseDiskstats(text);
  if (!r.ok) {
    ctx.problem({ file, ...(r.line === undefined ? {} : { line: r.line }), message: r.message });
    return null;
  }
  return r.value;
}

async function readMounts(ctx: FactsContext): Promise<MountEntry[] | null> {
  const text = await ctx.bundle.text(BUNDLE.disk.mounts);
  if (text === undefined) return null;
  const r = parseMountTable(text);
  if (!r.ok) {
    ctx.problem({ file: BUNDLE.disk.mounts, ...(r.line === undefined ? {} : { line: r.line }), message: r.message });
    return null;
  }
  return r.value;
}

export const diskFacts = defineFacts({
  area: 'disk',
  async build(ctx) {
    const { facts } = ctx;
    const rawRec = facts.manifest.probes.disk;
    const read = facts.measurements.disk ?? null;
    const [ds0, ds1, mounts] = [
      await readDiskstats(ctx, BUNDLE.disk.diskstats0),
      await readDiskstats(ctx, BUNDLE.disk.diskstats1),
      await readMounts(ctx),
    ];
    if (!rawRec && !read && !ds0 && !mounts) return undefined;
    const parsedRec = safeParseOnce(DiskProbeRecordSchema, rawRec ?? {});
    if (!parsedRec.success) {
      ctx.problem({
        file: 'manifest.json',
        message: `probes.disk: ${parsedRec.error.issues[0]?.path.join('.')}: ${parsedRec.error.issues[0]?.message}`,
      });
    }
    const rec = parsedRec.success ? parsedRec.data : {};
    const path = read?.path ?? rec.cacheDir ?? facts.dfdaemon?.cacheDir?.path ?? '/var/lib/dragonfly';

    // mount and device: as the probe resolved them, else from mounts.txt by the path
    let mount = rec.mount ?? null;
    if (!mount && mounts) mount = mountOf(mounts, path);
    let device: DiskFacts['device'] = rec.device ? { ...rec.device } : null;
    const majMin = rec.device?.majMin ?? mount?.majMin ?? null;
    if (!device && majMin && ds0) {
      for (const row of ds0.values())
        if (`${row.major}:${row.minor}` === majMin) device = { name: row.name, kind: 'unknown' };
    }
    if (!device && read?.device) device = { name: read.device.replace(/^\/dev\//, ''), kind: 'unknown' };

    const physical = rec.physical ?? [];
    const iostat: DiskFacts['iostat'] = [];
    const windowMs = rec.diskstatsIntervalMs ?? null;
    if (ds0 && ds1) {
      if (windowMs === null) {
        ctx.problem({
          file: 'manifest.json',
          message:
            'probes.disk.diskstatsIntervalMs missing: the diskstats window has no known length, iostat figures skipped',
        });
      } else {
        const names = [...new Set([device?.name, ...physical.map((p) => p.name)].filter((n): n is string => !!n))];
        for (const name of names) {
          const a = ds0.get(name);
          const b = ds1.get(name);
          if (!a || !b) continue;
          const st = ioStat(a, b, windowMs);
          if (st) iostat.push({ device: name, windowSeconds: windowMs / 1000, stat: st });
          else
            ctx.problem({
              file: BUNDLE.disk.diskstats1,
              message: `counters of ${name} went backwards between the two samples`,
            });
        }
      }
    }

    const p50 = read?.randReadP50Ms ?? null;
    const medium =
      p50 !== null && read && read.method !== 'page_cache' ? { byLatency: mediumByLatency(p50), p50Ms: p50 } : null;
    if (typeof rec.readTest === 'string') ctx.note(`disk read test: ${rec.readTest}`, 'manifest.json probes.disk');

    return {
      path,
      cacheDirFrom: rec.cacheDirFrom ?? null,
      mount: mount
        ? { mountPoint: mount.mountPoint, fsType: mount.fsType, source: mount.source, options: mount.options }
        : null,
      device,
      chain: rec.chain ?? (device ? [device.name] : []),
      physical,
      read,
      medium,
      iostat,
      space: await readSpace(ctx, read),
      gc: gcThreshold(facts),
    };
  },
});
