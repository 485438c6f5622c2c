/**
 * Reads `ctr image pull`'s progress output as it arrives and turns it into per-layer timings.
 *
 * ctr redraws a status block about every 100 ms (containerd 1.6 `cmd/ctr/commands/content/fetch.go`
 * `showProgress`): one line per ref such as
 *   `layer-sha256:<hex>:    downloading    |+++---|  2.0 MiB/20.0 MiB`
 * with the statuses resolving, resolved, waiting, downloading, done, exists; then
 * `unpacking linux/amd64 sha256:<manifest>...` and `done: 321.21188ms`. Each block is stamped with
 * the time it arrived, so timings are good to about one redraw (0.1 s). Pure: the caller stamps.
 */
import { parseGoDuration } from '../parsers/go-duration.js';

export type RefStatus = 'resolving' | 'resolved' | 'waiting' | 'downloading' | 'done' | 'exists' | 'other';

export interface LayerTiming {
  digest: string;
  kind: 'layer' | 'config' | 'manifest' | 'index';
  /** Seconds since the pull started when ctr first showed it downloading (upper bound of the start). */
  firstSeen: number;
  startedAt: number | null;
  doneAt: number | null;
  /** The block before the one where it was first seen: the earliest it can have started. */
  startedAfter: number;
  /** True when ctr reported the blob as already held ("exists"): containerd did not fetch it. */
  existed: boolean;
  totalBytes: number | null;
}

export interface PullProgress {
  refs: Map<string, LayerTiming>;
  /** When the image reference first showed as resolved. */
  resolvedAt: number | null;
  /** When all fetching was over (the "unpacking" line). */
  unpackStartedAt: number | null;
  /** ctr's own "done: <duration>" of the unpack, in seconds. */
  unpackSeconds: number | null;
  lastBlockAt: number;
}

export function newProgress(): PullProgress {
  return { refs: new Map(), resolvedAt: null, unpackStartedAt: null, unpackSeconds: null, lastBlockAt: 0 };
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const REF_LINE =
  /^(layer|config|manifest|index)-(sha256:[0-9a-f]{64}):\s+(\w+)\s*\|[^|]*\|\s*(?:([\d.]+\s*\S*)\/([\d.]+)\s*(B|KiB|MiB|GiB|TiB))?/;
const IMAGE_LINE = /^\S+:\s+(resolving|resolved)\s*\|/;
const UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

function status(s: string): RefStatus {
  return (
    (['resolving', 'resolved', 'waiting', 'downloading', 'done', 'exists'] as const).find((x) => x === s) ?? 'other'
  );
}

/** Feeds one chunk of ctr's stdout that arrived `at` seconds after the pull started. */
export function feedProgress(p: PullProgress, chunk: string, at: number): void {
  const prevBlock = p.lastBlockAt;
  for (const raw of chunk.replace(ANSI, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const im = IMAGE_LINE.exec(line);
    if (
      im &&
      !line.startsWith('layer-') &&
      !line.startsWith('config-') &&
      !line.startsWith('manifest-') &&
      !line.startsWith('index-')
    ) {
      if (im[1] === 'resolved' && p.resolvedAt === null) p.resolvedAt = at;
      continue;
    }
    const m = REF_LINE.exec(line);
    if (m) {
      const kind = m[1] as LayerTiming['kind'];
      const digest = m[2] as string;
      const st = status(m[3] as string);
      let t = p.refs.get(digest);
      if (!t) {
        // in the first redraw the earliest start is one tick (0.1 s) before it, not ctr's own start-up
        const after = prevBlock > 0 ? prevBlock : Math.max(0, at - 0.1);
        t = {
          digest,
          kind,
          firstSeen: at,
          startedAt: null,
          doneAt: null,
          startedAfter: after,
          existed: false,
          totalBytes: null,
        };
        p.refs.set(digest, t);
      }
      if (m[5] && m[6]) t.totalBytes = Math.round(Number(m[5]) * (UNITS[m[6]] ?? 1));
      if (st === 'downloading' && t.startedAt === null) t.startedAt = at;
      if (st === 'done' && t.doneAt === null) t.doneAt = at;
      if (st === 'exists') {
        t.existed = true;
        if (t.doneAt === null) t.doneAt = at;
      }
      continue;
    }
    if (line.startsWith('unpacking ') && p.unpackStartedAt === null) {
      p.unpackStartedAt = at;
      continue;
    }
    const d = /^done:\s*(\S+)/.exec(line);
    if (d) {
      const ms = parseGoDuration(d[1] as string);
      p.unpackSeconds = ms === null ? null : ms / 1000;
    }
  }
  p.lastBlockAt = at;
}

/**
 * Seconds one layer took to fetch: from the earliest it can have started (the redraw before the one
 * that first showed it) to the redraw that showed it done. Null when it never finished or existed.
 */
export function layerFetchSeconds(t: LayerTiming): number | null {
  if (t.existed || t.doneAt === null) return null;
  return Math.max(0, t.doneAt - t.startedAfter);
}
