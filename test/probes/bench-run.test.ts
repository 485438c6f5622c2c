import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainIds, pullFromProgress } from '../../src/probes/bench-run.js';
import { feedProgress, newProgress } from '../../src/probes/bench-ctr-progress.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;
const row = (digest: string, st: string) => `layer-${digest}:    ${st}    |+++---|  1.0 MiB/2.0 MiB`;

describe('bench: a pull from ctr progress and the manifest', () => {
  it('computes OCI chain IDs', () => {
    const [a, b] = [d('a'), d('b')];
    expect(chainIds([a, b])).toEqual([a, `sha256:${createHash('sha256').update(`${a} ${b}`).digest('hex')}`]);
    expect(chainIds([])).toEqual([]);
  });

  it('gives per-layer fetch and unpack, waves of max_concurrent_downloads, and leaves held layers out', () => {
    const layers = [
      { digest: d('1'), size: 3e6, chainId: d('a') },
      { digest: d('2'), size: 2e6, chainId: d('b') },
      { digest: d('3'), size: 1e6, chainId: d('c') },
      { digest: d('4'), size: 1e6, chainId: d('e') },
    ];
    const p = newProgress();
    feedProgress(
      p,
      [
        'img:  resolved  |++|',
        row(d('1'), 'downloading'),
        row(d('2'), 'waiting'),
        row(d('3'), 'waiting'),
        row(d('4'), 'done'),
      ].join('\n'),
      0.2,
    );
    feedProgress(p, [row(d('1'), 'done'), row(d('2'), 'downloading'), row(d('3'), 'waiting')].join('\n'), 1.0);
    feedProgress(p, [row(d('2'), 'done'), row(d('3'), 'downloading')].join('\n'), 1.5);
    feedProgress(p, [row(d('3'), 'done'), 'unpacking linux/amd64 sha256:x...'].join('\n'), 2.0);
    feedProgress(p, 'done: 1.2s', 3.2);
    const commits = new Map([
      [d('a'), 2.5],
      [d('b'), 2.9],
      [d('c'), 3.0],
      [d('e'), 3.2],
    ]);
    const pull = pullFromProgress('cold', 3.4, p, layers, 1, new Set([d('4')]), commits);
    expect(pull.layers.map((l) => l.fetchMeasured)).toEqual(['containerd', 'containerd', 'containerd', undefined]);
    expect(pull.layers[0]!.fetchSeconds).toBeCloseTo(0.9, 5);
    expect(pull.layers[1]!.fetchSeconds).toBeCloseTo(1.4, 5); // waiting from the first redraw, done at 1.5
    expect(pull.layers[3]!.fetchSeconds).toBeNull();
    expect(pull.fetchSeconds).toBeCloseTo(1.9, 5);
    expect(pull.unpackSeconds).toBeCloseTo(1.2, 5);
    expect(pull.layers.map((l) => l.unpackSeconds)).toEqual([
      0.5,
      expect.closeTo(0.4, 5),
      expect.closeTo(0.1, 5),
      expect.closeTo(0.2, 5),
    ]);
    expect(pull.waves?.map((w) => w.layers)).toEqual([1, 1, 1]);
    expect(pull.resolveSeconds).toBeCloseTo(0.1, 5);
  });

  it('has no fetch time when containerd fetched nothing', () => {
    const p = newProgress();
    feedProgress(p, row(d('1'), 'exists'), 0.3);
    const pull = pullFromProgress('warm', 0.5, p, [{ digest: d('1'), size: 1 }], 3);
    expect(pull.fetchSeconds).toBeNull();
    expect(pull.waves).toEqual([]);
    expect(pull.layers[0]!.unpackSeconds).toBeNull();
  });
});
