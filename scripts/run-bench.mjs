#!/usr/bin/env node
// Runs every benchmark in bench/ (each a standalone script that prints its figures), one at a time.
// `npm run bench -- disk` runs only the benchmarks whose file name contains "disk".
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const filter = process.argv[2];
const files = readdirSync('bench')
  .filter((f) => /\.bench\.(mjs|ts)$/.test(f))
  .filter((f) => !filter || f.includes(filter))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== bench/${f} ===`);
  const r = spawnSync(f.endsWith('.ts') ? 'npx' : process.execPath, f.endsWith('.ts') ? ['tsx', `bench/${f}`] : [`bench/${f}`], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    console.log(`bench/${f} exited ${r.status}`);
  }
}
console.log(`\n${files.length} benchmarks run, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
