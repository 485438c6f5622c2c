// Compares a report with a fixture's expected.json and lists every way it falls short, so the
// fixture test, the real-world corpus test and `npm run bench -- realworld` judge alike.
import { SEVERITY_ORDER } from '../../src/causes.js';
import type { Report } from '../../src/report/model.js';
import type { Expected } from './expected.js';

export interface Shortfall {
  /** A cause or rule the source establishes that the report lacks, or one it must not have. */
  kind: 'miss' | 'false-alarm' | 'rank';
  text: string;
}

export function judge(report: Report, exp: Expected): Shortfall[] {
  const out: Shortfall[] = [];
  const causes = report.diagnoses.map((d) => d.cause as string);
  const rules = report.diagnoses.map((d) => d.rule);
  for (const c of exp.mustInclude ?? []) if (!causes.includes(c)) out.push({ kind: 'miss', text: `no ${c}` });
  for (const any of exp.mustIncludeAny ?? []) {
    if (!any.some((c) => causes.includes(c))) out.push({ kind: 'miss', text: `none of ${any.join(', ')}` });
  }
  for (const r of exp.firesRules ?? [])
    if (!rules.includes(r)) out.push({ kind: 'miss', text: `rule ${r} did not fire` });
  for (const c of exp.mustNotInclude ?? []) {
    if (causes.includes(c)) out.push({ kind: 'false-alarm', text: `${c} diagnosed` });
  }
  for (const r of exp.silentRules ?? [])
    if (rules.includes(r)) out.push({ kind: 'false-alarm', text: `rule ${r} fired` });
  if (exp.maxSeverity) {
    for (const d of report.diagnoses) {
      if (exp.maxSeverity === 'none' || SEVERITY_ORDER[d.severity] < SEVERITY_ORDER[exp.maxSeverity]) {
        out.push({
          kind: 'false-alarm',
          text: `${d.severity} ${d.cause} (${d.rule}) where at most ${exp.maxSeverity} is right`,
        });
      }
    }
  }
  for (const [r, want] of Object.entries(exp.severityOf ?? {})) {
    const got = report.diagnoses.find((d) => d.rule === r)?.severity;
    // graver than the source shows is a false alarm; milder, or absent, misses what it shows
    if (got !== want)
      out.push({
        kind: got !== undefined && SEVERITY_ORDER[got] < SEVERITY_ORDER[want] ? 'false-alarm' : 'miss',
        text: `${r} ${got ?? 'did not fire'}, not ${want}`,
      });
  }
  for (const [r, want] of Object.entries(exp.impactOf ?? {})) {
    const got = report.diagnoses.find((d) => d.rule === r)?.impactSeconds;
    if (!impactIs(got, want))
      out.push({ kind: 'miss', text: `${r} impact ${got ?? 'not estimated'}, not ${want ?? 'not estimated'}` });
  }
  if (exp.topN) {
    const at = causes.indexOf(exp.topN.cause);
    if (at < 0 || at >= exp.topN.n) {
      out.push({
        kind: 'rank',
        text: `${exp.topN.cause} not within the first ${exp.topN.n} of [${causes.join(', ')}]`,
      });
    }
  }
  return out;
}

/** An estimated impact as expected.json writes it: to a tenth of a second, or null for none. */
export function impactIs(got: number | undefined, want: number | null): boolean {
  return want === null ? got === undefined : got !== undefined && Math.abs(got - want) < 0.05;
}
