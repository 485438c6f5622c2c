import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { feedProgress, layerFetchSeconds, newProgress } from '../../src/probes/bench-ctr-progress.js';

const L1 = `sha256:${'1'.repeat(64)}`;
const L2 = `sha256:${'2'.repeat(64)}`;
const block = (rows: [string, string, string][], tail = '') =>
  [
    '127.0.0.1:5000/lab/x:v1:                                                         resolved       |\u001b[32m++++++++++\u001b[0m| ',
    ...rows.map(
      ([kind, d, st]) => `${kind}-${d}:    ${st.padEnd(14)} |\u001b[32m+++\u001b[0m-------|  1.0 MiB/20.0 MiB `,
    ),
    'elapsed: 0.1 s                                                                    total:  1.4 Mi (6.9 MiB/s)',
    tail,
  ].join('\n');

describe('ctr pull progress', () => {
  it('times each layer from the redraw before it appeared to the redraw that shows it done', () => {
    const p = newProgress();
    feedProgress(
      p,
      block([
        ['layer', L1, 'downloading'],
        ['layer', L2, 'waiting'],
      ]),
      0.3,
    );
    feedProgress(
      p,
      block([
        ['layer', L1, 'downloading'],
        ['layer', L2, 'downloading'],
      ]),
      0.4,
    );
    feedProgress(
      p,
      block([
        ['layer', L1, 'done'],
        ['layer', L2, 'downloading'],
      ]),
      0.9,
    );
    feedProgress(
      p,
      block(
        [
          ['layer', L1, 'done'],
          ['layer', L2, 'done'],
        ],
        'unpacking linux/amd64 sha256:abc...',
      ),
      1.5,
    );
    feedProgress(p, 'done: 321.21188ms\t\n', 1.9);
    expect(p.resolvedAt).toBe(0.3);
    const t1 = p.refs.get(L1)!;
    const t2 = p.refs.get(L2)!;
    expect(t1.totalBytes).toBe(20 * 2 ** 20);
    // first seen in the first redraw: earliest start one tick (0.1 s) before it
    expect(layerFetchSeconds(t1)).toBeCloseTo(0.7, 5);
    expect(layerFetchSeconds(t2)).toBeCloseTo(1.3, 5);
    expect(p.unpackStartedAt).toBe(1.5);
    expect(p.unpackSeconds).toBeCloseTo(0.32121188, 8);
  });

  it('marks blobs containerd already held as existed, with no fetch time of their own', () => {
    const p = newProgress();
    feedProgress(
      p,
      block([
        ['layer', L1, 'exists'],
        ['layer', L2, 'done'],
      ]),
      0.2,
    );
    expect(p.refs.get(L1)!.existed).toBe(true);
    expect(layerFetchSeconds(p.refs.get(L1)!)).toBeNull();
    expect(layerFetchSeconds(p.refs.get(L2)!)).toBeCloseTo(0.1, 5);
  });

  it('ignores garbage and partial lines without throwing', () => {
    const p = newProgress();
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 100, noNaN: true }), (s, at) => {
        feedProgress(p, s, at);
      }),
    );
    expect([...p.refs.values()].every((t) => /^sha256:[0-9a-f]{64}$/.test(t.digest))).toBe(true);
  });
});
