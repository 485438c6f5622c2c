#!/usr/bin/env -S node --max-old-space-size=128
// dfdoctor runs on nodes that are already in trouble, so its memory must stay bounded whatever it
// reads (a 2 GiB dfdaemon log, thousands of rules). V8 keeps garbage up to a multi-GiB heap limit
// that only a start-up flag lowers, so the launcher runs the CLI in a child Node with a capped old
// generation (DFDOCTOR_HEAP_MB, default 128) and only forwards signals and the exit code. Run as an
// installed `dfdoctor`, the shebang already passes the flag and there is no second process.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const HEAP_FLAG = '--max-old-space-size';

if (process.env.DFDOCTOR_LAUNCHED === '1' || process.execArgv.some((a) => a.startsWith(HEAP_FLAG))) {
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(process.argv);
} else {
  const heapMb = Number(process.env.DFDOCTOR_HEAP_MB) > 0 ? Number(process.env.DFDOCTOR_HEAP_MB) : 128;
  const child = spawn(
    process.execPath,
    [...process.execArgv, `${HEAP_FLAG}=${heapMb}`, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
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
