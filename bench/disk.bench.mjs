#!/usr/bin/env node
// The disk probe against fio on the same directory, in the same run: sequential 1 MiB reads and 4 KiB
// random reads, both O_DIRECT at queue depth 1 (fio --direct=1 --rw=read --bs=1M and --rw=randread
// --bs=4k). Rounds alternate fio and the probe so that both see the same drift of a shared VM disk.
// Target: probe/fio sequential within ±15 %, probe wall time ≤ 2 s.
//   DFDOCTOR_BENCH_DIR=/var/lib/dragonfly node bench/disk.bench.mjs     (default: a temp dir in $TMPDIR)
//   DFDOCTOR_BENCH_ROUNDS=5
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fioArgs, parseFioJson } from '../dist/probes/disk-fio.js';

const BIN = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const ROUNDS = Number(process.env.DFDOCTOR_BENCH_ROUNDS ?? 5);
const SIZE = 256 * 1024 * 1024;
const given = process.env.DFDOCTOR_BENCH_DIR;
const dir = given ?? mkdtempSync(join(tmpdir(), 'dfdoctor-bench-disk-'));
const fioFile = join(dir, '.dfdoctor-bench-fio.tmp');

function fio(kind) {
  // seq reads the whole file once; rand runs for 1 s. The seq job starts from a fresh file that fio
  // lays out, as the probe reads the file it has just written: on a VM whose host caches writes, fresh
  // data reads faster than old data, and both sides must see the same.
  if (kind === 'seq') rmSync(fioFile, { force: true });
  const args = fioArgs(fioFile, kind, SIZE, kind === 'seq' ? 10_000 : 1000);
  const r = spawnSync('fio', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error?.code === 'ENOENT') return { missing: true };
  if (r.status !== 0) throw new Error(`fio exited ${r.status}: ${r.stderr}`);
  const p = parseFioJson(r.stdout);
  if ('error' in p) throw new Error(p.error);
  return p;
}

function probe() {
  const r = spawnSync(
    process.execPath,
    [BIN, 'diagnose', '--probes', 'disk', '--cache-dir', dir, '--format', 'json', '--fail-on', 'never'],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    },
  );
  let j;
  try {
    j = JSON.parse(r.stdout);
  } catch {
    throw new Error(`dfdoctor exited ${r.status} without a JSON report: ${r.stderr.slice(0, 500)}`);
  }
  const m = j.measurements?.disk;
  if (!m || m.seqReadMBps === null) throw new Error(`probe measured nothing: ${j.probes?.disk?.reason ?? r.stderr}`);
  return { m, wallMs: j.probes.disk.durationMs };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const f = (n, d = 1) => (n === null || n === undefined ? 'n/a' : n.toFixed(d));

try {
  console.log(
    `directory: ${dir}${given ? '' : ' (temp; set DFDOCTOR_BENCH_DIR to bench the cache disk)'}, ${ROUNDS} rounds`,
  );
  const rows = [];
  for (let i = 0; i < ROUNDS; i++) {
    const fs = fio('seq');
    if (fs.missing) {
      console.log('fio not installed: nothing to compare against (apt-get install fio)');
      process.exit(0);
    }
    const fr = fio('rand');
    const p = probe();
    const row = {
      fioSeq: fs.bwBytes / 1e6,
      probeSeq: p.m.seqReadMBps,
      fioP50: fr.clatP50Ms,
      probeP50: p.m.randReadP50Ms,
      fioP99: fr.clatP99Ms,
      probeP99: p.m.randReadP99Ms,
      wallMs: p.wallMs,
    };
    rows.push(row);
    console.log(
      `round ${i + 1}: seq fio ${f(row.fioSeq)} MB/s probe ${f(row.probeSeq)} MB/s (×${f(row.probeSeq / row.fioSeq, 2)}) | ` +
        `4k p50 fio ${f(row.fioP50, 3)} ms probe ${f(row.probeP50, 3)} ms | p99 fio ${f(row.fioP99, 3)} probe ${f(row.probeP99, 3)} | probe wall ${row.wallMs} ms`,
    );
  }
  const seqRatio = median(rows.map((r) => r.probeSeq / r.fioSeq));
  const p50Ratio = median(rows.map((r) => r.probeP50 / r.fioP50));
  const p99Ratio = median(rows.map((r) => r.probeP99 / r.fioP99));
  const wall = rows.map((r) => r.wallMs);
  console.log('');
  console.log(
    `sequential read   probe/fio median ×${f(seqRatio, 2)} (target 0.85–1.15) ${seqRatio >= 0.85 && seqRatio <= 1.15 ? 'OK' : 'MISSED'}`,
  );
  console.log(`4 KiB random p50  probe/fio median ×${f(p50Ratio, 2)}`);
  console.log(`4 KiB random p99  probe/fio median ×${f(p99Ratio, 2)}`);
  const fioSeqs = rows.map((r) => r.fioSeq);
  const probeSeqs = rows.map((r) => r.probeSeq);
  console.log(
    `spread            fio alone ${f(Math.min(...fioSeqs), 0)}–${f(Math.max(...fioSeqs), 0)} MB/s, probe ${f(Math.min(...probeSeqs), 0)}–${f(Math.max(...probeSeqs), 0)} MB/s over the rounds (the disk's own variation bounds what a ratio can show)`,
  );
  console.log(
    `probe wall time   median ${median(wall)} ms, max ${Math.max(...wall)} ms (target ≤ 2000) ${Math.max(...wall) <= 2000 ? 'OK' : 'MISSED'}`,
  );
} finally {
  rmSync(fioFile, { force: true });
  if (!given) rmSync(dir, { recursive: true, force: true });
}
