// The markdown report draws the pull in question as a Mermaid gantt: from bench's per-layer phases,
// else from dfdaemon's task timeline in its logs.
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/facts/types.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { buildTimeline, TIMELINE_MAX_TASKS } from '../../src/report/timeline.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

function gantt(md: string): string[] {
  const m = /^```mermaid\n([\s\S]*?)^```$/m.exec(md);
  return m ? (m[1] as string).trimEnd().split('\n') : [];
}

describe('pull timeline (Mermaid gantt)', () => {
  it('seed: dfdaemon tasks of the last pull, in start order, showing the waves of 3', async () => {
    const r = await fixtureReport('seed-cache-hit-slow', 'node-seed', '2026-11-25T00:00:00Z');
    expect(r.timeline?.source).toBe('dfdaemon-logs');
    // the image the pull fetched, so a reader can tell it is the pull in question
    expect(r.timeline?.title).toBe(
      'dfdaemon tasks of the last pull of index.docker.io/library/team/app (from its log), ms from the first request',
    );
    const g = gantt(renderMarkdown(r));
    expect(g[0]).toBe('gantt');
    expect(g).toContain('  dateFormat x');
    const tasks = g.filter((l) => /:t\d+, \d+, \d+$/.test(l));
    expect(tasks).toHaveLength(6);
    const starts = tasks.map((l) => Number(/, (\d+), \d+$/.exec(l)?.[1]));
    // 3 layers requested together at ~70 ms, the 4th only at ~990 ms: max_concurrent_downloads 3
    expect(starts.filter((s) => s >= 60 && s <= 80)).toHaveLength(3);
    expect(starts).toContain(990);
    for (const l of tasks) expect(l.replace(/ :t\d+.*$/, '')).not.toMatch(/[:#;]/);
  });

  it('bench: resolve, per-layer fetch in waves, then unpack', async () => {
    const r = await fixtureReport('bench-disk-throttled', 'node-b', '2026-11-25T00:00:00Z');
    expect(r.timeline?.source).toBe('bench');
    const g = gantt(renderMarkdown(r));
    expect(g).toEqual(expect.arrayContaining(['  section fetch', '  section unpack']));
    const fetches = r.timeline?.tasks.filter((t) => t.section === 'fetch') ?? [];
    const pull = r.measurements.bench?.pulls.reduce((a, b) => (b.wallSeconds >= a.wallSeconds ? b : a));
    expect(fetches).toHaveLength(pull?.layers.length ?? -1);
  });

  it('a "pull" of thousands of tasks (a node that never pauses a minute) draws the longest, spanning the pull', async () => {
    // 1,000 tasks 1 s apart; every 7th one slow; the last one short, but the last to end
    const tasks = Array.from({ length: 1000 }, (_, i) => ({
      key: `p${i}`,
      digest: `sha256:${i.toString(16).padStart(64, '0')}`,
      startMs: 1_000_000 + i * 1000,
      endMs: 1_000_000 + i * 1000 + (i % 7 === 0 ? 5000 + i : i === 999 ? 1500 : 100),
      costMs: null,
      servedBy: 'local',
    }));
    const facts = { measurements: {}, dfdaemon: { logs: { pulls: [{ tasks }] } } } as unknown as Facts;
    const t = buildTimeline(facts);
    expect(t?.tasks).toHaveLength(TIMELINE_MAX_TASKS);
    expect(t?.omitted).toBe(1000 - TIMELINE_MAX_TASKS);
    // the first to start and the last to end, so the picture spans the pull, and the 38 longest between
    // (the latest of every 7th, 994 back to 735), in start order
    const longest = Array.from({ length: TIMELINE_MAX_TASKS - 2 }, (_, k) => 994 - 7 * k);
    expect(t?.tasks.map((x) => x.startMs / 1000)).toEqual([0, ...longest.reverse(), 999]);
    expect(Math.max(...(t?.tasks.map((x) => x.endMs) ?? []))).toBe(999_000 + 1500);
    expect(t?.title).toContain(`the ${TIMELINE_MAX_TASKS} longest of the 1000 dfdaemon tasks`);
    // a pull of a few dozen layers is drawn whole
    const few = {
      measurements: {},
      dfdaemon: { logs: { pulls: [{ tasks: tasks.slice(0, 12) }] } },
    } as unknown as Facts;
    expect(buildTimeline(few)?.tasks).toHaveLength(12);
    expect(buildTimeline(few)?.omitted).toBeUndefined();
  });

  it('no timeline without bench or dfdaemon logs', async () => {
    const r = await fixtureReport('cpu-saturated', 'n', '2026-11-25T00:00:00Z');
    expect(r.timeline).toBeUndefined();
    expect(renderMarkdown(r)).not.toContain('```mermaid');
  });
});
