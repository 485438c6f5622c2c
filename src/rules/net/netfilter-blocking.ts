import type { Severity } from '../../causes.js';
import { NET_FILES, type NetfilterFacts, type PathFinding } from '../../facts/net-netfilter.js';
import { ownerOf } from '../../facts/netfilter-owners.js';
import { defineRule } from '../rule.js';
import { baselineEvidence, loopbackBaseline, type LoopbackBaseline } from './loopback.js';
import { hitSteps } from './netfilter-steps.js';
import { counters, netfilterAbsent, where } from './netfilter-text.js';
import { worst } from './severity.js';

/** Rules shown at most; the rest are counted. */
const SHOWN = 8;

const KIND_TEXT: Record<PathFinding['kind'], string> = {
  drop: 'DROP',
  reject: 'REJECT',
  queue: 'NFQUEUE (a userspace program must accept every packet)',
  'random-drop': 'random drop',
  limit: 'rate limit',
  log: 'LOG',
  redirect: 'redirect (DNAT/REDIRECT)',
  'policy-drop': 'chain policy DROP',
};

interface BlockingFinding {
  nf: NetfilterFacts;
  /** The rules shown, decisive and certain ones first. */
  shown: PathFinding[];
  total: number;
  /** "nf_queue: full" kernel messages. */
  queueFull: number;
  baseline?: LoopbackBaseline;
}

function hitSeverity(h: PathFinding, queueFull: number): Severity {
  // a rule whose match hangs on state the bundle does not hold is a question, not a finding: its
  // counters (or a capture) decide it, so it is never more than info
  if (h.match === 'maybe') return 'info';
  if (h.kind === 'limit') return 'warning';
  if (h.kind === 'queue') return queueFull > 0 ? 'critical' : 'warning';
  return h.paths.includes('loopback') ? 'critical' : 'warning';
}

function hitText(h: PathFinding): string {
  const certainty =
    h.match === 'yes'
      ? h.decisive
        ? 'certainly stops'
        : 'matches'
      : `may match (it depends on state the bundle cannot judge: ${h.undecided ?? 'an unknown match'})`;
  const owner = ownerOf(h.table, h.chain);
  return `${KIND_TEXT[h.kind]}${h.detail ? ` [${h.detail}]` : ''}: "${h.text}" (${where(h)}, table ${h.table}, chain ${h.chain}${owner ? `, ${owner}'s` : ''}${counters(h)}) ${certainty}${h.markSetBy ? ` (the packet mark it matches is set by ${h.markSetBy})` : ''}: ${h.affects.slice(0, 3).join('; ')}${h.excess ? ` — the packets its limit does not match go on to ${h.excess}` : ''}`;
}

export const netfilterBlocking = defineRule<BlockingFinding>({
  meta: {
    id: 'net.netfilter-blocking',
    cause: 'netfilter-blocking',
    title: 'Netfilter drops, rejects, queues or rate-limits dfdaemon traffic',
    description:
      'a DROP/REJECT/NFQUEUE, random-drop (statistic, meta random), limit/hashlimit, redirect, or DROP policy that the packets between containerd and dfdaemon on lo, or peers and the upload port, can hit',
    severities: ['critical', 'warning', 'info'],
    remediationSummary: 'Accept loopback (and the upload port) before the rule that drops, queues or throttles it.',
  },
  inputsAbsent: netfilterAbsent,

  detect(f) {
    const nf = f.net?.netfilter;
    if (!nf) return null;
    const hits = nf.findings.filter((x) => x.kind !== 'log');
    const queueFull = nf.kernel?.queueFull.count ?? 0;
    if (hits.length === 0 && queueFull === 0) return null;
    const shown = [...hits]
      .sort((a, b) => Number(b.decisive) - Number(a.decisive) || Number(b.match === 'yes') - Number(a.match === 'yes'))
      .slice(0, SHOWN);
    let sev: Severity | null = null;
    for (const h of shown) sev = worst(sev, hitSeverity(h, queueFull));
    if (queueFull > 0) sev = worst(sev, 'critical');
    return {
      severity: sev ?? 'warning',
      confidence: hits.some((h) => h.match === 'yes') ? 0.85 : 0.45,
      data: { nf, shown, total: hits.length, queueFull, baseline: loopbackBaseline(f) },
    };
  },

  evidence({ nf, shown, total, queueFull, baseline }) {
    const out = shown.map(hitText);
    if (total > SHOWN) out.push(`… and ${total - SHOWN} more such rules on the path`);
    if (queueFull > 0)
      out.push(
        `${queueFull} "nf_queue: full … dropping packets" kernel messages: the NFQUEUE reader cannot keep up (${NET_FILES.dmesg}:${nf.kernel?.queueFull.first?.line ?? '?'})`,
      );
    return [...out, ...baselineEvidence(baseline)];
  },

  steps({ nf, shown }) {
    const peerPort = nf.walks.find((w) => w.packet.path === 'peer')?.packet.port;
    // several rules may ask for the same step: each once, in the order first asked
    const steps = new Map(shown.flatMap((h) => hitSteps(h, peerPort)).map((s) => [JSON.stringify(s), s]));
    return [...steps.values()];
  },
});
