import { BUNDLE } from '../../bundle/layout.js';
import type { Severity } from '../../causes.js';
import { NET_FILES } from '../../facts/net.js';
import { pullInQuestion } from '../../facts/pull.js';
import type { Qdisc } from '../../parsers/qdisc.js';
import { cmd } from '../steps.js';
import { defineRule } from '../rule.js';
import {
  baselineEvidence,
  INDEPENDENT_MEASUREMENT,
  loopbackBaseline,
  netfilterExplainsLoopback,
  qdiscEvidence,
  qdiscSteps,
  shaperRate,
  throughputText,
  type LoopbackBaseline,
} from './loopback.js';
import { worst } from './severity.js';

// Unhindered loopback TCP moves GB/s with RTTs of tens of µs (measured by the project: 2.27 GB/s
// and 23.8 µs p50 measured with Python on a 2-vCPU VM; iperf3 ~6 GB/s). On a 2-vCPU VM at load
// average 11 dfdoctor's own baseline still measured 140–365 MB/s (iperf3: 417 MB/s), so the floors
// sit below what CPU contention alone does, and a shaper or a drop rule still trips them.
const MBPS_WARN = 100;
const MBPS_CRIT = 50;
const RTT_P50_MS = 1;
/** Linux's minimum retransmission timeout: a p99 above it means segments are being lost, not delayed by a busy CPU. */
const RTT_P99_MS = 200;
const LO_MTU = 65536;
/** TCP over lo normally reaches well over half of a UNIX socket's rate; below 1/UNIX_RATIO of it, lo itself is the limit. */
const UNIX_RATIO = 4;
/** What a pull's bytes would cost over an unhindered loopback, for the impact estimate. */
const UNHINDERED_MBPS = 1000;

interface LoopbackFinding {
  /** Queueing disciplines on lo other than its default noqueue. */
  qdiscs: Qdisc[];
  /** lo's MTU when below the kernel default. */
  shortMtu: number | null;
  baseline?: LoopbackBaseline;
  slowThroughput: boolean;
  slowRtt: boolean;
  /** CPU busy % while a slow figure was measured, when the CPU was starved too. */
  cpuBusyPct?: number;
  /** The pull in question at the rate lo carried instead of an unhindered one. */
  slowed?: { bytes: number; rateMBps: number; evidence: string };
}

export const loopbackSlow = defineRule<LoopbackFinding>({
  meta: {
    id: 'net.loopback-slow',
    cause: 'loopback-slow',
    title: 'Loopback is slower than this kernel does unhindered',
    description: `a qdisc other than noqueue on lo, lo MTU below ${LO_MTU}, or dfdoctor's own loopback baseline below ${MBPS_WARN} MB/s or with RTT p50 > ${RTT_P50_MS} ms / p99 > ${RTT_P99_MS} ms (when netfilter does not explain it)`,
    severities: ['critical', 'warning', 'info'],
    remediationSummary: 'Remove the shaper from lo, restore its MTU, or find what starves loopback transfers of CPU.',
  },

  detect(f) {
    const net = f.net;
    const qdiscs = net?.qdiscs?.nonDefault ?? [];
    let sev: Severity | null = null;
    for (const q of qdiscs) sev = worst(sev, shaperRate(q) < MBPS_WARN ? 'critical' : 'warning');
    const shortMtu = net?.loMtu != null && net.loMtu < LO_MTU ? net.loMtu : null;
    if (shortMtu !== null) sev = worst(sev, shortMtu < 16436 ? 'warning' : 'info');
    const b = loopbackBaseline(f);
    // the UNIX-socket figure of the same run says what the CPUs allowed at that moment: when it is
    // low too, the node is CPU-starved (cpu-contention's finding), not its loopback
    // (with no transfer completed there is no throughput to judge, and the RTT is judged alone)
    const tp = b?.throughput;
    const cpuBound = tp?.unixMBps !== undefined && tp.unixMBps < tp.MBps * UNIX_RATIO;
    const judged = b !== undefined && !netfilterExplainsLoopback(f) && !cpuBound;
    const slowThroughput = judged && tp !== undefined && tp.MBps < MBPS_WARN;
    if (slowThroughput) sev = worst(sev, tp.MBps < MBPS_CRIT ? 'critical' : 'warning');
    const slowRtt = judged && (b.rttP50Ms > RTT_P50_MS || b.rttP99Ms > RTT_P99_MS);
    if (slowRtt) sev = worst(sev, 'warning');
    if (sev === null) return null;
    const cpu = f.system?.cpu;
    const starved = (slowThroughput || slowRtt) && cpu && cpu.busyPct > 90 ? cpu.busyPct : undefined;
    const pull = pullInQuestion(f);
    const rateMBps = tp?.MBps ?? Math.min(...qdiscs.map(shaperRate));
    const slowed =
      pull && Number.isFinite(rateMBps) && rateMBps > 0 && rateMBps < UNHINDERED_MBPS
        ? { bytes: pull.bytes, rateMBps, evidence: pull.evidence }
        : undefined;
    return {
      severity: sev,
      confidence: Math.min(qdiscs.length ? 0.9 : 0.6, starved !== undefined ? 0.4 : 1),
      ...(slowed ? { impactSeconds: slowed.bytes / (rateMBps * 1e6) - slowed.bytes / (UNHINDERED_MBPS * 1e6) } : {}),
      data: { qdiscs, shortMtu, baseline: b, slowThroughput, slowRtt, cpuBusyPct: starved, slowed },
    };
  },

  evidence({ qdiscs, shortMtu, baseline: b, slowThroughput, slowRtt, cpuBusyPct, slowed }) {
    const out = qdiscs.map(qdiscEvidence);
    if (shortMtu !== null)
      out.push(
        `lo MTU ${shortMtu} (${NET_FILES.loMtu}); the kernel default is ${LO_MTU}, and smaller segments cost CPU per byte`,
      );
    const tp = b?.throughput;
    if (tp && slowThroughput) {
      const unix = tp.unixMBps;
      const ref = unix === undefined ? '' : `; the same transfer over a UNIX socket moved ${unix.toFixed(0)} MB/s`;
      out.push(
        `baseline loopback throughput ${tp.MBps.toFixed(1)} MB/s to dfdoctor's own listener (measurements.loopback.baseline; floor ${MBPS_WARN} MB/s${ref})`,
      );
    }
    if (b && slowRtt) {
      // a slow RTT beside no completed transfer is one picture (segments lost), so the missing figure is said
      const untimed = tp ? '' : `; throughput ${throughputText(b)}`;
      out.push(
        `baseline loopback RTT p50 ${b.rttP50Ms.toFixed(3)} ms, p99 ${b.rttP99Ms.toFixed(3)} ms (measurements.loopback.baseline; limits ${RTT_P50_MS} / ${RTT_P99_MS} ms${untimed})`,
      );
    }
    if (!slowThroughput && !slowRtt) out.push(...baselineEvidence(b));
    if (cpuBusyPct !== undefined)
      out.push(
        `CPU busy ${cpuBusyPct.toFixed(0)} % while measuring (${BUNDLE.system.dir}/stat-*.txt): a starved CPU also slows loopback copies`,
      );
    if (slowed)
      out.push(
        `${(slowed.bytes / 1e6).toFixed(0)} MB pull at ${slowed.rateMBps.toFixed(1)} MB/s instead of ≥ ${UNHINDERED_MBPS} MB/s (${slowed.evidence})`,
      );
    return out;
  },

  steps({ qdiscs, shortMtu, slowThroughput, slowRtt, cpuBusyPct }) {
    return [
      ...qdiscs.flatMap(qdiscSteps),
      ...(shortMtu !== null ? [cmd(`ip link set dev lo mtu ${LO_MTU}`)] : []),
      ...(cpuBusyPct !== undefined
        ? [cmd('top -b -n1 -o %CPU | head -20    # CPU contention slows loopback copies too')]
        : []),
      ...(slowThroughput || slowRtt ? INDEPENDENT_MEASUREMENT : []),
    ];
  },
});
