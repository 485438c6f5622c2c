import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePressure } from '../../src/parsers/psi.js';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';

// `diagnose` with every probe on the machine the tests run on — no dfdaemon, nothing pulling: nothing
// here is wrong, so nothing may warn. The one exception is a CPU that really is contended while the
// test runs (a shared CI runner): then cpu-contention is the truth, and it must rest on the kernel's
// pressure stall averages, which this test reads itself before and after.

const why = labUnavailable([]);
if (why) announceSkip('diagnose on this machine', why);

const CPU_PRESSURE_WARN = 40;

function cpuSomeAvg60(): number | null {
  try {
    const p = parsePressure(readFileSync('/proc/pressure/cpu', 'utf8'));
    return p.ok ? p.value.some.avg60 : null;
  } catch {
    return null;
  }
}

describe.skipIf(why)('diagnose on this machine', () => {
  it('gives no warning or critical, except cpu-contention backed by pressure figures on a contended CPU', async () => {
    const before = cpuSomeAvg60();
    const r = await runCli(['diagnose', '--format', 'json', '--fail-on', 'warning', '--timeout', '60'], {
      timeoutMs: 120_000,
    });
    const after = cpuSomeAvg60();
    expect(r.stderr).not.toMatch(/internal/i);
    const report = JSON.parse(r.stdout) as { diagnoses: { rule: string; severity: string; evidence: string[] }[] };
    const alarms = report.diagnoses.filter((d) => d.severity !== 'info');
    const contended = [before, after].some((p) => p !== null && p >= CPU_PRESSURE_WARN);
    console.log(
      `[lab] cpu pressure some avg60 before ${before} after ${after}; diagnoses: ${report.diagnoses.map((d) => `${d.severity} ${d.rule}`).join(', ') || 'none'}`,
    );
    const unexplained = alarms.filter((d) => !(contended && d.rule === 'system.cpu-saturated'));
    expect(unexplained.map((d) => `${d.severity} ${d.rule}: ${d.evidence.join(' | ')}`)).toEqual([]);
    for (const d of alarms) expect(d.evidence[0]).toMatch(/raw\/system\/pressure-cpu\.txt/);
    // the exit code agrees: 1 exactly when something is at or above --fail-on warning
    expect(r.code).toBe(alarms.length > 0 ? 1 : 0);
  });
});
