import { SEVERITY_ORDER } from './causes.js';
import type { Facts } from './facts/types.js';
import type { Diagnosis, Note } from './report/model.js';
import { areaInputsAbsent, type Match, type Rule } from './rules/rule.js';

export interface Evaluation {
  diagnoses: Diagnosis[];
  /** Rules that threw: the report says so and carries on. */
  internal: Note[];
  /** Every rule evaluated, with whether it fired (for JUnit). */
  evaluated: RuleOutcome[];
}

/**
 * What became of one rule: it fired; it passed (its inputs were there and showed nothing); or it was
 * skipped because its inputs were absent (`skipped` says why), which is no pass.
 */
export type RuleOutcome = { rule: Rule; fired: true } | { rule: Rule; fired: false; skipped?: string };

/** Evaluates every rule over the facts and ranks what fired. Pure. */
export function evaluate(facts: Facts, rules: readonly Rule[]): Evaluation {
  const fired: Omit<Diagnosis, 'rank'>[] = [];
  const internal: Note[] = [];
  const evaluated: RuleOutcome[] = [];
  for (const rule of rules) {
    let m: Match | null;
    try {
      m = rule.when(facts);
    } catch (e) {
      internal.push({ text: `internal: rule ${rule.id} failed: ${(e as Error).message}`, source: rule.id });
      evaluated.push({ rule, fired: false, skipped: `internal error: ${(e as Error).message}` });
      continue;
    }
    if (m !== null && !rule.severities.includes(m.severity)) {
      // A severity the rule does not declare is a bug in the rule: `dfdoctor rules` and --fail-on
      // would promise one thing and the report say another, so it is not reported as a diagnosis.
      const why = `returned severity "${m.severity}" it does not declare (${rule.severities.join(', ')})`;
      internal.push({ text: `internal: rule ${rule.id} ${why}`, source: rule.id });
      evaluated.push({ rule, fired: false, skipped: `internal error: ${why}` });
      continue;
    }
    if (m === null) {
      // asked only of a rule that stayed silent: one that fired evidently had its inputs
      const absent = rule.inputsAbsent ? rule.inputsAbsent(facts) : areaInputsAbsent(rule, facts);
      evaluated.push(absent === null ? { rule, fired: false } : { rule, fired: false, skipped: absent });
      continue;
    }
    evaluated.push({ rule, fired: true });
    fired.push({
      rule: rule.id,
      cause: rule.cause,
      severity: m.severity,
      confidence: clamp01(m.confidence),
      title: m.title ?? rule.title,
      evidence: m.evidence,
      ...(m.impactSeconds !== undefined && Number.isFinite(m.impactSeconds) && m.impactSeconds >= 0
        ? { impactSeconds: round(m.impactSeconds, 3) }
        : {}),
      remediation: m.remediation,
    });
  }
  return { diagnoses: rank(fired), internal, evaluated };
}

/** Known impact first (largest first), then severity, then confidence; rule id breaks ties for stable output. */
export function rank(list: Omit<Diagnosis, 'rank'>[]): Diagnosis[] {
  return [...list]
    .sort((a, b) => {
      const ia = a.impactSeconds;
      const ib = b.impactSeconds;
      if (ia !== undefined && ib === undefined) return -1;
      if (ia === undefined && ib !== undefined) return 1;
      if (ia !== undefined && ib !== undefined && ia !== ib) return ib - ia;
      const s = SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
      if (s !== 0) return s;
      if (a.confidence !== b.confidence) return b.confidence - a.confidence;
      return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
    })
    .map((d, i) => ({ rank: i + 1, ...d }));
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
