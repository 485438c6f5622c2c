import { randomBytes } from 'node:crypto';
import { realpath, stat, statfs, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DiskMeasurement } from '../bundle/measurements.js';
import { parseMountTable } from '../parsers/mountinfo.js';
import { nodeOwnPath, type ProbeModule, type ProbeContext, type ProbeOutcome } from './context.js';
import { addSystemInformation, type DeviceChain, majMinOf, mountOf, resolveDevice } from './disk-device.js';
import { fioArgs, runFio } from './disk-fio.js';
import {
  DirectIoUnsupported,
  existingFilesReadTest,
  type Phase,
  type PhaseClock,
  percentile,
  type ReadTestResult,
  tempFileReadTest,
} from './disk-measure.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

export const DEFAULT_CACHE_DIR = '/var/lib/dragonfly';
/** The diskstats window, taken before dfdoctor reads anything so that the IO it sees is other processes'. */
const DISKSTATS_INTERVAL_MS = 1000;
/** Time kept back for closing, unlinking and writing the bundle. */
const RESERVE_MS = 300;
/** Longest each phase may take; a fast disk ends the write and sequential phases early (bytes bound). */
const PHASE_MAX_MS: Record<Phase, number> = { write: 300, seq: 800, rand: 200, cache: 60 };
/** Share of the time left that a phase may take when time is short. */
const PHASE_SHARE: Record<Phase, number> = { write: 0.25, seq: 0.5, rand: 0.6, cache: 0.9 };
const MiB = 1024 * 1024;
/**
 * dfdaemon starts GC at this disk usage: Rust gc.policy 80 % (dragonflyoss/client dragonfly-client-config/src/dfdaemon.rs),
 * Go 95 % (dragonflyoss/dragonfly v2.1.49 client/config/peerhost_linux.go).
 */
const GC_HIGH_PCT = { rust: 80, go: 95 } as const;

type CacheDirFrom = 'flag' | 'dfdaemon' | 'default';

function cacheDirOf(ctx: ProbeContext): { dir: string; from: CacheDirFrom } {
  if (ctx.options.cacheDir) return { dir: ctx.nodePath(ctx.options.cacheDir), from: 'flag' };
  const dd = ctx.discovery.dfdaemon;
  // a default the dfdaemon probe fell back to is no finding of dfdaemon's
  const from: CacheDirFrom = dd?.cacheDirFrom === 'default' ? 'default' : 'dfdaemon';
  if (dd?.cacheDirOnNode) return { dir: dd.cacheDirOnNode, from };
  const d = dd?.cacheDir;
  if (d) {
    // discovery holds node paths; tolerate one that was re-rooted already rather than rooting it twice
    const root = ctx.options.root.replace(/\/+$/, '');
    const rooted = root !== '' && (d === root || d.startsWith(`${root}/`));
    return { dir: rooted ? d : ctx.nodePath(d), from };
  }
  return { dir: ctx.nodePath(DEFAULT_CACHE_DIR), from: 'default' };
}

const FROM_TEXT: Record<CacheDirFrom, string> = {
  flag: 'from --cache-dir',
  dfdaemon: "from dfdaemon's config",
  default: "dfdaemon's default; its config was not found",
};

function clockFor(ctx: ProbeContext): PhaseClock {
  return {
    until(phase) {
      const left = Math.max(0, ctx.remainingMs() - RESERVE_MS);
      return performance.now() + Math.min(PHASE_MAX_MS[phase], left * PHASE_SHARE[phase]);
    },
  };
}

function rotationalOf(chain: DeviceChain): boolean | null {
  const flags = chain.physical.map((p) => p.rotational);
  if (flags.length === 0 || flags.some((f) => f === null)) return null;
  return flags.some((f) => f === true);
}

/** Runs the fio variant of the two read tests on the temp file. */
async function fioReadTest(ctx: ProbeContext, file: string, bytes: number): Promise<ReadTestResult> {
  const size = Math.min(bytes, 128 * MiB);
  const timeout = () => Math.max(1000, ctx.remainingMs() - RESERVE_MS);
  const seq = await runFio(fioArgs(file, 'seq', size, PHASE_MAX_MS.seq), timeout(), ctx.signal, ctx.cleanup);
  if (seq.kind !== 'ok') throw new Error(seq.reason);
  const rand = await runFio(fioArgs(file, 'rand', size, PHASE_MAX_MS.rand), timeout(), ctx.signal, ctx.cleanup);
  if (rand.kind !== 'ok') throw new Error(rand.reason);
  return {
    method: 'fio',
    alignment: 'fio',
    bytesWritten: size,
    seq:
      seq.read.bytes > 0 && seq.read.runtimeMs > 0
        ? { bytes: seq.read.bytes, seconds: seq.read.runtimeMs / 1000 }
        : null,
    randMs: [],
    randSummary: { p50Ms: rand.read.clatP50Ms, p99Ms: rand.read.clatP99Ms, samples: rand.read.ios },
    pageCache: null,
    notes: [
      `fio --direct=1 --ioengine=psync, 1 MiB sequential and 4 KiB random reads on a ${(size / MiB).toFixed(0)} MiB file`,
    ],
  };
}

export const diskProbe: ProbeModule = {
  async run(ctx) {
    const { dir: given, from } = cacheDirOf(ctx);
    const partial: string[] = [];
    const tDs0 = performance.now();
    const ds0 = await readNodeFile('/proc/diskstats');
    const found = await openCacheDir(given, from);
    if ('status' in found) return found;
    const { dir } = found;
    const place = await placeOf(ctx, found, partial);
    const diskstatsIntervalMs = await iostatWindow(ctx, tDs0, ds0, partial);

    // --- the read test
    const { mount, chain, fsStat } = place;
    const details: Record<string, unknown> = {
      cacheDir: dir,
      cacheDirFrom: from,
      diskstatsIntervalMs,
      diskstatsWindow: 'before the read test',
      mount: mount
        ? {
            mountPoint: mount.mountPoint,
            fsType: mount.fsType,
            source: mount.source,
            options: mount.options,
            majMin: mount.majMin,
          }
        : null,
      device: chain.device,
      chain: chain.chain,
      physical: chain.physical,
      ...(chain.notes.length > 0 ? { deviceNotes: chain.notes } : {}),
    };
    const memory = memoryBacked(mount?.fsType ?? null, chain);
    const result: TestResult = memory
      ? {
          kind: 'none',
          method: 'page_cache',
          reason: `${memory}: there is no disk under the cache dir, so no device read test was run`,
        }
      : await readTest(ctx, dir, place, partial);
    const base: DiskBase = {
      path: dir,
      device: chain.device?.name ?? (mount?.source.startsWith('/dev/') ? mount.source : null),
      fsType: mount?.fsType ?? null,
      rotational: rotationalOf(chain),
      freeBytes: place.freeBytes,
      totalBytes: place.totalBytes,
      freeInodes: fsStat ? fsStat.ffree : null,
      totalInodes: fsStat ? fsStat.files : null,
    };
    if (result.kind === 'none') {
      ctx.out.setMeasurement('disk', {
        ...base,
        method: result.method,
        seqReadMBps: null,
        randReadP50Ms: null,
        randReadP99Ms: null,
        bytesRead: 0,
      });
      partial.push(result.reason);
      return outcome(partial, { ...details, readTest: result.reason });
    }
    const { measurement, readTest: rt } = measured(base, result, partial);
    ctx.out.setMeasurement('disk', measurement);
    return outcome(partial, { ...details, readTest: rt });
  },
};

/** What the disk measurement holds whether or not a read test ran. */
type DiskBase = Omit<DiskMeasurement, 'method' | 'seqReadMBps' | 'randReadP50Ms' | 'randReadP99Ms' | 'bytesRead'>;

/** The cache dir as a real directory and its device number, or why the probe cannot go on. */
async function openCacheDir(given: string, from: CacheDirFrom): Promise<{ dir: string; dev: string } | ProbeOutcome> {
  try {
    // a dir seen through /proc/<pid>/root stays as it is: realpath would read the magic link as the
    // daemon's root path ("/") and land on the node's own /var/lib/dragonfly
    const dir = /^\/proc\/\d+\/root\//.test(given) ? given : await realpath(given);
    const st = await stat(dir, { bigint: true });
    if (!st.isDirectory())
      return { status: 'failed', reason: `cache dir ${given} (${FROM_TEXT[from]}) is not a directory` };
    return { dir, dev: majMinOf(st.dev) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return {
        status: 'skipped',
        reason: `cache dir ${given} does not exist (${FROM_TEXT[from]}); pass --cache-dir`,
        details: { cacheDir: given, cacheDirFrom: from },
      };
    }
    return { status: 'failed', reason: `cache dir ${given}: ${(e as Error).message}` };
  }
}

interface FsStat {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

/** Where the cache lives: its mount, the device chain down to the disks, and the filesystem's free space. */
async function placeOf(
  ctx: ProbeContext,
  { dir, dev }: { dir: string; dev: string },
  partial: string[],
): Promise<{
  mount: ReturnType<typeof mountOf>;
  chain: DeviceChain;
  fsStat: FsStat | null;
  freeBytes: number | null;
  totalBytes: number | null;
}> {
  // sysfs and mountinfo are the live kernel's, also under --root
  const mi = await readNodeFile('/proc/self/mountinfo');
  let mount = null;
  if (mi.kind === 'ok') {
    await ctx.out.writeText(BUNDLE.disk.mounts, mi.text, "dfdoctor's /proc/self/mountinfo");
    const parsed = parseMountTable(mi.text);
    if (parsed.ok) mount = mountOf(parsed.value, dir, dev);
    else partial.push(`/proc/self/mountinfo: ${parsed.message}`);
  } else partial.push(mi.reason);
  const chain = await resolveDevice(dev, mount);
  const siNote = await addSystemInformation(chain.physical, ctx.signal, 1500);
  if (siNote) partial.push(siNote);

  let fsStat: FsStat | null = null;
  try {
    const s = await statfs(dir);
    fsStat = { bsize: s.bsize, blocks: s.blocks, bfree: s.bfree, bavail: s.bavail, files: s.files, ffree: s.ffree };
  } catch (e) {
    partial.push(`statfs ${dir}: ${(e as Error).message}`);
  }
  const totalBytes = fsStat ? fsStat.blocks * fsStat.bsize : null;
  const freeBytes = fsStat ? fsStat.bavail * fsStat.bsize : null;
  await ctx.out.writeJson(
    BUNDLE.disk.df,
    {
      path: dir,
      mountPoint: mount?.mountPoint ?? null,
      fsType: mount?.fsType ?? null,
      statfs: fsStat,
      freeBytes,
      totalBytes,
    },
    `statfs(2) of ${nodeOwnPath(ctx.options.root, dir)}`,
  );
  return { mount, chain, fsStat, freeBytes, totalBytes };
}

/**
 * The iostat window: others' IO only, since dfdoctor has not touched the device yet. Beside the
 * other probes, the window is everything before the read test (the kernel keeps the counters: no
 * need to sleep for them), and the read test then has the run to itself. Returns the window's length.
 */
async function iostatWindow(
  ctx: ProbeContext,
  tDs0: number,
  ds0: Awaited<ReturnType<typeof readNodeFile>>,
  partial: string[],
): Promise<number> {
  if (ctx.schedule) await ctx.schedule.measuring();
  else {
    const wait =
      tDs0 + (ctx.remainingMs() > 4000 ? DISKSTATS_INTERVAL_MS : DISKSTATS_INTERVAL_MS / 2) - performance.now();
    if (wait > 0) await sleep(wait, undefined, { signal: ctx.signal });
  }
  ctx.progress('read test');
  const ds1 = await readNodeFile('/proc/diskstats');
  const ms = Math.round(performance.now() - tDs0);
  if (ds0.kind === 'ok' && ds1.kind === 'ok') {
    await ctx.out.writeText(BUNDLE.disk.diskstats0, ds0.text, `/proc/diskstats before the read test (${ms} ms apart)`);
    await ctx.out.writeText(BUNDLE.disk.diskstats1, ds1.text, `/proc/diskstats ${ms} ms later`);
  } else partial.push(ds0.kind !== 'ok' ? ds0.reason : (ds1 as { reason: string }).reason);
  return ms;
}

/** The measurement and the probe's account of a read test that ran. */
function measured(
  base: DiskBase,
  result: Extract<TestResult, { kind: 'done' }>,
  partial: string[],
): { measurement: DiskMeasurement; readTest: Record<string, unknown> } {
  const r = result.r;
  const sorted = [...r.randMs].sort((a, b) => a - b);
  const p50 = r.randSummary ? r.randSummary.p50Ms : percentile(sorted, 50);
  const p99 = r.randSummary ? r.randSummary.p99Ms : percentile(sorted, 99);
  const samples = r.randSummary ? r.randSummary.samples : sorted.length;
  if (!r.seq) partial.push('no sequential read completed within the time budget');
  if (samples > 0 && samples < 100) partial.push(`only ${samples} random reads: p99 is the slowest of few`);
  return {
    measurement: {
      ...base,
      method: result.method,
      seqReadMBps: r.seq ? r.seq.bytes / r.seq.seconds / 1e6 : null,
      randReadP50Ms: p50,
      randReadP99Ms: p99,
      randReadSamples: samples,
      ...(sorted.length > 0 ? { randReadMinMs: sorted[0] } : {}),
      pageCacheReadMBps: r.pageCache ? r.pageCache.bytes / r.pageCache.seconds / 1e6 : null,
      bytesRead: (r.seq?.bytes ?? 0) + samples * 4096,
    },
    readTest: {
      method: result.how,
      alignment: r.alignment,
      tempFileBytes: r.bytesWritten,
      seqBytes: r.seq?.bytes ?? 0,
      seqSeconds: r.seq ? Number(r.seq.seconds.toFixed(4)) : null,
      ...(r.seq?.mode ? { seqReads: r.seq.mode } : {}),
      ...(r.randMode ? { randReads: r.randMode } : {}),
      randSamples: samples,
      ...(r.files !== undefined ? { filesRead: r.files } : {}),
      notes: r.notes,
    },
  };
}

/** tmpfs accepts O_DIRECT since Linux 6.6, so the open succeeding proves nothing: RAM must not pass for a disk. */
function memoryBacked(fsType: string | null, chain: DeviceChain): string | null {
  if (fsType === 'tmpfs' || fsType === 'ramfs') return `${fsType} is memory-backed`;
  const ram = chain.physical.find((p) => /^(zram|ram)\d+$/.test(p.name));
  return ram ? `${ram.name} is a RAM block device` : null;
}

function outcome(partial: string[], details: Record<string, unknown>): ProbeOutcome {
  return { status: 'ok', ...(partial.length > 0 ? { reason: `partial: ${partial.join('; ')}` } : {}), details };
}

type TestResult =
  | { kind: 'done'; method: DiskMeasurement['method']; how: string; r: ReadTestResult }
  | { kind: 'none'; method: DiskMeasurement['method']; reason: string };

/** Picks how to read past the page cache and runs it; the temp file is removed on every path. */
async function readTest(
  ctx: ProbeContext,
  dir: string,
  space: { freeBytes: number | null; totalBytes: number | null },
  partial: string[],
): Promise<TestResult> {
  if (ctx.remainingMs() < RESERVE_MS + 300) {
    return {
      kind: 'none',
      method: 'o_direct',
      reason: `no time left for the read test within --timeout ${ctx.options.timeoutSeconds}`,
    };
  }
  const bytes = writableBytes(ctx, space);
  const existing = async (why: string): Promise<TestResult> => {
    try {
      const r = await existingFilesReadTest(dir, ctx.options.diskBytes, clockFor(ctx), ctx.signal);
      return {
        kind: 'done',
        method: 'existing_files',
        how: `${why}: O_DIRECT reads of dfdaemon's own cached files`,
        r,
      };
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      return {
        kind: 'none',
        method: 'existing_files',
        reason: `${why}, and reading existing files failed: ${(e as Error).message}`,
      };
    }
  };
  if (bytes.kind === 'no-room') return existing(bytes.reason);

  const file = join(dir, `.dfdoctor-disk-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const remove = () => unlink(file).catch(() => undefined);
  const unregister = ctx.cleanup.add(remove);
  try {
    if (ctx.options.diskMethod === 'fio') {
      try {
        const r = await fioReadTest(ctx, file, bytes.bytes);
        return { kind: 'done', method: 'fio', how: 'fio (--disk-method fio)', r };
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        partial.push(`fio: ${(e as Error).message}; measured with O_DIRECT from Node instead`);
        await remove();
      }
    }
    const r = await tempFileReadTest(file, bytes.bytes, clockFor(ctx), ctx.signal);
    return {
      kind: 'done',
      method: 'o_direct',
      how: 'O_DIRECT reads of a temporary file, 1 MiB sequential and 4 KiB random, queue depth 1',
      r,
    };
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      await remove();
      return existing(`cache dir ${dir} is not writable (${code})`);
    }
    if (e instanceof DirectIoUnsupported) {
      await remove();
      return {
        kind: 'none',
        method: 'page_cache',
        reason: `${e.message}: the device rate cannot be measured past the page cache here`,
      };
    }
    return { kind: 'none', method: 'o_direct', reason: `read test failed: ${(e as Error).message}` };
  } finally {
    await remove();
    unregister();
  }
}

/**
 * How much the temp file may hold: --disk-bytes, less if writing it would bring the filesystem within
 * reach of dfdaemon's GC threshold or below 1 GiB free — the probe must not cause the eviction it looks for.
 */
export function writableBytes(
  ctx: ProbeContext,
  space: { freeBytes: number | null; totalBytes: number | null },
): { kind: 'ok'; bytes: number } | { kind: 'no-room'; reason: string } {
  let bytes = Math.floor(ctx.options.diskBytes / MiB) * MiB;
  const { freeBytes: free, totalBytes: total } = space;
  if (free !== null && total !== null && total > 0) {
    const gen = ctx.discovery.dfdaemon?.generation;
    const gcPct = gen === 'go' ? GC_HIGH_PCT.go : GC_HIGH_PCT.rust;
    const untilGc = free - total * (1 - (gcPct - 1) / 100);
    const room = Math.min(free - 1024 * MiB, untilGc);
    bytes = Math.min(bytes, Math.floor(Math.max(0, room) / MiB) * MiB);
  }
  if (bytes < 16 * MiB)
    return {
      kind: 'no-room',
      reason: "too little free space to write a test file without nearing dfdaemon's GC threshold",
    };
  return { kind: 'ok', bytes };
}
