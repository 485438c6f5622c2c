// Judges one netfilter rule, or one of its conditions, against a packet at a hook: "yes" it matches,
// "no" it cannot, "maybe" when it rests on what the walk does not know (a peer's address, a mark, a set).
import { inNet, isLoopback, parseIp } from '../parsers/net-address.js';
import type { Cond, MarkOp, NetfilterRule, NftSet, PortRange, SetKey } from '../parsers/netfilter-rule.js';
import type { Addr, Iface, Packet, Tri } from './net-packet.js';
import { judgeIpsetFromKnowledge, judgeSetFromKnowledge, missesPodFirewallJump } from './netfilter-owners.js';

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
