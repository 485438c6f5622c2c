import {
  type Cond,
  type Counters,
  type Hook,
  ipsetFlags,
  type MarkOp,
  type NetfilterChain,
  type NetfilterRule,
  type NetfilterRuleset,
  type NetfilterTable,
  type PortRange,
  type TableAssumedBy,
  TABLE_HOOKS,
  TABLE_PRIORITY,
  type UnparsedLine,
  type Verdict,
} from './netfilter-rule.js';

interface Token {
  v: string;
  quoted: boolean;
}

/** Splits a rule line the way iptables-save quotes it: double quotes, backslash escapes inside them. */
export function tokenizeIptablesLine(line: string): Token[] | { error: string } {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i] as string)) i++;
    if (i >= line.length) break;
    let v = '';
    let quoted = false;
    while (i < line.length && !/\s/.test(line[i] as string)) {
      const ch = line[i] as string;
      if (ch === '"') {
        quoted = true;
        i++;
        let closed = false;
        while (i < line.length) {
          const c = line[i] as string;
          if (c === '\\' && i + 1 < line.length) {
            v += line[i + 1];
            i += 2;
            continue;
          }
          if (c === '"') {
            closed = true;
            i++;
            break;
          }
          v += c;
          i++;
        }
        if (!closed) return { error: 'unterminated quote' };
      } else {
        v += ch;
        i++;
      }
    }
    out.push({ v, quoted });
  }
  return out;
}

const BUILTIN_TARGETS: Record<string, Verdict> = {
  ACCEPT: { kind: 'accept' },
  DROP: { kind: 'drop' },
  REJECT: { kind: 'reject' },
  NFQUEUE: { kind: 'queue' },
  QUEUE: { kind: 'queue' },
  RETURN: { kind: 'return' },
  DNAT: { kind: 'nat', name: 'DNAT' },
  SNAT: { kind: 'nat', name: 'SNAT' },
  MASQUERADE: { kind: 'nat', name: 'MASQUERADE' },
  REDIRECT: { kind: 'nat', name: 'REDIRECT' },
  NETMAP: { kind: 'nat', name: 'NETMAP' },
  TPROXY: { kind: 'nat', name: 'TPROXY' },
};
const LOG_TARGETS = new Set(['LOG', 'NFLOG', 'ULOG']);

function parsePort(s: string): PortRange | null {
  const m = /^(\d*)(?:[:-](\d*))?$/.exec(s);
  if (!m) return null;
  if (m[2] === undefined) {
    if (m[1] === '') return null;
    const p = Number(m[1]);
    return p <= 65535 ? [p, p] : null;
  }
  const lo = m[1] === '' ? 0 : Number(m[1]);
  const hi = m[2] === '' ? 65535 : Number(m[2]);
  return lo <= hi && hi <= 65535 ? [lo, hi] : null;
}

function parsePorts(list: string): PortRange[] | null {
  const out: PortRange[] = [];
  for (const part of list.split(',')) {
    const r = parsePort(part.trim());
    if (!r) return null;
    out.push(r);
  }
  return out;
}

interface Opt {
  name: string;
  values: string[];
  neg: boolean;
}

/** Interprets one module option; null when this model does not judge it. */
function moduleCond(module: string, o: Opt): Cond | 'ignore' | null {
  const v0 = o.values[0] ?? '';
  const neg = o.neg;
  switch (module) {
    case 'tcp':
    case 'udp':
    case 'sctp':
    case 'udplite':
    case 'dccp':
      if (o.name === 'dport' || o.name === 'destination-port' || o.name === 'sport' || o.name === 'source-port') {
        const r = parsePort(v0);
        if (!r) return null;
        return { kind: 'port', dir: o.name.startsWith('d') ? 'dst' : 'src', ranges: [r], neg };
      }
      if (o.name === 'syn') return { kind: 'syn', neg };
      if (o.name === 'tcp-flags') {
        const mask = v0.split(',');
        const comp = (o.values[1] ?? '').split(',');
        // "SYN,RST,ACK SYN" (what --syn expands to) or any mask with SYN set and ACK clear
        if (
          mask.includes('SYN') &&
          comp.includes('SYN') &&
          (mask.includes('ACK') || mask.includes('ALL')) &&
          !comp.includes('ACK')
        ) {
          return { kind: 'syn', neg };
        }
        return null;
      }
      return null;
    case 'set': {
      if (o.name !== 'match-set') return null;
      const flags = ipsetFlags(o.values[1]);
      return o.values[0] && flags ? { kind: 'ipset', set: o.values[0], flags, neg } : null;
    }
    case 'multiport': {
      const dir = /^(dports|destination-ports)$/.test(o.name)
        ? 'dst'
        : /^(sports|source-ports)$/.test(o.name)
          ? 'src'
          : o.name === 'ports'
            ? 'any'
            : null;
      const ranges = parsePorts(v0);
      if (!dir || !ranges) return null;
      return { kind: 'port', dir, ranges, neg };
    }
    case 'conntrack':
      if (o.name === 'ctstate') return { kind: 'ctstate', states: v0.toUpperCase().split(','), neg };
      return null;
    case 'state':
      if (o.name === 'state') return { kind: 'ctstate', states: v0.toUpperCase().split(','), neg };
      return null;
    case 'addrtype':
      if (o.name === 'src-type' || o.name === 'dst-type') {
        return {
          kind: 'addrtype',
          dir: o.name === 'src-type' ? 'src' : 'dst',
          types: v0.toUpperCase().split(','),
          neg,
        };
      }
      if (o.name === 'limit-iface-in' || o.name === 'limit-iface-out') return 'ignore';
      return null;
    case 'iprange':
      if (o.name === 'src-range' || o.name === 'dst-range')
        return { kind: 'addr', dir: o.name === 'src-range' ? 'src' : 'dst', nets: [v0], neg };
      return null;
    case 'comment':
      return 'ignore';
    case 'mark': {
      if (o.name !== 'mark') return null;
      const m = parseMarkMask(v0);
      return m ? { kind: 'mark', value: m.value, mask: m.mask, neg } : null;
    }
    default:
      return null;
  }
}

const U32 = 0xffffffff;

/** "0x8000/0x8000" or "0x10" (mask all ones), as the MARK target and the mark match write them. */
function parseMarkMask(s: string): { value: number; mask: number } | null {
  const m = /^(0x[0-9a-f]+|\d+)(?:\/(0x[0-9a-f]+|\d+))?$/i.exec(s);
  if (!m) return null;
  const value = Number(m[1]);
  const mask = m[2] === undefined ? U32 : Number(m[2]);
  if (!(value <= U32 && mask <= U32)) return null;
  return { value: value >>> 0, mask: mask >>> 0 };
}

/** What the MARK target does to the packet mark (xt_MARK: mark = (mark & ~mask) ^ value). */
function markOp(opts: Opt[]): MarkOp | 'unknown' {
  const o = opts[0];
  if (opts.length !== 1 || !o) return 'unknown';
  const v = parseMarkMask(o.values[0] ?? '');
  if (!v) return 'unknown';
  switch (o.name) {
    case 'set-xmark':
      return { and: ~v.mask >>> 0, xor: v.value };
    case 'set-mark':
      // --set-mark V/M clears M then ORs V
      return { and: ~v.mask >>> 0, xor: v.value & v.mask };
    case 'or-mark':
      return { and: ~v.value >>> 0, xor: v.value };
    case 'and-mark':
      return { and: v.value, xor: 0 };
    case 'xor-mark':
      return { and: U32, xor: v.value };
    default:
      return 'unknown';
  }
}

const PROBABILISTIC: Record<string, 'limit' | 'hashlimit' | 'connlimit' | 'quota'> = {
  limit: 'limit',
  hashlimit: 'hashlimit',
  connlimit: 'connlimit',
  quota: 'quota',
};

/**
 * Whether a limit-like match matches only traffic within its rate or amount (see Cond `capped`), from its
 * options as iptables-save prints them (iptables v1.8.11 extensions/libxt_hashlimit.c:1079-1082,
 * libxt_connlimit.c:157-160, libxt_quota.c:39-41). iptables-extensions(8): limit "will match until this limit
 * is reached" and has no negation; hashlimit "--hashlimit-upto: Match if the rate is below or equal",
 * "--hashlimit-above: Match if the rate is above" (`--hashlimit` is the old name of -upto); quota "matches
 * until the byte counter reaches zero", reversed with `!`; connlimit counts connections, not packets.
 */
function capped(what: 'limit' | 'hashlimit' | 'connlimit' | 'quota', opts: Opt[]): boolean {
  switch (what) {
    case 'limit':
      return true;
    case 'hashlimit': {
      const o = opts.find((x) => /^hashlimit(-upto|-above)?$/.test(x.name));
      return o !== undefined && (o.name === 'hashlimit-above') === o.neg;
    }
    case 'quota': {
      const o = opts.find((x) => x.name === 'quota');
      return o !== undefined && !o.neg;
    }
    case 'connlimit':
      return false;
  }
}

type ParsedRule = Omit<NetfilterRule, 'verdict'> & { target: { name: string; goto: boolean; opts: Opt[] } | null };

/** Parses the part of a rule line after `-A CHAIN`. */
function parseRuleTokens(
  tokens: Token[],
  line: number,
  text: string,
  counters: Counters | undefined,
): ParsedRule | { error: string } {
  const conds: Cond[] = [];
  let target: { name: string; goto: boolean; opts: Opt[] } | null = null;
  let module: string | null = null;
  let inTarget = false;
  let neg = false;
  const moduleOpts = new Map<string, Opt[]>();
  const modulesSeen: string[] = [];
  let i = 0;
  const takeValues = (): string[] => {
    const vals: string[] = [];
    while (i < tokens.length) {
      const t = tokens[i] as Token;
      if (!t.quoted && (t.v === '!' || /^-[a-zA-Z-]/.test(t.v))) break;
      vals.push(t.v);
      i++;
    }
    return vals;
  };
  while (i < tokens.length) {
    const t = tokens[i] as Token;
    i++;
    if (!t.quoted && t.v === '!') {
      neg = true;
      continue;
    }
    if (t.quoted || !t.v.startsWith('-')) return { error: `unexpected "${t.v}"` };
    const flag = t.v;
    const wasNeg = neg;
    neg = false;
    switch (flag) {
      case '-s':
      case '--source':
      case '-d':
      case '--destination': {
        const v = takeValues()[0];
        if (v === undefined) return { error: `${flag} without a value` };
        conds.push({
          kind: 'addr',
          dir: flag === '-s' || flag === '--source' ? 'src' : 'dst',
          nets: v.split(','),
          neg: wasNeg,
        });
        continue;
      }
      case '-i':
      case '--in-interface':
      case '-o':
      case '--out-interface': {
        const v = takeValues()[0];
        if (v === undefined) return { error: `${flag} without a value` };
        conds.push({
          kind: 'iface',
          dir: flag === '-i' || flag === '--in-interface' ? 'in' : 'out',
          name: v,
          neg: wasNeg,
        });
        continue;
      }
      case '-p':
      case '--protocol': {
        const v = takeValues()[0];
        if (v === undefined) return { error: `${flag} without a value` };
        conds.push({ kind: 'proto', proto: v.toLowerCase(), neg: wasNeg });
        continue;
      }
      case '-f':
      case '--fragment':
        conds.push({ kind: 'unknown', text: `${wasNeg ? '! ' : ''}-f` });
        continue;
      case '-m':
      case '--match': {
        const v = takeValues()[0];
        if (v === undefined) return { error: `${flag} without a module` };
        module = v;
        inTarget = false;
        modulesSeen.push(v);
        if (!moduleOpts.has(v)) moduleOpts.set(v, []);
        continue;
      }
      case '-j':
      case '--jump':
      case '-g':
      case '--goto': {
        const v = takeValues()[0];
        if (v === undefined) return { error: `${flag} without a target` };
        target = { name: v, goto: flag === '-g' || flag === '--goto', opts: [] };
        inTarget = true;
        module = null;
        continue;
      }
      case '-c':
      case '--set-counters':
        takeValues();
        continue;
      default:
        break;
    }
    if (!flag.startsWith('--')) {
      conds.push({ kind: 'unknown', text: flag });
      takeValues();
      continue;
    }
    const values = takeValues();
    if (inTarget) {
      // target options (reject-with, log-prefix, to-destination…) do not decide matching; MARK's say what it sets
      target?.opts.push({ name: flag.slice(2), values, neg: wasNeg });
      continue;
    }
    if (module === null) {
      // hand-written rules lean on -p loading its module implicitly (`-p tcp --dport 80`)
      const proto = [...conds].reverse().find((c) => c.kind === 'proto');
      if (!proto || proto.kind !== 'proto' || !['tcp', 'udp', 'sctp', 'udplite', 'dccp'].includes(proto.proto)) {
        return { error: `option ${flag} outside any match module` };
      }
      module = proto.proto;
      if (!moduleOpts.has(module)) moduleOpts.set(module, []);
      modulesSeen.push(module);
    }
    moduleOpts.get(module)?.push({ name: flag.slice(2), values, neg: wasNeg });
  }
  if (neg) return { error: 'dangling "!"' };
  for (const m of modulesSeen) {
    if (m === 'statistic') {
      const opts = moduleOpts.get(m) ?? [];
      const mode = opts.find((o) => o.name === 'mode')?.values[0];
      const p = opts.find((o) => o.name === 'probability')?.values[0];
      const every = opts.find((o) => o.name === 'every')?.values[0];
      conds.push({
        kind: 'probabilistic',
        what: mode === 'nth' ? 'nth' : 'random',
        detail: mode === 'nth' ? `every ${every ?? '?'}` : `probability ${p ?? '?'}`,
      });
      continue;
    }
    const prob = Object.hasOwn(PROBABILISTIC, m) ? PROBABILISTIC[m] : undefined;
    if (prob) {
      const opts = moduleOpts.get(m) ?? [];
      conds.push({
        kind: 'probabilistic',
        what: prob,
        detail: opts.map((o) => `${o.neg ? '! ' : ''}--${o.name} ${o.values.join(' ')}`.trim()).join(' '),
        capped: capped(prob, opts),
      });
      continue;
    }
    const opts = moduleOpts.get(m) ?? [];
    if (opts.length === 0 && ['tcp', 'udp', 'sctp', 'udplite', 'dccp', 'comment'].includes(m)) continue;
    if (opts.length === 0) {
      conds.push({ kind: 'unknown', text: `-m ${m}` });
      continue;
    }
    for (const o of opts) {
      const c = moduleCond(m, o);
      if (c === 'ignore') continue;
      conds.push(
        c ?? { kind: 'unknown', text: `-m ${m} ${o.neg ? '! ' : ''}--${o.name} ${o.values.join(' ')}`.trim() },
      );
    }
  }
  // every match of a rule decides before its target: a capped limit bounds the LOG behind it
  // (iptables-extensions(8) limit: "used in combination with the LOG target to give limited logging")
  const log: NetfilterRule['log'] =
    target && LOG_TARGETS.has(target.name)
      ? conds.some((c) => c.kind === 'probabilistic' && 'capped' in c && c.capped)
        ? 'capped'
        : 'each'
      : 'none';
  const rule: ParsedRule = { line, text, conds, target, log };
  if (counters) rule.counters = counters;
  return rule;
}

function resolveTarget(target: ParsedRule['target'], chains: Map<string, NetfilterChain>): Verdict {
  if (!target) return { kind: 'continue', name: '' };
  const builtin = Object.hasOwn(BUILTIN_TARGETS, target.name) ? BUILTIN_TARGETS[target.name] : undefined;
  if (chains.has(target.name) && !builtin) {
    return { kind: target.goto ? 'goto' : 'jump', chain: target.name };
  }
  if (!builtin && target.name === 'MARK') return { kind: 'continue', name: target.name, mark: markOp(target.opts) };
  // CONNMARK --restore-mark and friends set the packet mark from state the bundle does not hold
  if (!builtin && target.name === 'CONNMARK' && target.opts.some((o) => o.name === 'restore-mark'))
    return { kind: 'continue', name: target.name, mark: 'unknown' };
  return builtin ?? { kind: 'continue', name: target.name };
}

const HOOK_BY_CHAIN: Record<string, Hook> = {
  PREROUTING: 'prerouting',
  INPUT: 'input',
  FORWARD: 'forward',
  OUTPUT: 'output',
  POSTROUTING: 'postrouting',
};

/**
 * Parses `iptables-save -c` / `ip6tables-save -c` output (either backend). Pure. A line it cannot
 * read is listed in `unparsed` with its number and the rest still comes out.
 */
export function parseIptablesSave(text: string, family: 'ip' | 'ip6' = 'ip'): NetfilterRuleset {
  const tables: NetfilterTable[] = [];
  const unparsed: UnparsedLine[] = [];
  let backend: NetfilterRuleset['backend'];
  let table: NetfilterTable | null = null;
  let pending: { chain: string; rule: ParsedRule }[] = [];
  // the current table came without a *table line (its rules began without one), and it listed chain policies
  let implicit = false;
  let policies = false;
  // where a headerless table ends: the line of the next table's policies in a paste of several `iptables -S`
  let implicitEnd = Infinity;
  let assumed: NetfilterRuleset['assumedTables'];
  const finishTable = () => {
    if (!table) return;
    // rules without a table line or any chain policy are an excerpt (a grep): the rules between them,
    // which may accept the packet first, are not there, so none of them is taken as certain to match
    const excerpt = implicit && !policies;
    for (const { chain, rule } of pending) {
      const { target, ...rest } = rule;
      const c = table.chains.get(chain) ?? addChain(table, chain);
      const conds = excerpt ? [...rest.conds, EXCERPT_GAP] : rest.conds;
      c.rules.push({ ...rest, conds, verdict: resolveTarget(target, table.chains) });
    }
    // a built-in chain an excerpt names is hooked as in the table it was read as; its policy, not listed, is
    // taken as ACCEPT (the default): only a listed DROP policy counts as one
    if (implicit) for (const c of table.chains.values()) if (!c.base) setPolicy(c, table.name, 'ACCEPT');
    pending = [];
    tables.push(table);
    table = null;
    implicit = false;
    policies = false;
  };
  const lines = text.split('\n');
  let lastLine = 0;
  for (let n = 0; n < lines.length; n++) {
    const raw = (lines[n] ?? '').replace(/\r$/, '');
    const line = raw.trim();
    const at = n + 1;
    if (line === '') continue;
    lastLine = at;
    if (line.startsWith('#')) {
      const h = /^# Generated by ip6?tables-save v[\d.]+(?: \((nf_tables|legacy)\))?/.exec(line);
      if (h) backend = h[1] === 'nf_tables' ? 'nf_tables' : 'legacy';
      if (/incompatible/i.test(line))
        unparsed.push({ line: at, text: line, reason: 'table not expressible by iptables (use nft list ruleset)' });
      continue;
    }
    if (line.startsWith('*')) {
      finishTable();
      table = { family, name: line.slice(1).trim(), chains: new Map(), setElements: 0 };
      continue;
    }
    if (line === 'COMMIT') {
      if (!table) unparsed.push({ line: at, text: line, reason: 'COMMIT outside a table' });
      finishTable();
      continue;
    }
    if (implicit && n === implicitEnd) finishTable();
    if (!table && HEADERLESS.test(line)) {
      // rules without their *table line: `iptables -S` (the filter table unless -t names another) or a
      // grep of iptables-save; a target only the nat table allows says which
      const { name, by, end } = headerlessTable(lines, n);
      table = { family, name, chains: new Map(), setElements: 0 };
      implicit = true;
      implicitEnd = end;
      (assumed ??= []).push({ line: at, table: name, by });
    }
    if (!table) {
      unparsed.push({ line: at, text: line, reason: 'outside a *table section' });
      continue;
    }
    const pn = /^-(P|N)\s+(\S+)(?:\s+(\S+))?\s*$/.exec(line);
    if (pn) {
      // `iptables -S` prints a chain as -P (a built-in one, with its policy) or -N (a user one)
      const c = addChain(table, pn[2] as string);
      if (pn[1] === 'P' && pn[3]) {
        setPolicy(c, table.name, pn[3]);
        policies = true;
      }
      continue;
    }
    if (line.startsWith(':')) {
      const m = /^:(\S+)\s+(\S+)(?:\s+\[(\d+):(\d+)\])?$/.exec(line);
      if (!m) {
        unparsed.push({ line: at, text: line, reason: 'malformed chain declaration' });
        continue;
      }
      const c = addChain(table, m[1] as string);
      setPolicy(c, table.name, m[2] as string);
      if (m[3] !== undefined) c.counters = { packets: Number(m[3]), bytes: Number(m[4]) };
      continue;
    }
    let rest = line;
    let counters: Counters | undefined;
    const cm = /^\[(\d+):(\d+)\]\s+/.exec(rest);
    if (cm) {
      counters = { packets: Number(cm[1]), bytes: Number(cm[2]) };
      rest = rest.slice(cm[0].length);
    }
    const am = /^-A\s+(\S+)(?:\s+(.*))?$/.exec(rest);
    if (!am) {
      unparsed.push({ line: at, text: line, reason: 'not a rule (-A), chain (:) or table (*) line' });
      continue;
    }
    const tokens = tokenizeIptablesLine(am[2] ?? '');
    if ('error' in tokens) {
      unparsed.push({ line: at, text: line, reason: tokens.error });
      continue;
    }
    const rule = parseRuleTokens(tokens, at, line, counters);
    if ('error' in rule) {
      unparsed.push({ line: at, text: line, reason: rule.error });
      continue;
    }
    pending.push({ chain: am[1] as string, rule });
  }
  if (table) {
    if (!implicit)
      unparsed.push({
        line: lastLine,
        text: '',
        reason: `table ${(table as NetfilterTable).name} has no COMMIT (truncated?)`,
      });
    finishTable();
  }
  const out: NetfilterRuleset = { format: 'iptables-save', tables, unparsed };
  if (backend) out.backend = backend;
  if (assumed) out.assumedTables = assumed;
  return out;
}

const EXCERPT_GAP: Cond = {
  kind: 'unknown',
  text: 'the rules before it in its chain (not in this excerpt: it has no table line and no chain policy)',
};

/** A rule or chain line of iptables' own syntax (`-A`, `-P`, `-N`, `:CHAIN`), counters allowed. */
const HEADERLESS = /^(?:\[\d+:\d+\]\s+)?-[APN]\s+\S|^:\S+\s+\S+(?:\s+\[\d+:\d+\])?$/;
/** A chain policy line of `iptables -S`. */
const POLICY = /^-P\s+\S+\s+\S+\s*$/;
/** Targets that only the nat table takes. */
const NAT_TARGET = /\s-j\s+(?:DNAT|SNAT|MASQUERADE|REDIRECT|NETMAP)\b/;

/**
 * The table of rules without a *table line, from `from` to `end`: the next table line, or the next chain
 * policy after any other line (where the next `iptables -S` of a paste begins). The built-in chains
 * `iptables -S` gives policies to name it (filter: INPUT, FORWARD, OUTPUT; nat: PREROUTING, INPUT, OUTPUT,
 * POSTROUTING; mangle: all five; raw: PREROUTING, OUTPUT), else a target only nat takes, else filter.
 */
function headerlessTable(lines: readonly string[], from: number): { name: string; by: TableAssumedBy; end: number } {
  const builtins = new Set<string>();
  let natTarget = false;
  let past = false;
  let end = lines.length;
  for (let i = from; i < lines.length; i++) {
    const l = (lines[i] ?? '').trim();
    if (l.startsWith('*')) {
      end = i;
      break;
    }
    if (POLICY.test(l)) {
      if (past) {
        end = i;
        break;
      }
    } else if (l !== '' && !l.startsWith('#')) past = true;
    const p = /^-P\s+(\S+)/.exec(l);
    if (p) builtins.add(p[1] as string);
    if (NAT_TARGET.test(` ${l}`)) natTarget = true;
  }
  if (builtins.has('PREROUTING'))
    return {
      name: builtins.has('FORWARD') ? 'mangle' : builtins.has('POSTROUTING') ? 'nat' : 'raw',
      by: 'chain policies',
      end,
    };
  if (builtins.has('POSTROUTING')) return { name: 'nat', by: 'chain policies', end };
  if (natTarget) return { name: 'nat', by: 'nat target', end };
  return { name: 'filter', by: builtins.size > 0 ? 'chain policies' : 'default', end };
}

/** A chain's policy (`ACCEPT`, `DROP`; `-` for a user chain): a built-in chain of its table becomes a base chain. */
function setPolicy(c: NetfilterChain, tableName: string, policyWord: string): void {
  const policy = policyWord.toUpperCase();
  // Object.hasOwn: chain and table names come from the input, and "constructor" is a key of every object
  const hook = Object.hasOwn(HOOK_BY_CHAIN, c.name) ? HOOK_BY_CHAIN[c.name] : undefined;
  if (
    policy !== '-' &&
    hook &&
    (Object.hasOwn(TABLE_HOOKS, tableName) ? (TABLE_HOOKS[tableName] as Hook[]) : []).includes(hook)
  ) {
    c.base = {
      hook,
      priority: TABLE_PRIORITY[tableName] as number,
      type: tableName === 'nat' ? 'nat' : tableName === 'mangle' ? 'route' : 'filter',
      policy: policy === 'DROP' ? 'drop' : 'accept',
    };
  }
}

function addChain(t: NetfilterTable, name: string): NetfilterChain {
  const existing = t.chains.get(name);
  if (existing) return existing;
  const c: NetfilterChain = { name, rules: [] };
  t.chains.set(name, c);
  return c;
}
