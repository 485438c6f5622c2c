import { NET_FILES } from '../facts/net.js';
import { pullInQuestion } from '../facts/pull.js';
import type { Facts } from '../facts/types.js';
import type { Step } from '../report/model.js';
import { defineLegacyRule, type Match } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd } from './steps.js';

// Unhindered loopback TCP moves GB/s with RTTs of tens of µs (measured by the project: 2.27 GB/s
// and 23.8 µs p50 measured with Python on a 2-vCPU VM; iperf3 ~6 GB/s). On a 2-vCPU VM at load
// average 11 dfdoctor's own baseline still measured 140–365 MB/s (iperf3: 417 MB/s), so the floors
// sit below what CPU contention alone does, and a shaper or a drop rule still trips them.
export const LOOPBACK_MBPS_WARN = 100;
export const LOOPBACK_MBPS_CRIT = 50;
export const LOOPBACK_RTT_P50_MS = 1;
/** Linux's minimum retransmission timeout: a p99 above it means segments are being lost, not delayed by a busy CPU. */
export const LOOPBACK_RTT_P99_MS = 200;
const LO_MTU = 65536;
/** TCP over lo normally reaches well over half of a UNIX socket's rate; below 1/UNIX_RATIO of it, lo itself is the limit. */
const UNIX_RATIO = 4;
/** What a pull's bytes would cost over an unhindered loopback, for the impact estimate. */
const UNHINDERED_MBPS = 1000;

/** Netfilter findings on the loopback path explain a slow measurement better than the loopback itself. */
export function netfilterExplainsLoopback(f: Facts): boolean {
  const nf = f.net?.netfilter;
  if (!nf) return false;
  if (nf.findings.some((x) => x.paths.includes('loopback') && x.kind !== 'log' && x.kind !== 'redirect')) return true;
  return (nf.perPacket?.rules ?? 0) >= 1000;
}

export function loopbackMeasured(f: Facts): string[] {
  const b = f.net?.loopback?.baseline ?? f.measurements.loopback?.baseline;
  if (!b) return [];
  return [
    `baseline loopback RTT p50 ${b.rttP50Ms.toFixed(3)} ms, p99 ${b.rttP99Ms.toFixed(3)} ms, throughput ${b.throughputMBps.toFixed(1)} MB/s (measurements.loopback.baseline)`,
  ];
}

export const loopbackSlow = defineLegacyRule({
  id: 'net.loopback-slow',
  cause: 'loopback-slow',
  title: 'Loopback is slower than this kernel does unhindered',
  description: `a qdisc other than noqueue on lo, lo MTU below ${LO_MTU}, or dfdoctor's own loopback baseline below ${LOOPBACK_MBPS_WARN} MB/s or with RTT p50 > ${LOOPBACK_RTT_P50_MS} ms / p99 > ${LOOPBACK_RTT_P99_MS} ms (when netfilter does not explain it)`,
  severities: ['critical', 'warning', 'info'],
  remediationSummary: 'Remove the shaper from lo, restore its MTU, or find what starves loopback transfers of CPU.',
  when(f) {
    const net = f.net;
    const evidence: string[] = [];
    const steps: Step[] = [];
    let severity: 'critical' | 'warning' | 'info' | null = null;
    const raise = (s: 'critical' | 'warning' | 'info') => {
      const order = { critical: 0, warning: 1, info: 2 };
      if (severity === null || order[s] < order[severity]) severity = s;
    };
    for (const q of net?.qdiscs?.nonDefault ?? []) {
      const rate =
        q.rateBitsPerSecond === undefined ? '' : ` (shapes lo to ${(q.rateBitsPerSecond / 8e6).toFixed(1)} MB/s)`;
      evidence.push(`qdisc "${q.text}" on lo${rate} (${NET_FILES.qdisc}:${q.line}); lo's default is "noqueue"`);
      raise(
        q.rateBitsPerSecond !== undefined && q.rateBitsPerSecond / 8e6 < LOOPBACK_MBPS_WARN ? 'critical' : 'warning',
      );
      steps.push(
        cmd(`tc -s qdisc show dev lo                 # who added "${q.kind}", and its drops/overlimits`),
        cmd(
          `tc qdisc del dev lo ${q.parent === 'root' ? 'root' : q.parent === 'ingress' ? 'ingress' : `parent ${q.parent}`}        # back to noqueue`,
        ),
      );
    }
    if (net?.loMtu != null && net.loMtu < LO_MTU) {
      evidence.push(
        `lo MTU ${net.loMtu} (${NET_FILES.loMtu}); the kernel default is ${LO_MTU}, and smaller segments cost CPU per byte`,
      );
      raise(net.loMtu < 16436 ? 'warning' : 'info');
      steps.push(cmd(`ip link set dev lo mtu ${LO_MTU}`));
    }
    const b = net?.loopback?.baseline ?? f.measurements.loopback?.baseline;
    const explained = netfilterExplainsLoopback(f);
    let measuredSlow = false;
    // the UNIX-socket figure of the same run says what the CPUs allowed at that moment: when it is
    // low too, the node is CPU-starved (cpu-contention's finding), not its loopback
    const unix = b?.unixThroughputMBps;
    const cpuBound = unix !== undefined && unix < b!.throughputMBps * UNIX_RATIO;
    if (b && !explained && !cpuBound) {
      if (b.throughputMBps < LOOPBACK_MBPS_WARN) {
        measuredSlow = true;
        raise(b.throughputMBps < LOOPBACK_MBPS_CRIT ? 'critical' : 'warning');
        const ref = unix === undefined ? '' : `; the same transfer over a UNIX socket moved ${unix.toFixed(0)} MB/s`;
        evidence.push(
          `baseline loopback throughput ${b.throughputMBps.toFixed(1)} MB/s to dfdoctor's own listener (measurements.loopback.baseline; floor ${LOOPBACK_MBPS_WARN} MB/s${ref})`,
        );
      }
      if (b.rttP50Ms > LOOPBACK_RTT_P50_MS || b.rttP99Ms > LOOPBACK_RTT_P99_MS) {
        measuredSlow = true;
        raise('warning');
        evidence.push(
          `baseline loopback RTT p50 ${b.rttP50Ms.toFixed(3)} ms, p99 ${b.rttP99Ms.toFixed(3)} ms (measurements.loopback.baseline; limits ${LOOPBACK_RTT_P50_MS} / ${LOOPBACK_RTT_P99_MS} ms)`,
        );
      }
    }
    if (severity === null) return null;
    if (b && !evidence.some((e) => e.includes('measurements.loopback'))) evidence.push(...loopbackMeasured(f));
    const cpu = f.system?.cpu;
    let confidence = net?.qdiscs?.nonDefault.length ? 0.9 : 0.6;
    if (measuredSlow && cpu && cpu.busyPct > 90) {
      evidence.push(
        `CPU busy ${cpu.busyPct.toFixed(0)} % while measuring (${BUNDLE.system.dir}/stat-*.txt): a starved CPU also slows loopback copies`,
      );
      confidence = Math.min(confidence, 0.4);
      steps.push(cmd('top -b -n1 -o %CPU | head -20    # CPU contention slows loopback copies too'));
    }
    if (measuredSlow) {
      steps.push(
        cmd('tc qdisc show dev lo; ip link show lo            # shaper or MTU on lo'),
        cmd('iperf3 -s -D -1 && iperf3 -c 127.0.0.1 -t 3      # an independent loopback throughput figure'),
        cmd('sockperf server -i 127.0.0.1 & sockperf ping-pong -i 127.0.0.1 -t 3   # an independent RTT figure'),
      );
    }
    const match: Match = {
      severity: severity as 'critical' | 'warning' | 'info',
      confidence,
      evidence,
      remediation: { summary: this.remediationSummary, steps },
    };
    const pull = pullInQuestion(f);
    const rateMBps =
      b?.throughputMBps ??
      Math.min(...(net?.qdiscs?.nonDefault ?? []).map((q) => (q.rateBitsPerSecond ?? Infinity) / 8e6));
    if (pull && Number.isFinite(rateMBps) && rateMBps > 0 && rateMBps < UNHINDERED_MBPS) {
      match.impactSeconds = pull.bytes / (rateMBps * 1e6) - pull.bytes / (UNHINDERED_MBPS * 1e6);
      match.evidence.push(
        `${(pull.bytes / 1e6).toFixed(0)} MB pull at ${rateMBps.toFixed(1)} MB/s instead of ≥ ${UNHINDERED_MBPS} MB/s (${pull.evidence})`,
      );
    }
    return match;
  },
});
