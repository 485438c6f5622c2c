#!/usr/bin/env node
// Redaction throughput: how fast `collect` can push log and config text through the redactor.
// Synthetic but format-true inputs (zap JSON lines of the Go dfdaemon, Rust tracing lines, containerd
// journal lines, with a secret in 1 line of 50), plus a large iptables-save (system syntax).
// Target: ≥ 20 MB/s on logs, so a 64 MiB log cap costs ≤ ~3 s; peak heap ≤ 4× the input.
//   DFDOCTOR_BENCH_MB=32 node bench/redact.bench.mjs
import { createRedactor } from '../dist/bundle/redact.js';

const MB = Number(process.env.DFDOCTOR_BENCH_MB ?? 32);

function logText(bytes) {
  const lines = [
    '{"level":"info","ts":"2022-11-09 06:39:19.162","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.22.60.85-1-abc","task":"9156eabc","component":"PeerTask"}',
    '2024-06-01T10:00:00.123456789+00:00  INFO dragonfly_client::proxy: proxy request url=https://registry.example.com/v2/library/nginx/blobs/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    'Nov 25 10:00:00 node containerd[812]: time="2026-11-25T10:00:00.000000000Z" level=info msg="trying next host" error="failed to do request" host="127.0.0.1:4001"',
    '{"level":"debug","ts":"2022-11-09 06:39:19.163","caller":"proxy/proxy.go:307","msg":"request","header":{"Authorization":["Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig0123456789"]}}',
  ];
  const out = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const l = i % 50 === 49 ? lines[3] : lines[i % 3];
    out.push(l);
    n += l.length + 1;
  }
  return out.join('\n');
}

function iptablesText(bytes) {
  const out = [];
  let n = 0;
  for (let i = 0; n < bytes; i++) {
    const l = `-A KUBE-SVC-${i.toString(36).toUpperCase().padStart(16, 'X')} -m comment --comment "ns/svc-${i}:http" -m statistic --mode random --probability 0.5 -j KUBE-SEP-${(i * 7).toString(36).toUpperCase()}`;
    out.push(l);
    n += l.length + 1;
  }
  return out.join('\n');
}

function time(label, rel, text) {
  const r = createRedactor();
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const out = r(rel, text);
  const ms = performance.now() - t0;
  const heap1 = process.memoryUsage().heapUsed;
  const mb = Buffer.byteLength(text) / 1e6;
  const count = out.redactions.reduce((s, x) => s + x.count, 0);
  console.log(
    `${label.padEnd(28)} ${mb.toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s  redactions ${count}  heap +${((heap1 - heap0) / 1e6).toFixed(0)} MB`,
  );
}

time('log (zap/tracing/journal)', 'raw/dfdaemon/logs/core.log', logText(MB * 1e6));
time('iptables-save (system)', 'raw/net/iptables-save.txt', iptablesText(MB * 1e6));
time('config text (strict)', 'raw/containerd/systemd/x.conf', logText(Math.min(MB, 8) * 1e6));
