import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAUSES } from '../src/causes.js';
import { openBundle } from '../src/bundle/open.js';
import { reportOrigin } from '../src/commands/analysis.js';
import { analyse } from '../src/pipeline.js';
import { parseBaseline } from '../src/facts/baseline.js';
import type { AnalysisSettings } from '../src/facts/types.js';
import { ReportSchema } from '../src/report/model.js';
import { RULES } from '../src/rules/index.js';
import type { Expected } from './helpers/expected.js';
import { impactIs } from './helpers/judge-expected.js';

function settingsOf(scenario: string, exp: Expected): Partial<AnalysisSettings> {
  if (!exp.baseline) return {};
  const parsed = parseBaseline(readFileSync(join(ROOT, scenario, exp.baseline), 'utf8'));
  if (!parsed.ok) throw new Error(`${scenario}/${exp.baseline}: ${parsed.message}`);
  return { baseline: parsed.baseline, ...(exp.tolerance !== undefined ? { tolerance: exp.tolerance } : {}) };
}

const ROOT = new URL('../fixtures/', import.meta.url).pathname;
// fixtures/real holds the real-world corpus, one case per subdirectory (test/realworld.test.ts)
const scenarios = readdirSync(ROOT)
  .filter((d) => d !== 'real' && statSync(join(ROOT, d)).isDirectory())
  .sort();
const expectations = new Map(
  scenarios.map((s) => [s, JSON.parse(readFileSync(join(ROOT, s, 'expected.json'), 'utf8')) as Expected]),
);

describe('fixtures through analyze', () => {
  it.each(scenarios)('%s', async (scenario) => {
    const exp = expectations.get(scenario) as Expected;
    const b = await openBundle(join(ROOT, scenario));
    try {
      const report = await analyse(
        b.reader,
        b,
        settingsOf(scenario, exp),
        reportOrigin({ kind: 'bundle', path: scenario }),
      );
      expect(ReportSchema.safeParse(report).success).toBe(true);
      const causes = report.diagnoses.map((d) => d.cause);
      const rules = report.diagnoses.map((d) => d.rule);
      for (const c of exp.mustInclude ?? []) expect(causes, `${scenario} must include ${c}`).toContain(c);
      for (const any of exp.mustIncludeAny ?? []) {
        expect(
          any.some((c) => causes.includes(c as never)),
          `${scenario} must include one of ${any.join(', ')}`,
        ).toBe(true);
      }
      for (const c of exp.mustNotInclude ?? []) expect(causes, `${scenario} must not include ${c}`).not.toContain(c);
      if (exp.topN) {
        const at = causes.indexOf(exp.topN.cause as never);
        expect(
          at,
          `${scenario}: ${exp.topN.cause} within the first ${exp.topN.n} of [${causes.join(', ')}]`,
        ).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThan(exp.topN.n);
      }
      for (const r of exp.firesRules ?? []) expect(rules, `${scenario} must fire ${r}`).toContain(r);
      for (const r of exp.silentRules ?? []) expect(rules, `${scenario} must not fire ${r}`).not.toContain(r);
      if (exp.maxSeverity) {
        const rank = { none: -1, info: 0, warning: 1, critical: 2 } as const;
        const over = report.diagnoses.filter((d) => rank[d.severity] > rank[exp.maxSeverity as keyof typeof rank]);
        expect(
          over.map((d) => `${d.severity} ${d.rule}`),
          `${scenario}: nothing above ${exp.maxSeverity}`,
        ).toEqual([]);
      }
      for (const [r, sev] of Object.entries(exp.severityOf ?? {})) {
        expect(report.diagnoses.find((d) => d.rule === r)?.severity, `${scenario}: ${r} severity`).toBe(sev);
      }
      for (const [r, want] of Object.entries(exp.impactOf ?? {})) {
        const got = report.diagnoses.find((d) => d.rule === r)?.impactSeconds;
        expect(impactIs(got, want), `${scenario}: ${r} impact ${got} where ${want} is expected`).toBe(true);
      }
      // a rule that throws is a defect, not a finding
      expect(report.notes.filter((n) => n.text.startsWith('internal:'))).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

describe('rule catalogue', () => {
  it('has unique ids of the form area.name, each with a cause from the cause list (src/causes.ts)', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z0-9-]+\.[a-z0-9-]+$/);
      expect(CAUSES).toContain(r.cause);
      expect(r.severities.length).toBeGreaterThan(0);
    }
  });

  it.each(RULES.map((r) => r.id))('%s has a firing fixture and a non-firing fixture', (id) => {
    const fires = scenarios.filter((s) => expectations.get(s)?.firesRules?.includes(id));
    const silent = scenarios.filter((s) => expectations.get(s)?.silentRules?.includes(id));
    expect(fires, `no fixture lists ${id} in firesRules`).not.toEqual([]);
    expect(silent, `no fixture lists ${id} in silentRules`).not.toEqual([]);
  });
});
