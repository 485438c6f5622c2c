// The pull in question as a timeline, for the markdown report's Mermaid gantt: per-layer phases from
// `dfdoctor bench`, else dfdaemon's task timeline from its logs. Pure: built from the Facts.
import type { BenchPull } from '../bundle/measurements.js';
import type { Facts } from '../facts/types.js';
import { lastPull } from '../facts/dfdaemon-pulls.js';
import { slowestPull } from './bench-budget.js';
import type { Timeline } from './model.js';

const short = (d: string | undefined) => (d ?? '').replace(/^sha256:/, '').slice(0, 12);
const mb = (b: number | undefined) => (b === undefined ? '' : ` ${(b / 1e6).toFixed(1)} MB`);

/**
 * Bars a dfdaemon timeline draws at most. An image has a few dozen layers; a node that pulls without a
 * minute's pause makes one "pull" of thousands of tasks, whose gantt would not paste into an issue
 * (GitHub takes 65,536 characters a comment) nor read as a picture.
 */
export const TIMELINE_MAX_TASKS = 40;

export function buildTimeline(f: Facts): Timeline | undefined {
  const bench = f.measurements.bench;
  const pull = bench ? slowestPull(bench) : null;
  if (bench && pull) return benchTimeline(bench.image, pull);
  const last = lastPull(f.dfdaemon?.logs?.pulls);
  const tasks = (last?.tasks ?? []).filter((t) => t.startMs !== null);
  if (tasks.length === 0) return undefined;
  const t0 = Math.min(...tasks.map((t) => t.startMs as number));
  const bars = tasks.map((t) => {
    const start = (t.startMs as number) - t0;
    const end = t.endMs !== null ? t.endMs - t0 : t.costMs !== null ? start + t.costMs : start;
    return {
      section: t.servedBy,
      label: `${short(t.digest) || (t.taskId ?? t.key).slice(0, 12)}${mb(t.contentLength)}`,
      startMs: start,
      endMs: Math.max(start, end),
    };
  });
  const kept = longest(bars, TIMELINE_MAX_TASKS);
  const omitted = bars.length - kept.length;
  return {
    source: 'dfdaemon-logs',
    title: `${omitted > 0 ? `the ${kept.length} longest of the ${bars.length} ` : ''}dfdaemon tasks of the last pull${last?.repository ? ` of ${last.repository}` : ''} (from its log), ms from the first request`,
    tasks: kept,
    ...(omitted > 0 ? { omitted } : {}),
  };
}

/**
 * The `max` longest bars in their own order, the first to start and the last to end among them, so that
 * the picture still spans the whole pull.
 */
function longest<T extends { startMs: number; endMs: number }>(bars: T[], max: number): T[] {
  if (bars.length <= max) return bars;
  const first = bars.reduce((a, b, i) => (b.startMs < (bars[a] as T).startMs ? i : a), 0);
  const last = bars.reduce((a, b, i) => (b.endMs > (bars[a] as T).endMs ? i : a), 0);
  const keep = new Set([first, last]);
  const byLength = bars
    .map((_, i) => i)
    .sort((a, b) => {
      const [x, y] = [bars[a] as T, bars[b] as T];
      return y.endMs - y.startMs - (x.endMs - x.startMs) || a - b;
    });
  for (const i of byLength) {
    if (keep.size >= max) break;
    keep.add(i);
  }
  return bars.filter((_, i) => keep.has(i));
}

/**
 * bench times each layer's fetch and unpack but not when each started: layers are laid out in
 * containerd's waves (groups of max_concurrent_downloads, in start order) after the resolve, and
 * unpack follows the fetch, as containerd does for a pull.
 */
function benchTimeline(image: string, p: BenchPull): Timeline {
  const tasks: Timeline['tasks'] = [];
  const resolveMs = (p.resolveSeconds ?? 0) * 1000;
  if (resolveMs > 0) tasks.push({ section: 'resolve', label: 'manifest', startMs: 0, endMs: resolveMs });
  const sizes = p.waves?.map((w) => w.layers) ?? [p.layers.length];
  let i = 0;
  let waveStart = resolveMs;
  for (const size of sizes) {
    let waveEnd = waveStart;
    for (const l of p.layers.slice(i, i + size)) {
      const end = waveStart + (l.fetchSeconds ?? 0) * 1000;
      tasks.push({ section: 'fetch', label: `${short(l.digest)}${mb(l.bytes)}`, startMs: waveStart, endMs: end });
      waveEnd = Math.max(waveEnd, end);
    }
    i += size;
    waveStart = waveEnd;
  }
  let at = waveStart;
  for (const l of p.layers) {
    if (l.unpackSeconds === null) continue;
    tasks.push({ section: 'unpack', label: `${short(l.digest)}`, startMs: at, endMs: at + l.unpackSeconds * 1000 });
    at += l.unpackSeconds * 1000;
  }
  return { source: 'bench', title: `${p.kind} pull of ${image} (dfdoctor bench), ms from its start`, tasks };
}

/** A Mermaid gantt (GitHub renders it in issues and PRs); times are ms from the pull's start. */
export function mermaidGantt(t: Timeline): string[] {
  // Mermaid task lines use ":" and "," as separators and "#" starts a comment
  const clean = (s: string) => s.replace(/[:;,#]/g, ' ');
  const span = Math.max(0, ...t.tasks.map((x) => x.endMs));
  const out = [
    '```mermaid',
    'gantt',
    `  title ${clean(t.title)}`,
    '  dateFormat x',
    `  axisFormat ${span >= 60_000 ? '%M m %S s' : '%S.%L s'}`,
  ];
  let section = '';
  t.tasks.forEach((x, i) => {
    if (x.section !== section) {
      section = x.section;
      out.push(`  section ${clean(section)}`);
    }
    // a task that took under a millisecond still needs a visible bar
    out.push(
      `  ${clean(x.label)} :t${i}, ${Math.round(x.startMs)}, ${Math.max(Math.round(x.endMs), Math.round(x.startMs) + 1)}`,
    );
  });
  out.push('```');
  return out;
}
