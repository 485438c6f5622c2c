import { describe, expect, it } from 'vitest';
import type { Severity } from '../../src/causes.js';
import { defineRule, type Rule } from '../../src/rules/rule.js';
import { checkCase, RuleTester } from '../helpers/rule-tester.js';

// A toy rule on the CPU samples: critical at ≥ 99 % busy, warning at > 90 %, with a busy-derived impact.
// `returns` lets a test make it return a severity it does not declare.
const stat = (user: number, idle: number) => `cpu  ${user} 0 0 ${idle} 0 0 0 0 0 0\n`;
const busy = (pct: number) => ({
  'raw/system/stat-0.txt': stat(0, 0),
  'raw/system/stat-1.txt': stat(pct * 10, (100 - pct) * 10),
});
const toy = (returns?: Severity): Rule =>
  defineRule<number>({
    meta: {
      id: 'toy.busy',
      cause: 'cpu-contention',
      title: 'busy',
      description: 'test',
      severities: ['critical', 'warning'],
      remediationSummary: 'fix',
    },
    detect(f) {
      const b = f.system?.cpu?.busyPct;
      if (b === undefined || b <= 90) return null;
      const severity = returns ?? (b >= 99 ? 'critical' : 'warning');
      return { severity, confidence: 1, impactSeconds: b / 10, data: b };
    },
    evidence: (b) => [`busy ${b.toFixed(0)} % (raw/system/stat-1.txt)`],
    steps: () => [],
  });

describe('RuleTester', () => {
  it('passes a case the rule meets', async () => {
    const ok = {
      name: '95 %',
      files: busy(95),
      severity: 'warning' as const,
      cause: 'cpu-contention' as const,
      evidence: ['stat-1.txt'],
      impactSeconds: { min: 9, max: 10 },
    };
    expect(await checkCase(toy(), 'fires', ok)).toEqual([]);
    expect(await checkCase(toy(), 'silent', { name: '50 %', files: busy(50) })).toEqual([]);
  });

  it('names the rule, the case and what the rule returned when a fires case fails', async () => {
    const [msg] = await checkCase(toy(), 'fires', {
      name: '99 %',
      files: busy(99),
      severity: 'warning',
      cause: 'disk-slow-medium',
      evidence: ['nope'],
      impactSeconds: 'none',
    });
    expect(msg).toContain('rule toy.busy, fires case "99 %":');
    expect(msg).toContain('expected severity warning, got critical');
    expect(msg).toContain('expected cause disk-slow-medium, got cpu-contention');
    expect(msg).toContain('expected evidence containing "nope"');
    expect(msg).toContain('expected no impact estimate, got 9.9 s');
    expect(msg).toMatch(/the rule returned: \{[^]*severity: 'critical'[^]*busy 99 %/);
  });

  it('fails a fires case the rule stays silent on, and a silent case it fires on', async () => {
    const [quiet] = await checkCase(toy(), 'fires', {
      name: '50 %',
      files: busy(50),
      severity: 'warning',
      impactSeconds: { min: 1 },
    });
    expect(quiet).toContain('expected a warning diagnosis, the rule returned nothing');
    expect(quiet).toContain('the rule returned: nothing');
    const [loud] = await checkCase(toy(), 'silent', { name: '95 %', files: busy(95) });
    expect(loud).toContain('rule toy.busy, silent case "95 %":\n  - expected no diagnosis, the rule fired');
  });

  it('checks impact bounds', async () => {
    const [msg] = await checkCase(toy(), 'fires', {
      name: '95 %',
      files: busy(95),
      severity: 'warning',
      impactSeconds: { min: 10 },
    });
    expect(msg).toContain('expected impact in [10, ∞] s, got 9.5 s');
  });

  it('evaluates through the engine: an undeclared severity is no diagnosis, and the engine note is shown', async () => {
    const [msg] = await checkCase(toy('info'), 'fires', { name: '95 %', files: busy(95), severity: 'info' });
    expect(msg).toContain('the case expects severity info, which the rule does not declare (critical, warning)');
    expect(msg).toContain('the rule returned: nothing');
    expect(msg).toContain(
      'engine: internal: rule toy.busy returned severity "info" it does not declare (critical, warning)',
    );
  });

  it("shows problems in the case's own bundle, which usually mean the case is wrong", async () => {
    const [msg] = await checkCase(toy(), 'fires', {
      name: 'bad stat',
      files: { 'raw/system/stat-0.txt': 'cpu  x\n', 'raw/system/stat-1.txt': stat(1, 1) },
      severity: 'warning',
    });
    expect(msg).toMatch(/problem in the case's bundle: .*raw\/system\/stat-0\.txt/);
  });

  it('refuses a rule tested only one way', () => {
    expect(() => new RuleTester().run(toy(), { fires: [], silent: [{ name: 'x' }] })).toThrow(
      'toy.busy needs at least one fires and one silent case',
    );
  });
});
