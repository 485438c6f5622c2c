#!/usr/bin/env -S node --max-old-space-size=128
// dfdoctor runs on nodes that are already in trouble, so its memory must stay bounded whatever it
// reads (a 2 GiB dfdaemon log, 100,000 fleet reports). V8 keeps garbage up to a multi-GiB heap limit
// that only a start-up flag lowers (`v8.setFlagsFromString` after start leaves the limit as it is).
// Run as an installed `dfdoctor`, the shebang passes the flag. Run as `node bin/dfdoctor.js`, the
// launcher runs such commands in a worker thread of its own process whose old generation is capped
// (resourceLimits; DFDOCTOR_HEAP_MB, default 128): bin/capped-cli.js. A second Node process, as the
// launcher once started, cost a second Node start-up (~55 ms of `diagnose --since 1h`'s ~410) and ~45 MB.
//
// A command whose memory is bounded by what dfdoctor itself holds runs on the main thread, without the
// worker: --version, --help, `rules`, and `analyze` of a bundle directory small enough that its whole
// content could not bring the heap near the cap.
//
// The launcher and its two helpers are CommonJS (bin/package.json), though the package is ES modules: an
// ES-module entry makes Node load its ES-module loader (an empty one loads 18 internal modules that an
// empty CommonJS one does not) and build, for each builtin it imports, a module facade that reads every
// export, so `import … from 'node:fs'` alone loaded fs's streams and fs/promises with readline; and it
// reads the entry's files asynchronously.
const { readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

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
const capped = process.execArgv.some((a) => a.startsWith(HEAP_FLAG));

if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // what commander prints for --version, without loading the CLI for it
  const pkg = JSON.parse(readFileSync(join(__dirname, '../package.json'), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else if (capped || !needsHeapCap(args)) {
  const { loadMain } = require('./packed-cli.js');
  void loadMain()
    .then((main) => main(process.argv))
    .then((code) => {
      process.exitCode = code;
    });
} else {
  const heapMb = Number(process.env.DFDOCTOR_HEAP_MB) > 0 ? Number(process.env.DFDOCTOR_HEAP_MB) : 128;
  runCapped(heapMb);
}

/**
 * Runs the command in a worker whose old generation is capped at heapMb, and takes its exit code. The
 * worker's stdout and stderr are streams to this thread, not terminals: what the CLI reads of its
 * terminal goes with it. Signals reach this thread only; SIGINT and SIGTERM are handed on, and the CLI
 * cleans up as it does on its own (SIGHUP ends the process, as it ended the CLI).
 */
function runCapped(heapMb) {
  // loaded here, not at the top: a command run on this thread has no use for them
  const { Worker } = require('node:worker_threads');
  const terminal = (s) => (s.isTTY ? { isTTY: true, columns: s.columns } : { isTTY: false });
  const worker = new Worker(join(__dirname, 'capped-cli.js'), {
    workerData: {
      argv: [process.argv[0], __filename, ...args],
      stdout: terminal(process.stdout),
      stderr: terminal(process.stderr),
    },
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => worker.postMessage({ signal: sig }));
  let failed = false;
  worker.on('error', (e) => {
    failed = true;
    process.stderr.write(
      e.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `dfdoctor: out of memory: the JS heap reached its cap of ${heapMb} MiB (DFDOCTOR_HEAP_MB sets it)\n`
        : `dfdoctor: internal error: ${e.stack ?? e}\n`,
    );
    process.exitCode = 3;
  });
  // a worker that ends by an error reports exit code 0 or 1: the error's 3 stands
  worker.on('exit', (code) => {
    if (!failed) process.exitCode = code;
  });
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
