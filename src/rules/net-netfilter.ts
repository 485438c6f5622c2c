import type { PathFinding } from '../facts/net-netfilter.js';
import { ownerOf } from '../facts/netfilter-owners.js';
import { NET_FILES } from '../facts/net.js';
import type { Severity } from '../causes.js';
import { loopbackMeasured } from './net-loopback.js';
import type { Step } from '../report/model.js';
import { defineLegacyRule, type Match } from './rule.js';
import { cmd, prose } from './steps.js';

// Per packet, every rule of every chain a packet enters is evaluated in order (iptables) or by the nft
// VM; kube-proxy's iptables mode costs each new connection O(services) (kubernetes/kubernetes
// pkg/proxy/iptables/proxier.go; https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy).
// containerd keeps connections alive, so the per-packet figure matters far more than the per-connection one.
export const PER_PACKET_WARN = 1000;
export const PER_PACKET_CRIT = 10000;
export const PER_CONNECTION_INFO = 1000;
export const PER_CONNECTION_WARN = 10000;
export const CONNTRACK_WARN_PCT = 80;
export const CONNTRACK_CRIT_PCT = 95;

const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
function worst(a: Severity | null, b: Severity): Severity {
  return a === null || order[b] < order[a] ? b : a;
}

const where = (x: { file: string; line?: number }) => (x.line === undefined ? x.file : `${x.file}:${x.line}`);

function counters(x: PathFinding): string {
  if (x.packets === undefined) return '';
  return x.packets > 0
    ? `, counters: ${x.packets} packets / ${x.bytes ?? 0} bytes matched`
    : ', counters: 0 packets so far';
}

function tool(file: string, nftFamily = 'inet'): { list: (t: string, c: string) => string; family: string } {
  if (file === NET_FILES.nft) return { list: (t, c) => `nft -a list chain ${nftFamily} ${t} ${c}`, family: 'nft' };
  const bin = file.includes('ip6tables') ? 'ip6tables' : 'iptables';
  const legacy = file.includes('legacy') ? '-legacy' : file.includes('-nft-') ? '-nft' : '';
  return { list: (t, c) => `${bin}${legacy} -t ${t} -L ${c} -v -n --line-numbers`, family: bin };
}

export const netfilterOverhead = defineLegacyRule({
  id: 'net.netfilter-overhead',
  cause: 'netfilter-overhead',
  title: 'Netfilter rules or conntrack load the loopback path',
  description: `≥ ${PER_PACKET_WARN} rule evaluations per loopback data packet, ≥ ${PER_CONNECTION_INFO} per new loopback connection, LOG rules on the loopback path, conntrack ≥ ${CONNTRACK_WARN_PCT} % full or "table full, dropping packet" in dmesg, or rules in both iptables backends`,
  severities: ['critical', 'warning', 'info'],
  remediationSummary:
    'Shrink or bypass the rules on the loopback path (an early `-i lo`/`-o lo` ACCEPT, nftables/IPVS kube-proxy), and give conntrack room.',
  inputsAbsent: (f) =>
    f.net?.netfilter
      ? null
      : 'no netfilter facts: the netfilter probe did not run or the bundle holds no ruleset, conntrack or dmesg file',
  when(f) {
    const nf = f.net?.netfilter;
    if (!nf) return null;
    const evidence: string[] = [];
    const steps: Step[] = [];
    let sev: Severity | null = null;
    const pp = nf.perPacket;
    if (pp && pp.rules >= PER_PACKET_WARN) {
      sev = worst(sev, pp.rules >= PER_PACKET_CRIT ? 'critical' : 'warning');
      evidence.push(
        `${pp.rules} rules evaluated for every packet of "${pp.packet}" (walk of ${nf.rulesets
          .filter((r) => r.rules > 0)
          .map((r) => r.file)
          .join(', ')})`,
      );
    }
    const pc = nf.perConnection;
    if (pc && pc.rules >= PER_CONNECTION_INFO) {
      sev = worst(sev, pc.rules >= PER_CONNECTION_WARN ? 'warning' : 'info');
      evidence.push(`${pc.rules} rules evaluated for the first packet of each new connection ("${pc.packet}")`);
    }
    if ((pp && pp.rules >= PER_PACKET_WARN) || (pc && pc.rules >= PER_CONNECTION_INFO)) {
      for (const r of nf.rulesets) {
        if (r.rules === 0) continue;
        const top = r.largestChains
          .slice(0, 3)
          .map((c) => `${c.table}/${c.chain} ${c.rules}`)
          .join(', ');
        evidence.push(
          `${r.rules} rules in ${r.chains} chains${r.setElements ? `, ${r.setElements} set/map elements` : ''}; largest: ${top} (${r.file})`,
        );
      }
      steps.push(
        cmd('iptables-save -c | grep -c "^\\[.*-A"                    # rules in all tables'),
        cmd('iptables-save | grep -c "^-A KUBE-SVC-"                   # kube-proxy service rules'),
        cmd(
          'iptables -t filter -I OUTPUT 1 -o lo -j ACCEPT && iptables -t filter -I INPUT 1 -i lo -j ACCEPT   # let loopback skip the rest (check your policy first)',
        ),
        prose('kube-proxy: --proxy-mode=nftables (GA in 1.33) or ipvs scales with services; keep connections alive'),
      );
    }
    const logs = nf.findings.filter((x) => x.kind === 'log' && x.paths.includes('loopback'));
    for (const l of logs.slice(0, 3)) {
      sev = worst(sev, 'warning');
      evidence.push(
        `LOG rule on the loopback path: "${l.text}" (${where(l)}${counters(l)}) — a kernel log line per matching packet`,
      );
      steps.push(cmd(`${tool(l.file, l.family).list(l.table, l.chain)}    # then delete or narrow the LOG rule`));
    }
    const ct = nf.conntrack;
    if (ct && ct.pct >= CONNTRACK_WARN_PCT) {
      sev = worst(sev, ct.pct >= CONNTRACK_CRIT_PCT ? 'critical' : 'warning');
      evidence.push(
        `conntrack ${ct.count} of ${ct.max} entries (${ct.pct.toFixed(1)} %) (${NET_FILES.conntrack}); when full, new connections are dropped`,
      );
    }
    const full = nf.kernel?.conntrackFull;
    if (full && full.count > 0) {
      sev = worst(sev, 'critical');
      evidence.push(
        `${full.count} "table full, dropping packet" kernel messages${nf.kernel?.suppressed ? ` (+${nf.kernel.suppressed} suppressed)` : ''}, last: "${full.last?.text ?? ''}" (${NET_FILES.dmesg}:${full.last?.line ?? '?'})`,
      );
    }
    if ((ct && ct.pct >= CONNTRACK_WARN_PCT) || (full && full.count > 0)) {
      steps.push(
        cmd('cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max'),
        cmd(
          'sysctl -w net.netfilter.nf_conntrack_max=<2× the current value>   # persist in /etc/sysctl.d/; kube-proxy sets it from conntrack.maxPerCore',
        ),
        cmd('conntrack -S    # per-CPU insert_failed/drop counters (conntrack-tools)'),
        cmd(
          'iptables -t raw -I PREROUTING -i lo -j NOTRACK && iptables -t raw -I OUTPUT -o lo -j NOTRACK   # optional: stop tracking loopback (only if no rule needs its state)',
        ),
      );
    }
    if (nf.mixedBackends) {
      sev = worst(sev, 'info');
      evidence.push(
        `rules in both iptables backends: ${nf.mixedBackends.legacy} legacy, ${nf.mixedBackends.nft} nf_tables (${nf.mixedBackends.files.join(', ')}) — both run, each tool shows only its own`,
      );
      steps.push(
        cmd(
          'iptables-legacy-save | grep -c "^-A"; iptables-nft-save | grep -c "^-A"    # then move everything to one backend',
        ),
      );
    }
    if (sev === null) return null;
    for (const k of nf.kubeProxy) {
      evidence.push(
        `kube-proxy: KUBE-SERVICES ${k.kubeServicesRules} rules, ${k.svcChains} KUBE-SVC-* and ${k.sepChains} KUBE-SEP-* chains${k.mapElements ? `, ${k.mapElements} map elements` : ''} (${k.file})`,
      );
    }
    evidence.push(...loopbackMeasured(f));
    return {
      severity: sev,
      confidence: full && full.count > 0 ? 0.85 : 0.6,
      evidence,
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

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

export const netfilterBlocking = defineLegacyRule({
  id: 'net.netfilter-blocking',
  cause: 'netfilter-blocking',
  title: 'Netfilter drops, rejects, queues or rate-limits dfdaemon traffic',
  description:
    'a DROP/REJECT/NFQUEUE, random-drop (statistic, meta random), limit/hashlimit, redirect, or DROP policy that the packets between containerd and dfdaemon on lo, or peers and the upload port, can hit',
  severities: ['critical', 'warning', 'info'],
  remediationSummary: 'Accept loopback (and the upload port) before the rule that drops, queues or throttles it.',
  inputsAbsent: (f) =>
    f.net?.netfilter
      ? null
      : 'no netfilter facts: the netfilter probe did not run or the bundle holds no ruleset, conntrack or dmesg file',
  when(f) {
    const nf = f.net?.netfilter;
    if (!nf) return null;
    const hits = nf.findings.filter((x) => x.kind !== 'log');
    const queueFull = nf.kernel?.queueFull.count ?? 0;
    if (hits.length === 0 && queueFull === 0) return null;
    let sev: Severity | null = null;
    const evidence: string[] = [];
    const steps = new Set<string>();
    // decisive and certain ones first
    const ranked = [...hits].sort(
      (a, b) => Number(b.decisive) - Number(a.decisive) || Number(b.match === 'yes') - Number(a.match === 'yes'),
    );
    for (const h of ranked) {
      const lo = h.paths.includes('loopback');
      let s: Severity;
      // a rule whose match hangs on state the bundle does not hold is a question, not a finding: its
      // counters (or a capture) decide it, so it is never more than info
      if (h.match === 'maybe') s = 'info';
      else if (h.kind === 'limit') s = 'warning';
      else if (h.kind === 'queue') s = queueFull > 0 ? 'critical' : 'warning';
      else s = lo ? 'critical' : 'warning';
      sev = worst(sev, s);
      const detail = h.detail ? ` [${h.detail}]` : '';
      const certainty =
        h.match === 'yes'
          ? h.decisive
            ? 'certainly stops'
            : 'matches'
          : `may match (it depends on state the bundle cannot judge: ${h.undecided ?? 'an unknown match'})`;
      const owner = ownerOf(h.table, h.chain);
      evidence.push(
        `${KIND_TEXT[h.kind]}${detail}: "${h.text}" (${where(h)}, table ${h.table}, chain ${h.chain}${owner ? `, ${owner}'s` : ''}${counters(h)}) ${certainty}${h.markSetBy ? ` (the packet mark it matches is set by ${h.markSetBy})` : ''}: ${h.affects.slice(0, 3).join('; ')}`,
      );
      const t = tool(h.file, h.family);
      if (h.markSetBy && h.match === 'yes') {
        steps.add(
          `The rule at ${h.markSetBy} sets the mark this rule acts on: give that rule a mark bit no one else on the node uses (kube-proxy: 0x4000 masquerade, kubelet/kube-proxy: 0x8000 drop, by default), or keep it off lo`,
        );
      }
      if (h.match === 'maybe') {
        steps.add(
          t.family === 'nft'
            ? `nft -a list chain ${h.family} ${h.table} ${h.chain}    # decides it: add a counter to the rule and watch it while a pull runs (nft rules count only with "counter")`
            : `${t.family}-save -c -t ${h.table} | grep -- '-A ${h.chain} '    # decides it: if its [packets:bytes] grow while a pull runs, it is on the path`,
        );
        if (evidence.length >= 8) break;
        continue;
      }
      steps.add(`${t.list(h.table, h.chain)}    # find the rule, its handle and counters`);
      if (t.family === 'nft') {
        const iface =
          h.chain.toLowerCase().includes('out') || h.chain.toLowerCase().includes('post') ? 'oifname' : 'iifname';
        steps.add(
          `nft insert rule ${h.family} ${h.table} ${h.chain} ${iface} "lo" accept   # or: nft delete rule ${h.family} ${h.table} ${h.chain} handle <N>`,
        );
      } else if (lo) {
        steps.add(
          `${t.family} -t ${h.table} -I ${h.chain} 1 ${h.chain === 'OUTPUT' || h.chain === 'POSTROUTING' ? '-o' : '-i'} lo -j ACCEPT   # or: ${t.family} -t ${h.table} -D ${h.chain} <line number>`,
        );
      } else {
        const port = nf.walks.find((w) => w.packet.path === 'peer')?.packet.port;
        steps.add(
          `${t.family} -t ${h.table} -I ${h.chain} 1 -p tcp --dport ${port ?? '<upload port>'} -j ACCEPT   # let peers reach the upload port`,
        );
      }
      if (evidence.length >= 8) break;
    }
    if (hits.length > 8) evidence.push(`… and ${hits.length - 8} more such rules on the path`);
    if (queueFull > 0) {
      sev = worst(sev, 'critical');
      evidence.push(
        `${queueFull} "nf_queue: full … dropping packets" kernel messages: the NFQUEUE reader cannot keep up (${NET_FILES.dmesg}:${nf.kernel?.queueFull.first?.line ?? '?'})`,
      );
    }
    evidence.push(...loopbackMeasured(f));
    const certain = hits.some((h) => h.match === 'yes');
    const m: Match = {
      severity: sev ?? 'warning',
      confidence: certain ? 0.85 : 0.45,
      evidence,
      remediation: { summary: this.remediationSummary, steps: [...steps].map(cmd) },
    };
    return m;
  },
});
