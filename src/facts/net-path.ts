import { inNet, isLoopback, parseIp } from '../parsers/net-address.js';
import type {
  Cond,
  Hook,
  MarkOp,
  NetfilterChain,
  NetfilterRule,
  NetfilterRuleset,
  NftSet,
  PortRange,
  SetKey,
  Verdict,
} from '../parsers/netfilter-rule.js';
import { judgeIpsetFromKnowledge, judgeSetFromKnowledge, missesPodFirewallJump } from './netfilter-owners.js';

// Walks the netfilter hooks a TCP packet to one of dfdaemon's ports traverses, judging every rule
// against that packet: a rule that cannot match it is evaluated (it costs time) but is not "on the
// path". Unknown values (a peer's address, a mark, a set) make a condition "maybe", never "yes".

export type Tri = 'yes' | 'no' | 'maybe';

/** An address the walker knows exactly, or only what kind it is. */
export type Addr = { ip: string } | { unknown: 'remote' | 'local' };
/** The interface a packet came in or goes out on; `none` for a locally generated packet's input side. */
export type Iface = { is: string } | { isNot: string } | 'none';

/** Linux's default net.ipv4.ip_local_port_range: the client side of a connection. */
export const EPHEMERAL: PortRange = [32768, 60999];

export interface Packet {
  id: string;
  /** Plain words for evidence: "containerd → dfdaemon proxy (127.0.0.1:4001), first packet". */
  description: string;
  family: 4 | 6;
  src: Addr;
  dst: Addr;
  sport: PortRange;
  dport: PortRange;
  state: 'NEW' | 'ESTABLISHED';
  syn: boolean;
  /** The hooks it passes, in order, with its interface at each. */
  hooks: { hook: Hook; iif: Iface; oif: Iface; nat: boolean }[];
  /** Loopback traffic (containerd ↔ dfdaemon) or peer traffic (other nodes ↔ upload port). */
  path: 'loopback' | 'peer';
  /** The port it was built for (the dfdaemon side). */
  port: number;
}

/** The packets a connection to `port` on loopback sends: request (first and later packets) and the reply stream. */
export function loopbackPackets(port: number, family: 4 | 6, role: string): Packet[] {
  const ip = family === 4 ? '127.0.0.1' : '::1';
  const lo = { is: 'lo' } as const;
  // nat is decided on the first packet at OUTPUT/POSTROUTING; the looped-back copy is already confirmed
  const hooks = (nat: boolean) => [
    { hook: 'output' as const, iif: 'none' as const, oif: lo, nat },
    { hook: 'postrouting' as const, iif: 'none' as const, oif: lo, nat },
    { hook: 'prerouting' as const, iif: lo, oif: 'none' as const, nat: false },
    { hook: 'input' as const, iif: lo, oif: 'none' as const, nat: false },
  ];
  const where = `${family === 6 ? `[${ip}]` : ip}:${port}`;
  const base = { family, src: { ip }, dst: { ip }, path: 'loopback' as const, port };
  return [
    {
      ...base,
      id: `lo${family}-${port}-syn`,
      description: `client → dfdaemon ${role} (${where}), connection's first packet`,
      sport: EPHEMERAL,
      dport: [port, port],
      state: 'NEW',
      syn: true,
      hooks: hooks(true),
    },
    {
      ...base,
      id: `lo${family}-${port}-req`,
      description: `client → dfdaemon ${role} (${where}), request packets`,
      sport: EPHEMERAL,
      dport: [port, port],
      state: 'ESTABLISHED',
      syn: false,
      hooks: hooks(false),
    },
    {
      ...base,
      id: `lo${family}-${port}-resp`,
      description: `dfdaemon ${role} (${where}) → client, response data`,
      sport: [port, port],
      dport: EPHEMERAL,
      state: 'ESTABLISHED',
      syn: false,
      hooks: hooks(false),
    },
  ];
}

/** The packets another peer's download from this node's upload port sends and receives. */
export function peerPackets(port: number, family: 4 | 6): Packet[] {
  const notLo = { isNot: 'lo' } as const;
  const base = { family, path: 'peer' as const, port };
  const inbound = (nat: boolean) => [
    { hook: 'prerouting' as const, iif: notLo, oif: 'none' as const, nat },
    { hook: 'input' as const, iif: notLo, oif: 'none' as const, nat },
  ];
  const outbound = [
    { hook: 'output' as const, iif: 'none' as const, oif: notLo, nat: false },
    { hook: 'postrouting' as const, iif: 'none' as const, oif: notLo, nat: false },
  ];
  return [
    {
      ...base,
      id: `peer${family}-${port}-syn`,
      description: `peer → upload port ${port}, connection's first packet`,
      src: { unknown: 'remote' },
      dst: { unknown: 'local' },
      sport: [1024, 65535],
      dport: [port, port],
      state: 'NEW',
      syn: true,
      hooks: inbound(true),
    },
    {
      ...base,
      id: `peer${family}-${port}-req`,
      description: `peer → upload port ${port}, request packets`,
      src: { unknown: 'remote' },
      dst: { unknown: 'local' },
      sport: [1024, 65535],
      dport: [port, port],
      state: 'ESTABLISHED',
      syn: false,
      hooks: inbound(false),
    },
    {
      ...base,
      id: `peer${family}-${port}-resp`,
      description: `upload port ${port} → peer, piece data`,
      src: { unknown: 'local' },
      dst: { unknown: 'remote' },
      sport: [port, port],
      dport: [1024, 65535],
      state: 'ESTABLISHED',
      syn: false,
      hooks: outbound,
    },
  ];
}

const neg = (t: Tri, n: boolean): Tri => (!n ? t : t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe');

function ifaceMatches(pattern: string, name: string): boolean {
  if (pattern.endsWith('+') || pattern.endsWith('*')) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}

function judgeIface(pattern: string, at: Iface): Tri {
  if (at === 'none') return 'no';
  if ('is' in at) return ifaceMatches(pattern, at.is) ? 'yes' : 'no';
  // we only know it is not `isNot`
  if (ifaceMatches(pattern, at.isNot) && !(pattern.endsWith('+') || pattern.endsWith('*'))) return 'no';
  return 'maybe';
}

function judgeAddr(nets: string[], a: Addr, family: 4 | 6): Tri {
  let sawMaybe = false;
  for (const net of nets) {
    if ('ip' in a) {
      const r = inNet(a.ip, net);
      if (r === true) return 'yes';
      if (r === null) sawMaybe = true;
      continue;
    }
    const base = net.split(/[/-]/)[0] ?? '';
    const p = parseIp(base);
    if (!p) {
      sawMaybe = true;
      continue;
    }
    if (p.family !== family) continue;
    const len = Number(net.split('/')[1] ?? (p.family === 4 ? 32 : 128));
    // a loopback-only net cannot hold a remote peer or the node's own routable address
    if (isLoopback(base) && (p.family === 6 ? len === 128 : len >= 8)) continue;
    sawMaybe = true;
  }
  return sawMaybe ? 'maybe' : 'no';
}

function overlap(a: PortRange, b: PortRange): 'all' | 'some' | 'none' {
  if (a[1] < b[0] || b[1] < a[0]) return 'none';
  return b[0] <= a[0] && a[1] <= b[1] ? 'all' : 'some';
}

function judgePorts(ranges: PortRange[], p: PortRange): Tri {
  let some = false;
  for (const r of ranges) {
    const o = overlap(p, r);
    if (o === 'all') return 'yes';
    if (o === 'some') some = true;
  }
  return some ? 'maybe' : 'no';
}

function addrType(a: Addr): string[] {
  if ('ip' in a) return isLoopback(a.ip) ? ['LOCAL'] : ['UNICAST'];
  return a.unknown === 'local' ? ['LOCAL'] : ['UNICAST'];
}

/**
 * The packet mark as far as the walk knows it: `known` has a 1 for every bit whose value is certain.
 * A packet starts with mark 0: neither containerd, dfdaemon nor a remote peer sets one, and marks do not
 * cross the wire; only rules in the bundle (MARK, `meta mark set`) change it.
 */
export interface MarkState {
  value: number;
  known: number;
  /** The last rule that changed it ("file:line"), for evidence. */
  setBy?: string;
}

export const UNMARKED: MarkState = { value: 0, known: 0xffffffff };

/** What a rule's conditions are judged against besides the packet: its mark so far and the table's sets. */
export interface JudgeContext {
  mark: MarkState;
  table: string;
  sets?: Map<string, NftSet>;
}

function judgeMark(value: number, mask: number, m: MarkState): Tri {
  const want = (value & mask) >>> 0;
  // a certain bit under the mask that differs decides "no"; all bits certain decides "yes"
  if (((m.value ^ want) & mask & m.known) >>> 0 !== 0) return 'no';
  return (mask & ~m.known) >>> 0 === 0 ? 'yes' : 'maybe';
}

/** Applies a MARK to the walk's mark state; `certain` = the rule certainly runs for this packet. */
export function applyMark(m: MarkState, op: MarkOp | 'unknown', certain: boolean, by?: string): MarkState {
  const at = by === undefined ? {} : { setBy: by };
  if (op === 'unknown') return { value: 0, known: 0, ...at };
  const touched = (~op.and | op.xor) >>> 0;
  if (!certain) return { value: m.value, known: (m.known & ~touched) >>> 0, ...at };
  const value = ((m.value & op.and) ^ op.xor) >>> 0;
  // bits kept from an unknown mark stay unknown; bits cleared or set by the op become known
  return { value, known: (m.known | ~op.and) >>> 0, ...at };
}

function judgeElementPart(k: SetKey, v: string, p: Packet, at: Packet['hooks'][number]): Tri {
  switch (k) {
    case 'saddr':
    case 'daddr':
      return judgeAddr([v], k === 'saddr' ? p.src : p.dst, p.family);
    case 'l4proto':
      return v === 'tcp' || v === '6' ? 'yes' : 'no';
    case 'sport':
    case 'dport': {
      const m = /^(\d+)(?:-(\d+))?$/.exec(v);
      if (!m) return 'maybe';
      const r: PortRange = [Number(m[1]), Number(m[2] ?? m[1])];
      return judgePorts([r], k === 'sport' ? p.sport : p.dport);
    }
    case 'iifname':
    case 'oifname':
      return judgeIface(v.replace(/^"(.*)"$/, '$1'), k === 'iifname' ? at.iif : at.oif);
    case 'other':
      return 'maybe';
  }
}

function judgeSet(c: Extract<Cond, { kind: 'set' }>, p: Packet, at: Packet['hooks'][number], ctx: JudgeContext): Tri {
  const set = ctx.sets?.get(c.set);
  if (!set) return judgeSetFromKnowledge(ctx.table, c.set, c.keys, p);
  let out: Tri = 'no';
  for (const el of set.elements) {
    let t: Tri = 'yes';
    for (let i = 0; i < c.keys.length && t !== 'no'; i++) {
      const part = judgeElementPart(c.keys[i] as SetKey, el[i] ?? '', p, at);
      if (part === 'no') t = 'no';
      else if (part === 'maybe') t = 'maybe';
    }
    if (t === 'yes') return 'yes';
    if (t === 'maybe') out = 'maybe';
  }
  return out;
}

export function judgeCond(
  c: Cond,
  p: Packet,
  at: Packet['hooks'][number],
  ctx: JudgeContext = { mark: UNMARKED, table: '' },
): Tri {
  switch (c.kind) {
    case 'mark':
      return neg(judgeMark(c.value, c.mask, ctx.mark), c.neg);
    case 'set':
      return neg(judgeSet(c, p, at, ctx), c.neg);
    case 'ipset':
      return neg(judgeIpsetFromKnowledge(c.set, c.flags, p), c.neg);
    case 'iface':
      return neg(judgeIface(c.name, c.dir === 'in' ? at.iif : at.oif), c.neg);
    case 'addr':
      return neg(judgeAddr(c.nets, c.dir === 'src' ? p.src : p.dst, p.family), c.neg);
    case 'proto':
      return neg(['tcp', '6', 'all', '0'].includes(c.proto) ? 'yes' : 'no', c.neg);
    case 'port': {
      if (c.dir === 'any') {
        const a = judgePorts(c.ranges, p.sport);
        const b = judgePorts(c.ranges, p.dport);
        return neg(a === 'yes' || b === 'yes' ? 'yes' : a === 'maybe' || b === 'maybe' ? 'maybe' : 'no', c.neg);
      }
      return neg(judgePorts(c.ranges, c.dir === 'src' ? p.sport : p.dport), c.neg);
    }
    case 'ctstate':
      return neg(c.states.includes(p.state) ? 'yes' : 'no', c.neg);
    case 'addrtype': {
      const have = addrType(c.dir === 'src' ? p.src : p.dst);
      return neg(c.types.some((t) => have.includes(t)) ? 'yes' : 'no', c.neg);
    }
    case 'syn':
      return neg(p.syn ? 'yes' : 'no', c.neg);
    case 'family':
      return c.family === p.family ? 'yes' : 'no';
    case 'probabilistic':
      return 'yes';
    case 'unknown':
      return 'maybe';
  }
}

export function judgeRule(r: NetfilterRule, p: Packet, at: Packet['hooks'][number], ctx?: JudgeContext): Tri {
  if (missesPodFirewallJump(r, p)) return 'no';
  let out: Tri = 'yes';
  for (const c of r.conds) {
    const t = judgeCond(c, p, at, ctx);
    if (t === 'no') return 'no';
    if (t === 'maybe') out = 'maybe';
  }
  return out;
}

/** A rule that can match a packet on the path. */
export interface PathHit {
  file: string;
  family: string;
  table: string;
  chain: string;
  rule: NetfilterRule;
  match: 'yes' | 'maybe';
  /** Matches only some packets (statistic, limit…). */
  probabilistic: Extract<Cond, { kind: 'probabilistic' }> | null;
  /** With match "maybe": the conditions the walk could not decide, in plain words. */
  undecided?: string[];
  /** When the rule matches on the packet mark: the rule that set that mark ("file:line"). */
  markSetBy?: string;
  /**
   * On an ACCEPT or RETURN under a limit (limit, hashlimit, connlimit, quota): the rule or chain policy that
   * drops, rejects or queues the packets the limit does not match, as the walk meets it going on without
   * them; absent when the walk lets them through. `match` "maybe" when that rule may not match them or a
   * rule between the two may decide them first.
   */
  excessMeets?: { what: string; match: 'yes' | 'maybe' };
}

/**
 * A limited ACCEPT/RETURN whose unmatched packets the walk still follows. `depth`: for a RETURN, the depth
 * of its chain (those packets rejoin the matched ones where that chain ends); -1 for an ACCEPT.
 */
interface OpenLimit {
  hit: PathHit;
  depth: number;
  /** The undecided jump that led to the limit (walkChain's `via`): a rule behind the same one reaches its excess as surely. */
  via: string | null;
  /** Nothing between the limit and here may have decided the packets it does not match. */
  clean: boolean;
}

/** What the walk carries from rule to rule: the packet mark and the limits whose excess it follows. */
interface WalkState {
  mark: MarkState;
  open: OpenLimit[];
}

const LIMITS = new Set(['limit', 'hashlimit', 'connlimit', 'quota']);

/**
 * The packets the open limits do not match meet `what`, which drops them: certainly when it drops every
 * packet that reaches it (`definite`) through no undecided jump the limit was not behind as well (`via`),
 * and nothing between the two may have decided them.
 */
function excessDropped(ws: WalkState, what: string, definite: boolean, via: string | null): void {
  for (const o of ws.open)
    o.hit.excessMeets = { what, match: o.clean && definite && (via === null || via === o.via) ? 'yes' : 'maybe' };
  ws.open = [];
}

function excessMayBeDecided(ws: WalkState): void {
  for (const o of ws.open) o.clean = false;
}

/** A condition as a reader of the ruleset would name it. */
export function describeCond(c: Cond): string {
  switch (c.kind) {
    case 'unknown':
      return c.text;
    case 'set':
      return `${c.neg ? 'not in ' : ''}set @${c.set}`;
    case 'ipset':
      return `${c.neg ? 'not in ' : ''}ipset ${c.set} (${c.flags.join(',')})`;
    case 'mark':
      return `packet mark ${c.neg ? '!= ' : ''}0x${c.value.toString(16)}/0x${c.mask.toString(16)}`;
    case 'addr':
      return `${c.dir === 'src' ? 'source' : 'destination'} ${c.neg ? 'not ' : ''}${c.nets.join(',')}`;
    case 'iface':
      return `${c.dir === 'in' ? 'in' : 'out'}-interface ${c.neg ? '!' : ''}${c.name}`;
    case 'port':
      return `${c.dir} port ${c.neg ? '!' : ''}${c.ranges.map((r) => (r[0] === r[1] ? `${r[0]}` : `${r[0]}-${r[1]}`)).join(',')}`;
    default:
      return c.kind;
  }
}

export interface PolicyHit {
  file: string;
  family: string;
  table: string;
  chain: string;
  policy: 'drop';
  /** Whether every packet gets there (all earlier rules judged "no"), or only some. */
  certain: boolean;
}

export interface WalkResult {
  packet: Packet;
  /** Rule evaluations this packet costs (each rule of each chain entered, until a verdict). */
  evaluated: number;
  hits: PathHit[];
  policyDrops: PolicyHit[];
  /** What certainly happens to the packet; 'uncertain' when a "maybe" rule could decide. */
  outcome: 'accepted' | 'dropped' | 'uncertain';
  /** The rule that certainly drops it, when one does. */
  droppedBy?: PathHit;
}

/** A base chain attached to a hook, from either tool's output. */
export interface HookedChain {
  file: string;
  family: string;
  table: string;
  chain: NetfilterChain;
  chains: Map<string, NetfilterChain>;
  /** nft named sets of the chain's table. */
  sets?: Map<string, NftSet>;
}

export interface RulesetSource {
  file: string;
  ruleset: NetfilterRuleset;
  /** nft tables that iptables-nft manages are shown by iptables-save already; skip them here. */
  skipTables?: (family: string, name: string) => boolean;
}

/** Every base chain of every ruleset, grouped by hook and ordered by priority. */
export function hookedChains(sources: RulesetSource[]): Map<Hook, HookedChain[]> {
  const out = new Map<Hook, HookedChain[]>();
  for (const s of sources) {
    for (const t of s.ruleset.tables) {
      if (s.skipTables?.(t.family, t.name)) continue;
      for (const c of t.chains.values()) {
        if (!c.base || c.base.device) continue; // netdev ingress/egress chains bind to a device, not these hooks
        const list = out.get(c.base.hook) ?? [];
        list.push({
          file: s.file,
          family: t.family,
          table: t.name,
          chain: c,
          chains: t.chains,
          ...(t.sets ? { sets: t.sets } : {}),
        });
        out.set(c.base.hook, list);
      }
    }
  }
  for (const list of out.values()) list.sort((a, b) => (a.chain.base?.priority ?? 0) - (b.chain.base?.priority ?? 0));
  return out;
}

function familyApplies(tableFamily: string, f: 4 | 6): boolean {
  return tableFamily === 'inet' || (f === 4 ? tableFamily === 'ip' : tableFamily === 'ip6');
}

type ChainEnd = 'accept' | 'drop' | 'return' | 'end';

const MAX_DEPTH = 64;

/** Walks one packet through every hook it passes. */
export function walkPacket(p: Packet, hooks: Map<Hook, HookedChain[]>): WalkResult {
  const res: WalkResult = { packet: p, evaluated: 0, hits: [], policyDrops: [], outcome: 'accepted' };
  let uncertain = false;
  // the mark travels with the packet through every hook (and over lo: the looped-back skb keeps it)
  const ws: WalkState = { mark: UNMARKED, open: [] };
  for (const at of p.hooks) {
    for (const hc of hooks.get(at.hook) ?? []) {
      if (!familyApplies(hc.family, p.family)) continue;
      if (hc.chain.base?.type === 'nat' && !(at.nat && p.state === 'NEW')) continue;
      // `sure` tracks whether every rule before this point certainly did not decide the packet
      const state = { sure: true };
      const end = walkChain(hc, hc.chain, p, at, res, state, 0, new Set(), ws, null);
      // the excess of a limit in this chain meets its policy; past it, every packet goes the same way
      if ((end === 'end' || end === 'return') && hc.chain.base?.policy === 'drop')
        excessDropped(ws, `the DROP policy of chain ${hc.chain.name} (table ${hc.table}, ${hc.file})`, true, null);
      ws.open = [];
      if (end === 'drop' && state.sure) {
        res.outcome = 'dropped';
        return res;
      }
      if (end === 'drop') {
        uncertain = true;
        continue;
      }
      if (end === 'accept') {
        if (!state.sure) uncertain = true;
        continue;
      }
      if (hc.chain.base?.policy === 'drop') {
        res.policyDrops.push({
          file: hc.file,
          family: hc.family,
          table: hc.table,
          chain: hc.chain.name,
          policy: 'drop',
          certain: state.sure,
        });
        if (state.sure) {
          res.outcome = 'dropped';
          return res;
        }
        uncertain = true;
      }
      if (!state.sure) uncertain = true;
    }
  }
  res.outcome = uncertain ? 'uncertain' : 'accepted';
  return res;
}

function walkChain(
  hc: HookedChain,
  chain: NetfilterChain,
  p: Packet,
  at: Packet['hooks'][number],
  res: WalkResult,
  state: { sure: boolean },
  depth: number,
  onStack: Set<string>,
  ws: WalkState,
  /**
   * Null when every jump that led here certainly happens for this packet; else the first that may not,
   * in words: a rule of this chain then matches only "maybe", whatever its own conditions say.
   */
  via: string | null,
): ChainEnd {
  if (depth > MAX_DEPTH || onStack.has(chain.name)) return 'end';
  onStack.add(chain.name);
  try {
    for (const rule of chain.rules) {
      res.evaluated++;
      const ctx: JudgeContext = { mark: ws.mark, table: hc.table, ...(hc.sets ? { sets: hc.sets } : {}) };
      const m = judgeRule(rule, p, at, ctx);
      if (m === 'no') continue;
      const probabilistic = (rule.conds.find((c) => c.kind === 'probabilistic') as PathHit['probabilistic']) ?? null;
      const hit: PathHit = {
        file: hc.file,
        family: hc.family,
        table: hc.table,
        chain: chain.name,
        rule,
        // what the rule does once the chain is reached decides the walk below; the hit says whether it is
        match: via === null ? m : 'maybe',
        probabilistic,
      };
      if (hit.match === 'maybe')
        hit.undecided = [
          ...(via === null ? [] : [via]),
          ...rule.conds.filter((c) => judgeCond(c, p, at, ctx) === 'maybe').map(describeCond),
        ];
      if (ws.mark.setBy && rule.conds.some((c) => c.kind === 'mark')) hit.markSetBy = ws.mark.setBy;
      res.hits.push(hit);
      const definite = m === 'yes' && probabilistic === null;
      const v: Verdict = rule.verdict;
      // iptables-extensions(8): a limit-like match that does not match sends the packet on to the next rule,
      // like any match (nft: its statement breaks off the rule); the excess is throttled only if what it
      // meets next drops it. `decides`: the rule certainly decides the packets that reach it.
      const decides = definite && via === null;
      const limited = probabilistic !== null && LIMITS.has(probabilistic.what);
      switch (v.kind) {
        case 'accept':
        case 'nat':
          if (decides) ws.open = [];
          else excessMayBeDecided(ws);
          if (limited && v.kind === 'accept') ws.open.push({ hit, depth: -1, via, clean: true });
          break;
        case 'return':
          if (!decides) excessMayBeDecided(ws);
          if (limited) ws.open.push({ hit, depth, via, clean: true });
          break;
        case 'lookup':
          excessMayBeDecided(ws);
          break;
        case 'jump':
        case 'goto':
          // the rules behind a jump that may not be taken keep the `via` of the first such jump: what they
          // do to an excess opened before it is no more certain than the jump
          if (!definite) excessMayBeDecided(ws);
          break;
        case 'drop':
        case 'reject':
        case 'queue':
          excessDropped(ws, `"${rule.text}" (${hc.file}:${rule.line})`, definite, via);
          break;
        default:
          break;
      }
      switch (v.kind) {
        case 'jump':
        case 'goto': {
          const target = hc.chains.get(v.chain);
          if (!target) break;
          const wasSure = state.sure;
          if (!definite) state.sure = false;
          const jumpedVia =
            via ?? (definite ? null : `the ${v.kind} to ${v.chain} at ${hc.file}:${rule.line}, which may not be taken`);
          const end = walkChain(hc, target, p, at, res, state, depth + 1, onStack, ws, jumpedVia);
          if (definite && wasSure && (end === 'accept' || end === 'drop')) return end;
          if (definite && v.kind === 'goto' && end !== 'end' && end !== 'return') return end;
          if (definite && v.kind === 'goto') return 'return';
          break;
        }
        case 'accept':
        case 'nat':
          if (definite) return 'accept';
          state.sure = false;
          break;
        case 'drop':
        case 'reject':
        case 'queue':
          // a rule that certainly matches ends its chain either way: a rule before it that may have
          // accepted the packet would have ended the walk as well; only then is the drop not certain
          if (definite) {
            if (state.sure) res.droppedBy = hit;
            return 'drop';
          }
          state.sure = false;
          break;
        case 'return':
          if (definite) return 'return';
          state.sure = false;
          break;
        case 'lookup':
          state.sure = false;
          break;
        case 'continue':
          if (v.mark) ws.mark = applyMark(ws.mark, v.mark, definite && via === null, `${hc.file}:${rule.line}`);
          break;
      }
    }
    return 'end';
  } finally {
    onStack.delete(chain.name);
    // where a chain ends, the packets a limited RETURN in it matched rejoin those it did not
    ws.open = ws.open.filter((o) => o.depth !== depth);
  }
}
