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

/**
 * The runtime form the engine evaluates. Rules are not written in this form: they are declared with
 * `defineRule` (detection + templates), which composes `when` from them.
 */
export interface Rule extends RuleMeta {
  /** Pure: no IO, no clock. Returns null when the rule does not apply. */
  when(facts: Facts): Match | null;
  /**
   * Why the facts this rule reads are absent (its probe did not run, the bundle lacks the files), or
   * null when they are there. A rule that did not fire for want of input is skipped, not passed.
   * Default: the fact area its id names (`net.…` → facts.net; `baseline.…` → a --baseline).
   */
  inputsAbsent?(facts: Facts): string | null;
}

/** A rule's catalogue entry: what `dfdoctor rules` lists and what the engine holds the rule to. */
export interface RuleMeta {
  id: RuleId;
  cause: Cause;
  title: string;
  /** What fires it, for `dfdoctor rules`. */
  description: string;
  /** The severities `detect` may return; the engine rejects any other. */
  severities: readonly Severity[];
  remediationSummary: string;
}

/** What detection found: how bad and how sure, and the typed data the rule's templates render. */
export interface Finding<D> {
  severity: Severity;
  /** 0–1 */
  confidence: number;
  /** Estimated seconds the cause adds to the pull in question; omit when it cannot be estimated. */
  impactSeconds?: number;
  /** Overrides the rule's title when the finding needs a more specific one. */
  title?: string;
  data: D;
}

/**
 * A rule as it is written, after ESLint's split of `meta` from `create`: `detect` decides (and builds
 * no sentence), `evidence` and `steps` are the rule's templates over what `detect` found. Snippets of
 * config that several rules give (containerd sections per layout, hosts.toml, dfdaemon keys per
 * generation) come from ./snippets/, so one fix reads the same wherever it is advised.
 */
export interface RuleSpec<D> {
  meta: RuleMeta;
  /** Pure: no IO, no clock. Null when the rule does not apply. */
  detect(facts: Facts): Finding<D> | null;
  /** One sentence per fact shown, each naming the value and the file or measurement it came from. */
  evidence(data: D): string[];
  /** What to do, in order: commands, snippets with their file, or prose (./steps.ts). */
  steps(data: D): Step[];
  /** The remediation's one line when it depends on the finding; meta.remediationSummary otherwise. */
  summary?(data: D): string;
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

export function defineRule<D>(spec: RuleSpec<D>): Rule {
  const { meta, detect, evidence, steps, summary, inputsAbsent } = spec;
  return {
    ...meta,
    when(facts) {
      const found = detect(facts);
      if (found === null) return null;
      const { data, ...grade } = found;
      return {
        ...grade,
        evidence: evidence(data),
        remediation: { summary: summary ? summary(data) : meta.remediationSummary, steps: steps(data) },
      };
    },
    ...(inputsAbsent ? { inputsAbsent } : {}),
  };
}
