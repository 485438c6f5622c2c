// Facts from dfdaemon's logs in the bundle (raw/dfdaemon/logs/…, plain or .gz), streamed so that
// memory stays bounded whatever their size.
import { emptyStats, type Layout, layoutGeneration, type LogEvent, type ScanStats } from '../parsers/dfdaemon-log.js';
import type { LogSummary } from '../parsers/dfdaemon-timeline.js';
import { groupPulls, type PullGroup } from './dfdaemon-pulls.js';
import { headLooksPasted, normalizePastedChunks, SAMPLE_BYTES } from '../parsers/paste-normalize.js';
import type { FactsContext } from './context.js';
import { quotedInput } from './problems.js';
import { nodeLine, parseSliceMap, type SliceMap, sliceMapPath } from './dfdaemon-log-slices.js';
import { BUNDLE } from '../bundle/layout.js';
import type { StoredFile } from '../bundle/reader.js';
import { foldLogs, type LogSource } from './dfdaemon-log-fold.js';
import { SCHEDULER_SAMPLE, schedulerCallers } from '../parsers/scheduler-log.js';
import { cdnCallers } from '../parsers/cdn-log.js';

export const LOG_DIR = `${BUNDLE.dfdaemon.logsDir}/`;

export interface DfdaemonLogFacts {
  files: string[];
  generation: 'go' | 'rust' | null;
  stats: ScanStats;
  summary: LogSummary;
  pulls: PullGroup[];
}

/**
 * Logs smaller than this are folded in one pass (dfdaemon-log-fold.ts): 5,000 tasks, the timelines'
 * bound, take ~16 MB of a Go log at INFO and ~60 MB of a Rust one, so below it few tasks are dropped.
 */
const ONE_PASS_BELOW = 32 << 20;

/**
 * The logs of raw/dfdaemon/logs/, by whose they are: dfdaemon's, and a Dragonfly scheduler's handed over
 * with them (noted, and read only for its orders: facts/scheduler-log.ts). A v2.0 CDN's is noted and not read.
 */
export async function logsByOwner(ctx: FactsContext): Promise<{ daemon: string[]; scheduler: string[] }> {
  const listed = (await ctx.bundle.list(LOG_DIR)).filter((f) => !f.endsWith('/'));
  const owned = { daemon: [] as string[], scheduler: [] as string[] };
  for (const file of listed) {
    const text = await head(ctx, file);
    const cdn = cdnCallers(text);
    if (cdn) {
      // the v2.0 CDN's zap log looks like the Go daemon's too; its seed downloads are no task of this node's
      ctx.note(
        `${file}: this is the Dragonfly CDN's log (the v2.0 \`cdn\` component), not dfdaemon's (its lines' callers, such as ${cdn.map((c) => `\`${quotedInput(c, 60)}\``).join(', ')}, are CDN sources): it is not read as a dfdaemon log, so nothing of dfdaemon (its generation, release, log level or tasks) is drawn from it. Give dfdaemon's own log (Go: core.log under /var/log/dragonfly/daemon/) for the node's side.`,
        'dragonflyoss/dragonfly cdn/supervisor/, cdn/storedriver/ (v2.0.0–v2.0.3): files no dfdaemon source has',
      );
      continue;
    }
    const callers = schedulerCallers(text);
    if (!callers) {
      owned.daemon.push(file);
      continue;
    }
    owned.scheduler.push(file);
    // the scheduler's zap log looks like the Go daemon's: read as one, it would make a Go daemon of any
    // node and draw the daemon's log-level advice from the scheduler's lines
    ctx.note(
      `${file}: this is the Dragonfly scheduler's log, not dfdaemon's (its lines' callers, such as ${callers.map((c) => `\`${quotedInput(c, 60)}\``).join(', ')}, are scheduler sources): it is not read as a dfdaemon log, so nothing of dfdaemon (its generation, release, log level or tasks) is drawn from it; its orders sending peers to the origin, and their reasons, are read. Give dfdaemon's own log (Go: core.log; Rust: dfdaemon.log) for the node's side.`,
      'dragonflyoss/dragonfly scheduler/scheduling/, scheduler/resource/ (v2.0.2–v2.3.4): directories no dfdaemon source has',
    );
  }
  return owned;
}

/** dfdaemon's logs folded into timelines: `files`, or those logsByOwner finds dfdaemon's. */
export async function buildLogs(
  ctx: FactsContext,
  sinceMs?: number,
  files?: string[],
): Promise<DfdaemonLogFacts | undefined> {
  files ??= (await logsByOwner(ctx)).daemon;
  if (files.length === 0) return undefined;
  const sources: LogSource[] = [];
  for (const file of files) {
    const map = await readSliceMap(ctx, file);
    sources.push({
      file,
      // a log pasted into an issue is read as the daemon wrote it (colour residue, quotes, wraps undone)
      chunks: () => normalizePastedChunks(ctx.bundle.chunks(file)),
      // a log as the daemon wrote it is read where it is stored, at any offset
      stored: storedUnlessPasted(ctx, file),
      // a window that starts at a byte offset names no node line (nothing before it was read): its lines
      // need no decoration, and undecorated lines may be folded without their events (BareLine)
      ...(map && map.fromByte === undefined
        ? { decorate: (e: LogEvent) => void (e.nodeLine = nodeLine(map, e.line)) }
        : {}),
    });
  }
  const fold = await foldLogs(sources, {
    ...(sinceMs === undefined ? {} : { sinceMs }),
    onePassBelow: ONE_PASS_BELOW,
    readError: (file, message) => ctx.problem({ file, message: `log read stopped: ${message}` }),
  });
  const stats = emptyStats();
  for (const [i, st] of fold.stats.entries()) {
    merge(stats, st);
    if (st.unrecognised > 0) {
      const first = st.unrecognisedSamples[0];
      ctx.problem({
        file: files[i] as string,
        ...(first ? { line: first.line } : {}),
        message: `${st.unrecognised} of ${st.lines} lines not recognised as a dfdaemon log layout${first ? ` (first: "${quotedInput(first.text, 80)}")` : ''}`,
      });
    }
  }
  const summary = fold.summary;
  const gen = majority(stats.byLayout);
  return { files, generation: gen, stats, summary, pulls: groupPulls(summary) };
}

/** The first SCHEDULER_SAMPLE bytes of a log, as the daemon wrote them or as pasted (for what it is). */
async function head(ctx: FactsContext, file: string): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const c of normalizePastedChunks(ctx.bundle.chunks(file))) {
      parts.push(Buffer.from(c));
      n += c.length;
      if (n >= SCHEDULER_SAMPLE) break;
    }
  } catch {
    // a damaged file (a cut .gz): its head is what could be read; the fold reports the read error
  }
  return Buffer.concat(parts).toString('utf8', 0, Math.min(n, SCHEDULER_SAMPLE));
}

/**
 * Opens the stored file, when its head does not look pasted (normalizePastedChunks would rewrite its
 * bytes). The fold opens a file up to three times; its head is read and judged at the first.
 */
function storedUnlessPasted(ctx: FactsContext, file: string): () => Promise<StoredFile | undefined> {
  let pasted: boolean | undefined;
  return async () => {
    if (pasted === true) return undefined;
    const f = await ctx.bundle.openStored?.(file);
    if (!f || pasted === false) return f;
    const head = new Uint8Array(SAMPLE_BYTES + 1);
    let n = 0;
    try {
      for (let r = 1; r > 0 && n < head.length; n += r) r = await f.read(head.subarray(n), n);
    } catch (e) {
      await f.close();
      throw e;
    }
    pasted = headLooksPasted(head.subarray(0, Math.min(n, SAMPLE_BYTES)), n <= SAMPLE_BYTES);
    if (!pasted) return f;
    await f.close();
    return undefined;
  };
}

async function readSliceMap(ctx: FactsContext, log: string): Promise<SliceMap | undefined> {
  const path = sliceMapPath(log);
  const text = await ctx.bundle.text(path);
  if (text === undefined) return undefined;
  const map = parseSliceMap(text);
  if (!map)
    ctx.problem({
      file: path,
      message:
        'not a slice map ({"source", "runs": [[bundled line, node line, count], …]}): node line numbers left out',
    });
  return map ?? undefined;
}

function merge(into: ScanStats, s: ScanStats): void {
  into.lines += s.lines;
  into.bytes += s.bytes;
  for (const k of Object.keys(s.byLayout) as Layout[]) into.byLayout[k] += s.byLayout[k];
  into.unrecognised += s.unrecognised;
  into.unrecognisedSamples.push(...s.unrecognisedSamples.slice(0, 5 - into.unrecognisedSamples.length));
  into.beforeSince += s.beforeSince;
  into.errors += s.errors;
  into.warnings += s.warnings;
  into.debugLines += s.debugLines;
  if (s.firstTsMs !== null && (into.firstTsMs === null || s.firstTsMs < into.firstTsMs)) into.firstTsMs = s.firstTsMs;
  if (s.lastTsMs !== null && (into.lastTsMs === null || s.lastTsMs > into.lastTsMs)) into.lastTsMs = s.lastTsMs;
}

function majority(by: Record<Layout, number>): 'go' | 'rust' | null {
  let go = 0;
  let rust = 0;
  for (const [k, v] of Object.entries(by) as [Layout, number][]) {
    if (layoutGeneration(k) === 'go') go += v;
    else rust += v;
  }
  if (go === 0 && rust === 0) return null;
  return go >= rust ? 'go' : 'rust';
}
