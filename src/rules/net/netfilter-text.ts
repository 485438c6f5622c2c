// How the netfilter rules name a rule (file:line, counters), and the tool that lists its chain.
import { NET_FILES, type NetfilterFacts, type PathFinding, type RulesetSummary } from '../../facts/net-netfilter.js';
import type { Facts } from '../../facts/types.js';

/** net.netfilter-*'s inputs: absent when the netfilter probe did not run. */
export const netfilterAbsent = (f: Facts) =>
  f.net?.netfilter
    ? null
    : 'no netfilter facts: the netfilter probe did not run or the bundle holds no ruleset, conntrack or dmesg file';

export const where = (x: { file: string; line?: number }) => (x.line === undefined ? x.file : `${x.file}:${x.line}`);

export function counters(x: PathFinding): string {
  if (x.packets === undefined) return '';
  return x.packets > 0
    ? `, counters: ${x.packets} packets / ${x.bytes ?? 0} bytes matched`
    : ', counters: 0 packets so far';
}

/** The iptables binary of a ruleset file (iptables or ip6tables), and the one of its backend (…-legacy, …-nft). */
function iptablesOf(file: string): { bin: string; backend: string } {
  const bin = file.includes('ip6tables') ? 'ip6tables' : 'iptables';
  return { bin, backend: `${bin}${file.includes('legacy') ? '-legacy' : file.includes('-nft-') ? '-nft' : ''}` };
}

/** The tool that owns a ruleset file (nft, or iptables/ip6tables of its backend), and how it lists a chain. */
export function tool(file: string, nftFamily = 'inet'): { list: (t: string, c: string) => string; family: string } {
  if (file === NET_FILES.nft) return { list: (t, c) => `nft -a list chain ${nftFamily} ${t} ${c}`, family: 'nft' };
  const { bin, backend } = iptablesOf(file);
  return { list: (t, c) => `${backend} -t ${t} -L ${c} -v -n --line-numbers`, family: bin };
}

/**
 * The command whose output a ruleset file of the bundle is (the netfilter probe saves `<tool>-save -c`
 * and `nft list ruleset` as they print), so that its line N is line N of what the command prints now.
 */
export function saveCommand(file: string): string {
  return file === NET_FILES.nft ? 'nft list ruleset' : `${iptablesOf(file).backend}-save -c`;
}

/** The rulesets that hold rules: size and largest chains of each. */
export function rulesetEvidence(loaded: RulesetSummary[]): string[] {
  return loaded.map((r) => {
    const top = r.largestChains.slice(0, 3).map((c) => `${c.table}/${c.chain} ${c.rules}`);
    return `${r.rules} rules in ${r.chains} chains${r.setElements ? `, ${r.setElements} set/map elements` : ''}; largest: ${top.join(', ')} (${r.file})`;
  });
}

/** kube-proxy's share of the rules, per ruleset it wrote. */
export function kubeProxyEvidence(nf: NetfilterFacts): string[] {
  return nf.kubeProxy.map(
    (k) =>
      `kube-proxy: KUBE-SERVICES ${k.kubeServicesRules} rules, ${k.svcChains} KUBE-SVC-* and ${k.sepChains} KUBE-SEP-* chains${k.mapElements ? `, ${k.mapElements} map elements` : ''} (${k.file})`,
  );
}
