// Log analysis speed and memory against `grep -c` of the task-finished message, in the same run, the two
// commands alternating (RUNS pairs; the ratio is taken pair by pair and its median printed):
//   full scan   a generated log of each dfdaemon generation (default 1 GiB) read whole by the facts
//               builder; target ≥ 0.4 × grep's MB/s, peak RSS ≤ 200 MB
//   --since 1h  `dfdoctor diagnose --probes dfdaemon --since 1h` (the whole CLI, start-up included) on a
//               400 MB Go log spanning 20 h that ends now, against grep -c over the whole file; target ≥ 1 ×.
//               Two rows: bin/dfdoctor.js run as a program, as an installed `dfdoctor` is (one Node), and
//               `node bin/dfdoctor.js`, where the launcher runs the command in a worker thread with the heap
//               cap. The peak RSS hook goes in NODE_OPTIONS in both, as a user's flags would not: on the
//               command line it would change process.execArgv, for which no compiled code is kept. Printed
//               beside them: the log part alone, and the floor under any Node program (a bare Node that
//               only reads the window's bytes)
// grep's output is captured: with it sent to /dev/null GNU grep stops at the first match.
// Usage: npx tsx bench/dfdaemon-logs.bench.ts [--size BYTES] [--window-size BYTES] [--runs N] [--only full|window]
//        (npm run bench -- dfdaemon-logs)
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goDirect, goJson, goTaskLines, hex64, rustProxy, rustTaskLines } from '../test/facts/dfdaemon-loggen.js';
import { row } from './paired.mjs';

// the analysis runs in a child on the built dist/ (npm run bench builds first), so its RSS is its own
const WORKER = fileURLToPath(new URL('./dfdaemon-logs-worker.mjs', import.meta.url));
const WINDOW_WORKER = fileURLToPath(new URL('./dfdaemon-logs-window-worker.mjs', import.meta.url));
const VERBOSE = process.argv.includes('--verbose');
// the installed CLI caps V8's old generation (bin/dfdoctor.js: DFDOCTOR_HEAP_MB, default 128): the
// analysis is measured under the same cap, which makes it collect garbage more often than an uncapped run
const HEAP_FLAG = `--max-old-space-size=${Number(process.env.DFDOCTOR_HEAP_MB) > 0 ? Number(process.env.DFDOCTOR_HEAP_MB) : 128}`;

async function generate(file: string, gen: 'go' | 'rust', size: number): Promise<number> {
  const out = createWriteStream(file);
  let written = 0;
  let i = 0;
  let t = Date.UTC(2024, 5, 21, 0, 0, 0);
  const modes = ['p2p', 'hit', 'source', 'p2p'] as const;
  while (written < size) {
    const lines: string[] = [];
    for (let k = 0; k < 200; k++, i++) {
      const url = `https://index.docker.io/v2/library/app${i % 50}/blobs/sha256:${hex64(i)}`;
      const mode = modes[i % modes.length] as (typeof modes)[number];
      if (gen === 'go') {
        // the default INFO level of a daemon in service (verbose adds per-piece DEBUG lines; see --verbose)
        if (VERBOSE)
          lines.push(goDirect(t, 'GET', `https://index.docker.io/v2/library/app${i % 50}/manifests/1.${i % 7}`));
        lines.push(
          ...goTaskLines({
            startMs: t,
            peer: `10.0.0.5-1-${hex64(i).slice(0, 36)}`,
            task: hex64(i + 7),
            url,
            size: 64 * 2 ** 20,
            mode: mode === 'hit' ? 'hit' : mode,
            costMs: 800,
            verbose: VERBOSE,
          }),
        );
        // progress lines the daemon writes without a task outcome (real messages, not matched)
        lines.push(
          goJson(
            t + 5,
            'info',
            'peer/peertask_conductor.go:620',
            'peer task success, stop wait peer packet from scheduler',
            { peer: `p${i}`, task: `t${i}`, component: 'PeerTask' },
          ),
        );
        for (let w = 0; w < 4; w++)
          lines.push(
            goJson(
              t + 6,
              'info',
              'peer/peertask_conductor.go:1046',
              `peer task success, peer download worker #${w} exit`,
              { peer: `p${i}`, task: `t${i}`, component: 'PeerTask' },
            ),
          );
      } else {
        lines.push(rustProxy(t, `https://index.docker.io/v2/library/app${i % 50}/manifests/1.${i % 7}`, false));
        lines.push(rustProxy(t, url, true));
        lines.push(
          ...rustTaskLines({
            startMs: t,
            host: 'node-1',
            peer: `10.0.0.5-node-1-${hex64(i).slice(0, 36)}`,
            task: hex64(i + 7),
            url,
            size: 64 * 2 ** 20,
            mode,
            costMs: 800,
            series: 'v1',
          }),
        );
      }
      t += 1000;
    }
    const chunk = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e: unknown) => (e ? j(e) : r())));
  return statSync(file).size;
}

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const RUNS = Math.max(1, Number(arg('--runs') ?? 5));
const CLI = fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url));
const PEAK_HOOK = fileURLToPath(new URL('./peak-rss-hook.mjs', import.meta.url));
/** `node -e` that reads the last argv[2] bytes of the file argv[1] in 64 KiB reads into one buffer. */
const FLOOR_READ = [
  "const fs = require('node:fs');",
  'const [file, n] = [process.argv[1], Number(process.argv[2])];',
  "const fd = fs.openSync(file, 'r');",
  'const end = fs.fstatSync(fd).size;',
  'const buf = Buffer.allocUnsafe(65536);',
  'for (let pos = end - n; pos < end; ) { const r = fs.readSync(fd, buf, 0, 65536, pos); if (r === 0) break; pos += r; }',
].join(' ');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function timeGrep(file: string, needle: string): { ms: number; count: number } {
  const t0 = performance.now();
  // the output goes to a pipe that is read: with it sent to /dev/null GNU grep stops at the first match
  const r = spawnSync('grep', ['-c', needle, file], { encoding: 'utf8' });
  return { ms: performance.now() - t0, count: Number(r.stdout.trim()) };
}

interface Scan {
  ms: number;
  bytes: number;
  lines: number;
  tasks: number;
  peakRssMB: number;
}

function timeScan(file: string): Scan {
  const r = spawnSync(process.execPath, [HEAP_FLAG, WORKER, file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`analysis failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Scan;
}

/**
 * The whole CLI: start-up, the dfdaemon probe with its window, facts, rules and the report. `installed`
 * runs bin/dfdoctor.js as a program, as `dfdoctor` is run (its shebang passes the heap cap: one Node);
 * otherwise as `node bin/dfdoctor.js`, where the launcher runs the command in a capped worker thread.
 */
function timeDiagnose(
  logDir: string,
  peakFile: string,
  installed: boolean,
): { ms: number; peakRssMB: number; status: number | null; stderr: string } {
  rmSync(peakFile, { force: true });
  const args = [
    'diagnose',
    '--probes',
    'dfdaemon',
    '--since',
    '1h',
    '--dfdaemon-log-dir',
    logDir,
    '--dfdaemon-config',
    join(logDir, 'none.yaml'),
    '--format',
    'json',
    '--fail-on',
    'never',
  ];
  const t0 = performance.now();
  const [cmd, ...pre] = installed ? [CLI] : [process.execPath, CLI];
  const r = spawnSync(cmd as string, [...pre, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    env: { ...process.env, DFDOCTOR_PEAK_RSS_FILE: peakFile, NODE_OPTIONS: `--import=${PEAK_HOOK}` },
  });
  const ms = performance.now() - t0;
  let peak = 0;
  try {
    peak = (JSON.parse(readFileSync(peakFile, 'utf8')) as { maxRssBytes: number }).maxRssBytes / 1e6;
  } catch {
    // the hook did not write (the run failed): reported through status
  }
  return { ms, peakRssMB: peak, status: r.status, stderr: r.stderr };
}

/** A Go core.log of about `size` bytes whose tasks are spread evenly over the `spanMs` that end now. */
async function generateSpan(file: string, size: number, spanMs: number): Promise<number> {
  const taskLines = (i: number, t: number) => [
    ...goTaskLines({
      startMs: t,
      peer: `10.0.0.5-1-${hex64(i).slice(0, 36)}`,
      task: hex64(i + 7),
      url: `https://index.docker.io/v2/library/app${i % 50}/blobs/sha256:${hex64(i)}`,
      size: 64 * 2 ** 20,
      mode: (['p2p', 'hit', 'source', 'p2p'] as const)[i % 4] as 'p2p',
      costMs: 800,
    }),
    goJson(t + 5, 'info', 'peer/peertask_conductor.go:620', 'peer task success, stop wait peer packet from scheduler', {
      peer: `p${i}`,
      task: `t${i}`,
      component: 'PeerTask',
    }),
  ];
  let perTask = 0;
  for (let i = 0; i < 200; i++) perTask += Buffer.byteLength(`${taskLines(i, 0).join('\n')}\n`);
  const tasks = Math.ceil(size / (perTask / 200));
  const step = spanMs / tasks;
  const t0 = Date.now() - spanMs;
  const out = createWriteStream(file);
  for (let i = 0; i < tasks;) {
    const lines: string[] = [];
    for (let k = 0; k < 500 && i < tasks; k++, i++) lines.push(...taskLines(i, Math.round(t0 + i * step)));
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r, j) => out.end((e: unknown) => (e ? j(e) : r())));
  return statSync(file).size;
}

async function fullScan(dir: string, size: number): Promise<boolean> {
  let ok = true;
  for (const gen of ['go', 'rust'] as const) {
    const file = join(dir, gen === 'go' ? 'core.log' : 'dfdaemon.log');
    const bytes = await generate(file, gen, size);
    const needle = gen === 'go' ? 'peer task done' : 'download task succeeded';
    timeGrep(file, needle); // warm the page cache
    const ratios: number[] = [];
    const ours: Scan[] = [];
    const greps: { ms: number; count: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const a = timeScan(file);
      const g = timeGrep(file, needle);
      ours.push(a);
      greps.push(g);
      ratios.push(g.ms / a.ms);
    }
    const mb = bytes / 1e6;
    const a0 = ours[0] as Scan;
    const ratio = median(ratios);
    const peak = Math.max(...ours.map((a) => a.peakRssMB));
    const pass = ratio >= 0.4 && peak <= 200;
    ok &&= pass;
    console.log(
      `full scan ${gen.padEnd(4)} ${(bytes / 2 ** 30).toFixed(2)} GiB, ${a0.lines} lines, ${a0.tasks} tasks (grep counted ${greps[0]?.count}): ` +
        `dfdoctor ${median(ours.map((a) => a.ms)).toFixed(0)} ms (${(mb / (median(ours.map((a) => a.ms)) / 1000)).toFixed(0)} MB/s), grep -c ${median(greps.map((g) => g.ms)).toFixed(0)} ms; ` +
        `ratio median ${ratio.toFixed(2)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}] of ${RUNS} pairs (target ≥ 0.40), peak RSS ${peak.toFixed(0)} MB (target ≤ 200) ${pass ? 'OK' : 'MISSED'}`,
    );
    row(
      `full scan of a ${(bytes / 2 ** 30).toFixed(2)} GiB dfdaemon log, ${gen === 'go' ? 'Go' : 'Rust'}`,
      `${ratio.toFixed(2)} × grep -c, peak RSS ${peak.toFixed(0)} MB`,
      '≥ 0.4 × grep -c, ≤ 200 MB',
      pass,
    );
    rmSync(file, { force: true });
  }
  return ok;
}

async function windowRow(dir: string, size: number): Promise<boolean> {
  const logDir = join(dir, 'window');
  mkdirSync(logDir, { recursive: true });
  const file = join(logDir, 'core.log');
  const bytes = await generateSpan(file, size, 20 * 3600_000);
  const needle = 'peer task done';
  timeGrep(file, needle);
  const peakFile = join(dir, 'peak.json');
  const rows: { form: string; ratios: number[]; ours: number[]; greps: number[]; peak: number }[] = [];
  for (const installed of [true, false]) {
    const first = timeDiagnose(logDir, peakFile, installed);
    if (first.status !== 0) throw new Error(`diagnose failed (${first.status}): ${first.stderr.slice(0, 2000)}`);
    const row = {
      form: installed
        ? 'bin/dfdoctor.js (as installed: one Node)'
        : 'node bin/dfdoctor.js (launcher: capped worker thread)',
      ratios: [] as number[],
      ours: [] as number[],
      greps: [] as number[],
      peak: 0,
    };
    for (let i = 0; i < RUNS; i++) {
      const a = timeDiagnose(logDir, peakFile, installed);
      const g = timeGrep(file, needle);
      row.ours.push(a.ms);
      row.greps.push(g.ms);
      row.ratios.push(g.ms / a.ms);
      row.peak = Math.max(row.peak, a.peakRssMB);
    }
    rows.push(row);
  }
  // the log part alone (seek, copy of the window, facts), in the same run: what follows the window
  const parts: { ms: number; copyMs: number; factsMs: number; bundledBytes: number }[] = [];
  const partRatios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [HEAP_FLAG, WINDOW_WORKER, logDir, String(3600_000)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (r.status !== 0) throw new Error(`window part failed: ${r.stderr}`);
    const p = JSON.parse(r.stdout) as (typeof parts)[number];
    const g = timeGrep(file, needle);
    parts.push(p);
    partRatios.push(g.ms / p.ms);
  }
  // the floor under any Node program for this row: a bare Node that reads the window's bytes in 64 KiB
  // reads (what the probe's seek and copy must read at least) and does nothing else
  const windowBytes = median(parts.map((p) => p.bundledBytes));
  const floors: number[] = [];
  const floorRatios: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['-e', FLOOR_READ, file, String(windowBytes)], { encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`floor read failed: ${r.stderr}`);
    const g = timeGrep(file, needle);
    floors.push(ms);
    floorRatios.push(g.ms / ms);
  }
  const pass = rows.every((r) => median(r.ratios) >= 1);
  for (const r of rows) {
    const ratio = median(r.ratios);
    console.log(
      `--since 1h go ${(bytes / 1e6).toFixed(0)} MB over 20 h: diagnose --probes dfdaemon via ${r.form} ${median(r.ours).toFixed(0)} ms, grep -c of the whole file ${median(r.greps).toFixed(0)} ms; ` +
        `ratio (grep / diagnose) median ${ratio.toFixed(2)} [${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)}] of ${RUNS} pairs (target ≥ 1), peak RSS ${r.peak.toFixed(0)} MB (all its processes) ${ratio >= 1 ? 'OK' : 'MISSED'}`,
    );
    row(
      `diagnose --probes dfdaemon --since 1h, ${(bytes / 1e6).toFixed(0)} MB Go log over 20 h, via ${r.form}`,
      `${ratio.toFixed(2)} × grep -c of the whole file (${median(r.ours).toFixed(0)} ms / ${median(r.greps).toFixed(0)} ms)`,
      '≥ 1 × grep -c',
      ratio >= 1,
    );
  }
  console.log(
    `  of which the log part (in one process, no CLI start-up): seek + copy of ${(median(parts.map((p) => p.bundledBytes)) / 1e6).toFixed(1)} MB ${median(parts.map((p) => p.copyMs)).toFixed(0)} ms, facts ${median(parts.map((p) => p.factsMs)).toFixed(0)} ms; ` +
      `ratio (grep / log part) median ${median(partRatios).toFixed(2)} [${Math.min(...partRatios).toFixed(2)}–${Math.max(...partRatios).toFixed(2)}] of ${RUNS} pairs`,
  );
  console.log(
    `  the floor of any Node program: node -e reading the same ${(windowBytes / 1e6).toFixed(1)} MB in 64 KiB reads, nothing else, ${median(floors).toFixed(0)} ms; ` +
      `ratio (grep / floor) median ${median(floorRatios).toFixed(2)} [${Math.min(...floorRatios).toFixed(2)}–${Math.max(...floorRatios).toFixed(2)}] of ${RUNS} pairs`,
  );
  rmSync(logDir, { recursive: true, force: true });
  return pass;
}

async function main(): Promise<void> {
  const size = Number(arg('--size') ?? 2 ** 30);
  const windowSize = Number(arg('--window-size') ?? 400e6);
  const only = arg('--only');
  const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-logbench-'));
  let ok = true;
  try {
    console.log(`node ${process.version}, ${RUNS} pairs per row, dfdoctor and grep alternating; figures are medians`);
    if (only !== 'window') ok = (await fullScan(dir, size)) && ok;
    if (only !== 'full') ok = (await windowRow(dir, windowSize)) && ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (!ok) process.exitCode = 1;
}

await main();
