// The one rule model both iptables-save and nft output are parsed into, so that a single path walker
// (src/facts/net-path.ts) can judge either against a packet. Only what decides whether loopback or
// peer traffic to dfdaemon can match is typed; everything else is kept as an `unknown` condition,
// which the walker treats as "may match" rather than guessing.

export type AddressFamily = 4 | 6;

/** A port range, inclusive. */
export type PortRange = readonly [number, number];

export type Cond =
  | {
      kind: 'iface';
      dir: 'in' | 'out';
      /** may end in '+' (iptables) or '*' (nft) as a wildcard */ name: string;
      neg: boolean;
    }
  | {
      kind: 'addr';
      dir: 'src' | 'dst';
      /** addresses or CIDRs; the condition holds when any matches */ nets: string[];
      neg: boolean;
    }
  | { kind: 'proto'; proto: string; neg: boolean }
  | { kind: 'port'; dir: 'src' | 'dst' | 'any'; ranges: PortRange[]; neg: boolean }
  | { kind: 'ctstate'; states: string[]; neg: boolean }
  | { kind: 'addrtype'; dir: 'src' | 'dst'; types: string[]; neg: boolean }
  /** A packet that opens a connection (tcp --syn, or flags SYN without ACK). */
  | { kind: 'syn'; neg: boolean }
  /** Matches only some packets by chance: statistic, meta random, numgen. */
  | { kind: 'probabilistic'; what: 'random' | 'nth'; detail: string }
  /**
   * Matches only some packets by rate, amount or connection count: limit, hashlimit, connlimit, quota, nft
   * `limit rate`, `quota`, `ct count`. `capped`: the rule matches only while the traffic is within the
   * stated rate or amount, so whatever it does happens at most that often (`-m limit`, `--hashlimit-upto`,
   * `--quota`, nft `limit rate`/`quota` without `over`); false when it matches what is over it
   * (`--hashlimit-above`, `! --quota`, nft `… over`), counts connections rather than packets
   * (`--connlimit-upto/-above`, `ct count`), or its options are not printed (nft `xt match hashlimit`).
   * (iptables-extensions(8) limit, hashlimit, connlimit, quota; nft(8) LIMIT STATEMENT.)
   */
  | {
      kind: 'probabilistic';
      what: 'limit' | 'hashlimit' | 'connlimit' | 'quota';
      detail: string;
      capped: boolean;
    }
  | { kind: 'family'; family: AddressFamily }
  /** The packet's mark (iptables `-m mark --mark V/M`, nft `meta mark & M == V`): (mark & mask) == value. */
  | { kind: 'mark'; value: number; mask: number; neg: boolean }
  /**
   * Membership of the packet's key in a named nft set or map (`ip daddr @cluster-ips`,
   * `ip daddr . meta l4proto . th dport vmap @service-ips`); judged from the set's listed elements.
   */
  | { kind: 'set'; set: string; keys: SetKey[]; neg: boolean }
  /**
   * Membership in an ipset (iptables `-m set --match-set NAME dst,dst`; iptables-nft lists it as
   * `# match-set NAME dst,dst`). Each flag says whether one dimension of the set's type is read from the
   * packet's source or destination; which dimensions (address, port, interface) the type has, the
   * ruleset does not say, so only knowledge of the set's owner judges it.
   */
  | { kind: 'ipset'; set: string; flags: ('src' | 'dst')[]; neg: boolean }
  /** A match this model does not judge (marks, sets, owners, u32…): the walker says "may match". */
  | { kind: 'unknown'; text: string };

/** One component of a set lookup's key; `other` is one the walker cannot evaluate. */
export type SetKey = 'saddr' | 'daddr' | 'l4proto' | 'sport' | 'dport' | 'iifname' | 'oifname' | 'other';

/** A change of the packet mark: mark = (mark & and) ^ xor (what MARK --set-xmark / nft `meta mark set` do). */
export interface MarkOp {
  and: number;
  xor: number;
}

export type Verdict =
  | { kind: 'accept' | 'drop' | 'reject' | 'queue' | 'return' }
  | { kind: 'jump' | 'goto'; chain: string }
  /** DNAT/SNAT/REDIRECT/MASQUERADE/TPROXY: ends the nat chain and rewrites the packet. */
  | { kind: 'nat'; name: string }
  /** A verdict map or other lookup this model cannot follow. */
  | { kind: 'lookup'; text: string }
  /** LOG, MARK, CT, counter-only…: the packet goes on to the next rule (`mark`: how MARK changes it; absent when the rule cannot change it or the change is not known). */
  | { kind: 'continue'; name: string; mark?: MarkOp | 'unknown' };

export interface Counters {
  packets: number;
  bytes: number;
}

export interface NetfilterRule {
  /** 1-based line in the file it was read from. */
  line: number;
  text: string;
  conds: Cond[];
  verdict: Verdict;
  counters?: Counters;
  /**
   * LOG/NFLOG/ULOG or nft `log` on the rule. `each`: a log line for every packet that reaches it (a
   * per-packet cost and a kernel log flood on a hot path). `capped`: a capped limit decides first which
   * packets reach the log (`-m limit … -j LOG`; nft `limit rate 5/minute log`), so it logs at most that
   * rate. nft runs a rule's statements in order, so a limit after `log` caps only what follows it.
   */
  log: 'none' | 'each' | 'capped';
}

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting' | 'ingress' | 'egress';

export interface NetfilterChain {
  name: string;
  /** Set on a base chain (attached to a hook); user chains are reached only by jump/goto. */
  base?: { hook: Hook; priority: number; type: 'filter' | 'nat' | 'route'; policy: 'accept' | 'drop'; device?: string };
  rules: NetfilterRule[];
  /** Built-in chain policy counters (iptables-save -c). */
  counters?: Counters;
}

/** A named nft set or map as `nft list ruleset` prints it: each element's key, split at ` . `. */
export interface NftSet {
  name: string;
  elements: string[][];
}

export interface NetfilterTable {
  /** "ip", "ip6", "inet", … for nft; "ip"/"ip6" for iptables-save. */
  family: string;
  name: string;
  chains: Map<string, NetfilterChain>;
  /** Number of elements in named sets and maps (kube-proxy's nft mode keeps services there). */
  setElements: number;
  /** nft named sets and maps with their listed elements (none for iptables-save). */
  sets?: Map<string, NftSet>;
}

export interface UnparsedLine {
  line: number;
  text: string;
  reason: string;
}

/** What named the table of rules without a `*table` line: built-in chains given policies, a nat-only target, or nothing (filter). */
export type TableAssumedBy = 'chain policies' | 'nat target' | 'default' | 'nft chain alone';

export interface NetfilterRuleset {
  /** Which program wrote it. */
  format: 'iptables-save' | 'nft';
  /** iptables-save's backend, from its header: "nf_tables" or "legacy". */
  backend?: 'nf_tables' | 'legacy';
  tables: NetfilterTable[];
  unparsed: UnparsedLine[];
  /**
   * Rules that came without their `*table` line (`iptables -S`, a grep of iptables-save), read as the
   * table named here from the line where they begin; an nft chain without its `table` line.
   */
  assumedTables?: { line: number; table: string; by: TableAssumedBy }[];
}

// iptables priorities (NF_IP_PRI_*), so that iptables tables and nft base chains interleave correctly.
export const TABLE_PRIORITY: Record<string, number> = {
  raw: -300,
  mangle: -150,
  nat: -100,
  filter: 0,
  security: 50,
};

/** Which built-in chains each iptables table attaches to. */
export const TABLE_HOOKS: Record<string, Hook[]> = {
  raw: ['prerouting', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  nat: ['prerouting', 'input', 'output', 'postrouting'],
  filter: ['input', 'forward', 'output'],
  security: ['input', 'forward', 'output'],
};

/** An ipset match's flags ("dst", "dst,dst,src"), one per dimension of the set; null when they are not. */
export function ipsetFlags(s: string | undefined): ('src' | 'dst')[] | null {
  if (!s || !/^(?:src|dst)(?:,(?:src|dst))*$/.test(s)) return null;
  return s.split(',') as ('src' | 'dst')[];
}

export function ruleCount(rs: NetfilterRuleset): number {
  let n = 0;
  for (const t of rs.tables) for (const c of t.chains.values()) n += c.rules.length;
  return n;
}
