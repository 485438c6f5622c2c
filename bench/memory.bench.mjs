#!/usr/bin/env node
// Peak RSS of `dfdoctor diagnose` on a node whose dfdaemon log is 2 GiB (issue 9 §7; target ≤ 250 MB).
// Writes a Go dfdaemon core.log of that size in the real zap JSON layout under a temp dir (not tmpfs),
// runs the built CLI's full diagnose with --dfdaemon-log-dir pointing at it, and reads the CLI's own
// peak resident set (getrusage, via bench/peak-rss-hook.mjs). Prints the figures; exits 1 over target.
//   node bench/memory.bench.mjs [--log-bytes 2GiB] [--log-dir DIR (reuse a log)] [--timeout 300]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDfdaemonLog } from './gen-dfdaemon-log.mjs';

const TARGET_BYTES = 250 * 1e6;
const repo = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const sizeOf = (s) => {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)?i?b?$/i.exec(s);
  if (!m) throw new Error(`not a size: ${s}`);
  return Math.round(Number(m[1]) * { undefined: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2]?.toLowerCase()]);
};

const logBytes = sizeOf(arg('log-bytes', '2GiB'));
const timeout = arg('timeout', '300');
const reuse = arg('log-dir');
if (!existsSync(join(repo, 'dist/cli.js'))) {
  console.error('bench/memory: build first (npx tsc -p .)');
  process.exit(2);
}

// /var/tmp: on most nodes a disk, where /tmp may be tmpfs (a 2 GiB file in RAM would skew the figure)
const work = reuse ? null : mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : repo, 'dfdoctor-membench-'));
const logDir = reuse ?? join(work, 'daemon');
try {
  if (!reuse) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(logDir);
    const t0 = performance.now();
    const w = writeDfdaemonLog(join(logDir, 'core.log'), logBytes);
    console.log(
      `log: ${(w.bytes / 2 ** 30).toFixed(2)} GiB, ${w.lines} lines, ${w.tasks} tasks, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } else {
    console.log(`log: reusing ${logDir} (${(statSync(join(logDir, 'core.log')).size / 2 ** 30).toFixed(2)} GiB)`);
  }
  const rssFile = join(work ?? logDir, 'rss.json');
  rmSync(rssFile, { force: true });
  const tmp = mkdtempSync(join(work ?? logDir, 'tmp-'));
  // run as an installed `dfdoctor` runs: the executable itself, its shebang capping the heap
  const args = [
    'diagnose',
    '--format',
    'json',
    '--timeout',
    timeout,
    '--dfdaemon-log-dir',
    logDir,
    '--fail-on',
    'never',
  ];
  const t0 = performance.now();
  const { code, stdout } = await new Promise((resolve, reject) => {
    const c = spawn(join(repo, 'bin/dfdoctor.js'), args, {
      env: {
        ...process.env,
        NODE_OPTIONS: `--import=${join(repo, 'bench/peak-rss-hook.mjs')}`,
        NO_COLOR: '1',
        CI: 'true',
        TMPDIR: tmp,
        DFDOCTOR_PEAK_RSS_FILE: rssFile,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => resolve({ code, stdout: out }));
  });
  const wall = (performance.now() - t0) / 1000;
  const { maxRssBytes, processes } = JSON.parse(readFileSync(rssFile, 'utf8'));
  console.log(
    `processes: ${processes.map((p) => `${(p.maxRssBytes / 1e6).toFixed(0)} MB`).join(' + ')} (every dfdoctor process)`,
  );
  const report = JSON.parse(stdout);
  const dfd = report.probes.dfdaemon;
  const files = (dfd.logFiles ?? []).map(
    (f) => `${f.source.split('/').pop()} → ${(f.bytes / 2 ** 20).toFixed(1)} MiB${f.sliced ? ' (sliced)' : ''}`,
  );
  console.log(
    `diagnose: exit ${code}, ${wall.toFixed(1)} s wall; dfdaemon probe ${dfd.status} in ${(dfd.durationMs / 1000).toFixed(1)} s${dfd.reason ? ` (${dfd.reason.slice(0, 200)})` : ''}`,
  );
  console.log(`bundled logs: ${files.join(', ') || 'none'}`);
  const ok = maxRssBytes <= TARGET_BYTES;
  console.log(
    `peak RSS: ${(maxRssBytes / 1e6).toFixed(0)} MB (${(maxRssBytes / 2 ** 20).toFixed(0)} MiB) — target ≤ ${TARGET_BYTES / 1e6} MB: ${ok ? 'met' : 'NOT MET'}`,
  );
  process.exitCode = code === 0 && ok ? 0 : 1;
} finally {
  if (work) rmSync(work, { recursive: true, force: true });
}
