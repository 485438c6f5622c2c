#!/usr/bin/env node
// Runs the unit tests (parallel), then the fault lab (serial), and prints one plain closing line
// "N passed, N failed, N skipped" over both, so that any CI reads the result the same way.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const extra = process.argv.slice(2);
mkdirSync('.vitest-results', { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let failedRun = false;
for (const project of ['unit', 'lab']) {
  const out = `.vitest-results/${project}.json`;
  const r = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--project',
      project,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${out}`,
      '--passWithNoTests',
      ...extra,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) failedRun = true;
  try {
    const j = JSON.parse(readFileSync(out, 'utf8'));
    totals.passed += j.numPassedTests ?? 0;
    totals.failed += j.numFailedTests ?? 0;
    totals.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  } catch {
    failedRun = true;
    totals.failed += 1;
  }
}
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedRun || totals.failed > 0 || totals.passed === 0 ? 1 : 0);
