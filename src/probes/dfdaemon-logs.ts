// Copies dfdaemon's logs into the bundle: whole when they fit the cap, else a relevant slice — every
// line of the slowest tasks and of the last pull, errors and proxy/setting lines — with the cap stated.
import { createReadStream } from 'node:fs';
import { type FileHandle, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { splitLinesBounded } from '../bundle/line-split.js';
import { openPemLine } from '../bundle/text-parts.js';
import { type LogEvent, LogScanner } from '../parsers/dfdaemon-log.js';
import { TimelineBuilder } from '../parsers/dfdaemon-timeline.js';
import { groupPulls, lastPull, PULL_GAP_MS } from '../facts/dfdaemon-pulls.js';
import { lastStamp, seekTime, SKEW_MS, type Stamp, stampAfter, type WindowStart } from './dfdaemon-log-window.js';
import { nodeOwnPath, type ProbeContext } from './context.js';
import { type SliceMap, sliceMapPath } from '../facts/dfdaemon-log-slices.js';
import type { Generation } from './dfdaemon-discover.js';
import { BUNDLE } from '../bundle/layout.js';
import type { Redaction } from '../bundle/manifest.js';
import { logScanWasm } from '../bundle/wasm-modules.js';

/** Bytes of log text a bundle holds at most: diagnose keeps more, a bundle that leaves the node less. */
export const LOG_CAP = { diagnose: 64 * 2 ** 20, collect: 16 * 2 ** 20 };
const SLOWEST = 20;

interface LogFile {
  path: string;
  name: string;
  size: number;
  mtimeMs: number;
  gz: boolean;
}

export interface LogCopy {
  /** fromByte: where on the node the bundled text begins, when a time window starts inside the file. */
  files: { source: string; bundled: string; bytes: number; sliced: boolean; fromByte?: number }[];
  skipped: string[];
  cap?: string;
  /** The default window, when a log was too large to read whole. */
  window?: LogWindow;
}

function isDaemonLog(name: string, gen: Generation | null): boolean {
  const go = /^core(\.log|-.*\.log)(\.\d+)?(\.gz)?$/.test(name);
  const rust = /^dfdaemon\.log(\..+)?$/.test(name);
  return gen === 'go' ? go : gen === 'rust' ? rust : go || rust;
}

export async function listLogFiles(
  dir: string,
  gen: Generation | null,
  sinceCutoffMs?: number,
): Promise<{ files: LogFile[]; skipped: string[] }> {
  const skipped: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    return {
      files: [],
      skipped: [`${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`],
    };
  }
  const files: LogFile[] = [];
  for (const name of names) {
    if (!isDaemonLog(name, gen)) continue;
    const path = join(dir, name);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) continue;
    if (sinceCutoffMs !== undefined && st.mtimeMs < sinceCutoffMs) {
      skipped.push(`${name}: last written before --since`);
      continue;
    }
    files.push({ path, name, size: st.size, mtimeMs: st.mtimeMs, gz: name.endsWith('.gz') });
  }
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return { files, skipped };
}

/** The file's bytes from `start` (decompressed for a .gz); up to `end` (exclusive) when given. */
async function* chunks(f: LogFile, signal: AbortSignal, start = 0, end?: number): AsyncIterable<Uint8Array> {
  // zlib is loaded for a rotated .gz only: a `--since` window is read from the plain core.log
  const gunzip = f.gz ? (await import('node:zlib')).createGunzip() : undefined;
  const s = createReadStream(f.path, {
    highWaterMark: 1 << 20,
    signal,
    ...(start > 0 ? { start } : {}),
    ...(end !== undefined ? { end: end - 1 } : {}),
  });
  yield* gunzip ? s.pipe(gunzip) : s;
}

/** Reads a whole (decompressed) file if it is at most `max` bytes; undefined when larger. */
async function readWhole(f: LogFile, max: number, signal: AbortSignal): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of chunks(f, signal)) {
    n += c.length;
    if (n > max) return undefined;
    parts.push(Buffer.from(c));
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Bytes read at a time by copyFrom. */
const COPY_CHUNK = 1 << 20;

/**
 * Copies a plain file from byte `start` to its end into the bundle, about 1 MiB at a time, each part
 * ending at a line end: the redactor works line by line. A bundle that is read on this node and removed
 * (diagnose) holds the window by reference instead, when the redactor leaves every part as it is: the
 * window (up to 64 MiB) is then neither written to the node's temp dir nor read back from it. Returns the
 * bytes copied.
 */
async function copyFrom(ctx: ProbeContext, f: LogFile, start: number, bundled: string): Promise<number> {
  const from = `${nodeOwnPath(ctx.options.root, f.path)}, from byte ${start} to its end`;
  if (ctx.out.linking) {
    const fh = await open(f.path, 'r');
    let linked = false;
    try {
      const redactions: Redaction[] = [];
      const r = await readParts(ctx, fh, f, start, async (part) => ctx.out.unchangedBy(bundled, part, redactions));
      if (r.whole) {
        ctx.out.link(bundled, { path: f.path, file: fh, start, end: start + r.bytes }, from, redactions);
        linked = true;
        return r.bytes;
      }
    } finally {
      // a linked file stays open until the bundle has been read (BundleWriter.closeLinks)
      if (!linked) await fh.close();
    }
  }
  await ctx.out.writeText(bundled, '', from);
  const fh = await open(f.path, 'r');
  try {
    return (
      await readParts(ctx, fh, f, start, async (part) => {
        await ctx.out.appendUtf8(bundled, part);
        return true;
      })
    ).bytes;
  } finally {
    await fh.close();
  }
}

/**
 * Reads a plain file from byte `start` to the size it was listed with, in parts of about 1 MiB that end
 * at a line end (a line longer than the scanner's cap is cut at a character's end) and keep a PEM block
 * whole, as the redactor needs them. `take` returns false to stop. One buffer serves every read (a fresh
 * one per read cost more in page faults and copies than the redaction). `whole`: every part was taken.
 */
async function readParts(
  ctx: ProbeContext,
  fh: FileHandle,
  f: LogFile,
  start: number,
  take: (part: Buffer) => Promise<boolean>,
): Promise<{ bytes: number; whole: boolean }> {
  const buf = Buffer.allocUnsafe(LogScanner.MAX_LINE + COPY_CHUNK);
  let bytes = 0;
  // bytes at the front of buf not taken yet: the start of a line whose end is not read yet
  let carry = 0;
  // up to the size the window was measured against: a live log grows while it is read
  for (let pos = start; pos < f.size;) {
    ctx.signal.throwIfAborted();
    const { bytesRead } = await fh.read(buf, carry, Math.min(buf.length - carry, f.size - pos), pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    bytes += bytesRead;
    const len = carry + bytesRead;
    const nl = buf.lastIndexOf(0x0a, len - 1);
    // a part without a line end waits for the next, unless it grows past the scanner's line cap
    if (nl < 0 && len <= LogScanner.MAX_LINE) {
      carry = len;
      continue;
    }
    let cut = nl < 0 ? utf8Boundary(buf.subarray(0, len)) : nl + 1;
    // a PEM block goes to the redactor whole: the part ends before its BEGIN line, or waits for its END
    const open = openPemLine(buf, 0, cut);
    if (open > 0) cut = open;
    else if (open === 0 && len <= LogScanner.MAX_LINE && pos < f.size) {
      carry = len;
      continue;
    }
    if (!(await take(buf.subarray(0, cut)))) return { bytes, whole: false };
    buf.copyWithin(0, cut, len);
    carry = len - cut;
  }
  if (carry > 0 && !(await take(buf.subarray(0, carry)))) return { bytes, whole: false };
  return { bytes, whole: true };
}

/** Where a part of `buf` may end without cutting a UTF-8 character in two: before an unfinished last one. */
function utf8Boundary(buf: Buffer): number {
  let lead = buf.length - 1;
  // continuation bytes are 10xxxxxx; a character is at most 4 bytes
  while (lead > 0 && buf.length - lead < 4 && ((buf[lead] as number) & 0xc0) === 0x80) lead--;
  const b = buf[lead] ?? 0;
  const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
  return lead + size > buf.length ? lead : buf.length;
}

/** Where the window of the log begins and why: `--since`, or the default (the last pull and what led up to it). */
export interface LogWindow {
  fromMs: number;
  why: 'since' | 'last-pull' | 'last-pull-unbounded';
}

/** What led up to the last pull: this much of the log before its first request is kept with it. */
export const LEAD_MS = 10 * 60_000;
/** The default window's search starts with the last quarter hour of the log and widens fourfold. */
const FIRST_SPAN_MS = 15 * 60_000;

/**
 * The start of the default window of a log too large for the bundle: the last pull (blob tasks with
 * less than a minute between them, as the facts group them) and LEAD_MS before it. The search scans the
 * last quarter hour of the file, then four times more, until the last pull it finds began well inside
 * what was scanned, or what it would scan passes `maxBytes` (the log cap): its cost follows the distance
 * from the end of the log to the last pull, not the log's size. Null when the file has no timestamps.
 */
export async function lastPullWindow(ctx: ProbeContext, f: LogFile, maxBytes: number): Promise<LogWindow | null> {
  const fh = await open(f.path, 'r');
  let last: Stamp | null;
  let first: Stamp | null;
  try {
    last = await lastStamp(fh, f.size);
    first = await stampAfter(fh, f.size, 0);
  } finally {
    await fh.close();
  }
  if (!last || !first) return null;
  for (let span = FIRST_SPAN_MS; ; span *= 4) {
    const from = last.ms - span;
    const whole = from <= first.ms;
    const offset = whole ? 0 : (await windowStart(f, from)).offset;
    // wider than the cap: the window becomes the newest `maxBytes` of the file (a minute short of
    // them, for the seek's margin), found without scanning more
    if (f.size - offset > maxBytes)
      return { fromMs: (await timeAt(f, f.size - maxBytes)) ?? from, why: 'last-pull-unbounded' };
    const builder = new TimelineBuilder();
    const s = new LogScanner(logScanWasm(), {
      file: f.name,
      ...(whole ? {} : { sinceMs: from }),
      onEvent: (e) => builder.add(e),
      onPiece: (p) => builder.addPiece(p),
    });
    for await (const c of chunks(f, ctx.signal, offset)) {
      s.push(c);
      if (ctx.remainingMs() < 2000) break;
    }
    s.end();
    const pull = lastPull(groupPulls(builder.finish()));
    // a pull that began within a gap (plus the skew) of the scan's start may have begun before it
    if (pull && (whole || pull.startMs - PULL_GAP_MS - SKEW_MS >= from))
      return { fromMs: pull.startMs - LEAD_MS, why: 'last-pull' };
    if (whole) return { fromMs: first.ms, why: 'last-pull-unbounded' };
    if (ctx.remainingMs() < 2000) return { fromMs: from, why: 'last-pull-unbounded' };
  }
}

/**
 * A window start whose seek lands after byte `pos`: the time of the first timestamped line there, plus
 * twice the skew (the seek aims one skew early, and lines before it may be one skew late); null if none.
 */
async function timeAt(f: LogFile, pos: number): Promise<number | null> {
  const fh = await open(f.path, 'r');
  try {
    const s = await stampAfter(fh, f.size, pos);
    return s ? s.ms + 2 * SKEW_MS : null;
  } finally {
    await fh.close();
  }
}

async function windowStart(f: LogFile, fromMs: number): Promise<WindowStart> {
  const fh = await open(f.path, 'r');
  try {
    return await seekTime(fh, f.size, fromMs);
  } finally {
    await fh.close();
  }
}

export async function copyLogs(
  ctx: ProbeContext,
  dir: string,
  gen: Generation | null,
  sinceCutoffMs?: number,
): Promise<LogCopy> {
  const cap = ctx.options.forBundle ? LOG_CAP.collect : LOG_CAP.diagnose;
  const { files, skipped } = await listLogFiles(dir, gen, sinceCutoffMs);
  const out: LogCopy = { files: [], skipped };
  let window: LogWindow | undefined = sinceCutoffMs === undefined ? undefined : { fromMs: sinceCutoffMs, why: 'since' };
  let left = cap;
  for (const f of files) {
    if (ctx.signal.aborted || ctx.remainingMs() < 500) {
      out.skipped.push(`${f.name}: no time left`);
      continue;
    }
    // a rotated file last written before the window holds none of it: it is not opened
    if (window && window.why !== 'since' && f.mtimeMs < window.fromMs) {
      out.skipped.push(`${f.name}: last written before the log window`);
      continue;
    }
    const bundled = `${BUNDLE.dfdaemon.logsDir}/${f.name.replace(/\.gz$/, '')}`;
    // the default window: a plain log larger than the cap is read from the last pull on, not whole
    if (!window && !f.gz && f.size > left) window = (await lastPullWindow(ctx, f, left).catch(() => null)) ?? undefined;
    // a plain file is read from where the window begins (a few 4 KiB reads find it); a .gz from its start
    let start = 0;
    if (window && !f.gz) {
      const w = await windowStart(f, window.fromMs).catch(() => undefined);
      if (w && !w.untimed) start = w.offset;
    }
    if (start > 0 && f.size - start <= left) {
      const bytes = await copyFrom(ctx, f, start, bundled);
      // node lines are not known before a seek (nothing before it was read): no runs, the offset only
      await ctx.out.writeJson(
        sliceMapPath(bundled),
        { source: f.path, fromByte: start, runs: [] } satisfies SliceMap,
        `dfdoctor: where ${bundled} begins in ${nodeOwnPath(ctx.options.root, f.path)}`,
      );
      left -= bytes;
      out.files.push({ source: f.path, bundled, bytes, sliced: true, fromByte: start });
      continue;
    }
    // a plain file larger than what is left cannot be whole; a .gz is tried (its text size is unknown)
    const whole =
      start > 0 || (!f.gz && f.size > left) ? undefined : await readWhole(f, left, ctx.signal).catch(() => undefined);
    if (whole !== undefined) {
      const from = nodeOwnPath(ctx.options.root, f.path);
      await ctx.out.writeText(bundled, whole, f.gz ? `${from}, decompressed` : from);
      left -= Buffer.byteLength(whole);
      out.files.push({ source: f.path, bundled, bytes: Buffer.byteLength(whole), sliced: false });
      continue;
    }
    if (left < 64 * 1024) {
      out.skipped.push(`${f.name}: the log cap is used up`);
      continue;
    }
    // one bad file (a truncated .gz, a permission denied, a file rotated away) is named and skipped:
    // it must not cost the other logs, the metrics and the config this probe already has
    let bytes: number;
    try {
      bytes = await slice(ctx, f, left, bundled, window?.fromMs, start);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const err = e as NodeJS.ErrnoException;
      const why =
        err.code === 'Z_BUF_ERROR' || /unexpected end of file/.test(err.message)
          ? 'truncated gzip (unexpected end of file)'
          : err.code === 'EACCES'
            ? 'permission denied'
            : err.message;
      out.skipped.push(`${f.name}: not read: ${why}`);
      continue;
    }
    left -= bytes;
    out.files.push({ source: f.path, bundled, bytes, sliced: true, ...(start > 0 ? { fromByte: start } : {}) });
  }
  if (window && window.why !== 'since') out.window = window;
  if (out.files.some((f) => f.sliced && f.fromByte === undefined) || out.skipped.some((s) => s.includes('cap'))) {
    out.cap = `dfdaemon logs: at most ${cap / 2 ** 20} MiB; files larger than that hold a relevant slice (errors, proxy and settings lines, then every line of the last pull's and the ${SLOWEST} slowest tasks)`;
    ctx.out.noteCap('dfdaemon-logs', out.cap);
  }
  if (out.window) {
    const note = `dfdaemon logs: larger than ${cap / 2 ** 20} MiB, read from ${new Date(out.window.fromMs).toISOString()} on (${out.window.why === 'last-pull' ? `the last pull and the ${LEAD_MS / 60_000} min before it` : 'no complete pull found within the cap: its newest part'}); --since reads a longer window`;
    ctx.out.noteCap('dfdaemon-logs-window', note);
  }
  return out;
}

/**
 * Four streaming passes: find the tasks that matter, mark their lines, choose the marked lines that fit
 * the cap (numbers only), then write the chosen lines into the bundle in parts. No pass holds the text
 * of the slice at once: memory stays flat whatever the log and the cap (bench/memory.bench.mjs).
 * Returns the bytes written.
 */
async function slice(
  ctx: ProbeContext,
  f: LogFile,
  cap: number,
  bundled: string,
  sinceMs: number | undefined,
  start: number,
): Promise<number> {
  const builder = new TimelineBuilder();
  const priority = new Map<number, number>(); // line → 0 error, 1 task-less event (proxy, settings)
  const scan = async (onEvent: (e: LogEvent) => void, onLine?: (line: number, level: string) => void) => {
    const s = new LogScanner(logScanWasm(), {
      file: f.name,
      ...(sinceMs === undefined ? {} : { sinceMs }),
      onEvent,
      ...(onLine ? { onLine: (l, _lay, lev) => onLine(l, lev) } : {}),
    });
    for await (const c of chunks(f, ctx.signal, start)) {
      s.push(c);
      if (ctx.remainingMs() < 300) break;
    }
    s.end();
  };
  await scan(
    (e) => {
      builder.add(e);
      if (!e.task && !e.peer && priority.size < 200_000) priority.set(e.line, 1);
    },
    (line, level) => {
      if (level === 'error' && priority.size < 200_000) priority.set(line, 0);
    },
  );
  const summary = builder.finish();
  const pulls = groupPulls(summary);
  const keys = new Map<string, number>();
  for (const t of lastPull(pulls)?.tasks ?? []) keys.set(t.key, 3);
  for (const t of [...summary.tasks]
    .filter((t) => t.costMs !== null)
    .sort((a, b) => (b.costMs ?? 0) - (a.costMs ?? 0))
    .slice(0, SLOWEST))
    keys.set(t.key, 2);
  await scan((e) => {
    const k = keys.get(e.peer ?? e.task ?? '');
    if (k !== undefined && !priority.has(e.line)) priority.set(e.line, k);
  });
  // the marked lines (and the continuation lines under them): line, size and priority only
  const keptLine: number[] = [];
  const keptSize: number[] = [];
  const keptP: number[] = [];
  let lineNo = 0;
  let prevKept = -1;
  // bounded: a line past the scanner's cap is never an event, so its head is all that is kept of it
  const lines = () => splitLinesBounded(chunks(f, ctx.signal, start), LogScanner.MAX_LINE);
  for await (const text of lines()) {
    lineNo++;
    const p = priority.get(lineNo);
    const keep = p !== undefined ? p : prevKept >= 0 && /^\s/.test(text) && text.trim() !== '' ? prevKept : -1;
    if (keep >= 0) {
      keptLine.push(lineNo);
      keptSize.push(Buffer.byteLength(text) + 1);
      keptP.push(keep);
    }
    prevKept = keep;
    // leave the writing pass time to run: a slice cut short beats a probe that times out with nothing
    if (ctx.remainingMs() < 2000) break;
  }
  // trimmed to the cap by priority, the newest first within a priority
  const order = keptLine
    .map((_, i) => i)
    .sort((a, b) => (keptP[a] as number) - (keptP[b] as number) || (keptLine[b] as number) - (keptLine[a] as number));
  const chosen = new Set<number>();
  let size = 0;
  for (const i of order) {
    size += keptSize[i] as number;
    if (size > cap) break;
    chosen.add(keptLine[i] as number);
  }
  // write the chosen lines in file order, about 1 MiB at a time
  await ctx.out.writeText(
    bundled,
    '',
    `${nodeOwnPath(ctx.options.root, f.path)}: the lines kept under the cap (${sliceMapPath(bundled)} maps them)`,
  );
  let written = 0;
  let part: string[] = [];
  let partBytes = 0;
  const flush = async () => {
    if (part.length === 0) return;
    const text = `${part.join('\n')}\n`;
    await ctx.out.appendText(bundled, text);
    written += Buffer.byteLength(text);
    part = [];
    partBytes = 0;
  };
  // which node line each bundled line is: runs of [first bundled line, first node line, count]
  const runs: [number, number, number][] = [];
  let out = 0;
  if (chosen.size > 0) {
    let n = 0;
    let left = chosen.size;
    for await (const text of lines()) {
      n++;
      // checked on every line: the chosen lines may sit far apart in a long file
      if (ctx.remainingMs() < 500) break;
      if (!chosen.has(n)) continue;
      out++;
      const run = runs.at(-1);
      if (run && run[1] + run[2] === n) run[2]++;
      else runs.push([out, n, 1]);
      part.push(text);
      partBytes += text.length + 1;
      if (partBytes >= 2 ** 20) await flush();
      if (--left === 0) break;
    }
    await flush();
  }
  await ctx.out.writeJson(
    sliceMapPath(bundled),
    { source: f.path, ...(start > 0 ? { fromByte: start } : {}), runs } satisfies SliceMap,
    `dfdoctor: which line of ${nodeOwnPath(ctx.options.root, f.path)} each line of ${bundled} is`,
  );
  return written;
}
