// A task whose log does not show its start (an excerpt, a rotated file, a --since window) began its
// logged cost before its done line: Go logs "peer task done, cost" as the time since the task began
// (v2.1.49 client/daemon/peer/peertask_conductor.go:1389-1393). The real case is
// fixtures/real/dfdaemon-go-task-done-only (dragonfly#1592), where the thread shows the start as well.
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../src/report/timeline.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';
import { goTaskLines, hex64 } from './dfdaemon-loggen.js';

const fixture = (name: string) => new URL(`../../fixtures/real/${name}/`, import.meta.url).pathname;

describe("a task's start when its log shows only its end", () => {
  it('is its done line less its logged cost (dragonfly#1592: 111.7 s, not 1 ms)', async () => {
    const { files, manifest } = loadFixture(fixture('dfdaemon-go-task-done-only'));
    const f = await factsFrom(files, { manifest });
    const [task] = f.dfdaemon?.logs?.summary.tasks ?? [];
    const done = Date.UTC(2022, 7, 24, 13, 4, 53, 893);
    expect(task).toMatchObject({ costMs: 111_705, costFrom: 'logged', startMs: done - 111_705, endMs: done });
    // the thread's own "step 2" line of this task is at 13:03:02.190: 2 ms after the start found here
    expect(Date.UTC(2022, 7, 24, 13, 3, 2, 190) - (task?.startMs ?? 0)).toBe(2);
    expect(buildTimeline(f)?.tasks.map((b) => [b.startMs, b.endMs])).toEqual([[0, 111_705]]);
  });

  const t0 = Date.UTC(2024, 5, 21, 10, 0, 0);
  const task = {
    startMs: t0,
    peer: '10.0.0.5-1-a',
    task: hex64(3),
    url: `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(4)}`,
    size: 64e6,
    mode: 'p2p' as const,
    costMs: 30_000,
  };
  const log = (lines: string[]) => ({ 'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n` });

  it('stays where the log shows it begin', async () => {
    const f = await factsFrom(log(goTaskLines(task)));
    expect(f.dfdaemon?.logs?.summary.tasks[0]).toMatchObject({ startMs: t0, costMs: 30_000 });
  });

  it('goes back from a window that began after it', async () => {
    // --since 10 s after the task began, as the probe records it: its first lines fall out of the window
    const dfdaemon = { status: 'ok' as const, durationMs: 1, sinceCutoff: new Date(t0 + 10_000).toISOString() };
    const f = await factsFrom(log(goTaskLines(task)), { manifest: { probes: { dfdaemon } } });
    const [t] = f.dfdaemon?.logs?.summary.tasks ?? [];
    expect(t?.refs.register).toBeUndefined();
    expect(t?.startMs).toBe((t?.refs.done?.tsMs ?? 0) - 30_000);
  });
});
