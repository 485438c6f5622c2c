// dfdoctor's own loopback measurement, as the net rules read and quote it.
import type { LoopbackMeasurement } from '../../bundle/measurements.js';
import type { Facts } from '../../facts/types.js';

export type LoopbackBaseline = NonNullable<LoopbackMeasurement['baseline']>;

/** The baseline the net probe measured, else the one in measurements. */
export const loopbackBaseline = (f: Facts): LoopbackBaseline | undefined =>
  f.net?.loopback?.baseline ?? f.measurements.loopback?.baseline;

/** The baseline as every net rule's evidence shows it; nothing when it was not measured. */
export function baselineEvidence(b: LoopbackBaseline | undefined): string[] {
  if (!b) return [];
  return [
    `baseline loopback RTT p50 ${b.rttP50Ms.toFixed(3)} ms, p99 ${b.rttP99Ms.toFixed(3)} ms, throughput ${b.throughputMBps.toFixed(1)} MB/s (measurements.loopback.baseline)`,
  ];
}

/** Netfilter findings on the loopback path explain a slow measurement better than the loopback itself. */
export function netfilterExplainsLoopback(f: Facts): boolean {
  const nf = f.net?.netfilter;
  if (!nf) return false;
  if (nf.findings.some((x) => x.paths.includes('loopback') && x.kind !== 'log' && x.kind !== 'redirect')) return true;
  return (nf.perPacket?.rules ?? 0) >= 1000;
}
