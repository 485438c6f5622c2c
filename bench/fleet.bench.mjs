#!/usr/bin/env node
// `dfdoctor fleet summarize` at fleet scale, through the real CLI under its default 128 MiB heap cap:
// N report files (real reports of fixture bundles, one per node name, ~10–14 KB each), wall time
// alternating with bare `node -e 0` (median of DFDOCTOR_BENCH_RUNS, default 5) and the peak RSS.
// Goal: 10,000 reports in ≤ 5 s; 100,000 (1.5 GB of files, about a minute to write and read once)
// complete under the cap, which a run exiting 0 shows: past the cap, V8 aborts the process.
//   node bench/fleet.bench.mjs                                  # 10,000 and 100,000
//   DFDOCTOR_BENCH_FLEET=10000 node bench/fleet.bench.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundle } from '../dist/bundle/open.js';
import { reportOrigin } from '../dist/commands/analysis.js';
import { analyse } from '../dist/pipeline.js';
import { paired, row, timeRun } from './paired.mjs';

const BIN = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SIZES = (process.env.DFDOCTOR_BENCH_FLEET ?? process.env.DFDOCTOR_BENCH_NODES ?? '10000,100000')
  .split(',')
  .map(Number);
const runs = Math.max(5, Number(process.env.DFDOCTOR_BENCH_RUNS ?? 5));

const templates = [];
for (const s of ['cpu-saturated', 'healthy', 'seed-cache-hit-slow', 'disk-saturated', 'net-proxy-bypass']) {
  try {
    const b = await openBundle(join(FIX, s));
    templates.push(await analyse(b.reader, b, {}, reportOrigin({ kind: 'live' })));
    await b.close();
  } catch (e) {
    // a fixture another area removed or renamed: fewer templates, same benchmark
    console.log(`fixture ${s} left out: ${e.message}`);
  }
}
if (templates.length === 0) throw new Error('no fixture could be analysed: no reports to summarise');

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
      ? spawnSync('/usr/bin/time', ['-f', '%e %M', ...cmd], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 })
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
    const [wallS, rssKb] = withTime ? res.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN];
    const rssMb = rssKb / 1024;
    const s = JSON.parse(res.stdout);
    if (s.nodes.total !== N) throw new Error(`summary counts ${s.nodes.total} nodes of ${N}`);
    const what = `${N} reports (${(bytes / 1e6).toFixed(0)} MB, ${(bytes / N / 1024).toFixed(1)} KiB each)`;
    const rss = `peak RSS ${Number.isNaN(rssMb) ? '?' : rssMb.toFixed(0)} MB`;
    if (N <= 10000) {
      const t = paired(cmd, [process.execPath, '-e', '0'], { runs });
      console.log(
        `fleet summarize: ${what}: ${(t.aMs / 1000).toFixed(2)} s median of ${t.runs} (${t.ratio.toFixed(1)} × node -e 0), ${rss}; ${s.nodes.total} nodes, ${s.causes.length} causes`,
      );
      row(
        `fleet summarize, ${N} reports`,
        `${(t.aMs / 1000).toFixed(2)} s median, ${rss}`,
        '≤ 5 s, 128 MiB heap',
        t.aMs <= 5000,
      );
    } else {
      // one run is most of a minute: the run above is the timed one, no pairs
      const ms = withTime ? wallS * 1000 : timeRun(cmd, { okCodes: [0] });
      console.log(`fleet summarize: ${what}: ${(ms / 1000).toFixed(1)} s (one run), ${rss}; ${s.nodes.total} nodes`);
      row(
        `fleet summarize, ${N} reports`,
        `${(ms / 1000).toFixed(1)} s, exit 0 under the cap, ${rss}`,
        'fits the 128 MiB heap',
        true,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
