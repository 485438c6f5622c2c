import type { ParseResult } from './proc-stat.js';
import { truncate } from './proc-stat.js';

/** One line of a /proc/pressure file: the share of wall time (%) tasks were stalled, over 10 s, 60 s, 300 s. */
export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time, µs. */
  totalUs: number;
}

/**
 * /proc/pressure/{cpu,io,memory} (Documentation/accounting/psi.rst): `some` = at least one task waited,
 * `full` = all non-idle tasks waited at once (for cpu, kernels before 5.13 print no `full` line and newer
 * ones print zeros at system level).
 */
export interface Pressure {
  some: PressureLine;
  full?: PressureLine;
}

/** Parses a /proc/pressure file. */
export function parsePressure(text: string): ParseResult<Pressure> {
  const out: Partial<Pressure> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const m =
      /^(some|full)\s+avg10=(\d+(?:\.\d+)?)\s+avg60=(\d+(?:\.\d+)?)\s+avg300=(\d+(?:\.\d+)?)\s+total=(\d+)$/.exec(line);
    if (!m) return { ok: false, line: i + 1, message: `not a pressure line: ${truncate(line)}` };
    out[m[1] as 'some' | 'full'] = {
      avg10: Number(m[2]),
      avg60: Number(m[3]),
      avg300: Number(m[4]),
      totalUs: Number(m[5]),
    };
  }
  if (!out.some) return { ok: false, message: 'no "some" line' };
  return { ok: true, value: out as Pressure };
}
