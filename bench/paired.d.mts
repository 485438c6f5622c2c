// Types of paired.mjs for the TypeScript benchmarks that import it.
/** One row of the summary table `npm run bench` prints at the end (scripts/run-bench.mjs collects them). */
export function row(what: string, figure: string, goal: string, met: boolean): void;
