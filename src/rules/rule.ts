import type { Cause, Severity } from '../causes.js';
import type { Facts } from '../facts/types.js';
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
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
