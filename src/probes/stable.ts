// When a measurement may stop: as soon as its figure is stable, not when its time budget is spent.
// The budgets stay as the bound for a figure that never settles (a busy or lossy node).

/** Two runs within this fraction of each other make a rate stable. */
const STABLE_WITHIN = 0.1;

/**
 * The best rate of short runs, repeated until the two best agree within STABLE_WITHIN, `maxRuns` runs
 * were made or the budget is spent. Best-of, not mean: other work on the CPU only ever slows a run
 * down, so the fastest runs are the closest to what the machine itself can do.
 */
export async function stableRate(
  run: () => Promise<number | null>,
  budgetMs: number,
  signal: AbortSignal,
  maxRuns = Infinity,
): Promise<{ best: number | null; runs: number[]; stable: boolean }> {
  const runs: number[] = [];
  const t0 = performance.now();
  for (let n = 0; n < maxRuns && !signal.aborted && (runs.length < 2 || performance.now() - t0 < budgetMs); n++) {
    const r = await run();
    if (r !== null) runs.push(r);
    const [a, b] = [...runs].sort((x, y) => y - x);
    if (a !== undefined && b !== undefined && a > 0 && (a - b) / a <= STABLE_WITHIN)
      return { best: a, runs, stable: true };
    if (performance.now() - t0 >= budgetMs) break;
  }
  return { best: runs.length > 0 ? Math.max(...runs) : null, runs, stable: false };
}

/**
 * When a growing set of latency samples has a stable median: at least `minSamples`, and the median of
 * the last `every` samples within `within` (relative) of the median of them all — the recent samples
 * tell the same as the whole run, so more would not move the figure. A drifting median (a CPU that
 * frees up or fills) keeps the phase going. `minSamples` keeps the tail figure (p99) meaningful: with
 * 300 samples it is the third slowest.
 */
export interface SettleRule {
  minSamples: number;
  every: number;
  within: number;
}

function median(xs: readonly number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

export function medianWatch(rule: SettleRule): (samples: readonly number[]) => boolean {
  let checkedAt = 0;
  return (samples) => {
    const n = samples.length;
    if (n < rule.minSamples || n - checkedAt < rule.every) return false;
    checkedAt = n;
    const all = median(samples);
    return Math.abs(median(samples.slice(n - rule.every)) - all) <= rule.within * all;
  };
}
