import type { Cause, Severity } from '../causes.js';
import type { AreaKey, Facts } from '../facts/types.js';
import type { Step } from '../report/model.js';

export interface Remediation {
  summary: string;
  /** Concrete steps: shell commands, config snippets (with their file) or prose; see ./steps.ts. */
  steps: Step[];
}

/** What a rule found. Evidence strings each name the value and the file or measurement it came from. */
export interface Match {
  severity: Severity;
  /** 0–1 */
  confidence: number;
  evidence: string[];
  /** Estimated seconds the cause adds to the pull in question; omit when it cannot be estimated. */
  impactSeconds?: number;
  remediation: Remediation;
  /** Overrides the rule's title when the finding needs a more specific one. */
  title?: string;
}

/** A rule id is `area.name`, e.g. `containerd.low-download-concurrency`. */
export type RuleId = `${string}.${string}`;

export interface Rule {
  id: RuleId;
  cause: Cause;
  title: string;
  /** What fires it, for `dfdoctor rules`. */
  description: string;
  /** The severities `when` may return. */
  severities: readonly Severity[];
  remediationSummary: string;
  /** Pure: no IO, no clock. Returns null when the rule does not apply. */
  when(facts: Facts): Match | null;
  /**
   * Why the facts this rule reads are absent (its probe did not run, the bundle lacks the files), or
   * null when they are there. A rule that did not fire for want of input is skipped, not passed.
   * Default: the fact area its id names (`net.…` → facts.net; `baseline.…` → a --baseline).
   */
  inputsAbsent?(facts: Facts): string | null;
}

const AREAS = ['system', 'dfdaemon', 'disk', 'containerd', 'kubelet', 'net'] as const satisfies readonly AreaKey[];

/** The default of Rule.inputsAbsent: the area of the rule's id. */
export function areaInputsAbsent(rule: Pick<Rule, 'id'>, facts: Facts): string | null {
  const area = rule.id.slice(0, rule.id.indexOf('.'));
  if (area === 'baseline') return facts.settings.baseline ? null : 'no baseline given (--baseline FILE)';
  const known = (AREAS as readonly string[]).includes(area) ? (area as AreaKey) : null;
  if (known === null || facts[known] !== undefined) return null;
  return `no ${known} facts: the ${known} probe did not run or the bundle holds none of its files`;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
