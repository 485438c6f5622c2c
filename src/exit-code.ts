import { SEVERITY_ORDER, type Severity } from './causes.js';

export const FAIL_ON = ['critical', 'warning', 'info', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 3, sigint: 130, sigterm: 143 } as const;

/** 0 when nothing is at or above `failOn`, else 1. `never` always gives 0. */
export function exitCodeFor(report: { diagnoses: { severity: Severity }[] }, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const limit = SEVERITY_ORDER[failOn];
  return report.diagnoses.some((d) => SEVERITY_ORDER[d.severity] <= limit) ? 1 : 0;
}
