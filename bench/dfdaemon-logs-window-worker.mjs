// Child process of bench/dfdaemon-logs.bench.ts: the log part of `diagnose --since 1h` alone, without
// the CLI's start-up: the dfdaemon probe's log copy (seek, then read the window into a bundle) and the
// facts builder over that bundle, on the built dist/. Prints {ms, copyMs, factsMs, bundledBytes, tasks,
// peakRssMB} as JSON.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BundleWriter } from '../dist/bundle/writer.js';
import { redactor } from '../dist/bundle/redact.js';
import { DirBundle } from '../dist/bundle/dir-bundle.js';
import { buildLogs } from '../dist/facts/dfdaemon-logs.js';
import { copyLogs } from '../dist/probes/dfdaemon-logs.js';

const [logDir, sinceMs] = [process.argv[2], Number(process.argv[3])];
const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-window-bench-'));
try {
  const t0 = performance.now();
  const ctx = {
    options: { root: '/', forBundle: false },
    // with the redactor diagnose gives its bundle: the copy's cost includes the redaction
    out: new BundleWriter(dir, redactor),
    signal: new AbortController().signal,
    remainingMs: () => 60_000,
    progress: () => {},
    discovery: {},
    cleanup: { add: () => () => {} },
    nodePath: (p) => p,
  };
  const cutoff = Date.now() - sinceMs;
  const copy = await copyLogs(ctx, logDir, null, cutoff);
  const t1 = performance.now();
  const logs = await buildLogs({ bundle: new DirBundle(dir), facts: {}, problem: () => {}, note: () => {} }, cutoff);
  const t2 = performance.now();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(
    JSON.stringify({
      ms: t2 - t0,
      copyMs: t1 - t0,
      factsMs: t2 - t1,
      bundledBytes: copy.files.reduce((a, f) => a + f.bytes, 0),
      tasks: logs?.summary.tasks.length ?? 0,
      peakRssMB: hwm ? Number(hwm[1]) / 1024 : null,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
