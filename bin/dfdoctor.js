#!/usr/bin/env -S node --max-old-space-size=128
// dfdoctor runs on nodes that are already in trouble, so its memory must stay bounded whatever it
// reads (a 2 GiB dfdaemon log, 100,000 fleet reports). V8 keeps garbage up to a multi-GiB heap limit
// that only a start-up flag lowers (`v8.setFlagsFromString` after start leaves the limit as it is), so
// the launcher runs such commands in a child Node with a capped old generation (DFDOCTOR_HEAP_MB,
// default 128) and only forwards signals and the exit code. Run as an installed `dfdoctor`, the
// shebang already passes the flag and there is no second process.
//
// A command whose memory is bounded by what dfdoctor itself holds runs here, without a second Node
// (whose start-up would double the wait): --version, --help, `rules`, and `analyze` of a bundle
// directory small enough that its whole content could not bring the heap near the cap.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEAP_FLAG = '--max-old-space-size';
/** A directory bundle up to this size is analysed without the cap: a few times its size stays far below it. */
const UNCAPPED_BUNDLE_BYTES = 8 * 1024 * 1024;
const UNCAPPED_BUNDLE_FILES = 2000;

// `dfdoctor … | head`: once the reader has gone, what is left to print has nowhere to go, and that is
// no failure of the run (its exit code stands); Node would otherwise die on the unhandled EPIPE with a
// stack trace. Any other write error is still thrown.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
});

const args = process.argv.slice(2);
const capped = process.env.DFDOCTOR_LAUNCHED === '1' || process.execArgv.some((a) => a.startsWith(HEAP_FLAG));

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // what commander prints for --version, without loading the CLI for it
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else if (capped || !needsHeapCap(args)) {
  const main = await loadMain();
  process.exitCode = await main(process.argv);
} else {
  const heapMb = Number(process.env.DFDOCTOR_HEAP_MB) > 0 ? Number(process.env.DFDOCTOR_HEAP_MB) : 128;
  // loaded here, not at the top: node:child_process brings net, dgram and streams, which a command run
  // in this process would load for nothing
  const { spawn } = await import('node:child_process');
  const child = spawn(
    process.execPath,
    [...process.execArgv, `${HEAP_FLAG}=${heapMb}`, fileURLToPath(import.meta.url), ...args],
    { stdio: 'inherit', env: { ...process.env, DFDOCTOR_LAUNCHED: '1' } },
  );
  // the CLI cleans up on SIGINT/SIGTERM and exits 130/143; the launcher must not die first
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (e) => {
    process.stderr.write(`dfdoctor: cannot start: ${e.message}\n`);
    process.exitCode = 3;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? 128 + (constants.signals[signal] ?? 1);
  });
}

/**
 * The CLI's main(): from the bundle `npm run build` writes (dist/packed/cli.cjs: one script, where tsc's
 * output is ~200 modules that Node resolves, reads and compiles one by one), unless it is missing or older
 * than a later plain `tsc`.
 */
async function loadMain() {
  const packed = new URL('../dist/packed/cli.cjs', import.meta.url);
  const plain = new URL('../dist/cli.js', import.meta.url);
  const p = statSync(packed, { throwIfNoEntry: false });
  const t = statSync(plain, { throwIfNoEntry: false });
  if (p && (!t || p.mtimeMs >= t.mtimeMs)) {
    const { loadPacked } = await import('./packed-cli.js');
    return loadPacked(fileURLToPath(packed)).exports.main;
  }
  return (await import(plain.href)).main;
}

/** Whether the command can read input of unbounded size (then it runs under the heap cap). */
function needsHeapCap(argv) {
  const opts = argv.slice(0, argv.includes('--') ? argv.indexOf('--') : argv.length);
  if (opts.some((a) => a === '-h' || a === '--help' || a === '-V' || a === '--version')) return false;
  const command = argv.find((a) => !a.startsWith('-'));
  if (command === undefined || command === 'help' || command === 'rules') return false;
  if (command !== 'analyze' && command !== 'analyse') return true;
  // which word is the bundle depends on the flags' values: every existing path named must be a small
  // directory (the --baseline file and a -o target that exists are small files; a tarball is capped)
  let bytes = 0;
  for (const a of argv.slice(argv.indexOf(command) + 1)) {
    if (a.startsWith('-')) continue;
    const st = statSync(a, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) {
      const size = dirSize(a, UNCAPPED_BUNDLE_BYTES - bytes);
      if (size === undefined) return true;
      bytes += size;
    } else if (/\.(tar\.gz|tgz)$/.test(a) || st.size > 1024 * 1024) {
      return true;
    }
  }
  return false;
}

/** Total size of the files under `dir`, or undefined once it passes `limit` bytes or too many files. */
function dirSize(dir, limit) {
  let total = 0;
  let files = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        total += statSync(p, { throwIfNoEntry: false })?.size ?? 0;
        if (total > limit || ++files > UNCAPPED_BUNDLE_FILES) return undefined;
      }
    }
  }
  return total;
}
