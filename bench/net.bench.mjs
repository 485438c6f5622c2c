#!/usr/bin/env node
// Loopback baseline of the `loopback` probe next to independent tools measured in the same run:
// sockperf ping-pong (TCP, --full-rtt) for request/response RTT, iperf3 for single-stream TCP
// throughput. Each pair runs twice, interleaved, so that load from other work on the node hits both
// alike. Needs `npm run build` first (npm run bench does it). Prints figures; asserts nothing.
import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  bulkThroughput,
  freshConnRtt,
  keepAliveRtt,
  quantile,
  startBaselineServer,
} from '../dist/probes/net-measure.js';

const ROUNDS = 2;
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const port = () => 20000 + Math.floor(Math.random() * 20000);

async function ours() {
  const srv = await startBaselineServer();
  try {
    // the probe's own bounds: ≤ 2000 kept-alive samples in ≤ 1.5 s, ≤ 500 fresh ones, best of two ≤ 64 MiB transfers
    const keep = await keepAliveRtt(srv.port, { maxSamples: 2000, budgetMs: 1500 });
    const fresh = await freshConnRtt(srv.port, { maxSamples: 500, budgetMs: 1500 });
    await bulkThroughput(srv.port, { maxBytes: 4 << 20, budgetMs: 200 });
    const a = await bulkThroughput(srv.port, { maxBytes: 64 << 20, budgetMs: 500 });
    const b = await bulkThroughput(srv.port, { maxBytes: 64 << 20, budgetMs: 500 });
    const unix = srv.unixPath ? await bulkThroughput(srv.unixPath, { maxBytes: 64 << 20, budgetMs: 500 }) : null;
    const ks = [...keep.samples].sort((x, y) => x - y);
    const fs = [...fresh.samples].sort((x, y) => x - y);
    return {
      rttP50Us: quantile(ks, 0.5) * 1000,
      rttP99Us: quantile(ks, 0.99) * 1000,
      samples: ks.length,
      freshP50Us: quantile(fs, 0.5) * 1000,
      freshP99Us: quantile(fs, 0.99) * 1000,
      MBps: Math.max(a.MBps, b.MBps),
      unixMBps: unix?.MBps ?? null,
    };
  } finally {
    await srv.stop();
  }
}

async function sockperf() {
  if (!has('sockperf')) return null;
  const p = port();
  const server = spawn('sockperf', ['server', '-i', '127.0.0.1', '-p', String(p), '--tcp'], { stdio: 'ignore' });
  try {
    await sleep(400);
    const r = spawnSync(
      'sockperf',
      ['ping-pong', '-i', '127.0.0.1', '-p', String(p), '--tcp', '--full-rtt', '-t', '2'],
      { encoding: 'utf8', timeout: 15000 },
    );
    const out = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
    const pct = (q) => Number(new RegExp(`percentile ${q.replace('.', '\\.')} =\\s*([\\d.]+)`).exec(out)?.[1]);
    return { rttP50Us: pct('50.000'), rttP99Us: pct('99.000') };
  } finally {
    server.kill('SIGKILL');
  }
}

async function iperf3() {
  if (!has('iperf3')) return null;
  const p = port();
  const server = spawn('iperf3', ['-s', '-1', '-p', String(p)], { stdio: 'ignore' });
  try {
    await sleep(400);
    const r = spawnSync('iperf3', ['-c', '127.0.0.1', '-p', String(p), '-t', '2', '-J'], {
      encoding: 'utf8',
      timeout: 20000,
    });
    const j = JSON.parse(r.stdout);
    return { MBps: j.end.sum_received.bits_per_second / 8e6 };
  } catch {
    return null;
  } finally {
    server.kill('SIGKILL');
  }
}

const load = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim();
console.log(
  `loopback baseline vs sockperf / iperf3 (loadavg ${load}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs)`,
);
const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
for (let i = 1; i <= ROUNDS; i++) {
  const o = await ours();
  const s = await sockperf();
  const ip = await iperf3();
  console.log(`round ${i}:`);
  console.log(
    `  RTT p50 / p99 (µs)   dfdoctor ${f(o.rttP50Us)} / ${f(o.rttP99Us)} (${o.samples} samples)   sockperf ${f(s?.rttP50Us)} / ${f(s?.rttP99Us)}`,
  );
  console.log(`  fresh-connection RTT dfdoctor p50 ${f(o.freshP50Us)} µs, p99 ${f(o.freshP99Us)} µs`);
  console.log(
    `  throughput (MB/s)    dfdoctor ${f(o.MBps, 0)} (UNIX socket ${f(o.unixMBps, 0)})   iperf3 single stream ${f(ip?.MBps, 0)}`,
  );
}
