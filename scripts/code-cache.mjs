#!/usr/bin/env node
// After scripts/bundle.mjs: keeps V8's compiled code of the start-up bundle (dist/packed/cli.cjs) next to
// it, for bin/packed-cli.js to load instead of compiling the source at every start. V8 refuses code made
// under other flags, so it is made once per flag set the launcher runs the CLI with: none (`node
// bin/dfdoctor.js`, on its main thread and in its capped worker thread, whose cap is no flag) and the
// heap cap (an installed `dfdoctor`). Each is made in a Node started with those flags, after running the commands whose
// functions should be in it (V8 keeps the functions compiled by then, not only the top level): `analyze`
// of the example bundle in both formats and `rules`. `diagnose` is left out: its probes would read this
// machine; its own functions are compiled on first use, as they are without a cache.
// Usage: node scripts/code-cache.mjs
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUNDLE = fileURLToPath(new URL('../dist/packed/cli.cjs', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../fixtures/seed-cache-hit-slow/', import.meta.url));
/** The heap cap as an installed `dfdoctor` runs with it: the flag in bin/dfdoctor.js's shebang. */
const HEAP_CAP = /^#!.*?(--max-old-space-size=\d+)/.exec(
  readFileSync(fileURLToPath(new URL('../bin/dfdoctor.js', import.meta.url)), 'utf8'),
)?.[1];
if (!HEAP_CAP) throw new Error('bin/dfdoctor.js: no --max-old-space-size in its shebang');

if (process.argv[2] === '--child') {
  const { codeCachePath, loadPacked } = await import('../bin/packed-cli.js');
  const { exports, script } = loadPacked(BUNDLE);
  for (const args of [['analyze', EXAMPLE, '--format', 'json'], ['analyze', EXAMPLE], ['rules']]) {
    // 1: the example's findings reach the default --fail-on
    const code = await exports.main(['node', 'dfdoctor', ...args]);
    if (code !== 0 && code !== 1) throw new Error(`dfdoctor ${args.join(' ')} exited ${code}`);
  }
  const out = codeCachePath(BUNDLE);
  writeFileSync(out, script.createCachedData());
  process.stderr.write(`code cache: ${out.slice(ROOT.length)}\n`);
  process.exit(0);
}

for (const flags of [[], [HEAP_CAP]]) {
  const r = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`making the code cache under [${flags.join(' ')}] failed (exit ${r.status})`);
}
