import {
  type AddressFamily,
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
  type SetKey,
  type UnparsedLine,
  type Verdict,
} from './netfilter-rule.js';

// `nft list ruleset` text → the shared rule model. nft's expression language is large; this reads the
// expressions that decide whether loopback or peer TCP to a port can match and keeps the rest of a
// rule as one `unknown` condition (judged "may match"), so an unfamiliar rule is never silently dropped.

const PRIORITY_NAMES: Record<string, number> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
  out: 100,
};
const HOOKS = new Set<Hook>(['prerouting', 'input', 'forward', 'output', 'postrouting', 'ingress', 'egress']);
/**
 * A rule line that starts with `#`: nft prints an xt match it cannot translate (a rule iptables-nft wrote)
 * as iptables would, after a `#` (an ACK node's ruleset: `# match-set KUBE-LOAD-BALANCER dst,dst counter
 * packets 0 bytes 0 return`). Read as the rule it is; a line of any other shape is a comment.
 */
const XT_RULE = /^#\s+(?:!\s+)?match-set\s+\S+\s+(?:src|dst)(?:,(?:src|dst))*\s/;
const SERVICES: Record<string, number> = { ssh: 22, http: 80, https: 443, domain: 53, 'http-alt': 8080 };

function parsePriority(s: string): number | null {
  const m = /^\s*(-?\d+|[a-z]+)\s*(?:([+-])\s*(\d+))?\s*$/.exec(s);
  if (!m) return null;
  // Object.hasOwn: the name comes from the input, and "constructor" is a key of every object
  const base = /^-?\d+$/.test(m[1] as string)
    ? Number(m[1])
    : Object.hasOwn(PRIORITY_NAMES, m[1] as string)
      ? PRIORITY_NAMES[m[1] as string]
      : undefined;
  if (base === undefined) return null;
  const off = m[3] === undefined ? 0 : Number(m[3]) * (m[2] === '-' ? -1 : 1);
  return base + off;
}

function setValues(v: string): string[] {
  const t = v.trim();
  if (t.startsWith('{'))
    return t
      .slice(1, -1)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return [t];
}

function portRange(v: string): PortRange | null {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (m) {
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    return lo <= hi && hi <= 65535 ? [lo, hi] : null;
  }
  const s = Object.hasOwn(SERVICES, v) ? SERVICES[v] : undefined;
  return s === undefined ? null : [s, s];
}

const unq = (s: string) => s.replace(/^"(.*)"$/, '$1');

/** Counts the members of an `elements = { … }` list (top-level commas). */
function countElements(body: string): number {
  const at = body.indexOf('elements = {');
  if (at < 0) return 0;
  let depth = 0;
  let n = 0;
  let any = false;
  for (let i = at + 'elements = '.length; i < body.length; i++) {
    const ch = body[i];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) break;
    } else if (ch === ',' && depth === 1) n++;
    else if (depth >= 1 && ch !== undefined && !/\s/.test(ch)) any = true;
  }
  return any ? n + 1 : 0;
}

/** The elements of a set body's `elements = { … }`, each split into its key's components (the value of a map and any comment dropped). */
export function setElementKeys(body: string): string[][] {
  const at = body.indexOf('elements = {');
  if (at < 0) return [];
  const items: string[] = [];
  let depth = 0;
  let cur = '';
  let quoted = false;
  for (let i = at + 'elements = '.length; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '{') {
      depth++;
      if (depth === 1) continue;
    } else if (!quoted && ch === '}') {
      depth--;
      if (depth === 0) break;
    } else if (!quoted && ch === ',' && depth === 1) {
      items.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim() !== '') items.push(cur);
  return items.map((it) =>
    it
      .replace(/\scomment\s+"(?:[^"\\]|\\.)*"/g, ' ')
      .split(' : ')[0]!
      .split(' . ')
      .map((c) => c.trim().split(/\s+/)[0] ?? ''),
  );
}

const MARK_NUM = '(0x[0-9a-f]+|\\d+)';

/** `meta mark set …` → what it does to the packet mark; `unknown` when it copies state the bundle lacks. */
function nftMarkOp(expr: string): MarkOp | 'unknown' {
  const e = expr.trim().replace(/\s+/g, ' ');
  // nft lists `meta mark | 0x4000`; its input also takes `mark or 0x4000`
  const m = /^(?:meta )?mark (\||\^|&|or|xor|and) (0x[0-9a-f]+|\d+)$/i.exec(e);
  if (m) {
    const v = Number(m[2]) >>> 0;
    const op = (m[1] as string).toLowerCase();
    if (op === '|' || op === 'or') return { and: ~v >>> 0, xor: v };
    if (op === '^' || op === 'xor') return { and: 0xffffffff, xor: v };
    return { and: v, xor: 0 };
  }
  if (/^(0x[0-9a-f]+|\d+)$/i.test(e)) return { and: 0, xor: Number(e) >>> 0 };
  return 'unknown';
}

const KEY_EXPR =
  '(?:ip6?\\s+[sd]addr|meta\\s+l4proto|ip\\s+protocol|ip6\\s+nexthdr|(?:th|tcp|udp|sctp)\\s+[sd]port|(?:meta\\s+)?[io]ifname)';

function setKey(expr: string): SetKey {
  const e = expr.replace(/\s+/g, ' ').trim();
  if (/^ip6? saddr$/.test(e)) return 'saddr';
  if (/^ip6? daddr$/.test(e)) return 'daddr';
  if (/^(meta l4proto|ip protocol|ip6 nexthdr)$/.test(e)) return 'l4proto';
  if (/ sport$/.test(e)) return 'sport';
  if (/ dport$/.test(e)) return 'dport';
  if (/iifname$/.test(e)) return 'iifname';
  if (/oifname$/.test(e)) return 'oifname';
  return 'other';
}

type RuleParse = Omit<NetfilterRule, 'line' | 'text'>;

const LOG_STATEMENT = /\slog(?=\s)/;
const CAPPED_STATEMENT = /\s(?:limit\s+rate\s+(?!over\s)|quota\s+(?!over\s)|xt\s+match\s+"?limit\b)/;

/**
 * Whether a capped limit comes before the rule's `log`. A rule's statements run in order, and a
 * non-terminal one may "conditionally … terminate evaluation of the current rule" (nftables
 * doc/nft.txt:1027-1032@v1.1.6): the limit does, over its rate (linux net/netfilter/nft_limit.c
 * nft_limit_pkts_eval() sets NFT_BREAK@v5.10.13). So `limit rate 5/minute log` logs at most 5 a minute,
 * and `log limit rate 5/minute` logs every packet.
 */
function logKind(text: string): 'each' | 'capped' {
  // quoted strings (prefix, comment) blanked: a word inside one is no statement
  const bare = ` ${text.replace(/"(?:[^"\\]|\\.)*"/g, '""')} `;
  const log = LOG_STATEMENT.exec(bare)?.index ?? -1;
  const cap = CAPPED_STATEMENT.exec(bare)?.index ?? -1;
  return cap >= 0 && cap < log ? 'capped' : 'each';
}

/** Parses one nft rule line. Pure. */
export function parseNftRule(text: string, tableFamily: string): RuleParse {
  let rest = ` ${text} `;
  const conds: Cond[] = [];
  let counters: Counters | undefined;
  let logs = false;
  const take = (re: RegExp, fn: (m: RegExpExecArray) => void) => {
    for (;;) {
      const m = re.exec(rest);
      if (!m) return;
      fn(m);
      rest = rest.slice(0, m.index) + ' ' + rest.slice(m.index + m[0].length);
    }
  };
  take(/\scomment\s+"(?:[^"\\]|\\.)*"/, () => {});
  take(/\scounter(?:\s+packets\s+(\d+)\s+bytes\s+(\d+))?(?=\s)/, (m) => {
    if (m[1] !== undefined) counters = { packets: Number(m[1]), bytes: Number(m[2]) };
  });
  take(
    /\slog(?:\s+(?:prefix\s+"(?:[^"\\]|\\.)*"|level\s+\S+|group\s+\d+|flags\s+\S+|snaplen\s+\d+|queue-threshold\s+\d+))*(?=\s)/,
    () => {
      logs = true;
    },
  );
  let verdict: Verdict = { kind: 'continue', name: '' };
  const v = (re: RegExp, fn: (m: RegExpExecArray) => Verdict) => {
    const m = re.exec(rest);
    if (!m) return false;
    verdict = fn(m);
    rest = rest.slice(0, m.index) + ' ';
    return true;
  };
  // the verdict is the rule's last statement
  const fam = (f: string): AddressFamily => (f === 'ip6' ? 6 : 4);
  void (
    v(new RegExp(`\\s(${KEY_EXPR}(?:\\s*\\.\\s*${KEY_EXPR})*)\\s+vmap\\s+@(\\S+)\\s*$`), (m) => {
      const keys = (m[1] as string).split(/\s*\.\s*/);
      if (tableFamily === 'inet' && /^ip6?\s/.test(keys[0] ?? ''))
        conds.push({ kind: 'family', family: fam((keys[0] as string).split(/\s/)[0] as string) });
      conds.push({ kind: 'set', set: m[2] as string, keys: keys.map(setKey), neg: false });
      return { kind: 'lookup', text: `vmap @${m[2]}` };
    }) ||
    v(/\s(?:ip6?\s+\S+\s+)?vmap\s+(\{.*\}|@\S+)\s*$/, (m) => ({ kind: 'lookup', text: `vmap ${m[1]}` })) ||
    v(/\s(jump|goto)\s+(\S+)\s*$/, (m) => ({ kind: m[1] as 'jump' | 'goto', chain: unq(m[2] as string) })) ||
    v(/\s(accept|drop|return)\s*$/, (m) => ({ kind: m[1] as 'accept' | 'drop' | 'return' })) ||
    v(/\scontinue\s*$/, () => ({ kind: 'continue', name: 'continue' })) ||
    v(/\sreject(?:\s+with\s+.*)?\s*$/, () => ({ kind: 'reject' })) ||
    v(/\squeue(?:\s+.*)?\s*$/, () => ({ kind: 'queue' })) ||
    v(/\s(dnat|snat|redirect|masquerade|tproxy)(?:\s+.*)?\s*$/, (m) => ({ kind: 'nat', name: m[1] as string })) ||
    v(/\s(?:meta\s+)?mark\s+set\s+(.*?)\s*$/, (m) => ({
      kind: 'continue',
      name: `meta mark set ${m[1] as string}`,
      mark: nftMarkOp(m[1] as string),
    })) ||
    v(/\s(notrack|(?:meta|ct)\s+\S+\s+set\s+.*|mark\s+set\s+.*|xt\s+target\s+.*)\s*$/, (m) => ({
      kind: 'continue',
      name: (m[1] as string).trim(),
    }))
  );
  take(new RegExp(`\\s(${KEY_EXPR}(?:\\s*\\.\\s*${KEY_EXPR})*)\\s+(!=\\s+)?@(\\S+)`), (m) => {
    const keys = (m[1] as string).split(/\s*\.\s*/);
    if (tableFamily === 'inet' && /^ip6?\s/.test(keys[0] ?? ''))
      conds.push({ kind: 'family', family: fam((keys[0] as string).split(/\s/)[0] as string) });
    conds.push({ kind: 'set', set: m[3] as string, keys: keys.map(setKey), neg: m[2] !== undefined });
  });
  take(
    new RegExp(`(?<!\\bct)\\s(?:meta\\s+)?mark\\s+(?:&\\s*${MARK_NUM}\\s+)?(==\\s+|!=\\s+)?${MARK_NUM}(?=\\s)`, 'i'),
    (m) => {
      conds.push({
        kind: 'mark',
        value: Number(m[3]) >>> 0,
        mask: m[1] === undefined ? 0xffffffff : Number(m[1]) >>> 0,
        neg: (m[2] ?? '').startsWith('!='),
      });
    },
  );
  take(/\s(iifname|oifname|iif|oif)\s+(!=\s+)?(\{[^}]*\}|"[^"]*"|\S+)/, (m) => {
    const vals = setValues(m[3] as string).map(unq);
    const dir = (m[1] as string).startsWith('i') ? 'in' : 'out';
    if (vals.length === 1) conds.push({ kind: 'iface', dir, name: vals[0] as string, neg: m[2] !== undefined });
    else conds.push({ kind: 'unknown', text: m[0].trim() });
  });
  take(/\s(ip6?)\s+(saddr|daddr)\s+(!=\s+)?(\{[^}]*\}|[^\s.{]\S*)(?!\s+\.)/, (m) => {
    const raw = m[4] as string;
    if (tableFamily === 'inet') conds.push({ kind: 'family', family: fam(m[1] as string) });
    if (raw.startsWith('@')) conds.push({ kind: 'unknown', text: m[0].trim() });
    else
      conds.push({
        kind: 'addr',
        dir: m[2] === 'saddr' ? 'src' : 'dst',
        nets: setValues(raw),
        neg: m[3] !== undefined,
      });
  });
  take(/\s(tcp|udp|th|sctp|udplite|dccp)\s+(dport|sport)\s+(!=\s+)?(\{[^}]*\}|[^\s.{]\S*)(?!\s+\.)/, (m) => {
    const proto = m[1] as string;
    if (proto !== 'th') conds.push({ kind: 'proto', proto, neg: false });
    const raw = m[4] as string;
    const ranges = raw.startsWith('@') ? null : setValues(raw).map(portRange);
    if (!ranges || ranges.some((r) => r === null)) conds.push({ kind: 'unknown', text: m[0].trim() });
    else
      conds.push({
        kind: 'port',
        dir: m[2] === 'dport' ? 'dst' : 'src',
        ranges: ranges as PortRange[],
        neg: m[3] !== undefined,
      });
  });
  take(/\s(?:meta\s+l4proto|ip\s+protocol|ip6\s+nexthdr)\s+(!=\s+)?(\{[^}]*\}|[^\s.{]\S*)(?!\s+\.)/, (m) => {
    const vals = setValues(m[2] as string);
    if (vals.length === 1)
      conds.push({ kind: 'proto', proto: (vals[0] as string).toLowerCase(), neg: m[1] !== undefined });
    else if (m[1] === undefined && vals.includes('tcp')) {
      // a set that holds tcp matches our packets
    } else conds.push({ kind: 'unknown', text: m[0].trim() });
  });
  take(/\sct\s+state\s+(!=\s+)?(\{[^}]*\}|\S+)/, (m) => {
    const states = (m[2] as string)
      .replace(/[{}]/g, ' ')
      .split(/[,\s]+/)
      .filter(Boolean)
      .map((x) => x.toUpperCase());
    conds.push({ kind: 'ctstate', states, neg: m[1] !== undefined });
  });
  take(/\sfib\s+(saddr|daddr)\s+type\s+(!=\s+)?(\{[^}]*\}|\S+)/, (m) => {
    conds.push({
      kind: 'addrtype',
      dir: m[1] === 'saddr' ? 'src' : 'dst',
      types: setValues(m[3] as string).map((s) => s.toUpperCase()),
      neg: m[2] !== undefined,
    });
  });
  take(/\stcp\s+flags\s+(?:syn\s*\/\s*(\S+)|&\s*\(([^)]*)\)\s*==\s*syn)/, (m) => {
    const mask = (m[1] ?? m[2] ?? '').split(/[|,]/).map((s) => s.trim());
    conds.push(mask.includes('ack') ? { kind: 'syn', neg: false } : { kind: 'unknown', text: m[0].trim() });
  });
  take(/\smeta\s+random\s*&\s*(\d+)\s*<\s*(\d+)/, (m) => {
    const p = Number(m[2]) / (Number(m[1]) + 1);
    conds.push({ kind: 'probabilistic', what: 'random', detail: `probability ${Number(p.toFixed(6))}` });
  });
  take(/\snumgen\s+(random|inc)\s+mod\s+(\d+)(?:\s+offset\s+\d+)?\s*(<|<=|==)?\s*(\d+)?/, (m) => {
    conds.push({ kind: 'probabilistic', what: m[1] === 'random' ? 'random' : 'nth', detail: m[0].trim() });
  });
  // nft(8) LIMIT STATEMENT: "will match until this limit is reached … The optional over keyword makes it
  // match over the specified rate"; the kernel breaks off the rule over the rate, or under it with `over`
  // (linux v5.10.13 net/netfilter/nft_limit.c:28-49 nft_limit_eval returns `invert` under the rate)
  take(/\slimit\s+rate\s+(over\s+)?\d+(?:\s*[a-z]+)?\/[a-z]+(?:\s+burst\s+\d+\s+[a-z]+)?/, (m) => {
    conds.push({ kind: 'probabilistic', what: 'limit', detail: m[0].trim(), capped: m[1] === undefined });
  });
  take(/\sct\s+count\s+(?:over\s+)?\d+/, (m) =>
    conds.push({ kind: 'probabilistic', what: 'connlimit', detail: m[0].trim(), capped: false }),
  );
  // `quota [over|until] N unit`, until (the default) matching up to N (nftables doc/stateful-objects.txt:211
  // @v1.1.6); listed as `quota [over ]N unit[ used N unit]` (src/statement.c:573-586@v1.1.6)
  take(/\squota\s+(over\s+)?(?:until\s+)?\d+\s*\S+(?:\s+used\s+\d+\s*\S+)?/, (m) =>
    conds.push({ kind: 'probabilistic', what: 'quota', detail: m[0].trim(), capped: m[1] === undefined }),
  );
  take(/\sxt\s+match\s+"?(\w+)"?/, (m) => {
    const what = m[1] as string;
    if (what === 'statistic') conds.push({ kind: 'probabilistic', what: 'random', detail: 'xt match statistic' });
    else if (what === 'limit' || what === 'hashlimit' || what === 'connlimit' || what === 'quota') {
      // xt_limit has no negation (iptables-extensions(8) limit); the others' direction is not printed
      conds.push({ kind: 'probabilistic', what, detail: `xt match ${what}`, capped: what === 'limit' });
    } else if (what === 'comment') {
      // iptables-nft translation of -m comment
    } else conds.push({ kind: 'unknown', text: m[0].trim() });
  });
  // an ipset match of a rule iptables-nft wrote, which nft lists as a comment (xt set's own print)
  take(/\s#\s+(!\s+)?match-set\s+(\S+)\s+(\S+)(?=\s)/, (m) => {
    const flags = ipsetFlags(m[3]);
    conds.push(
      flags
        ? { kind: 'ipset', set: m[2] as string, flags, neg: m[1] !== undefined }
        : { kind: 'unknown', text: m[0].trim() },
    );
  });
  take(/\smeta\s+nfproto\s+(ipv4|ipv6)/, (m) => conds.push({ kind: 'family', family: m[1] === 'ipv6' ? 6 : 4 }));
  const left = rest.trim();
  if (left !== '') conds.push({ kind: 'unknown', text: left });
  const out: RuleParse = { conds, verdict, log: logs ? logKind(text) : 'none' };
  if (counters) out.counters = counters;
  return out;
}

type Block =
  | { kind: 'table'; table: NetfilterTable; implicit?: true }
  | { kind: 'chain'; chain: NetfilterChain }
  | { kind: 'set'; name: string; body: string }
  | { kind: 'other' };

/**
 * Parses `nft list ruleset` output. Pure; a line it cannot place is listed in `unparsed` and the rest
 * still comes out.
 */
export function parseNftRuleset(text: string): NetfilterRuleset {
  const tables: NetfilterTable[] = [];
  const unparsed: UnparsedLine[] = [];
  const stack: Block[] = [];
  let assumed: NetfilterRuleset['assumedTables'];
  const lines = text.split('\n');
  const top = () => stack[stack.length - 1];
  const table = () => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const b = stack[i] as Block;
      if (b.kind === 'table') return b.table;
    }
    return null;
  };
  for (let n = 0; n < lines.length; n++) {
    let line = (lines[n] ?? '').trim();
    const at = n + 1;
    // a comment, unless it is a rule of iptables-nft's whose first match nft prints as one (XT_RULE)
    if (line === '' || (line.startsWith('#') && !XT_RULE.test(line))) continue;
    const cur = top();
    if (cur?.kind === 'set') {
      if (line === '}') {
        stack.pop();
        const t = table();
        if (t) {
          t.setElements += countElements(cur.body);
          t.sets ??= new Map();
          t.sets.set(cur.name, { name: cur.name, elements: setElementKeys(cur.body) });
        }
      } else cur.body += ` ${line}`;
      continue;
    }
    if (line === '}') {
      if (!stack.pop()) unparsed.push({ line: at, text: line, reason: 'unbalanced "}"' });
      continue;
    }
    let m = /^table\s+(\S+)\s+(\S+)\s*\{$/.exec(line);
    if (m) {
      // the chains pasted before it without their table line end there
      if (stack.length > 0 && !(stack.length === 1 && cur?.kind === 'table' && cur.implicit))
        unparsed.push({ line: at, text: line, reason: 'table inside another block' });
      const t: NetfilterTable = {
        family: m[1] as string,
        name: unq(m[2] as string),
        chains: new Map(),
        setElements: 0,
      };
      tables.push(t);
      stack.length = 0;
      stack.push({ kind: 'table', table: t });
      continue;
    }
    m = /^chain\s+(\S+)\s*\{$/.exec(line);
    if (m && stack.length === 0) {
      // a chain pasted without its table line (leshniak/nft-blacklist#3): the table's family and name are
      // not shown. It is read as in an inet table, which sees IPv4 and IPv6 alike, the widest an ip or
      // ip6 table could be; the table's other chains are not there
      const t: NetfilterTable = { family: 'inet', name: '<table>', chains: new Map(), setElements: 0 };
      tables.push(t);
      stack.push({ kind: 'table', table: t, implicit: true });
      (assumed ??= []).push({ line: at, table: 'inet <table>', by: 'nft chain alone' });
    }
    if (m) {
      const t = table();
      // the implicit table just opened is the parent
      const parent = top();
      if (!t || parent?.kind !== 'table') {
        unparsed.push({ line: at, text: line, reason: 'chain outside a table' });
        stack.push({ kind: 'other' });
        continue;
      }
      const name = unq(m[1] as string);
      const c: NetfilterChain = t.chains.get(name) ?? { name, rules: [] };
      t.chains.set(name, c);
      stack.push({ kind: 'chain', chain: c });
      continue;
    }
    m = /^(set|map)\s+(\S+)\s*\{(.*)$/.exec(line);
    if (m) {
      const name = unq(m[2] as string);
      const inline = m[3] ?? '';
      if (inline.trim().endsWith('}') && !inline.includes('{')) {
        // a one-line set: "set s { type ipv4_addr; }"
        const t = table();
        if (t) (t.sets ??= new Map()).set(name, { name, elements: [] });
        continue;
      }
      stack.push({ kind: 'set', name, body: inline });
      continue;
    }
    if (line.endsWith('{')) {
      // flowtable, counter, quota, ct helper/timeout/expectation, secmark, synproxy…
      stack.push({ kind: 'other' });
      continue;
    }
    if (cur?.kind !== 'chain') {
      if (cur?.kind === 'table' && /^(flags|comment)\b/.test(line)) continue;
      if (cur?.kind === 'other') continue;
      unparsed.push({ line: at, text: line, reason: cur ? `unexpected line in ${cur.kind}` : 'outside any table' });
      continue;
    }
    const chain = cur.chain;
    const hdr =
      /^type\s+(\w+)\s+hook\s+(\w+)(?:\s+(?:device\s+"?([^";\s]+)"?|devices\s*=\s*\{[^}]*\}))?\s+priority\s+([^;]+);(?:\s*policy\s+(accept|drop);)?/.exec(
        line,
      );
    if (hdr) {
      const hook = hdr[2] as Hook;
      const priority = parsePriority(hdr[4] as string);
      if (!HOOKS.has(hook) || priority === null) {
        unparsed.push({ line: at, text: line, reason: 'unknown hook or priority' });
        continue;
      }
      const type = hdr[1] === 'nat' ? 'nat' : hdr[1] === 'route' ? 'route' : 'filter';
      chain.base = { hook, priority, type, policy: hdr[5] === 'drop' ? 'drop' : 'accept' };
      if (hdr[3]) chain.base.device = hdr[3];
      continue;
    }
    if (/^(comment\s+"|policy\s+\w+;|devices\s*=)/.test(line)) continue;
    // a rule whose anonymous set or map wraps onto the next lines
    let open = (line.match(/\{/g) ?? []).length - (line.match(/\}/g) ?? []).length;
    while (open > 0 && n + 1 < lines.length) {
      n++;
      const next = (lines[n] ?? '').trim();
      line += ` ${next}`;
      open += (next.match(/\{/g) ?? []).length - (next.match(/\}/g) ?? []).length;
    }
    if (open !== 0) {
      unparsed.push({ line: at, text: line, reason: 'unbalanced braces in rule' });
      continue;
    }
    const t = table();
    const r = parseNftRule(line, t?.family ?? 'inet');
    chain.rules.push({ line: at, text: line, ...r });
  }
  // the table a chain was pasted without has no closing line of its own
  const open = stack.filter((b) => !(b.kind === 'table' && b.implicit)).length;
  if (open > 0) {
    unparsed.push({ line: lines.length, text: '', reason: `${open} block(s) not closed (truncated?)` });
  }
  return { format: 'nft', tables, unparsed, ...(assumed ? { assumedTables: assumed } : {}) };
}
