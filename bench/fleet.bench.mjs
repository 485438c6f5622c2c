#!/usr/bin/env node
// `dfdoctor fleet summarize` at fleet scale, through the real CLI under its default 128 MiB heap cap:
// N report files (real reports of fixture bundles, one per node name, ~10–14 KB each), wall time
// alternating with bare `node -e 0` (median of DFDOCTOR_BENCH_RUNS, default 5) and the peak RSS.
// Goal: 10,000 reports in ≤ 5 s; 100,000 fit the cap (opt-in: 1.4 GB of files).
//   node bench/fleet.bench.mjs                                  # 10,000
//   DFDOCTOR_BENCH_FLEET=10000,100000 node bench/fleet.bench.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundle } from '../dist/bundle/open.js';
import { analyse } from '../dist/commands/analysis.js';
import { paired, row } from './paired.mjs';

const BIN = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SIZES = (process.env.DFDOCTOR_BENCH_FLEET ?? process.env.DFDOCTOR_BENCH_NODES ?? '10000').split(',').map(Number);
const runs = Math.max(5, Number(process.env.DFDOCTOR_BENCH_RUNS ?? 5));

const templates = [];
for (const s of ['cpu-saturated', 'healthy', 'seed-cache-hit-slow', 'disk-saturated', 'net-proxy-bypass']) {
  try {
    const b = await openBundle(join(FIX, s));
    templates.push(await analyse(b.reader, b, {}, { kind: 'live' }));
    await b.close();
  } catch {
    // a fixture another area removed or renamed: fewer templates, same benchmark
  }
}

for (const N of SIZES) {
  const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-bench-fleet-'));
  try {
    let bytes = 0;
    for (let i = 0; i < N; i++) {
      const r = templates[i % templates.length];
      const text = `${JSON.stringify({ ...r, host: { ...r.host, hostname: `node-${String(i).padStart(6, '0')}` } }, null, 2)}\n`;
      bytes += text.length;
      writeFileSync(join(dir, `node-${i}.json`), text);
    }
    const cmd = [process.execPath, BIN, 'fleet', 'summarize', dir, '--format', 'json'];
    // one run for the output and the peak RSS (GNU time: the largest process, the capped CLI)
    const withTime = existsSync('/usr/bin/time');
    const res = withTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
      : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
    if (res.status !== 0) {
      console.log(`fleet summarize of ${N} reports exited ${res.status}: ${res.stderr.slice(-1000)}`);
      row(
        `fleet summarize, ${N} reports`,
        `failed (exit ${res.status})`,
        N <= 10000 ? '≤ 5 s, 128 MiB heap' : 'fits the 128 MiB heap',
        false,
      );
      process.exitCode = 1;
      continue;
    }
    const rssMb = withTime ? Number(res.stderr.trim().split('\n').pop()) / 1024 : NaN;
    const s = JSON.parse(res.stdout);
    const t = paired(cmd, [process.execPath, '-e', '0'], { runs: N > 10000 ? 1 : runs });
    console.log(
      `fleet summarize: ${N} reports (${(bytes / 1e6).toFixed(0)} MB, ${(bytes / N / 1024).toFixed(1)} KiB each): ${(t.aMs / 1000).toFixed(2)} s median of ${t.runs} (${t.ratio.toFixed(1)} × node -e 0), peak RSS ${Number.isNaN(rssMb) ? '?' : rssMb.toFixed(0)} MB; ${s.nodes.total} nodes, ${s.causes.length} causes`,
    );
    if (N <= 10000)
      row(
        `fleet summarize, ${N} reports`,
        `${(t.aMs / 1000).toFixed(2)} s median, peak RSS ${rssMb.toFixed(0)} MB`,
        '≤ 5 s, 128 MiB heap',
        t.aMs <= 5000,
      );
    else
      row(
        `fleet summarize, ${N} reports`,
        `${(t.aMs / 1000).toFixed(2)} s, peak RSS ${rssMb.toFixed(0)} MB`,
        'fits the 128 MiB heap',
        true,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
