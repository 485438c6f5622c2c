// Walks the netfilter hooks a TCP packet to one of dfdaemon's ports traverses (net-packet.ts), judging
// every rule against that packet (net-judge.ts): a rule that cannot match it is evaluated (it costs time)
// but is not "on the path". Unknown values (a peer's address, a mark, a set) make a condition "maybe",
// never "yes".
import type {
  Cond,
  Hook,
  NetfilterChain,
  NetfilterRule,
  NetfilterRuleset,
  NftSet,
  Verdict,
} from '../parsers/netfilter-rule.js';
import {
  applyMark,
  describeCond,
  type JudgeContext,
  judgeCond,
  judgeRule,
  type MarkState,
  UNMARKED,
} from './net-judge.js';
import type { Packet } from './net-packet.js';

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
