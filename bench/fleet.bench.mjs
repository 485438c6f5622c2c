#!/usr/bin/env node
// `dfdoctor fleet summarize` over a thousand nodes: wall time and peak RSS of the real CLI reading
// N report files (each a real report of a fixture bundle, renamed per node).
// Target: 1000 reports in ≤ 10 s and ≤ 512 MB RSS.
//   DFDOCTOR_BENCH_NODES=1000 node bench/fleet.bench.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBundle } from '../dist/bundle/open.js';
import { analyse } from '../dist/commands/analysis.js';

const BIN = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const FIX = fileURLToPath(new URL('../fixtures/', import.meta.url));
const N = Number(process.env.DFDOCTOR_BENCH_NODES ?? 1000);
const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-bench-fleet-'));
try {
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
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const r = templates[i % templates.length];
    const text = JSON.stringify({ ...r, host: { ...r.host, hostname: `node-${String(i).padStart(5, '0')}` } });
    bytes += text.length;
    writeFileSync(join(dir, `node-${i}.json`), text);
  }
  const t0 = performance.now();
  // GNU time gives the peak RSS; without it, only the wall time is reported
  const withTime = existsSync('/usr/bin/time');
  const cmd = [process.execPath, BIN, 'fleet', 'summarize', dir, '--format', 'json'];
  const res = withTime
    ? spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (res.status !== 0) throw new Error(`fleet summarize exited ${res.status}: ${res.stderr}`);
  const rssKb = withTime ? Number(res.stderr.trim().split('\n').pop()) : NaN;
  const s = JSON.parse(res.stdout);
  console.log(`fleet summarize: ${N} reports (${(bytes / 1e6).toFixed(1)} MB) in ${(ms / 1000).toFixed(2)} s, peak RSS ${Number.isNaN(rssKb) ? '?' : (rssKb / 1024).toFixed(0)} MB; ${s.causes.length} causes, ${s.nodes.withFindings} nodes with findings`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
