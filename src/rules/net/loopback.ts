// dfdoctor's own loopback measurement, as the net rules read and quote it.
import type { LoopbackBaseline } from '../../bundle/measurements.js';
import { NET_FILES } from '../../facts/net.js';
import type { Facts } from '../../facts/types.js';
import type { Qdisc } from '../../parsers/qdisc.js';
import { cmd } from '../steps.js';

export type { LoopbackBaseline };

/** The baseline the net probe measured, else the one in measurements. */
export const loopbackBaseline = (f: Facts): LoopbackBaseline | undefined =>
  f.net?.loopback?.baseline ?? f.measurements.loopback?.baseline;

/** The throughput as evidence quotes it: a transfer that never completed is no figure, not 0 MB/s. */
export const throughputText = (b: LoopbackBaseline) =>
  b.throughput ? `${b.throughput.MBps.toFixed(1)} MB/s` : 'not measured (no bulk transfer completed)';

/** The baseline as every net rule's evidence shows it; nothing when it was not measured. */
export function baselineEvidence(b: LoopbackBaseline | undefined): string[] {
  if (!b) return [];
  return [
    `baseline loopback RTT p50 ${b.rttP50Ms.toFixed(3)} ms, p99 ${b.rttP99Ms.toFixed(3)} ms, throughput ${throughputText(b)} (measurements.loopback.baseline)`,
  ];
}

/** Netfilter findings on the loopback path explain a slow measurement better than the loopback itself. */
export function netfilterExplainsLoopback(f: Facts): boolean {
  const nf = f.net?.netfilter;
  if (!nf) return false;
  if (nf.findings.some((x) => x.paths.includes('loopback') && x.kind !== 'log' && x.kind !== 'redirect')) return true;
  return (nf.perPacket?.rules ?? 0) >= 1000;
}

/** The rate a shaping qdisc holds lo to, MB/s; Infinity for one that does not shape. */
export const shaperRate = (q: Qdisc) => (q.rateBitsPerSecond ?? Infinity) / 8e6;

export function qdiscEvidence(q: Qdisc): string {
  const rate = q.rateBitsPerSecond === undefined ? '' : ` (shapes lo to ${shaperRate(q).toFixed(1)} MB/s)`;
  return `qdisc "${q.text}" on lo${rate} (${NET_FILES.qdisc}:${q.line}); lo's default is "noqueue"`;
}

/** See who added the qdisc, then remove it. */
export function qdiscSteps(q: Qdisc) {
  const parent = q.parent === 'root' ? 'root' : q.parent === 'ingress' ? 'ingress' : `parent ${q.parent}`;
  return [
    cmd(`tc -s qdisc show dev lo                 # who added "${q.kind}", and its drops/overlimits`),
    cmd(`tc qdisc del dev lo ${parent}        # back to noqueue`),
  ];
}

/** Figures from other tools, to confirm a slow loopback measurement. */
export const INDEPENDENT_MEASUREMENT = [
  cmd('tc qdisc show dev lo; ip link show lo            # shaper or MTU on lo'),
  cmd('iperf3 -s -D -1 && iperf3 -c 127.0.0.1 -t 3      # an independent loopback throughput figure'),
  cmd('sockperf server -i 127.0.0.1 & sockperf ping-pong -i 127.0.0.1 -t 3   # an independent RTT figure'),
];
