import type { BundleReader } from '../bundle/reader.js';
import { scanNetfilterKernelMessages, type NetfilterKernelMessages } from '../parsers/dmesg-conntrack.js';
import { parseIptablesSave } from '../parsers/iptables-save.js';
import { type NetfilterRuleset, ruleCount, type TableAssumedBy } from '../parsers/netfilter-rule.js';
import { parseNftRuleset } from '../parsers/nft.js';
import type { InputProblem } from './problems.js';
import { loopbackPackets, type Packet, peerPackets } from './net-packet.js';
import { hookedChains, type PathHit, type RulesetSource, walkPacket, type WalkResult } from './net-path.js';
import { BUNDLE } from '../bundle/layout.js';

// Netfilter facts: what rulesets the bundle holds, which of their rules the traffic to dfdaemon's
// ports passes, which of those can block or throttle it, and how full conntrack is.

/** The net area's files in the bundle, and the kernel messages that name conntrack drops. */
export const NET_FILES = { ...BUNDLE.net, dmesg: BUNDLE.system.dmesg } as const;

export interface RulesetSummary {
  file: string;
  format: NetfilterRuleset['format'];
  backend?: 'nf_tables' | 'legacy';
  rules: number;
  chains: number;
  setElements: number;
  unparsed: number;
  /** Rule counts per table/chain, largest first (at most 10). */
  largestChains: { table: string; chain: string; rules: number }[];
}

export type HitKind = 'drop' | 'reject' | 'queue' | 'random-drop' | 'limit' | 'log' | 'redirect' | 'policy-drop';

/** A rule (or chain policy) on the path that can drop, throttle, log or divert dfdaemon traffic. */
export interface PathFinding {
  kind: HitKind;
  file: string;
  line?: number;
  text: string;
  table: string;
  /** nft family of the table ("inet", "ip"…); iptables tables are "ip"/"ip6". */
  family: string;
  chain: string;
  /** yes = every such packet matches; maybe = depends on something the bundle cannot tell (mark, set…). */
  match: 'yes' | 'maybe';
  /** statistic/limit detail when the rule matches only some packets. */
  detail?: string;
  /** On a limited ACCEPT/RETURN: the rule or DROP policy the packets its limit does not match then meet. */
  excess?: string;
  /** With match "maybe": the conditions the bundle cannot decide (a set it does not list, a mark, an owner…). */
  undecided?: string;
  /** A rule that matches on the packet mark: the rule that set the mark ("file:line"). */
  markSetBy?: string;
  packets?: number;
  bytes?: number;
  /** Plain descriptions of the packets it applies to. */
  affects: string[];
  paths: ('loopback' | 'peer')[];
  /** The packet certainly ends here (a definite drop/reject before anything else decides). */
  decisive: boolean;
}

export interface KubeProxySize {
  file: string;
  kubeServicesRules: number;
  svcChains: number;
  sepChains: number;
  /** nft mode keeps services in maps: elements across kube-proxy's sets and maps. */
  mapElements?: number;
}

export interface RuleLoad {
  /** Rule evaluations one such packet costs. */
  rules: number;
  packet: string;
}

export interface NetfilterFacts {
  rulesets: RulesetSummary[];
  totalRules: number;
  walks: { packet: Packet; evaluated: number; outcome: WalkResult['outcome']; onPath: number }[];
  findings: PathFinding[];
  /** The heaviest per-packet cost on the loopback path (every data packet of a pull pays it). */
  perPacket: RuleLoad | null;
  /** The heaviest cost of a new loopback connection (first packet: nat and ctstate NEW chains too). */
  perConnection: RuleLoad | null;
  kubeProxy: KubeProxySize[];
  /** Rules in both iptables backends: two rulesets run and tools show only one (mode mismatch). */
  mixedBackends?: { legacy: number; nft: number; files: string[] };
  conntrack: { count: number; max: number; pct: number } | null;
  kernel: NetfilterKernelMessages | null;
}

export interface PortsToCheck {
  loopback: { port: number; role: string; families: (4 | 6)[] }[];
  peer: { port: number; families: (4 | 6)[] }[];
}

const IPTABLES_TABLES = new Set(['filter', 'nat', 'mangle', 'raw', 'security']);

const ASSUMED_BY: Record<Exclude<TableAssumedBy, 'nft chain alone'>, string> = {
  'chain policies': 'the built-in chains it gives policies to name it',
  'nat target': 'a target only nat takes names it',
  default: '`iptables -S` lists the filter table unless -t names another',
};

async function readRuleset(
  b: BundleReader,
  file: string,
  parse: (t: string) => NetfilterRuleset,
  problem: (p: InputProblem) => void,
): Promise<NetfilterRuleset | null> {
  const text = await b.text(file);
  if (text === undefined) return null;
  const rs = parse(text);
  for (const a of rs.assumedTables ?? [])
    problem({
      file,
      line: a.line,
      message:
        a.by === 'nft chain alone'
          ? 'an nft chain without its table line: the table, its family and its other chains are not known; read as in an inet table (which sees IPv4 and IPv6 alike): paste `nft list ruleset` for the whole ruleset'
          : `rules without their *table line, read as the ${a.table} table (${ASSUMED_BY[a.by]}): paste \`iptables-save\` for the whole ruleset`,
    });
  const shown = rs.unparsed.slice(0, 5);
  for (const u of shown)
    problem({
      file,
      line: u.line,
      // a report of the ruleset's end (a table with no COMMIT, a block never closed) quotes no line
      message:
        u.text.trim() === ''
          ? `ruleset not complete: ${u.reason}`
          : `unparsed ruleset line (${u.reason}): ${u.text.slice(0, 160)}`,
    });
  if (rs.unparsed.length > shown.length) {
    problem({
      file,
      message: `${rs.unparsed.length} ruleset lines could not be parsed in all (first ${shown.length} listed); the rest of the ruleset was analysed`,
    });
  }
  return rs;
}

export async function buildNetfilterFacts(
  b: BundleReader,
  ports: PortsToCheck,
  problem: (p: InputProblem) => void,
): Promise<NetfilterFacts | undefined> {
  const sources: RulesetSource[] = [];
  const summaries: RulesetSummary[] = [];
  const add = (file: string, rs: NetfilterRuleset | null, skip?: RulesetSource['skipTables']) => {
    if (!rs) return;
    sources.push(skip ? { file, ruleset: rs, skipTables: skip } : { file, ruleset: rs });
    let chains = 0;
    let setElements = 0;
    for (const t of rs.tables) {
      chains += t.chains.size;
      setElements += t.setElements;
    }
    const sizes = rs.tables.flatMap((t) =>
      [...t.chains.values()].map((c) => ({
        table: `${t.family === 'ip' || t.family === 'ip6' ? '' : `${t.family} `}${t.name}`,
        chain: c.name,
        rules: c.rules.length,
      })),
    );
    const largestChains = sizes
      .filter((x) => x.rules > 0)
      .sort((a, b) => b.rules - a.rules)
      .slice(0, 10);
    const s: RulesetSummary = {
      file,
      format: rs.format,
      rules: ruleCount(rs),
      chains,
      setElements,
      unparsed: rs.unparsed.length,
      largestChains,
    };
    if (rs.backend) s.backend = rs.backend;
    summaries.push(s);
  };
  const v4 = await readRuleset(b, NET_FILES.iptables, (t) => parseIptablesSave(t, 'ip'), problem);
  const v6 = await readRuleset(b, NET_FILES.ip6tables, (t) => parseIptablesSave(t, 'ip6'), problem);
  add(NET_FILES.iptables, v4);
  add(NET_FILES.ip6tables, v6);
  // the other backend's rules, when the probe found any: the kernel runs both
  const others: [string, 'ip' | 'ip6'][] = [
    [NET_FILES.iptablesLegacy, 'ip'],
    [NET_FILES.ip6tablesLegacy, 'ip6'],
    [NET_FILES.iptablesNft, 'ip'],
    [NET_FILES.ip6tablesNft, 'ip6'],
  ];
  for (const [file, fam] of others) add(file, await readRuleset(b, file, (t) => parseIptablesSave(t, fam), problem));
  const nftBackend =
    [v4, v6].some((r) => r?.backend === 'nf_tables') ||
    summaries.some((s) => s.file === NET_FILES.iptablesNft && s.rules > 0);
  const nft = await readRuleset(b, NET_FILES.nft, parseNftRuleset, problem);
  // iptables-nft's tables show up in `nft list ruleset` too; iptables-save reads them more precisely
  add(
    NET_FILES.nft,
    nft,
    nftBackend ? (family, name) => (family === 'ip' || family === 'ip6') && IPTABLES_TABLES.has(name) : undefined,
  );

  const conntrack = await readConntrack(b, problem);
  const dmesg = await b.text(NET_FILES.dmesg);
  const kernel = dmesg === undefined ? null : scanNetfilterKernelMessages(dmesg);
  if (sources.length === 0 && !conntrack && !kernel) return undefined;

  const hooks = hookedChains(sources);
  const packets: Packet[] = [];
  for (const lp of ports.loopback) for (const f of lp.families) packets.push(...loopbackPackets(lp.port, f, lp.role));
  for (const pp of ports.peer) for (const f of pp.families) packets.push(...peerPackets(pp.port, f));
  const walks = packets.map((p) => walkPacket(p, hooks));

  const findings = collectFindings(walks);
  const load = (pred: (p: Packet) => boolean): RuleLoad | null => {
    let best: RuleLoad | null = null;
    for (const w of walks)
      if (pred(w.packet) && (!best || w.evaluated > best.rules))
        best = { rules: w.evaluated, packet: w.packet.description };
    return best;
  };
  const legacy = summaries
    .filter((s) => s.backend === 'legacy' || s.file.includes('legacy'))
    .reduce((n, s) => n + s.rules, 0);
  const nftRules = summaries
    .filter((s) => s.backend === 'nf_tables' || s.file.includes('-nft-'))
    .reduce((n, s) => n + s.rules, 0);
  const out: NetfilterFacts = {
    rulesets: summaries,
    totalRules: summaries.reduce((n, s) => n + s.rules, 0),
    walks: walks.map((w) => ({ packet: w.packet, evaluated: w.evaluated, outcome: w.outcome, onPath: w.hits.length })),
    findings,
    perPacket: load((p) => p.path === 'loopback' && p.state === 'ESTABLISHED'),
    perConnection: load((p) => p.path === 'loopback' && p.state === 'NEW'),
    kubeProxy: kubeProxySizes(sources),
    conntrack,
    kernel,
  };
  if (legacy > 0 && nftRules > 0) {
    out.mixedBackends = {
      legacy,
      nft: nftRules,
      files: summaries.filter((s) => s.rules > 0 && s.format === 'iptables-save').map((s) => s.file),
    };
  }
  return out;
}

async function readConntrack(
  b: BundleReader,
  problem: (p: InputProblem) => void,
): Promise<NetfilterFacts['conntrack']> {
  const text = await b.text(NET_FILES.conntrack);
  if (text === undefined) return null;
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    problem({ file: NET_FILES.conntrack, message: `not JSON: ${(e as Error).message}` });
    return null;
  }
  const o = j as { count?: unknown; max?: unknown };
  if (typeof o.count !== 'number' || typeof o.max !== 'number' || o.max <= 0) return null;
  return { count: o.count, max: o.max, pct: (o.count / o.max) * 100 };
}

function kindOf(h: PathHit): HitKind | null {
  const rule = h.rule;
  const v = rule.verdict.kind;
  const probabilistic = h.probabilistic?.what ?? null;
  if (probabilistic === 'random' || probabilistic === 'nth') {
    if (v === 'drop' || v === 'reject' || v === 'queue') return 'random-drop';
  }
  if (
    probabilistic === 'limit' ||
    probabilistic === 'hashlimit' ||
    probabilistic === 'connlimit' ||
    probabilistic === 'quota'
  ) {
    // a limited DROP/REJECT/NFQUEUE throttles on its own (`--hashlimit-above 10/sec -j DROP`). A limited
    // ACCEPT/RETURN passes what its limit does not match on to the next rule: that excess is throttled only
    // where the walk then meets a drop, reject, queue or DROP policy (`-m limit --limit 100/s -j ACCEPT`
    // under an ACCEPT policy limits nothing). On a rule that logs, marks or counts the limit bounds that
    // action, and every packet goes on (`-m limit … -j NFLOG`, kube-router's).
    if (v === 'drop' || v === 'reject' || v === 'queue') return 'limit';
    if ((v === 'accept' || v === 'return') && h.excessMeets) return 'limit';
  }
  if (v === 'drop') return 'drop';
  if (v === 'reject') return 'reject';
  if (v === 'queue') return 'queue';
  if (
    v === 'nat' &&
    rule.verdict.kind === 'nat' &&
    /^(DNAT|REDIRECT|TPROXY|dnat|redirect|tproxy)$/.test(rule.verdict.name)
  )
    return 'redirect';
  // a log behind a capped limit writes at most that many lines (5/min, burst 5): no load on any path
  if (rule.log === 'each') return 'log';
  return null;
}

function collectFindings(walks: WalkResult[]): PathFinding[] {
  const byKey = new Map<string, PathFinding>();
  for (const w of walks) {
    for (const h of w.hits) {
      const kind = kindOf(h);
      if (!kind) continue;
      // a redirect only matters when it certainly catches the connection to dfdaemon
      if (kind === 'redirect' && h.match !== 'yes') continue;
      // a limited ACCEPT throttles only as surely as what drops its excess
      const excess = kind === 'limit' ? h.excessMeets : undefined;
      const match = excess?.match === 'maybe' ? 'maybe' : h.match;
      const key = `${h.file}\u0000${h.rule.line}`;
      let f = byKey.get(key);
      if (!f) {
        f = {
          kind,
          file: h.file,
          line: h.rule.line,
          text: h.rule.text,
          table: h.table,
          family: h.family,
          chain: h.chain,
          match,
          affects: [],
          paths: [],
          decisive: false,
        };
        if (h.probabilistic) f.detail = h.probabilistic.detail;
        if (excess) f.excess = excess.what;
        const undecided = [
          ...(h.undecided ?? []),
          ...(excess?.match === 'maybe' ? [`whether ${excess.what} gets the packets it does not match`] : []),
        ];
        if (undecided.length) f.undecided = undecided.join(', ');
        if (h.markSetBy) f.markSetBy = h.markSetBy;
        if (h.rule.counters) {
          f.packets = h.rule.counters.packets;
          f.bytes = h.rule.counters.bytes;
        }
        byKey.set(key, f);
      }
      if (match === 'yes') f.match = 'yes';
      if (!f.affects.includes(w.packet.description)) f.affects.push(w.packet.description);
      if (!f.paths.includes(w.packet.path)) f.paths.push(w.packet.path);
      if (w.droppedBy === h) f.decisive = true;
    }
    for (const pd of w.policyDrops) {
      const key = `${pd.file}\u0000policy\u0000${pd.table}\u0000${pd.chain}`;
      let f = byKey.get(key);
      if (!f) {
        f = {
          kind: 'policy-drop',
          file: pd.file,
          text: `chain ${pd.chain} policy DROP (table ${pd.table})`,
          table: pd.table,
          family: pd.family,
          chain: pd.chain,
          match: pd.certain ? 'yes' : 'maybe',
          affects: [],
          paths: [],
          decisive: pd.certain,
        };
        byKey.set(key, f);
      }
      if (!f.affects.includes(w.packet.description)) f.affects.push(w.packet.description);
      if (!f.paths.includes(w.packet.path)) f.paths.push(w.packet.path);
    }
  }
  return [...byKey.values()];
}

function kubeProxySizes(sources: RulesetSource[]): KubeProxySize[] {
  const out: KubeProxySize[] = [];
  for (const s of sources) {
    let kubeServicesRules = 0;
    let svcChains = 0;
    let sepChains = 0;
    let mapElements = 0;
    let seen = false;
    for (const t of s.ruleset.tables) {
      if (s.skipTables?.(t.family, t.name)) continue;
      if (t.name === 'kube-proxy') {
        seen = true;
        mapElements += t.setElements;
      }
      for (const c of t.chains.values()) {
        if (c.name === 'KUBE-SERVICES' || c.name === 'services') {
          seen = true;
          kubeServicesRules += c.rules.length;
        } else if (/^KUBE-SVC-|^service-/.test(c.name)) {
          seen = true;
          svcChains++;
        } else if (/^KUBE-SEP-|^endpoint-/.test(c.name)) {
          seen = true;
          sepChains++;
        }
      }
    }
    if (seen) {
      const k: KubeProxySize = { file: s.file, kubeServicesRules, svcChains, sepChains };
      if (mapElements > 0) k.mapElements = mapElements;
      out.push(k);
    }
  }
  return out;
}
