import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { CpuMeasurement } from '../bundle/measurements.js';
import { stableRate } from './stable.js';

const gzipP = promisify(gzip);
const gunzipP = promisify(gunzip);

/**
 * Deflate finds repeats only within its 32 KiB window: a block this long, repeated, is as much work to
 * inflate per byte as data that never repeats, and costs a fraction of the time to make.
 */
const TILE_BYTES = 256 * 1024;

/**
 * Deterministic layer-like data: words from a small vocabulary with numbers mixed in, which gzip
 * compresses about 3× — the range of real image layers — so that inflate does real work (random
 * bytes would be stored, not compressed, and inflate at memcpy speed). Made once per TILE_BYTES and
 * repeated.
 */
export function layerLikeData(bytes: number): Buffer {
  if (bytes > TILE_BYTES) return Buffer.alloc(bytes).fill(layerLikeData(TILE_BYTES));
  const words = [
    'usr',
    'lib',
    'bin',
    'share',
    'locale',
    'python3',
    'site-packages',
    'node_modules',
    'index.js',
    'README',
    'LICENSE',
    'include',
    'x86_64-linux-gnu',
    'libc.so.6',
    'ELF',
    'function',
    'return',
    'const',
    'import',
    'static',
    'void',
    'int',
    'char',
  ];
  const buf = Buffer.alloc(bytes);
  let seed = 0x2545f491;
  let off = 0;
  while (off < bytes) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const r = seed >>> 0;
    const piece =
      r % 5 === 0 ? `${(r % 100000).toString(16)} ` : `${words[r % words.length]}${r % 3 === 0 ? '/' : ' '}`;
    off += buf.write(piece, off);
    // a sprinkle of binary-looking bytes, as in executables
    if (r % 11 === 0 && off < bytes) buf[off++] = r & 0xff;
  }
  return buf;
}

/** The input of the measurement, made before it (making it is work of its own, not what is measured). */
export interface CpuSample {
  raw: Buffer;
  compressed: Buffer;
}

export async function prepareCpuSample(): Promise<CpuSample> {
  const raw = layerLikeData(4 * 1024 * 1024);
  return { raw, compressed: await gzipP(raw, { level: 6 }) };
}

/** sha256 runs hash this many copies of the 4 MiB sample: a few ms each even with SHA extensions. */
const SHA_ROUNDS = 4;

/**
 * What unpack (gzip inflate, single stream) and digest checks (sha256) reach on this CPU, in MB/s of
 * compressed input and of hashed bytes. Each is the best of short runs repeated until two agree within
 * 10 % (see stableRate), bounded by ~`budgetMs` in total, in small slices so an abort is noticed.
 */
export async function measureCpu(budgetMs: number, signal: AbortSignal, sample?: CpuSample): Promise<CpuMeasurement> {
  const { raw, compressed } = sample ?? (await prepareCpuSample());
  const t0 = performance.now();
  const gunzipBudget = Math.max(100, budgetMs * 0.7);
  // one untimed round: the first inflate pays for allocation and JIT, not for the CPU's speed
  // 1 MiB output chunks: the default 16 KiB makes the thread-pool round trips, not inflate, the cost
  const inflate = () => gunzipP(compressed, { chunkSize: 1 << 20 });
  if (!signal.aborted) await inflate();
  const gunzipRun = async (): Promise<number | null> => {
    const t = performance.now();
    const out = await inflate();
    if (out.length !== raw.length) throw new Error('gunzip self-check failed');
    const s = (performance.now() - t) / 1000;
    return s > 0 ? compressed.length / 1e6 / s : null;
  };
  const g = await stableRate(gunzipRun, gunzipBudget, signal);
  const shaRun = async (): Promise<number | null> => {
    // a turn of the event loop between runs: an abort is noticed
    await new Promise((r) => setImmediate(r));
    const t = performance.now();
    for (let i = 0; i < SHA_ROUNDS; i++) createHash('sha256').update(raw).digest();
    const s = (performance.now() - t) / 1000;
    return s > 0 ? (SHA_ROUNDS * raw.length) / 1e6 / s : null;
  };
  const sha = await stableRate(shaRun, Math.max(50, budgetMs - (performance.now() - t0)), signal);
  return {
    gunzipMBps: g.best,
    sha256MBps: sha.best,
    ...(g.runs.length > 0 ? { gunzipRunsMBps: g.runs, gunzipStable: g.stable } : {}),
  };
}
