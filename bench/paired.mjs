// Side-by-side timing for the benchmarks: two commands run in turn (A B A B …, after one warm-up
// pair), so that the load of a busy machine falls on both alike, and the ratio is taken pair by pair.
import { spawnSync } from 'node:child_process';

/** Wall ms of one run of `cmd` (argv), its output discarded; throws when it exits with `failOn` codes. */
export function timeRun(cmd, opts = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t0;
  if (r.error) throw r.error;
  if (opts.okCodes && !opts.okCodes.includes(r.status))
    throw new Error(`${cmd.join(' ')} exited ${r.status}: ${String(r.stderr).slice(-500)}`);
  return ms;
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs A and B alternately `runs` times; medians of each and the median of the pairwise ratios A/B. */
export function paired(a, b, { runs = 5, okCodes = [0], env } = {}) {
  timeRun(a, { okCodes, env });
  timeRun(b);
  const as = [];
  const bs = [];
  const ratios = [];
  for (let i = 0; i < runs; i++) {
    const ta = timeRun(a, { okCodes, env });
    const tb = timeRun(b);
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { aMs: median(as), bMs: median(bs), ratio: median(ratios), runs };
}

/** One row of the summary table `npm run bench` prints at the end (scripts/run-bench.mjs collects them). */
export function row(what, figure, goal, met) {
  console.log(`ROW\t${what}\t${figure}\t${goal}\t${met ? 'met' : 'NOT met'}`);
}
