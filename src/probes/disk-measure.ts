import { randomFillSync, randomInt } from 'node:crypto';
import { close, constants, fdatasync, open, read, readSync, write } from 'node:fs';
import { opendir, stat } from 'node:fs/promises';
import { join } from 'node:path';

// The read test itself: O_DIRECT reads of a temporary file (or of dfdaemon's own cached files when the
// dir is not writable), timed in the process, bounded by bytes and by a deadline, abortable.

const MiB = 1024 * 1024;
/** The sequential read size: what fio's --bs=1M uses and close to dfdaemon's piece reads. */
export const SEQ_BLOCK = MiB;
const RAND_BLOCK = 4096;
/** Written through the page cache so that the cached read rate can be measured without reading the device twice. */
const PAGE_CACHE_REGION = 8 * MiB;
const MAX_RAND_SAMPLES = 3000;

export type Phase = 'write' | 'seq' | 'rand' | 'cache';

/** Gives each phase its deadline (a performance.now() value) when the phase starts, from the time left then. */
export interface PhaseClock {
  until(phase: Phase): number;
}

export interface ReadTestResult {
  method: 'o_direct' | 'existing_files' | 'fio';
  /** How page-aligned buffers were obtained (O_DIRECT needs them; Node's allocator does not promise alignment). */
  alignment: string;
  bytesWritten: number;
  seq: { bytes: number; seconds: number; mode?: string } | null;
  /** Per-read latencies of 4 KiB reads at random aligned offsets, ms. */
  randMs: number[];
  randMode?: string;
  /** Latency percentiles computed by the tool that ran the reads (fio), when the samples are not at hand. */
  randSummary?: { p50Ms: number | null; p99Ms: number | null; samples: number };
  pageCache: { bytes: number; seconds: number } | null;
  /** Files read in existing-files mode. */
  files?: number;
  notes: string[];
}

export class DirectIoUnsupported extends Error {}

// Node's types omit the WebAssembly global (a DOM lib type); only Memory is needed here.
const Wasm = (
  globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }
).WebAssembly;

// ---- thin promise wrappers over the callback API (FileHandle adds per-call overhead that shows in 4 KiB latencies)

function pOpen(p: string, flags: number, mode = 0o600): Promise<number> {
  return new Promise((res, rej) => open(p, flags, mode, (e, fd) => (e ? rej(e) : res(fd))));
}
function pRead(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
  return new Promise((res, rej) => read(fd, buf, 0, len, pos, (e, n) => (e ? rej(e) : res(n))));
}
function pWrite(fd: number, buf: Buffer, len: number, pos: number): Promise<number> {
  return new Promise((res, rej) => write(fd, buf, 0, len, pos, (e, n) => (e ? rej(e) : res(n))));
}
function pSync(fd: number): Promise<void> {
  return new Promise((res, rej) => fdatasync(fd, (e) => (e ? rej(e) : res())));
}
export function pClose(fd: number): Promise<void> {
  return new Promise((res) => close(fd, () => res()));
}

const now = () => performance.now();

function checkAbort(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/**
 * A buffer whose address suits O_DIRECT. WebAssembly memory is page-aligned in V8; failing that, a
 * larger Buffer is scanned for an offset the kernel accepts. `tryIo` performs one real 4 KiB direct
 * IO, so alignment is verified, not assumed; EINVAL means "misaligned", other errors propagate.
 */
export async function alignedBuffer(
  size: number,
  tryIo: (b: Buffer) => Promise<void>,
): Promise<{ buf: Buffer; how: string } | null> {
  const isEinval = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EINVAL';
  try {
    const mem = new Wasm.Memory({ initial: Math.ceil(size / 65536) });
    const buf = Buffer.from(mem.buffer, 0, size);
    await tryIo(buf.subarray(0, RAND_BLOCK));
    return { buf, how: 'WebAssembly.Memory (page-aligned), verified by a direct IO' };
  } catch (e) {
    if (!isEinval(e)) throw e;
  }
  const big = Buffer.allocUnsafeSlow(size + 4096);
  for (let off = 0; off < 4096; off += 16) {
    try {
      await tryIo(big.subarray(off, off + RAND_BLOCK));
      return { buf: big.subarray(off, off + size), how: `Buffer at byte offset ${off} accepted by the kernel` };
    } catch (e) {
      if (!isEinval(e)) throw e;
    }
  }
  return null;
}

export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? null;
}

interface Extent {
  fd: number;
  size: number;
}

/**
 * Reads through the threadpool cost ~0.03 ms each here, a third of an SSD's 4 KiB latency; fio's psync
 * pays nothing. So once a few async reads show the device answers quickly, reads go synchronous in
 * batches of at most BATCH_MS, yielding in between so that a deadline or Ctrl-C is noticed. A device
 * that is slow to answer keeps the async path, where a hung read cannot freeze the process.
 */
const BATCH_MS = 20;
const SYNC_BELOW_MS = 20;
const CALIBRATION_READS = 8;
const yieldNow = () => new Promise<void>((r) => setImmediate(r));

class Reader {
  private sync = false;
  private calibrated: number[] = [];

  /** One timed read; returns [bytes, ms, whether reads turned synchronous after this one]. */
  async read(
    fd: number,
    buf: Buffer,
    len: number,
    pos: number,
    batchEnd: { t: number },
  ): Promise<[number, number, boolean]> {
    if (this.sync) {
      if (now() >= batchEnd.t) {
        await yieldNow();
        batchEnd.t = now() + BATCH_MS;
      }
      const t0 = now();
      const n = readSync(fd, buf, 0, len, pos);
      return [n, now() - t0, false];
    }
    const t0 = now();
    const n = await pRead(fd, buf, len, pos);
    const ms = now() - t0;
    if (this.calibrated.length < CALIBRATION_READS) {
      this.calibrated.push(ms);
      if (this.calibrated.length === CALIBRATION_READS) {
        const sorted = [...this.calibrated].sort((a, b) => a - b);
        this.sync = (sorted[CALIBRATION_READS - 1] ?? Infinity) < SYNC_BELOW_MS;
        batchEnd.t = now() + BATCH_MS;
        return [n, ms, this.sync];
      }
    }
    return [n, ms, false];
  }

  get mode(): string {
    return this.sync ? 'synchronous reads in 20 ms batches' : 'async reads through the libuv threadpool';
  }
}

async function seqRead(
  extents: Extent[],
  buf: Buffer,
  until: number,
  signal: AbortSignal,
): Promise<{ bytes: number; seconds: number; mode: string } | null> {
  const reader = new Reader();
  const batch = { t: 0 };
  let bytes = 0;
  let t0 = now();
  outer: for (const x of extents) {
    for (let pos = 0; pos < x.size; pos += SEQ_BLOCK) {
      checkAbort(signal);
      if (now() >= until) break outer;
      const [n, , switched] = await reader.read(x.fd, buf, SEQ_BLOCK, pos, batch);
      if (n <= 0) break;
      bytes += n;
      if (switched) {
        // the rate is that of the mode actually used: restart the count after the async calibration
        bytes = 0;
        t0 = now();
      }
    }
  }
  const seconds = (now() - t0) / 1000;
  return bytes > 0 && seconds > 0 ? { bytes, seconds, mode: reader.mode } : null;
}

async function randRead(
  extents: Extent[],
  buf: Buffer,
  until: number,
  signal: AbortSignal,
): Promise<{ ms: number[]; mode: string }> {
  const usable = extents.filter((x) => x.size >= RAND_BLOCK);
  const total = usable.reduce((s, x) => s + Math.floor(x.size / RAND_BLOCK), 0);
  const out: number[] = [];
  const reader = new Reader();
  if (total === 0) return { ms: out, mode: reader.mode };
  const b = buf.subarray(0, RAND_BLOCK);
  const batch = { t: 0 };
  while (out.length < MAX_RAND_SAMPLES && now() < until) {
    checkAbort(signal);
    let k = randomInt(total);
    let x = usable[0] as Extent;
    for (const e of usable) {
      const blocks = Math.floor(e.size / RAND_BLOCK);
      if (k < blocks) {
        x = e;
        break;
      }
      k -= blocks;
    }
    const [, ms, switched] = await reader.read(x.fd, b, RAND_BLOCK, k * RAND_BLOCK, batch);
    out.push(ms);
    // async calibration samples carry the threadpool's overhead; drop them once reads go synchronous
    if (switched) out.length = 0;
  }
  return { ms: out, mode: reader.mode };
}

/** Reads a cached region again and again: the rate at which a hot piece comes out of RAM. */
async function cachedRead(
  fd: number,
  size: number,
  until: number,
  signal: AbortSignal,
): Promise<{ bytes: number; seconds: number } | null> {
  const buf = Buffer.allocUnsafe(SEQ_BLOCK);
  // one untimed pass so that the region is resident even if it was evicted
  for (let pos = 0; pos < size; pos += SEQ_BLOCK) {
    checkAbort(signal);
    if (now() >= until) return null;
    await pRead(fd, buf, SEQ_BLOCK, pos);
  }
  let bytes = 0;
  const t0 = now();
  while (bytes < 8 * size && now() < until) {
    for (let pos = 0; pos < size; pos += SEQ_BLOCK) {
      checkAbort(signal);
      bytes += await pRead(fd, buf, SEQ_BLOCK, pos);
    }
  }
  const seconds = (now() - t0) / 1000;
  return bytes > 0 && seconds > 0 ? { bytes, seconds } : null;
}

/**
 * Creates `path` (which must not exist), fills it with incompressible data — the first 8 MiB through
 * the page cache, the rest with O_DIRECT — then measures sequential and random direct reads and the
 * cached read rate. The caller owns removal of `path` (register it before calling).
 */
export async function tempFileReadTest(
  path: string,
  maxBytes: number,
  d: PhaseClock,
  signal: AbortSignal,
): Promise<ReadTestResult> {
  const notes: string[] = [];
  let dfd: number;
  try {
    dfd = await pOpen(
      path,
      constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_DIRECT | constants.O_NOFOLLOW,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EINVAL')
      throw new DirectIoUnsupported(`${path}: the filesystem refuses O_DIRECT`);
    throw e;
  }
  let cfd: number | undefined;
  try {
    cfd = await pOpen(path, constants.O_RDWR | constants.O_NOFOLLOW);
    const cacheRegion = Math.min(PAGE_CACHE_REGION, Math.floor(maxBytes / SEQ_BLOCK) * SEQ_BLOCK);
    const plain = Buffer.allocUnsafe(SEQ_BLOCK);
    let written = 0;
    for (; written < cacheRegion; written += SEQ_BLOCK) {
      checkAbort(signal);
      randomFillSync(plain);
      await pWrite(cfd, plain, SEQ_BLOCK, written);
    }
    await pSync(cfd);
    const directStart = written;
    const aligned = await alignedBuffer(SEQ_BLOCK, async (b) => {
      randomFillSync(b);
      await pWrite(dfd, b, b.length, directStart);
    });
    if (!aligned) throw new DirectIoUnsupported('no buffer alignment the kernel accepts for O_DIRECT was found');
    const buf = aligned.buf;
    const writeUntil = d.until('write');
    while (written + SEQ_BLOCK <= maxBytes && now() < writeUntil) {
      checkAbort(signal);
      randomFillSync(buf);
      await pWrite(dfd, buf, SEQ_BLOCK, written);
      written += SEQ_BLOCK;
    }
    await pSync(dfd);
    if (written < maxBytes)
      notes.push(
        `wrote ${(written / MiB).toFixed(0)} MiB of the allowed ${(maxBytes / MiB).toFixed(0)} MiB within the time budget`,
      );
    const extents = [{ fd: dfd, size: written }];
    const seq = await seqRead(extents, buf, d.until('seq'), signal);
    const rand = await randRead(extents, buf, d.until('rand'), signal);
    const pageCache = cacheRegion > 0 ? await cachedRead(cfd, cacheRegion, d.until('cache'), signal) : null;
    return {
      method: 'o_direct',
      alignment: aligned.how,
      bytesWritten: written,
      seq,
      randMs: rand.ms,
      randMode: rand.mode,
      pageCache,
      notes,
    };
  } finally {
    await pClose(dfd);
    if (cfd !== undefined) await pClose(cfd);
  }
}

/** Regular files ≥ 1 MiB under `dir`, largest first, up to `maxBytes` in total (bounded walk). */
export async function cachedFiles(
  dir: string,
  maxBytes: number,
  maxEntries = 5000,
): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  let seen = 0;
  const visit = async (d: string, depth: number) => {
    if (depth > 6 || seen > maxEntries) return;
    let h;
    try {
      h = await opendir(d);
    } catch {
      return;
    }
    for await (const ent of h) {
      if (++seen > maxEntries) break;
      const p = join(d, ent.name);
      if (ent.isDirectory()) await visit(p, depth + 1);
      else if (ent.isFile()) {
        const st = await stat(p).catch(() => null);
        if (st && st.size >= MiB) found.push({ path: p, size: st.size });
      }
    }
  };
  await visit(dir, 0);
  found.sort((a, b) => b.size - a.size);
  const out: { path: string; size: number }[] = [];
  let total = 0;
  for (const f of found) {
    if (total >= maxBytes) break;
    out.push(f);
    total += f.size;
  }
  return out;
}

/** Read-only variant: O_DIRECT reads of dfdaemon's own cached files when the dir may not be written. */
export async function existingFilesReadTest(
  dir: string,
  maxBytes: number,
  d: PhaseClock,
  signal: AbortSignal,
): Promise<ReadTestResult> {
  const files = await cachedFiles(dir, maxBytes);
  const notes: string[] = [];
  if (files.length === 0) throw new Error(`no cached files of 1 MiB or more under ${dir} to read`);
  const extents: Extent[] = [];
  try {
    for (const f of files) {
      let fd: number;
      try {
        fd = await pOpen(f.path, constants.O_RDONLY | constants.O_DIRECT | constants.O_NOATIME | constants.O_NOFOLLOW);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EINVAL') throw new DirectIoUnsupported(`${f.path}: the filesystem refuses O_DIRECT`);
        // O_NOATIME needs ownership; without it the read still leaves no data changed
        if (code !== 'EPERM') continue;
        fd = await pOpen(f.path, constants.O_RDONLY | constants.O_DIRECT | constants.O_NOFOLLOW).catch(() => -1);
        if (fd < 0) continue;
      }
      extents.push({ fd, size: Math.min(f.size, maxBytes) });
    }
    const first = extents[0];
    if (!first) throw new Error(`none of the cached files under ${dir} could be opened for reading`);
    const aligned = await alignedBuffer(SEQ_BLOCK, async (b) => {
      await pRead(first.fd, b, b.length, 0);
    });
    if (!aligned) throw new DirectIoUnsupported('no buffer alignment the kernel accepts for O_DIRECT was found');
    let budget = maxBytes;
    for (const x of extents) {
      x.size = Math.min(x.size, budget);
      budget -= x.size;
    }
    const seq = await seqRead(extents, aligned.buf, d.until('seq'), signal);
    const rand = await randRead(extents, aligned.buf, d.until('rand'), signal);
    notes.push(
      `read ${extents.length} of dfdaemon's cached files (largest first); the page-cache rate is not measured in this mode`,
    );
    return {
      method: 'existing_files',
      alignment: aligned.how,
      bytesWritten: 0,
      seq,
      randMs: rand.ms,
      randMode: rand.mode,
      pageCache: null,
      files: extents.length,
      notes,
    };
  } finally {
    for (const x of extents) await pClose(x.fd);
  }
}
