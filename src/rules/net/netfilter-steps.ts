// The commands the netfilter rules give: for the rule load on the loopback path, conntrack, mixed
// iptables backends, and for one rule on the path (net.netfilter-blocking).
import type { PathFinding } from '../../facts/net-netfilter.js';
import type { Step } from '../../report/model.js';
import { cmd, prose } from '../steps.js';
import { saveCommand, tool } from './netfilter-text.js';

export const RULE_LOAD_STEPS = [
  cmd('iptables-save -c | grep -c "^\\[.*-A"                    # rules in all tables'),
  cmd('iptables-save | grep -c "^-A KUBE-SVC-"                   # kube-proxy service rules'),
  cmd(
    'iptables -t filter -I OUTPUT 1 -o lo -j ACCEPT && iptables -t filter -I INPUT 1 -i lo -j ACCEPT   # let loopback skip the rest (check your policy first)',
  ),
  prose('kube-proxy: --proxy-mode=nftables (GA in 1.33) or ipvs scales with services; keep connections alive'),
];

export const CONNTRACK_STEPS = [
  cmd('cat /proc/sys/net/netfilter/nf_conntrack_count /proc/sys/net/netfilter/nf_conntrack_max'),
  cmd(
    'sysctl -w net.netfilter.nf_conntrack_max=<2× the current value>   # persist in /etc/sysctl.d/; kube-proxy sets it from conntrack.maxPerCore',
  ),
  cmd('conntrack -S    # per-CPU insert_failed/drop counters (conntrack-tools)'),
  cmd(
    'iptables -t raw -I PREROUTING -i lo -j NOTRACK && iptables -t raw -I OUTPUT -o lo -j NOTRACK   # optional: stop tracking loopback (only if no rule needs its state)',
  ),
];

export const MIXED_BACKEND_STEPS = [
  cmd(
    'iptables-legacy-save | grep -c "^-A"; iptables-nft-save | grep -c "^-A"    # then move everything to one backend',
  ),
];

/** The rule a "file:line" names, as a command that prints it on the node (the file is that command's output). */
function showRule(at: string): string | null {
  const m = /^(.*):(\d+)$/.exec(at);
  return m ? `${saveCommand(m[1] as string)} | sed -n '${m[2]}p'    # the rule that sets the mark` : null;
}

/** Decide the rule by its counters when the bundle cannot, else list its chain and let loopback (or peers to the upload port) past it. */
export function hitSteps(h: PathFinding, peerPort: number | undefined): Step[] {
  const t = tool(h.file, h.family);
  const out: Step[] = [];
  if (h.markSetBy && h.match === 'yes') {
    const show = showRule(h.markSetBy);
    out.push(
      ...(show ? [cmd(show)] : []),
      prose(
        `That rule (${h.markSetBy} in the bundle) sets the mark this rule acts on: give it a mark bit no one else on the node uses (kube-proxy: 0x4000 masquerade, kubelet/kube-proxy: 0x8000 drop, by default), or keep it off lo.`,
      ),
    );
  }
  if (h.match === 'maybe') {
    out.push(
      cmd(
        t.family === 'nft'
          ? `nft -a list chain ${h.family} ${h.table} ${h.chain}    # decides it: add a counter to the rule and watch it while a pull runs (nft rules count only with "counter")`
          : `${t.family}-save -c -t ${h.table} | grep -- '-A ${h.chain} '    # decides it: if its [packets:bytes] grow while a pull runs, it is on the path`,
      ),
    );
    return out;
  }
  out.push(cmd(`${t.list(h.table, h.chain)}    # find the rule, its handle and counters`));
  if (t.family === 'nft') {
    const chain = h.chain.toLowerCase();
    const iface = chain.includes('out') || chain.includes('post') ? 'oifname' : 'iifname';
    out.push(
      cmd(
        `nft insert rule ${h.family} ${h.table} ${h.chain} ${iface} "lo" accept   # or: nft delete rule ${h.family} ${h.table} ${h.chain} handle <N>`,
      ),
    );
  } else if (h.paths.includes('loopback')) {
    const dir = h.chain === 'OUTPUT' || h.chain === 'POSTROUTING' ? '-o' : '-i';
    out.push(
      cmd(
        `${t.family} -t ${h.table} -I ${h.chain} 1 ${dir} lo -j ACCEPT   # or: ${t.family} -t ${h.table} -D ${h.chain} <line number>`,
      ),
    );
  } else {
    out.push(
      cmd(
        `${t.family} -t ${h.table} -I ${h.chain} 1 -p tcp --dport ${peerPort ?? '<upload port>'} -j ACCEPT   # let peers reach the upload port`,
      ),
    );
  }
  return out;
}
