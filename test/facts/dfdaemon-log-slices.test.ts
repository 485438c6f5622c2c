import { describe, expect, it } from 'vitest';
import { nodeLine, parseSliceMap } from '../../src/facts/dfdaemon-log-slices.js';
import { quote } from '../../src/rules/dfdaemon/text.js';
import { factsFrom } from '../helpers/bundle.js';
import { goTaskLines, hex64 } from './dfdaemon-loggen.js';

describe('slice maps', () => {
  const map = {
    source: '/var/log/dragonfly/daemon/core.log',
    runs: [
      [1, 100, 3],
      [4, 5000, 1],
      [5, 9000, 10],
    ] as [number, number, number][],
  };
  it('maps bundled lines to node lines, and nothing outside', () => {
    expect([1, 3, 4, 5, 14].map((n) => nodeLine(map, n))).toEqual([100, 102, 5000, 9000, 9009]);
    expect(nodeLine(map, 15)).toBeUndefined();
    expect(nodeLine(map, 0)).toBeUndefined();
  });
  it('refuses maps with gaps, overlaps, non-integers or no source', () => {
    const withRuns = (runs: number[][]) => parseSliceMap(JSON.stringify({ ...map, runs }));
    expect(parseSliceMap(JSON.stringify(map))).toEqual(map);
    // bundled lines 1-3, then 5: line 4 is missing
    expect(
      withRuns([
        [1, 100, 3],
        [5, 5000, 1],
      ]),
    ).toBeNull();
    // bundled line 3 twice
    expect(
      withRuns([
        [1, 100, 3],
        [3, 5000, 1],
      ]),
    ).toBeNull();
    expect(withRuns([[1, 1.5, 3]])).toBeNull();
    expect(parseSliceMap(JSON.stringify({ runs: [] }))).toBeNull();
    expect(parseSliceMap('{')).toBeNull();
    expect(parseSliceMap(JSON.stringify({ ...map, fromByte: -1 }))).toBeNull();
    expect(parseSliceMap(JSON.stringify({ ...map, fromByte: '12' }))).toBeNull();
  });
  it('names no node line for a window that starts at a byte offset (nothing before it was read)', () => {
    const w = parseSliceMap(
      JSON.stringify({ source: '/var/log/dragonfly/daemon/core.log', fromByte: 380_626_279, runs: [] }),
    );
    expect(w).toEqual({ source: '/var/log/dragonfly/daemon/core.log', fromByte: 380_626_279, runs: [] });
    expect(nodeLine(w as NonNullable<typeof w>, 1)).toBeUndefined();
  });
});

describe('evidence from a sliced log names the node line too', () => {
  it('quotes "file:line (node line N)" and a broken map is a located problem', async () => {
    const lines = goTaskLines({
      startMs: Date.parse('2026-11-25T09:00:00Z'),
      peer: 'p-1',
      task: hex64(1),
      url: `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(2)}`,
      size: 5e8,
      mode: 'p2p',
      costMs: 31_000,
    });
    const files = {
      'raw/dfdaemon/generation.txt': 'go\n',
      'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n`,
      // these lines were node lines 70001… of a log too large for the bundle
      'raw/dfdaemon/log-slices/core.log.json': JSON.stringify({
        source: '/var/log/dragonfly/daemon/core.log',
        runs: [[1, 70_001, lines.length]],
      }),
    };
    const f = await factsFrom(files);
    const task = f.dfdaemon?.logs?.summary.tasks[0];
    expect(task?.first.line).toBe(1);
    expect(task?.first.nodeLine).toBe(70_001);
    expect(quote(task?.first as NonNullable<typeof task>['first'])).toMatch(
      /^raw\/dfdaemon\/logs\/core\.log:1 \(node line 70001\): "start download with url: /,
    );
    const bad = await factsFrom({ ...files, 'raw/dfdaemon/log-slices/core.log.json': '{"source": 1}' });
    expect(bad.problems).toContainEqual(expect.objectContaining({ file: 'raw/dfdaemon/log-slices/core.log.json' }));
    expect(bad.dfdaemon?.logs?.summary.tasks[0]?.first.nodeLine).toBeUndefined();
  });
});
