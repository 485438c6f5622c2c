// A bench pull's layer downloads, wave by wave: what the limit on parallel downloads cost it.
import type { BenchMeasurement } from '../../bundle/measurements.js';

export interface Waves {
  waves: number;
  total: number;
  longest: number;
  floor: number;
  impact: number;
}

/**
 * From a bench pull's waves: had all layers been in flight at once, the fetch would take about as long
 * as the longest wave, or the transport ceiling for all bytes, whichever is longer.
 */
export function measuredWaves(
  p: BenchMeasurement['pulls'][number] | undefined,
  ceilingSeconds: number | null,
): Waves | null {
  const waves = p?.waves ?? [];
  if (waves.length < 2) return null;
  const total = waves.reduce((s, w) => s + w.seconds, 0);
  const longest = Math.max(...waves.map((w) => w.seconds));
  const floor = Math.max(longest, ceilingSeconds ?? 0);
  return { waves: waves.length, total, longest, floor, impact: Math.max(0, total - floor) };
}
