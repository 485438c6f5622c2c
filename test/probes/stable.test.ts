import { describe, expect, it } from 'vitest';
import { medianWatch, stableRate } from '../../src/probes/stable.js';

describe('stableRate', () => {
  it('repeats runs until the two best agree within 10 % and reports the best', async () => {
    const rates = [5, 20, 12, 19, 30];
    let i = 0;
    const r = await stableRate(async () => rates[i++] ?? null, 10_000, new AbortController().signal);
    expect(r).toEqual({ best: 20, runs: [5, 20, 12, 19], stable: true });
  });
  it('gives the best so far, marked unstable, when the budget runs out first', async () => {
    let n = 0;
    const r = await stableRate(
      async () => {
        await new Promise((res) => setTimeout(res, 20));
        return (n += 10) * 1;
      },
      50,
      new AbortController().signal,
    );
    expect(r.stable).toBe(false);
    expect(r.best).toBe(Math.max(...r.runs));
    expect(r.runs.length).toBeGreaterThanOrEqual(2);
  });
  it('stops after maxRuns, unstable, with the best of them', async () => {
    const rates = [10, 30, 50, 70];
    let i = 0;
    const r = await stableRate(async () => rates[i++] ?? null, 10_000, new AbortController().signal, 3);
    expect(r).toEqual({ best: 50, runs: [10, 30, 50], stable: false });
  });
});

describe('medianWatch', () => {
  const rule = { minSamples: 300, every: 100, within: 0.1 };
  const feed = (watch: (s: readonly number[]) => boolean, values: (i: number) => number, max: number) => {
    const samples: number[] = [];
    for (let i = 0; i < max; i++) {
      samples.push(values(i));
      if (watch(samples)) return samples.length;
    }
    return null;
  };

  it('settles at the minimum when the median holds still', () => {
    expect(feed(medianWatch(rule), (i) => 0.05 + (i % 7) * 0.001, 2000)).toBe(300);
  });

  it('goes on while the median drifts, and settles once it holds', () => {
    // RTTs that halve over the first 400 samples (a CPU that frees up), then stay put
    const n = feed(medianWatch(rule), (i) => (i < 400 ? 0.09 - i * 0.0001125 : 0.045) + (i % 5) * 0.0001, 2000);
    expect(n).not.toBeNull();
    expect(n).toBeGreaterThan(400);
  });

  it('never settles on a median that keeps moving', () => {
    expect(feed(medianWatch(rule), (i) => 0.01 * (1 + i / 50), 2000)).toBeNull();
  });

  it('does not count a slow tail: only the median must hold', () => {
    // one sample in 50 waits for a retransmission; the p99 is then ~200 ms, the median stays at 50 µs
    expect(feed(medianWatch(rule), (i) => (i % 50 === 49 ? 200 : 0.05), 2000)).toBe(300);
  });
});
