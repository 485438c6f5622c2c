// How the netfilter rules name a rule (file:line, counters), and the tool that lists its chain.
import { NET_FILES, type PathFinding } from '../../facts/net-netfilter.js';
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

/** The tool that owns a ruleset file (nft, or iptables/ip6tables of its backend), and how it lists a chain. */
export function tool(file: string, nftFamily = 'inet'): { list: (t: string, c: string) => string; family: string } {
  if (file === NET_FILES.nft) return { list: (t, c) => `nft -a list chain ${nftFamily} ${t} ${c}`, family: 'nft' };
  const bin = file.includes('ip6tables') ? 'ip6tables' : 'iptables';
  const legacy = file.includes('legacy') ? '-legacy' : file.includes('-nft-') ? '-nft' : '';
  return { list: (t, c) => `${bin}${legacy} -t ${t} -L ${c} -v -n --line-numbers`, family: bin };
}
