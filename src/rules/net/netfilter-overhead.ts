import type { Severity } from '../../causes.js';
import { NET_FILES, type NetfilterFacts, type PathFinding } from '../../facts/net-netfilter.js';
import { cmd } from '../steps.js';
import { defineRule } from '../rule.js';
import { baselineEvidence, loopbackBaseline, type LoopbackBaseline } from './loopback.js';
import { CONNTRACK_STEPS, MIXED_BACKEND_STEPS, RULE_LOAD_STEPS } from './netfilter-steps.js';
import { counters, kubeProxyEvidence, netfilterAbsent, rulesetEvidence, tool, where } from './netfilter-text.js';
import { worst } from './severity.js';

// Per packet, every rule of every chain a packet enters is evaluated in order (iptables) or by the nft
// VM; kube-proxy's iptables mode costs each new connection O(services) (kubernetes/kubernetes
// pkg/proxy/iptables/proxier.go; https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy).
// containerd keeps connections alive, so the per-packet figure matters far more than the per-connection one.
const PER_PACKET_WARN = 1000;
const PER_PACKET_CRIT = 10000;
const PER_CONNECTION_INFO = 1000;
const PER_CONNECTION_WARN = 10000;
const CONNTRACK_WARN_PCT = 80;
const CONNTRACK_CRIT_PCT = 95;

interface OverheadFinding {
  nf: NetfilterFacts;
  perPacket: boolean;
  perConnection: boolean;
  /** LOG rules on the loopback path (the first three). */
  logs: PathFinding[];
  conntrackHigh: boolean;
  /** The kernel logged conntrack table-full drops. */
  dropped: boolean;
  baseline?: LoopbackBaseline;
}

export const netfilterOverhead = defineRule<OverheadFinding>({
  meta: {
    id: 'net.netfilter-overhead',
    cause: 'netfilter-overhead',
    title: 'Netfilter rules or conntrack load the loopback path',
    description: `≥ ${PER_PACKET_WARN} rule evaluations per loopback data packet, ≥ ${PER_CONNECTION_INFO} per new loopback connection, LOG rules on the loopback path that no limit caps, conntrack ≥ ${CONNTRACK_WARN_PCT} % full or "table full, dropping packet" in dmesg, or rules in both iptables backends`,
    severities: ['critical', 'warning', 'info'],
    remediationSummary:
      'Shrink or bypass the rules on the loopback path (an early `-i lo`/`-o lo` ACCEPT, nftables/IPVS kube-proxy), and give conntrack room.',
  },
  inputsAbsent: netfilterAbsent,

  detect(f) {
    const nf = f.net?.netfilter;
    if (!nf) return null;
    let sev: Severity | null = null;
    const pp = nf.perPacket;
    const perPacket = pp !== null && pp.rules >= PER_PACKET_WARN;
    if (perPacket) sev = worst(sev, pp.rules >= PER_PACKET_CRIT ? 'critical' : 'warning');
    const pc = nf.perConnection;
    const perConnection = pc !== null && pc.rules >= PER_CONNECTION_INFO;
    if (perConnection) sev = worst(sev, pc.rules >= PER_CONNECTION_WARN ? 'warning' : 'info');
    const logs = nf.findings.filter((x) => x.kind === 'log' && x.paths.includes('loopback')).slice(0, 3);
    if (logs.length > 0) sev = worst(sev, 'warning');
    const ct = nf.conntrack;
    const conntrackHigh = ct !== null && ct.pct >= CONNTRACK_WARN_PCT;
    if (conntrackHigh) sev = worst(sev, ct.pct >= CONNTRACK_CRIT_PCT ? 'critical' : 'warning');
    const dropped = (nf.kernel?.conntrackFull?.count ?? 0) > 0;
    if (dropped) sev = worst(sev, 'critical');
    if (nf.mixedBackends) sev = worst(sev, 'info');
    if (sev === null) return null;
    return {
      severity: sev,
      confidence: dropped ? 0.85 : 0.6,
      data: { nf, perPacket, perConnection, logs, conntrackHigh, dropped, baseline: loopbackBaseline(f) },
    };
  },

  evidence({ nf, perPacket, perConnection, logs, conntrackHigh, dropped, baseline }) {
    const out: string[] = [];
    const { perPacket: pp, perConnection: pc, conntrack: ct, mixedBackends: mixed } = nf;
    const loaded = nf.rulesets.filter((r) => r.rules > 0);
    if (perPacket && pp)
      out.push(
        `${pp.rules} rules evaluated for every packet of "${pp.packet}" (walk of ${loaded.map((r) => r.file).join(', ')})`,
      );
    if (perConnection && pc)
      out.push(`${pc.rules} rules evaluated for the first packet of each new connection ("${pc.packet}")`);
    if (perPacket || perConnection) out.push(...rulesetEvidence(loaded));
    for (const l of logs)
      out.push(
        `LOG rule on the loopback path: "${l.text}" (${where(l)}${counters(l)}) — a kernel log line per matching packet`,
      );
    if (conntrackHigh && ct)
      out.push(
        `conntrack ${ct.count} of ${ct.max} entries (${ct.pct.toFixed(1)} %) (${NET_FILES.conntrack}); when full, new connections are dropped`,
      );
    const full = nf.kernel?.conntrackFull;
    if (dropped && full)
      out.push(
        `${full.count} "table full, dropping packet" kernel messages${nf.kernel?.suppressed ? ` (+${nf.kernel.suppressed} suppressed)` : ''}, last: "${full.last?.text ?? ''}" (${NET_FILES.dmesg}:${full.last?.line ?? '?'})`,
      );
    if (mixed)
      out.push(
        `rules in both iptables backends: ${mixed.legacy} legacy, ${mixed.nft} nf_tables (${mixed.files.join(', ')}) — both run, each tool shows only its own`,
      );
    return [...out, ...kubeProxyEvidence(nf), ...baselineEvidence(baseline)];
  },

  steps({ nf, perPacket, perConnection, logs, conntrackHigh, dropped }) {
    return [
      ...(perPacket || perConnection ? RULE_LOAD_STEPS : []),
      ...logs.map((l) =>
        cmd(`${tool(l.file, l.family).list(l.table, l.chain)}    # then delete or narrow the LOG rule`),
      ),
      ...(conntrackHigh || dropped ? CONNTRACK_STEPS : []),
      ...(nf.mixedBackends ? MIXED_BACKEND_STEPS : []),
    ];
  },
});
