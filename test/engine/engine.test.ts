import { describe, expect, it } from 'vitest';
import { evaluate, rank } from '../../src/engine.js';
import type { Rule } from '../../src/rules/rule.js';
import { factsFrom } from '../helpers/bundle.js';

const fires = (id: `${string}.${string}`, over: Partial<ReturnType<Rule['when']> & object> = {}): Rule => ({
  id,
  cause: 'cpu-contention',
  title: id,
  description: 'test',
  severities: ['warning'],
  remediationSummary: 'fix',
  when: () => ({
    severity: 'warning',
    confidence: 0.5,
    evidence: ['e'],
    remediation: { summary: 's', steps: [] },
    ...over,
  }),
});

describe('engine', () => {
  it('a rule that throws becomes an internal note and the other rules still run', async () => {
    const facts = await factsFrom({});
    const broken: Rule = {
      ...fires('t.broken'),
      when: () => {
        throw new Error('boom');
      },
    };
    const ev = evaluate(facts, [broken, fires('t.ok')]);
    expect(ev.diagnoses.map((d) => d.rule)).toEqual(['t.ok']);
    expect(ev.internal).toEqual([{ text: 'internal: rule t.broken failed: boom', source: 't.broken' }]);
    expect(ev.evaluated.map((e) => [e.rule.id, e.fired])).toEqual([
      ['t.broken', false],
      ['t.ok', true],
    ]);
    expect(ev.evaluated[0]).toMatchObject({ skipped: 'internal error: boom' });
  });

  it('a silent rule whose fact area is absent is skipped with why; one that fires or has its facts is not', async () => {
    const facts = await factsFrom({});
    const silent = (id: `${string}.${string}`, extra: Partial<Rule> = {}) => ({
      ...fires(id),
      when: () => null,
      ...extra,
    });
    const ev = evaluate(facts, [
      silent('kubelet.quiet'),
      silent('x.no-area'),
      fires('kubelet.loud'),
      silent('net.own', { inputsAbsent: () => 'no ruleset' }),
      silent('baseline.none'),
    ]);
    const out = Object.fromEntries(ev.evaluated.map((e) => [e.rule.id, e.fired ? 'fired' : (e.skipped ?? 'passed')]));
    expect(out).toEqual({
      'kubelet.quiet': 'no kubelet facts: the kubelet probe did not run or the bundle holds none of its files',
      'x.no-area': 'passed',
      'kubelet.loud': 'fired',
      'net.own': 'no ruleset',
      'baseline.none': 'no baseline given (--baseline FILE)',
    });
  });

  it('a rule returning a severity it did not declare becomes an internal note naming it, not a diagnosis', async () => {
    const facts = await factsFrom({});
    const liar = fires('t.liar', { severity: 'critical' }); // declares only 'warning'
    const ev = evaluate(facts, [liar, fires('t.ok')]);
    expect(ev.diagnoses.map((d) => d.rule)).toEqual(['t.ok']);
    expect(ev.internal).toEqual([
      { text: 'internal: rule t.liar returned severity "critical" it does not declare (warning)', source: 't.liar' },
    ]);
    expect(ev.evaluated.map((e) => [e.rule.id, e.fired])).toEqual([
      ['t.liar', false],
      ['t.ok', true],
    ]);
    expect(ev.evaluated[0]).toMatchObject({
      skipped: 'internal error: returned severity "critical" it does not declare (warning)',
    });
  });

  it('ranks known impact first (largest first), then severity, then confidence', () => {
    const base = { cause: 'cpu-contention' as const, title: '', evidence: [], remediation: { summary: '', steps: [] } };
    const ranked = rank([
      { ...base, rule: 'a.info-sure', severity: 'info', confidence: 1 },
      { ...base, rule: 'a.crit-unsure', severity: 'critical', confidence: 0.2 },
      { ...base, rule: 'a.crit-sure', severity: 'critical', confidence: 0.9 },
      { ...base, rule: 'a.small-impact', severity: 'info', confidence: 0.1, impactSeconds: 0.5 },
      { ...base, rule: 'a.big-impact', severity: 'warning', confidence: 0.1, impactSeconds: 3 },
    ]);
    expect(ranked.map((d) => [d.rank, d.rule])).toEqual([
      [1, 'a.big-impact'],
      [2, 'a.small-impact'],
      [3, 'a.crit-sure'],
      [4, 'a.crit-unsure'],
      [5, 'a.info-sure'],
    ]);
  });

  it('drops impossible impact figures and clamps confidence', async () => {
    const facts = await factsFrom({});
    const ev = evaluate(facts, [
      fires('t.nan', { impactSeconds: Number.NaN, confidence: 7 }),
      fires('t.neg', { impactSeconds: -1 }),
    ]);
    for (const d of ev.diagnoses) expect(d.impactSeconds).toBeUndefined();
    expect(ev.diagnoses.find((d) => d.rule === 't.nan')?.confidence).toBe(1);
  });
});
