#!/usr/bin/env node
// Start-up and diagnose, each against bare `node -e 0` in the same run (alternating, median of
// DFDOCTOR_BENCH_RUNS, default 5): the rows of the "fast" goals.
//   node bench/startup.bench.mjs            # --version, analyze, rules, diagnose
//   DFDOCTOR_BENCH_SKIP_DIAGNOSE=1 node bench/startup.bench.mjs
import { fileURLToPath } from 'node:url';
import { paired, row } from './paired.mjs';

const BIN = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/seed-cache-hit-slow', import.meta.url));
const runs = Math.max(5, Number(process.env.DFDOCTOR_BENCH_RUNS ?? 5));
const node = [process.execPath, '-e', '0'];
const fmt = (ms) => `${ms.toFixed(0)} ms`;

const v = paired([process.execPath, BIN, '--version'], node, { runs });
console.log(`--version: ${fmt(v.aMs)} vs node -e 0 ${fmt(v.bMs)}: ${v.ratio.toFixed(2)} × (median of ${runs} pairs)`);
row(
  'node bin/dfdoctor.js --version',
  `${v.ratio.toFixed(2)} × bare node (${fmt(v.aMs)} / ${fmt(v.bMs)})`,
  '≤ 1.5 ×',
  v.ratio <= 1.5,
);

// exit 1 = diagnoses at or above --fail-on: the fixture has them
const a = paired([process.execPath, BIN, 'analyze', FIXTURE, '--format', 'json'], node, { runs, okCodes: [0, 1] });
console.log(`analyze: ${fmt(a.aMs)} vs node -e 0 ${fmt(a.bMs)}: ${a.ratio.toFixed(2)} ×`);
row(
  'analyze fixtures/seed-cache-hit-slow --format json',
  `${a.ratio.toFixed(2)} × bare node (${fmt(a.aMs)} / ${fmt(a.bMs)})`,
  '≤ 3 ×',
  a.ratio <= 3,
);

// the rule catalogue as the table an SRE reads: its prose is wrapped into 36 rows
const r = paired([process.execPath, BIN, 'rules'], node, { runs });
console.log(`rules: ${fmt(r.aMs)} vs node -e 0 ${fmt(r.bMs)}: ${r.ratio.toFixed(2)} ×`);
row('rules (the table)', `${r.ratio.toFixed(2)} × bare node (${fmt(r.aMs)} / ${fmt(r.bMs)})`, '≤ 3 ×', r.ratio <= 3);

if (!process.env.DFDOCTOR_BENCH_SKIP_DIAGNOSE) {
  const d = paired([process.execPath, BIN, 'diagnose', '--format', 'json'], node, { runs, okCodes: [0, 1] });
  console.log(`diagnose: ${fmt(d.aMs)} vs node -e 0 ${fmt(d.bMs)}: ${d.ratio.toFixed(1)} ×`);
  row(
    'diagnose, all probes, this machine',
    `${(d.aMs / 1000).toFixed(2)} s median (${d.ratio.toFixed(1)} × bare node)`,
    '≤ 3 s',
    d.aMs <= 3000,
  );
}
