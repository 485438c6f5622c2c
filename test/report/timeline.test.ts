// The markdown report draws the pull in question as a Mermaid gantt: from bench's per-layer phases,
// else from dfdaemon's task timeline in its logs.
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

function gantt(md: string): string[] {
  const m = /^```mermaid\n([\s\S]*?)^```$/m.exec(md);
  return m ? (m[1] as string).trimEnd().split('\n') : [];
}

describe('pull timeline (Mermaid gantt)', () => {
  it('seed: dfdaemon tasks of the last pull, in start order, showing the waves of 3', async () => {
    const r = await fixtureReport('seed-cache-hit-slow', 'node-seed', '2026-11-25T00:00:00Z');
    expect(r.timeline?.source).toBe('dfdaemon-logs');
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

  it('no timeline without bench or dfdaemon logs', async () => {
    const r = await fixtureReport('cpu-saturated', 'n', '2026-11-25T00:00:00Z');
    expect(r.timeline).toBeUndefined();
    expect(renderMarkdown(r)).not.toContain('```mermaid');
  });
});
