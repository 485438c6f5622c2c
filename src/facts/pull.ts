import type { BenchMeasurement } from '../bundle/measurements.js';
import type { Facts } from './types.js';

/** The pull whose slowness is being explained: its size and layer count, and where that came from. */
export interface PullInQuestion {
  bytes: number;
  layers: number;
  /** Wall time of the pull when measured or logged. */
  seconds: number | null;
  /** "bench" (measured by dfdoctor bench) or "dfdaemon-log" (reconstructed from dfdaemon's logs). */
  source: 'bench' | 'dfdaemon-log';
  evidence: string;
  /** The bench pull itself, when measured: its fetch waves and unpack time beat any estimate. */
  benchPull?: BenchMeasurement['pulls'][number];
}

/**
 * Rules that estimate impactSeconds need the size of the slow pull. A bench measurement beats a
 * log reconstruction; with neither, rules state a floor instead of a time.
 */
export function pullInQuestion(f: Facts): PullInQuestion | null {
  const bench = f.measurements.bench;
  const warm = bench?.pulls.filter((p) => p.kind === 'warm').at(-1) ?? bench?.pulls.at(-1);
  if (bench && warm && warm.layers.length > 0) {
    const bytes = warm.layers.reduce((s, l) => s + l.bytes, 0);
    return {
      bytes,
      layers: warm.layers.length,
      seconds: warm.wallSeconds,
      source: 'bench',
      benchPull: warm,
      evidence: `bench ${warm.kind} pull of ${bench.image}: ${warm.layers.length} layers, ${(bytes / 1e6).toFixed(0)} MB in ${warm.wallSeconds.toFixed(2)} s (measurements.bench)`,
    };
  }
  const p = f.dfdaemon?.recentPull;
  if (p && p.bytes > 0) return { ...p, source: 'dfdaemon-log' };
  return null;
}
