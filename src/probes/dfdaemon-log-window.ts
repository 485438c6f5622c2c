// Where a time window starts in a dfdaemon log on disk, found by binary search on the lines'
// timestamps: a handful of 4 KiB reads, whatever the size of the file. dfdaemon writes its lines in time
// order within a small skew (goroutines and tokio tasks log concurrently), so the search aims a minute
// early (SKEW_MS) and the scanner then filters each line exactly.
import type { FileHandle } from 'node:fs/promises';
import { lineTimeMs } from '../parsers/dfdaemon-log-time.js';

/** How far out of order two lines' timestamps may be. */
export const SKEW_MS = 60_000;
const PAGE = 4096;
/** A probe reads on until it meets a line with a timestamp, but not further than this. */
const PROBE_MAX = 256 * 1024;

export interface Stamp {
  /** Byte offset of the start of the line. */
  at: number;
  ms: number;
}

async function readAt(fh: FileHandle, pos: number, len: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  return buf.subarray(0, bytesRead);
}

/**
 * The first line starting at or after `pos` (at `pos` itself only when pos is 0 or follows a newline)
 * that carries a timestamp, looking at most PROBE_MAX bytes ahead; null at the end of the file.
 */
export async function stampAfter(fh: FileHandle, size: number, pos: number): Promise<Stamp | null> {
  let base = pos > 0 ? pos - 1 : 0;
  // with pos > 0 the byte before it tells whether pos starts a line
  let lineStart = pos === 0 ? 0 : -1;
  let carry: Buffer = Buffer.alloc(0);
  let len = PAGE;
  while (base < size && base - pos < PROBE_MAX) {
    const chunk = await readAt(fh, base, Math.min(len, size - base));
    if (chunk.length === 0) break;
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    const bufStart = base - carry.length;
    let i = lineStart < 0 ? 0 : lineStart - bufStart;
    if (lineStart < 0) {
      const nl = buf.indexOf(10, i);
      if (nl < 0) {
        base += chunk.length;
        carry = Buffer.alloc(0);
        len = Math.min(len * 2, 64 * 1024);
        continue;
      }
      lineStart = bufStart + nl + 1;
      i = nl + 1;
    }
    for (;;) {
      const nl = buf.indexOf(10, i);
      if (nl < 0 && base + chunk.length < size) break; // the line goes on past this read
      const e = nl < 0 ? buf.length : nl;
      const ms = lineTimeMs(buf, i, e);
      if (ms !== null) return { at: bufStart + i, ms };
      if (nl < 0) return null;
      i = nl + 1;
      lineStart = bufStart + i;
    }
    // the loop's bound (PROBE_MAX) keeps what is carried small
    carry = buf.subarray(i);
    base += chunk.length;
    len = Math.min(len * 2, 64 * 1024);
  }
  return null;
}

/** The last line of the file that carries a timestamp, reading backwards from the end. */
export async function lastStamp(fh: FileHandle, size: number): Promise<Stamp | null> {
  for (let back = PAGE; ; back *= 4) {
    const from = Math.max(0, size - back);
    const buf = await readAt(fh, from, size - from);
    // lines wholly inside the read: skip the first unless the read starts the file
    let i = from === 0 ? 0 : buf.indexOf(10) + 1;
    let best: Stamp | null = null;
    while (i > 0 || from === 0) {
      if (i >= buf.length) break;
      const nl = buf.indexOf(10, i);
      const e = nl < 0 ? buf.length : nl;
      const ms = lineTimeMs(buf, i, e);
      if (ms !== null) best = { at: from + i, ms };
      if (nl < 0) break;
      i = nl + 1;
    }
    if (best || from === 0 || back >= 4 * PROBE_MAX) return best;
  }
}

export interface WindowStart {
  /** Byte offset where reading starts (a line start; 0 for the whole file). */
  offset: number;
  /** Reads the search made (each at most 4–64 KiB). */
  reads: number;
  /** The file has no line with a timestamp near its start or where the search looked. */
  untimed: boolean;
}

/**
 * The offset of a line such that every line before it is older than `fromMs` (within SKEW_MS): the
 * greatest probed line whose timestamp is before fromMs − SKEW_MS. A window that begins before the
 * file's first line starts at 0; one after its last line starts near the end.
 */
export async function seekTime(fh: FileHandle, size: number, fromMs: number): Promise<WindowStart> {
  const target = fromMs - SKEW_MS;
  let reads = 1;
  const first = await stampAfter(fh, size, 0);
  if (!first) return { offset: 0, reads, untimed: true };
  if (first.ms >= target) return { offset: 0, reads, untimed: false };
  let lo = first.at;
  let hi = size;
  while (hi - lo > PAGE) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const s = await stampAfter(fh, size, mid);
    reads++;
    // no timestamp after mid (the end, or an untimed stretch): the window cannot start later than mid
    if (!s || s.ms >= target || s.at >= hi) hi = mid;
    else lo = s.at;
  }
  return { offset: lo, reads, untimed: false };
}
