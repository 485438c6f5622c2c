// dfdaemon's logs folded into task timelines in two passes, because most lines of a long log belong to
// tasks the timelines drop again (they keep the newest 5,000: a 1 GiB log holds ~300,000):
//   1. every line, read for its task's key only, inside the WebAssembly module (KeyPass: a task table
//      that drops tasks as the timelines do, so it learns which remain at the end and from which line
//      each one starts; no JS object per line), and the daemon-wide lines (settings, error lists)
//      whole. Proxy requests, a list that keeps only its newest 5,000 too, are counted where they are
//      listed. Lines the module cannot key or count itself (rare layouts, odd times, non-ASCII ids, Go's
//      proxy lines) are read by JS, in order.
//   2. from the first such line on, or the first kept proxy request's (a restart point the first pass
//      noted, at most a chunk earlier), the lines of those tasks and the kept requests only, made into
//      events and folded as one pass would have folded them.
// The result is the one pass's (test/facts/dfdaemon-log-fold.test.ts compares the two, with the bound
// lowered); the second pass reads what the last 5,000 tasks span, a small tail of any log long enough
// for the cost to matter. A key too long for the module's table makes the fold one pass again.
import { KeyPass, type LogEvent, LogScanner, type ScanStats, type Survivor } from '../parsers/dfdaemon-log.js';
import {
  eventKey,
  hasTaskPart,
  type LogSummary,
  MAX_PROXY,
  MAX_TASKS,
  type PieceLine,
  PROXY_KINDS,
  SHARED_KINDS,
  TimelineBuilder,
} from '../parsers/dfdaemon-timeline.js';
import type { StoredFile } from '../bundle/reader.js';
import { logScanWasm } from '../bundle/wasm-modules.js';

export interface LogSource {
  file: string;
  /** The file's bytes as the scanner reads them, from the start. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The same bytes as stored, for reads straight into the scanner's memory at any offset, when they are. */
  stored?(): Promise<StoredFile | undefined>;
  /** Sets what an event needs besides the scan (the node's line number of a bundled slice). */
  decorate?(e: LogEvent): void;
}

export interface FoldOptions {
  sinceMs?: number;
  /** The timelines' bounds (lowered by tests to reach them with small logs). */
  maxTasks?: number;
  maxProxy?: number;
  /**
   * Stored logs smaller than this in all are folded in one pass: the timelines drop few of their tasks,
   * so a first pass would cost more than it saves (a 20 MB window: ~1.25 × one pass).
   */
  onePassBelow?: number;
  /** A file that could not be read to its end. */
  readError(file: string, message: string): void;
}

export interface Fold {
  /** Each file's scan statistics, in the order of the sources. */
  stats: ScanStats[];
  summary: LogSummary;
}

/** Where a line is in the fold: the file's index, the line's number in it. */
interface LinePos {
  file: number;
  line: number;
}

interface RestartPoint {
  linesBefore: number;
  offset: number;
}

export async function foldLogs(sources: readonly LogSource[], o: FoldOptions): Promise<Fold> {
  const maxTasks = o.maxTasks ?? MAX_TASKS;
  const since = o.sinceMs === undefined ? {} : { sinceMs: o.sinceMs };
  const maxProxy = o.maxProxy ?? MAX_PROXY;
  if (o.onePassBelow !== undefined && (await storedBelow(sources, o.onePassBelow)))
    return onePass(sources, since, maxTasks, maxProxy, o.readError);
  const builder = new TimelineBuilder(maxTasks, maxProxy);
  const pass = new KeyPass(logScanWasm(), {
    maxTasks,
    events: new Set([...SHARED_KINDS].filter((k) => !PROXY_KINDS.has(k))),
    proxies: PROXY_KINDS,
    maxProxy,
    listed: (e) => Boolean(e.url),
    hasTaskPart,
    keyOf: eventKey,
  });
  const stats: ScanStats[] = [];
  const restarts: RestartPoint[][] = [];
  let survivors: Map<string, Survivor>;
  let dropped: number;
  let proxies: ReturnType<KeyPass['proxies']>;
  try {
    for (const [i, src] of sources.entries()) {
      const points: RestartPoint[] = [];
      const scanner = new LogScanner(logScanWasm(), {
        file: src.file,
        ...since,
        onEvent: (e) => {
          src.decorate?.(e);
          builder.addShared(e);
        },
        keyPass: { pass, file: i },
        onRestartPoint: (linesBefore, offset) => points.push({ linesBefore, offset }),
      });
      try {
        await feed(scanner, src, 0, Infinity);
      } catch (e) {
        o.readError(src.file, (e as Error).message);
      }
      stats.push(scanner.end());
      restarts.push(points);
    }
    // a key too long for the module's table: its answer is void, so every line is folded as one pass would
    if (pass.overflowed) {
      // read to where the first pass read, its errors said already
      const ends = stats.map((st) => st.bytes);
      return { stats, summary: (await onePass(sources, since, maxTasks, maxProxy, () => undefined, ends)).summary };
    }
    survivors = new Map(pass.survivors().map((s) => [s.key, s]));
    dropped = pass.dropped;
    proxies = pass.proxies();
  } finally {
    // the instance goes back to the scanners' pool: what the pass learnt is read before
    pass.release();
  }
  const after = (file: number, line: number, p: LinePos): boolean =>
    file > p.file || (file === p.file && line >= p.line);
  const keeps = (key: string | undefined, file: number, line: number): boolean => {
    const c = key === undefined ? undefined : survivors.get(key);
    return c !== undefined && after(file, line, c);
  };
  // where the second pass starts: the first surviving task's first line, or the first kept proxy request
  const firstTask: LinePos | undefined = survivors.values().next().value;
  const firstProxy = proxies.first;
  const first =
    firstTask && firstProxy && after(firstTask.file, firstTask.line, firstProxy)
      ? firstProxy
      : (firstTask ?? firstProxy);
  if (first) {
    for (let i = first.file; i < sources.length; i++) {
      const src = sources[i] as LogSource;
      const points = restarts[i] as RestartPoint[];
      const from = i === first.file ? lastBefore(points, first.line) : { linesBefore: 0, offset: 0 };
      const scanner = new LogScanner(logScanWasm(), {
        file: src.file,
        ...since,
        startLine: from.linesBefore,
        onEvent: (e) => {
          const listed = firstProxy !== null && PROXY_KINDS.has(e.kind) && after(i, e.line, firstProxy);
          const task = hasTaskPart(e) && keeps(eventKey(e), i, e.line);
          if (!listed && !task) return;
          src.decorate?.(e);
          if (listed) builder.addShared(e);
          if (task) builder.addToTask(e);
        },
        // piece lines are folded without an event object, unless the events must be decorated
        ...(src.decorate
          ? {}
          : {
              onPiece: (p: PieceLine) => {
                if (keeps(eventKey(p), i, p.line)) builder.addPiece(p);
              },
            }),
      });
      try {
        // the bytes the first pass read, no more: a file that grew since, or failed, reads the same
        await feed(scanner, src, from.offset, (stats[i] as ScanStats).bytes);
      } catch (e) {
        o.readError(src.file, `second read: ${(e as Error).message}`);
      }
      scanner.end();
    }
  }
  const summary = builder.finish();
  summary.droppedTasks += dropped;
  // the requests the first pass counted but the second did not list
  summary.droppedProxy += proxies.count - Math.min(proxies.count, maxProxy);
  return { stats, summary };
}

/**
 * Every line of every file into a builder: for small logs, and when the first pass's table could not
 * answer (then only up to where the first pass read, `ends`).
 */
async function onePass(
  sources: readonly LogSource[],
  since: { sinceMs?: number },
  maxTasks: number,
  maxProxy: number,
  readError: FoldOptions['readError'],
  ends?: readonly number[],
): Promise<Fold> {
  const builder = new TimelineBuilder(maxTasks, maxProxy);
  const stats: ScanStats[] = [];
  for (const [i, src] of sources.entries()) {
    const scanner = new LogScanner(logScanWasm(), {
      file: src.file,
      ...since,
      onEvent: (e) => {
        src.decorate?.(e);
        builder.add(e);
      },
      ...(src.decorate ? {} : { onPiece: (p: PieceLine) => builder.addPiece(p) }),
    });
    try {
      await feed(scanner, src, 0, ends?.[i] ?? Infinity);
    } catch (e) {
      readError(src.file, (e as Error).message);
    }
    stats.push(scanner.end());
  }
  return { stats, summary: builder.finish() };
}

/** Whether every source is a stored file and their sizes add up to less than `limit`. */
async function storedBelow(sources: readonly LogSource[], limit: number): Promise<boolean> {
  let total = 0;
  for (const src of sources) {
    const f = await src.stored?.();
    if (!f) return false;
    total += f.size;
    await f.close();
    if (total >= limit) return false;
  }
  return true;
}

/** The last restart point before the line (the first of a file when none is). */
function lastBefore(points: readonly RestartPoint[], line: number): RestartPoint {
  let best: RestartPoint = { linesBefore: 0, offset: 0 };
  for (const p of points) {
    if (p.linesBefore >= line) break;
    best = p;
  }
  return best;
}

/** Bytes read at once from a stored file. */
const READ_BYTES = 4 << 20;

/** The bytes [from, end) of a source into the scanner: read straight into its memory when stored, else as chunks. */
async function feed(scanner: LogScanner, src: LogSource, from: number, end: number): Promise<void> {
  const f = await src.stored?.();
  if (!f) {
    for await (const chunk of upTo(skipBytes(src.chunks(), from), end - from)) scanner.push(chunk);
    return;
  }
  try {
    await scanner.readStored((into, at) => f.read(into, at), from, end, READ_BYTES);
  } finally {
    await f.close();
  }
}

/** A stream of chunks without its first n bytes. */
async function* skipBytes(chunks: AsyncIterable<Uint8Array>, n: number): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    if (n >= c.length) {
      n -= c.length;
      continue;
    }
    yield n > 0 ? c.subarray(n) : c;
    n = 0;
  }
}

/** The first n bytes of a stream of chunks. */
async function* upTo(chunks: AsyncIterable<Uint8Array>, n: number): AsyncGenerator<Uint8Array> {
  for await (const c of chunks) {
    if (n <= 0) return;
    yield c.length > n ? c.subarray(0, n) : c;
    n -= c.length;
  }
}
