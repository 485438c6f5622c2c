import { SEVERITY_ORDER, type Severity } from '../../causes.js';

/** The graver of two severities; `a` null means nothing found yet. */
export function worst(a: Severity | null, b: Severity): Severity {
  return a === null || SEVERITY_ORDER[b] < SEVERITY_ORDER[a] ? b : a;
}
