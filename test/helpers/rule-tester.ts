import { inspect } from 'node:util';
import { describe, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import type { Measurements } from '../../src/bundle/measurements.js';
import type { Cause, Severity } from '../../src/causes.js';
import { evaluate } from '../../src/engine.js';
import type { AnalysisSettings } from '../../src/facts/types.js';
import type { Rule } from '../../src/rules/rule.js';
import { factsFrom } from './bundle.js';

/**
 * One small in-memory bundle a rule is evaluated on. Only the files the rule's facts read are needed:
 * a missing file is what the probe records when it could not read it.
 */
interface BundleCase {
  /** Says what the bundle shows; it names the test and every failure. */
  name: string;
  files?: Record<string, string | Uint8Array>;
  manifest?: Partial<Manifest>;
  measurements?: Measurements;
  settings?: Partial<AnalysisSettings>;
}

/** A bundle on which the rule must fire, and what its diagnosis must carry. */
export interface FiresCase extends BundleCase {
  severity: Severity;
  /** Defaults to the rule's own cause; state it to pin it in the test. */
  cause?: Cause;
  /** Substrings that must each appear in some evidence line (a file name, a figure), not whole sentences. */
  evidence?: readonly string[];
  /** Bounds on the estimated impact (inclusive); `'none'` when the rule must not estimate one. */
  impactSeconds?: { min?: number; max?: number } | 'none';
}

/** A bundle on which the rule must produce no diagnosis. */
export type SilentCase = BundleCase;

export interface RuleCases {
  fires: readonly FiresCase[];
  silent: readonly SilentCase[];
}

/**
 * Evaluates `rule` alone (through the engine, so an undeclared severity is rejected as it is in a real
 * run) on one case's bundle. Returns what is wrong, empty when the case passes; each message names the
 * rule, the case and what the rule returned, so a failure reads without a debugger.
 */
export async function checkCase(rule: Rule, kind: 'fires', c: FiresCase): Promise<string[]>;
export async function checkCase(rule: Rule, kind: 'silent', c: SilentCase): Promise<string[]>;
export async function checkCase(rule: Rule, kind: 'fires' | 'silent', c: FiresCase | SilentCase): Promise<string[]> {
  const facts = await factsFrom(c.files ?? {}, {
    ...(c.manifest ? { manifest: c.manifest } : {}),
    ...(c.measurements ? { measurements: c.measurements } : {}),
    ...(c.settings ? { settings: c.settings } : {}),
  });
  const ev = evaluate(facts, [rule]);
  const d = ev.diagnoses[0];
  const wrong: string[] = [];
  if (kind === 'silent') {
    if (d) wrong.push('expected no diagnosis, the rule fired');
  } else {
    const f = c as FiresCase;
    if (!rule.severities.includes(f.severity)) {
      wrong.push(
        `the case expects severity ${f.severity}, which the rule does not declare (${rule.severities.join(', ')})`,
      );
    }
    if (!d) {
      wrong.push(`expected a ${f.severity} diagnosis, the rule returned nothing`);
    } else {
      if (d.severity !== f.severity) wrong.push(`expected severity ${f.severity}, got ${d.severity}`);
      if (f.cause !== undefined && d.cause !== f.cause) wrong.push(`expected cause ${f.cause}, got ${d.cause}`);
      for (const s of f.evidence ?? []) {
        if (!d.evidence.some((e) => e.includes(s))) wrong.push(`expected evidence containing ${JSON.stringify(s)}`);
      }
      wrong.push(...impactProblems(f.impactSeconds, d.impactSeconds));
    }
  }
  if (wrong.length === 0) return [];
  const lines = [`rule ${rule.id}, ${kind} case "${c.name}":`, ...wrong.map((w) => `  - ${w}`)];
  lines.push(`  the rule returned: ${d ? inspect(strip(d), { depth: 4, breakLength: 100 }) : 'nothing'}`);
  for (const n of ev.internal) lines.push(`  engine: ${n.text}`);
  for (const p of facts.problems)
    lines.push(`  problem in the case's bundle: ${inspect(p, { breakLength: Infinity })}`);
  return [lines.join('\n')];
}

function impactProblems(want: FiresCase['impactSeconds'], got: number | undefined): string[] {
  if (want === undefined) return [];
  if (want === 'none') return got === undefined ? [] : [`expected no impact estimate, got ${got} s`];
  if (got === undefined)
    return [`expected an impact estimate in [${want.min ?? '-∞'}, ${want.max ?? '∞'}] s, got none`];
  if ((want.min !== undefined && got < want.min) || (want.max !== undefined && got > want.max)) {
    return [`expected impact in [${want.min ?? '-∞'}, ${want.max ?? '∞'}] s, got ${got} s`];
  }
  return [];
}

/** What a reader needs to see of a diagnosis: the remediation text would drown the rest. */
function strip(d: {
  severity: Severity;
  cause: Cause;
  evidence: string[];
  impactSeconds?: number;
  confidence: number;
}) {
  const impact = d.impactSeconds === undefined ? {} : { impactSeconds: d.impactSeconds };
  return { severity: d.severity, cause: d.cause, confidence: d.confidence, ...impact, evidence: d.evidence };
}

/**
 * ESLint's RuleTester for dfdoctor rules: `new RuleTester().run(rule, { fires, silent })` declares one
 * vitest suite named after the rule id (so `-t <rule id>` runs just its cases) with one test per case.
 * Both lists must be non-empty: a rule is tested both ways.
 */
export class RuleTester {
  run(rule: Rule, cases: RuleCases): void {
    if (cases.fires.length === 0 || cases.silent.length === 0) {
      throw new Error(`RuleTester: ${rule.id} needs at least one fires and one silent case`);
    }
    describe(rule.id, () => {
      for (const c of cases.fires) it(`fires: ${c.name}`, () => expectPass(checkCase(rule, 'fires', c)));
      for (const c of cases.silent) it(`silent: ${c.name}`, () => expectPass(checkCase(rule, 'silent', c)));
    });
  }
}

async function expectPass(result: Promise<string[]>): Promise<void> {
  const wrong = await result;
  if (wrong.length > 0) throw new Error(wrong.join('\n'));
}
