// Why the diagnoses come in the order they do, for the table and markdown reports: the impact column's
// "?" and the rule that an estimate outranks severity surprise a first reader otherwise.
import { SEVERITY_ORDER } from '../causes.js';
import type { Diagnosis } from './model.js';

export const IMPACT_LEGEND =
  'impact = seconds the cause is estimated to add to the pull in question; ? = not estimated (nothing measured or logged to estimate it from).';

/** The legend, the ranking rule, and — when it happened — which lower-severity diagnosis outranks which, and why. */
export function rankingNote(ds: readonly Diagnosis[], label: (d: Diagnosis) => string): string[] {
  if (ds.length === 0) return [];
  const out = [
    IMPACT_LEGEND,
    'Ranked by estimated impact first (largest first), then severity, then confidence: a cause whose cost is known comes before one whose cost is not.',
  ];
  for (const [i, d] of ds.entries()) {
    if (d.impactSeconds === undefined) continue;
    const outranked = ds
      .slice(i + 1)
      .find((x) => x.impactSeconds === undefined && SEVERITY_ORDER[x.severity] < SEVERITY_ORDER[d.severity]);
    if (outranked) {
      out.push(
        `${label(d)} (${d.severity}, ${d.impactSeconds.toFixed(2)} s) ranks above ${label(outranked)} (${outranked.severity}, ?) because its cost was estimated; ${label(outranked)} may still matter more.`,
      );
      break;
    }
  }
  return out;
}
