import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNftRule, parseNftRuleset, setElementKeys } from '../../src/parsers/nft.js';
import { ruleCount } from '../../src/parsers/netfilter-rule.js';

// real `nft list ruleset` output (nftables 1.0.6) of the same rules iptables-nft made in the lab
const REAL = `table ip filter {
	chain INPUT {
		type filter hook input priority filter; policy accept;
		iifname "lo" meta random & 2147483647 < 107374182 counter packets 3 bytes 180 drop
		tcp dport 65001 counter packets 0 bytes 0 reject with tcp reset
		xt match hashlimit counter packets 0 bytes 0 drop
		tcp flags syn / syn,rst,ack counter packets 0 bytes 0 queue num 1 bypass
	}

	chain OUTPUT {
		type filter hook output priority filter; policy accept;
		oifname "lo" limit rate 10/second counter packets 0 bytes 0 log prefix "x "
	}

	chain KUBE-SERVICES {
	}
}
table ip nat {
	chain KUBE-SERVICES {
	}

	chain OUTPUT {
		type nat hook output priority -100; policy accept;
		 counter packets 0 bytes 0 jump KUBE-SERVICES
	}
}
`;

describe('parseNftRuleset', () => {
  it('reads tables, base chains and rules', () => {
    const rs = parseNftRuleset(REAL);
    expect(rs.unparsed).toEqual([]);
    expect(rs.tables.map((t) => `${t.family} ${t.name}`)).toEqual(['ip filter', 'ip nat']);
    expect(ruleCount(rs)).toBe(6);
    const input = rs.tables[0]?.chains.get('INPUT');
    expect(input?.base).toEqual({ hook: 'input', priority: 0, type: 'filter', policy: 'accept' });
    expect(rs.tables[1]?.chains.get('OUTPUT')?.base).toMatchObject({ hook: 'output', priority: -100, type: 'nat' });
    const [drop, reject, hash, queue] = input?.rules ?? [];
    expect(drop?.verdict).toEqual({ kind: 'drop' });
    expect(drop?.counters).toEqual({ packets: 3, bytes: 180 });
    expect(drop?.conds).toContainEqual({ kind: 'iface', dir: 'in', name: 'lo', neg: false });
    expect(drop?.conds.find((c) => c.kind === 'probabilistic')).toMatchObject({
      what: 'random',
      detail: 'probability 0.05',
    });
    expect(reject?.verdict).toEqual({ kind: 'reject' });
    expect(reject?.conds).toContainEqual({ kind: 'port', dir: 'dst', ranges: [[65001, 65001]], neg: false });
    expect(hash?.conds).toEqual([
      { kind: 'probabilistic', what: 'hashlimit', detail: 'xt match hashlimit', capped: false },
    ]);
    expect(queue?.verdict).toEqual({ kind: 'queue' });
    expect(queue?.conds).toEqual([{ kind: 'syn', neg: false }]);
    const log = rs.tables[0]?.chains.get('OUTPUT')?.rules[0];
    expect(log?.log).toBe('capped');
    expect(log?.conds.find((c) => c.kind === 'probabilistic')).toMatchObject({ what: 'limit' });
    expect(rs.tables[1]?.chains.get('OUTPUT')?.rules[0]?.verdict).toEqual({ kind: 'jump', chain: 'KUBE-SERVICES' });
  });

  it('reads inet tables, sets, ct state, fib and named priorities', () => {
    const rs = parseNftRuleset(`table inet fw {
	set allowed {
		type ipv4_addr
		elements = { 10.0.0.1, 10.0.0.2,
			     10.0.0.3 }
	}
	chain input {
		type filter hook input priority filter - 10; policy drop;
		ct state { established, related } accept
		iif "lo" accept
		ip saddr @allowed tcp dport { 4000, 65002 } accept
		fib daddr type local tcp dport 4001 counter packets 0 bytes 0 drop
	}
}
`);
    expect(rs.unparsed).toEqual([]);
    const t = rs.tables[0];
    expect(t?.setElements).toBe(3);
    const c = t?.chains.get('input');
    expect(c?.base).toMatchObject({ priority: -10, policy: 'drop' });
    const [ct, lo, set, fib] = c?.rules ?? [];
    expect(ct?.conds).toEqual([{ kind: 'ctstate', states: ['ESTABLISHED', 'RELATED'], neg: false }]);
    expect(lo?.conds).toEqual([{ kind: 'iface', dir: 'in', name: 'lo', neg: false }]);
    expect(set?.conds.map((x) => x.kind)).toEqual(expect.arrayContaining(['family', 'set', 'proto', 'port']));
    expect(t?.sets?.get('allowed')?.elements.length).toBe(3);
    expect(fib?.conds).toContainEqual({ kind: 'addrtype', dir: 'dst', types: ['LOCAL'], neg: false });
  });

  it('keeps kube-proxy nft verdict maps as lookups keyed by the packet', () => {
    const r = parseNftRule('ip daddr . meta l4proto . th dport vmap @service-ips', 'ip');
    expect(r.verdict).toEqual({ kind: 'lookup', text: 'vmap @service-ips' });
    expect(r.conds).toEqual([{ kind: 'set', set: 'service-ips', keys: ['daddr', 'l4proto', 'dport'], neg: false }]);
    const n = parseNftRule('ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports', 'ip');
    expect(n.conds).toEqual([
      { kind: 'set', set: 'no-endpoint-nodeports', keys: ['l4proto', 'dport'], neg: false },
      { kind: 'set', set: 'nodeport-ips', keys: ['daddr'], neg: false },
    ]);
  });

  it("reads kube-proxy's mark rules as nft lists them", () => {
    expect(parseNftRule('meta mark set meta mark | 0x00004000', 'ip').verdict).toEqual({
      kind: 'continue',
      name: 'meta mark set meta mark | 0x00004000',
      mark: { and: ~0x4000 >>> 0, xor: 0x4000 },
    });
    expect(parseNftRule('meta mark set meta mark ^ 0x00004000', 'ip').verdict).toMatchObject({
      mark: { and: 0xffffffff, xor: 0x4000 },
    });
    expect(parseNftRule('meta mark set ct mark', 'ip').verdict).toMatchObject({ mark: 'unknown' });
    const ret = parseNftRule('meta mark & 0x00004000 == 0x00000000 return', 'ip');
    expect(ret.conds).toEqual([{ kind: 'mark', value: 0, mask: 0x4000, neg: false }]);
    expect(ret.verdict).toEqual({ kind: 'return' });
    // a conntrack mark is not the packet mark
    expect(parseNftRule('ct mark 0x00000001 drop', 'ip').conds.map((c) => c.kind)).toEqual(['unknown']);
  });

  it('reads the ipset matches of rules iptables-nft wrote, which nft lists as comments (ACK node, kube-proxy IPVS)', () => {
    // lines of a real `nft list ruleset` (imroc/kubernetes-guide, fixtures/real/netfilter-ack-cilium-ipvs-nft)
    const rs = parseNftRuleset(`table ip filter {
	chain KUBE-IPVS-FILTER {
		# a comment stays one: match-set rules come first
		# match-set KUBE-CLUSTER-IP dst,dst counter packets 0 bytes 0 return
		ct state new # match-set KUBE-IPVS-IPS dst counter packets 0 bytes 0 reject
	}
}
`);
    const rules = rs.tables[0]?.chains.get('KUBE-IPVS-FILTER')?.rules ?? [];
    expect(rules).toHaveLength(2);
    const [ret, rej] = rules;
    expect(ret?.conds).toEqual([{ kind: 'ipset', set: 'KUBE-CLUSTER-IP', flags: ['dst', 'dst'], neg: false }]);
    expect(ret?.verdict).toEqual({ kind: 'return' });
    expect(rej?.conds).toEqual([
      { kind: 'ctstate', states: ['NEW'], neg: false },
      { kind: 'ipset', set: 'KUBE-IPVS-IPS', flags: ['dst'], neg: false },
    ]);
    expect(rej?.verdict).toEqual({ kind: 'reject' });
  });

  it('reads whether a limit, quota or count caps what its rule does, and whether it comes before the log', () => {
    const rule = (t: string) => parseNftRule(t, 'inet');
    const capped = (t: string) => {
      const c = rule(t).conds.find((x) => x.kind === 'probabilistic');
      return c && 'capped' in c ? c.capped : undefined;
    };
    expect(capped('limit rate 5/minute burst 5 packets accept')).toBe(true);
    expect(capped('limit rate over 10 mbytes/second burst 1 mbytes drop')).toBe(false);
    expect(capped('quota 25 mbytes used 1 mbytes accept')).toBe(true);
    expect(capped('quota over 25 mbytes drop')).toBe(false);
    expect(capped('ct count over 2 reject')).toBe(false);
    expect(capped('xt match limit counter accept')).toBe(true);
    expect(rule('quota 25 mbytes used 1 mbytes accept').conds).toHaveLength(1);
    expect(rule('iifname "lo" limit rate 5/minute counter log prefix "x "').log).toBe('capped');
    expect(rule('iifname "lo" log prefix "limit rate 5/minute " limit rate 5/minute').log).toBe('each');
    expect(rule('iifname "lo" limit rate over 5/minute log').log).toBe('each');
    expect(rule('iifname "lo" counter accept').log).toBe('none');
  });

  it('keeps set elements as keys, dropping map values and comments', () => {
    expect(
      setElementKeys(
        'type ipv4_addr . inet_proto . inet_service : verdict elements = { 1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop, 172.30.0.46 . tcp . 80 : goto reject-chain }',
      ),
    ).toEqual([
      ['1.2.3.4', 'tcp', '80'],
      ['172.30.0.46', 'tcp', '80'],
    ]);
  });

  it('reads a chain pasted without its table line as in an inet table it names as not known (leshniak/nft-blacklist#3)', () => {
    const text = readFileSync(
      'fixtures/real/netfilter-nft-chain-without-table-blacklist-3/raw/net/nft-ruleset.txt',
      'utf8',
    );
    const rs = parseNftRuleset(text);
    expect(rs.unparsed).toEqual([]);
    expect(rs.assumedTables).toEqual([{ line: 1, table: 'inet <table>', by: 'nft chain alone' }]);
    expect(rs.tables.map((t) => [t.family, t.name, [...t.chains.keys()]])).toEqual([['inet', '<table>', ['input']]]);
    const input = rs.tables[0]!.chains.get('input')!;
    expect(input.base).toEqual({ hook: 'prerouting', priority: -1, type: 'filter', policy: 'accept' });
    expect(input.rules.map((r) => r.verdict.kind)).toEqual(['accept', 'accept', 'accept', 'accept', 'drop', 'drop']);
    // more chains, then the table's closing brace, then a whole table: one assumed table, nothing unparsed
    const more = parseNftRuleset(`${text}\tchain output {\n\t}\n}\ntable ip t {\n\tchain c {\n\t}\n}\n`);
    expect(more.unparsed).toEqual([]);
    expect(more.tables.map((t) => [t.name, [...t.chains.keys()]])).toEqual([
      ['<table>', ['input', 'output']],
      ['t', ['c']],
    ]);
    // a whole ruleset assumes nothing
    expect(parseNftRuleset(REAL).assumedTables).toBeUndefined();
  });

  it('reports unbalanced and misplaced lines with their numbers', () => {
    // line 7's chain, after the stray brace, is read as a chain pasted alone; it is never closed
    const rs = parseNftRuleset('table ip t {\n\tchain c {\n\t\tdrop\n\t}\n}\n}\nchain x {\n');
    expect(rs.unparsed.map((u) => u.line)).toEqual([6, 8]);
    expect(ruleCount(rs)).toBe(1);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string(),
            fc.constantFrom(
              'table ip f {',
              'chain c {',
              '}',
              'type filter hook input priority 0; policy drop;',
              'tcp dport { 1, 2 } drop',
              'set s {',
              'elements = { 1,',
            ),
          ),
        ),
        (lines) => {
          expect(ruleCount(parseNftRuleset(lines.join('\n')))).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
