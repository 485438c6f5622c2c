#!/usr/bin/env node
// Runs every benchmark in bench/ (each a standalone script that prints its figures), one at a time,
// then prints the rows of the speed goals (issue "Fast") that the benchmarks reported, each measured
// side by side with its yardstick in the same run.
// `npm run bench -- disk` runs only the benchmarks whose file name contains "disk".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const filter = process.argv[2];
const files = readdirSync('bench')
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !filter || f.includes(filter))
  .sort();

/**
 * The goal table, in the order. A benchmark reports a row by printing
 * `ROW\t<what>\t<figure>\t<goal>\t<met|NOT met>` (bench/paired.mjs `row()`); the rows are matched to
 * their place here by the benchmark file that printed them.
 */
const TABLE = [
  {
    from: 'startup.bench.mjs',
    rows: [
      'node bin/dfdoctor.js --version',
      'analyze fixtures/seed-cache-hit-slow --format json',
      'diagnose, all probes, this machine',
    ],
  },
  // dfdaemon log rows (`diagnose --probes dfdaemon --since 1h` vs `grep -c`, full scans vs `grep -c`, peak
  // RSS): printed by bench/dfdaemon-logs.bench.ts as ROW lines, which land here.
  { from: 'dfdaemon-logs.bench.ts', rows: [] },
  { from: 'fleet.bench.mjs', rows: [] },
];

const reported = new Map();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const r = spawnSync(
    f.endsWith('.ts') ? 'npx' : process.execPath,
    f.endsWith('.ts') ? ['tsx', `bench/${f}`] : [`bench/${f}`],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const rows = [];
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('ROW\t')) {
      const [, what, figure, goal, met] = line.split('\t');
      rows.push({ what, figure, goal, met });
    } else if (line !== '') console.log(line);
  }
  reported.set(f, rows);
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${f} exited ${r.status}`);
  }
}
console.log(`\n${files.length} benchmarks run, ${failed} failed`);

const lines = [];
for (const { from, rows } of TABLE) {
  const got = reported.get(from);
  if (!got) continue;
  for (const r of got) lines.push(r);
  for (const what of rows)
    if (!got.some((r) => r.what === what)) lines.push({ what, figure: '(not measured)', goal: '', met: '' });
}
for (const [from, got] of reported) if (!TABLE.some((t) => t.from === from)) lines.push(...got);
if (lines.length > 0) {
  console.log('\n| what | measured (same run, under the load of the moment) | goal | |\n|---|---|---|---|');
  for (const r of lines) console.log(`| ${r.what} | ${r.figure} | ${r.goal} | ${r.met} |`);
}
process.exit(failed > 0 ? 1 : 0);
