// Child process of bench/dfdaemon-logs.bench.ts: runs dfdoctor's log analysis (the built dist/, as the
// CLI does) over one file and prints {ms, bytes, lines, tasks, peakRssMB} as JSON.
import { createReadStream, readFileSync } from 'node:fs';
import { LogScanner } from '../dist/parsers/dfdaemon-log.js';
import { TimelineBuilder } from '../dist/parsers/dfdaemon-timeline.js';
import { groupPulls } from '../dist/facts/dfdaemon-logs.js';

const file = process.argv[2];
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const builder = new TimelineBuilder();
const scanner = new LogScanner({ file, onEvent: (e) => builder.add(e) });
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) scanner.push(chunk);
const stats = scanner.end();
const summary = builder.finish();
const pulls = groupPulls(summary);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(
  JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, bytes: stats.bytes, lines: stats.lines, tasks: summary.tasks.length + summary.droppedTasks, unrecognised: stats.unrecognised, pulls: pulls.length, peakRssMB: hwm ? Number(hwm[1]) / 1024 : null }),
);
