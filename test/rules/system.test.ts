import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom, firingRules } from '../helpers/bundle.js';

const evaluateFiles = async (files: Record<string, string>) => evaluate(await factsFrom(files), RULES).diagnoses;

const stat = (user: number, idle: number, steal = 0) => `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\n`;

const psi = (avg10: number, avg60: number) =>
  `some avg10=${avg10.toFixed(2)} avg60=${avg60.toFixed(2)} avg300=1.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`;
const selfStat = (utime: number, stime: number, cutime = 0, cstime = 0) =>
  `4242 (node (dfdoctor) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 11 0 8811 1099407360 31337\n`;

describe('system.cpu-saturated', () => {
  it('without pressure figures: busy > 90 % over the window is at most a warning, with the figure as evidence', async () => {
    const files = { 'raw/system/stat-0.txt': stat(1000, 1000), 'raw/system/stat-1.txt': stat(1095, 1005) };
    expect(await firingRules(files)).toContain('system.cpu-saturated');
    const facts = await factsFrom(files, {
      manifest: { probes: { system: { status: 'ok', durationMs: 1, statIntervalMs: 1000 } } },
    });
    expect(facts.system?.cpu?.busyPct).toBeCloseTo(95, 5);
    expect(facts.system?.cpu?.windowSeconds).toBe(1);
    const d = (await evaluateFiles(files)).find((x) => x.rule === 'system.cpu-saturated');
    expect(d?.severity).toBe('warning');
    expect(d?.evidence[0]).toMatch(/one short sample/);
  });

  it("takes dfdoctor's own CPU time (process and children) out of busy", async () => {
    const files = {
      'raw/system/stat-0.txt': stat(1000, 1000),
      'raw/system/stat-1.txt': stat(1095, 1005),
      'raw/system/self-stat-0.txt': selfStat(100, 20, 5, 5),
      'raw/system/self-stat-1.txt': selfStat(120, 30, 15, 5),
    };
    const facts = await factsFrom(files);
    // 95 busy ticks of 100, 40 of them dfdoctor's
    expect(facts.system?.cpu?.busyPct).toBeCloseTo(55, 5);
    expect(facts.system?.cpu?.selfPct).toBeCloseTo(40, 5);
    expect(await firingRules(files)).not.toContain('system.cpu-saturated');
  });

  it('pressure decides over the 1-second sample: a busy second with no stall is no finding', async () => {
    const files = {
      'raw/system/stat-0.txt': stat(1000, 1000),
      'raw/system/stat-1.txt': stat(1099, 1001),
      'raw/system/pressure-cpu.txt': psi(2, 1),
    };
    expect(await firingRules(files)).not.toContain('system.cpu-saturated');
  });

  it('critical only from a sustained stall: avg60 and avg10 both ≥ 80 %; avg60 ≥ 40 % alone is a warning', async () => {
    const sev = async (p: string) =>
      (await evaluateFiles({ 'raw/system/pressure-cpu.txt': p })).find((x) => x.rule === 'system.cpu-saturated')
        ?.severity;
    expect(await sev(psi(92, 85))).toBe('critical');
    expect(await sev(psi(95, 60))).toBe('warning');
    expect(await sev(psi(30, 45))).toBe('warning');
    expect(await sev(psi(99, 20))).toBeUndefined();
  });

  it('reports a malformed pressure file with its file and line', async () => {
    const facts = await factsFrom({ 'raw/system/pressure-cpu.txt': 'some avg10=x\n' });
    expect(facts.problems).toEqual([expect.objectContaining({ file: 'raw/system/pressure-cpu.txt', line: 1 })]);
  });

  it('fires on steal > 10 % even when the CPU is otherwise idle; critical only when steal since boot is high too', async () => {
    // 22 % of one short window, 1 % since boot: a note (a healthy VM sees such spikes), saying so
    const files = { 'raw/system/stat-0.txt': stat(1000, 1000, 0), 'raw/system/stat-1.txt': stat(1010, 1070, 20) };
    const spike = (await evaluateFiles(files)).find((x) => x.rule === 'system.cpu-saturated');
    expect(spike?.severity).toBe('info');
    expect(spike?.evidence.join('\n')).toMatch(/one short window on a host whose steal since boot is low/);
    const burst = { 'raw/system/stat-0.txt': stat(1000, 1000, 0), 'raw/system/stat-1.txt': stat(1010, 1030, 60) };
    expect((await evaluateFiles(burst)).find((x) => x.rule === 'system.cpu-saturated')?.severity).toBe('warning');
    const sustained = {
      'raw/system/stat-0.txt': stat(1000, 1000, 600),
      'raw/system/stat-1.txt': stat(1010, 1030, 660),
    };
    expect((await evaluateFiles(sustained)).find((x) => x.rule === 'system.cpu-saturated')?.severity).toBe('critical');
    // 15 % in the window on a host that has lost 23 % since boot: short of CPU, not a spike
    const steady = {
      'raw/system/stat-0.txt': stat(1000, 1000, 600),
      'raw/system/stat-1.txt': stat(1010, 1075, 615),
    };
    const w = (await evaluateFiles(steady)).find((x) => x.rule === 'system.cpu-saturated');
    expect(w?.severity).toBe('warning');
    expect(w?.evidence.join('\n')).not.toMatch(/one short window/);
  });

  it('does not fire on a half-busy CPU, nor without samples', async () => {
    expect(
      await firingRules({ 'raw/system/stat-0.txt': stat(1000, 1000), 'raw/system/stat-1.txt': stat(1050, 1050) }),
    ).not.toContain('system.cpu-saturated');
    expect(await firingRules({})).not.toContain('system.cpu-saturated');
  });

  it('reports a malformed sample with its file and line instead of failing', async () => {
    const facts = await factsFrom({
      'raw/system/stat-0.txt': 'intr 1\ncpu  x y z\n',
      'raw/system/stat-1.txt': stat(1, 1),
    });
    expect(facts.problems).toEqual([expect.objectContaining({ file: 'raw/system/stat-0.txt', line: 2 })]);
    expect(facts.system?.cpu).toBeUndefined();
  });
});
