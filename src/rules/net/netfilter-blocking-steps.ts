// What net.netfilter-blocking asks for one rule on the path: decide it by its counters when the bundle
// cannot, else list its chain and let loopback (or peers to the upload port) past it.
import type { PathFinding } from '../../facts/net-netfilter.js';
import { tool } from './netfilter-text.js';

export function hitSteps(h: PathFinding, peerPort: number | undefined): string[] {
  const t = tool(h.file, h.family);
  const out: string[] = [];
  if (h.markSetBy && h.match === 'yes')
    out.push(
      `The rule at ${h.markSetBy} sets the mark this rule acts on: give that rule a mark bit no one else on the node uses (kube-proxy: 0x4000 masquerade, kubelet/kube-proxy: 0x8000 drop, by default), or keep it off lo`,
    );
  if (h.match === 'maybe') {
    out.push(
      t.family === 'nft'
        ? `nft -a list chain ${h.family} ${h.table} ${h.chain}    # decides it: add a counter to the rule and watch it while a pull runs (nft rules count only with "counter")`
        : `${t.family}-save -c -t ${h.table} | grep -- '-A ${h.chain} '    # decides it: if its [packets:bytes] grow while a pull runs, it is on the path`,
    );
    return out;
  }
  out.push(`${t.list(h.table, h.chain)}    # find the rule, its handle and counters`);
  if (t.family === 'nft') {
    const chain = h.chain.toLowerCase();
    const iface = chain.includes('out') || chain.includes('post') ? 'oifname' : 'iifname';
    out.push(
      `nft insert rule ${h.family} ${h.table} ${h.chain} ${iface} "lo" accept   # or: nft delete rule ${h.family} ${h.table} ${h.chain} handle <N>`,
    );
  } else if (h.paths.includes('loopback')) {
    const dir = h.chain === 'OUTPUT' || h.chain === 'POSTROUTING' ? '-o' : '-i';
    out.push(
      `${t.family} -t ${h.table} -I ${h.chain} 1 ${dir} lo -j ACCEPT   # or: ${t.family} -t ${h.table} -D ${h.chain} <line number>`,
    );
  } else {
    out.push(
      `${t.family} -t ${h.table} -I ${h.chain} 1 -p tcp --dport ${peerPort ?? '<upload port>'} -j ACCEPT   # let peers reach the upload port`,
    );
  }
  return out;
}
