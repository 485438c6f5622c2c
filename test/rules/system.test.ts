import { describe, expect, it } from 'vitest';
import { factsFrom, firingRules } from '../helpers/bundle.js';

const stat = (user: number, idle: number, steal = 0) => `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\n`;

describe('system.cpu-saturated', () => {
  it('fires when busy > 90 % over the window, with the figure as evidence', async () => {
    const files = { 'raw/system/stat-0.txt': stat(1000, 1000), 'raw/system/stat-1.txt': stat(1095, 1005) };
    expect(await firingRules(files)).toContain('system.cpu-saturated');
    const facts = await factsFrom(files, { manifest: { probes: { system: { status: 'ok', durationMs: 1, statIntervalMs: 1000 } } } });
    expect(facts.system?.cpu?.busyPct).toBeCloseTo(95, 5);
    expect(facts.system?.cpu?.windowSeconds).toBe(1);
  });

  it('fires on steal > 10 % even when the CPU is otherwise idle', async () => {
    const files = { 'raw/system/stat-0.txt': stat(1000, 1000, 0), 'raw/system/stat-1.txt': stat(1010, 1070, 20) };
    expect(await firingRules(files)).toContain('system.cpu-saturated');
  });

  it('does not fire on a half-busy CPU, nor without samples', async () => {
    expect(await firingRules({ 'raw/system/stat-0.txt': stat(1000, 1000), 'raw/system/stat-1.txt': stat(1050, 1050) })).not.toContain(
      'system.cpu-saturated',
    );
    expect(await firingRules({})).not.toContain('system.cpu-saturated');
  });

  it('reports a malformed sample with its file and line instead of failing', async () => {
    const facts = await factsFrom({ 'raw/system/stat-0.txt': 'intr 1\ncpu  x y z\n', 'raw/system/stat-1.txt': stat(1, 1) });
    expect(facts.problems).toEqual([expect.objectContaining({ file: 'raw/system/stat-0.txt', line: 2 })]);
    expect(facts.system?.cpu).toBeUndefined();
  });
});
