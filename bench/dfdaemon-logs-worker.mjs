// Child process of bench/dfdaemon-logs.bench.ts: runs dfdoctor's log analysis (the built dist/, as the
// CLI does) over one file and prints {ms, bytes, lines, tasks, peakRssMB} as JSON. The file is hard-linked
// into a bundle directory and read through the facts builder (DirBundle.chunks → scanner → timelines →
// pulls), the path `analyze` takes; the link is removed afterwards.
import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DirBundle } from '../dist/bundle/dir-bundle.js';
import { buildLogs, LOG_DIR } from '../dist/facts/dfdaemon-logs.js';

const file = process.argv[2];
// next to the file: a hard link needs the same filesystem
const dir = mkdtempSync(join(dirname(file), 'bundle-'));
try {
  mkdirSync(join(dir, LOG_DIR), { recursive: true });
  linkSync(file, join(dir, LOG_DIR, basename(file)));
  const problems = [];
  const ctx = { bundle: new DirBundle(dir), facts: {}, problem: (p) => problems.push(p), note: () => {} };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const logs = await buildLogs(ctx);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (!logs) throw new Error('no log found in the bundle');
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  process.stdout.write(
    JSON.stringify({
      ms,
      cpuMs: (cpu.user + cpu.system) / 1000,
      bytes: logs.stats.bytes,
      lines: logs.stats.lines,
      tasks: logs.summary.tasks.length + logs.summary.droppedTasks,
      unrecognised: logs.stats.unrecognised,
      problems: problems.length,
      pulls: logs.pulls.length,
      peakRssMB: hwm ? Number(hwm[1]) / 1024 : null,
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
