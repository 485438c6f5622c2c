import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

// Rules under a limit (limit, hashlimit, connlimit, quota, nft `limit rate`): a packet the limit does not
// match goes on to the next rule (iptables-extensions(8); nft(8) LIMIT STATEMENT), so a limited ACCEPT
// throttles only what then meets a drop, and a LOG behind a limit writes at most its rate.

const LISTEN =
  'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0 4096 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\nLISTEN 0 4096 0.0.0.0:4000 0.0.0.0:* users:(("dfdaemon",pid=9,fd=4))\n';

const save = (policy: 'ACCEPT' | 'DROP', ...rules: string[]) => ({
  'raw/net/listeners.txt': LISTEN,
  'raw/net/iptables-save.txt': `*filter\n:INPUT ${policy} [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules.join('\n')}\nCOMMIT\n`,
});

const nft = (policy: 'accept' | 'drop', ...rules: string[]) => ({
  'raw/net/listeners.txt': LISTEN,
  'raw/net/nft-ruleset.txt': `table inet fw {\n\tchain input {\n\t\ttype filter hook input priority filter; policy ${policy};\n${rules.map((r) => `\t\t${r}\n`).join('')}\t}\n}\n`,
});

async function run(files: Record<string, string>) {
  const f = await factsFrom(files);
  const findings = f.net?.netfilter?.findings ?? [];
  const diagnoses = evaluate(f, RULES).diagnoses;
  return {
    findings,
    kinds: findings.map((x) => `${x.line ?? 'policy'}:${x.kind}`),
    fired: diagnoses.map((d) => d.rule),
    diagnosis: (rule: string) => diagnoses.find((d) => d.rule === rule),
  };
}

const LIMITED_ACCEPT = '-A INPUT -p tcp -m tcp --dport 4001 -m limit --limit 100/s -j ACCEPT';

describe('a limited ACCEPT throttles only what then meets a drop', () => {
  it('limits nothing under an ACCEPT policy: the packets over the rate are accepted further on', async () => {
    const r = await run(save('ACCEPT', LIMITED_ACCEPT));
    expect(r.kinds).toEqual([]);
    expect(r.fired).not.toContain('net.netfilter-blocking');
  });

  it('is a rate limit when the chain policy drops what it does not match, and names that policy', async () => {
    const r = await run(save('DROP', LIMITED_ACCEPT));
    const limit = r.findings.find((x) => x.line === 5);
    expect(limit).toMatchObject({ kind: 'limit', match: 'yes' });
    expect(limit?.excess).toBe('the DROP policy of chain INPUT (table filter, raw/net/iptables-save.txt)');
    const d = r.diagnosis('net.netfilter-blocking');
    expect(d?.evidence.join('\n')).toContain(
      'the packets its limit does not match go on to the DROP policy of chain INPUT',
    );
  });

  it('is a rate limit when a later rule drops the excess, unless a rule between accepts it', async () => {
    const dropped = await run(save('ACCEPT', LIMITED_ACCEPT, '-A INPUT -p tcp -m tcp --dport 4001 -j REJECT'));
    expect(dropped.kinds).toContain('5:limit');
    expect(dropped.findings.find((x) => x.line === 5)?.excess).toBe(
      '"-A INPUT -p tcp -m tcp --dport 4001 -j REJECT" (raw/net/iptables-save.txt:6)',
    );
    const accepted = await run(
      save('ACCEPT', LIMITED_ACCEPT, '-A INPUT -i lo -j ACCEPT', '-A INPUT -p tcp -m tcp --dport 4001 -j REJECT'),
    );
    expect(accepted.kinds.filter((k) => k.startsWith('5:'))).toEqual([]);
    // the excess may meet the drop when the rule between decides on something the bundle cannot judge
    const undecided = await run(
      save(
        'ACCEPT',
        LIMITED_ACCEPT,
        '-A INPUT -m owner --uid-owner 0 -j ACCEPT',
        '-A INPUT -p tcp -m tcp --dport 4001 -j DROP',
      ),
    );
    expect(undecided.findings.find((x) => x.line === 5)).toMatchObject({ kind: 'limit', match: 'maybe' });
  });

  it('behind a jump that may not be taken, a drop gets the excess only as surely as that jump', async () => {
    const nested = (jumpToB: string) =>
      save(
        'ACCEPT',
        ':A - [0:0]',
        ':B - [0:0]',
        '-A INPUT -m set --match-set a src -j A',
        '-A A -p tcp -m tcp --dport 4001 -m limit --limit 100/s -j ACCEPT',
        `-A A ${jumpToB}-j B`,
        '-A B -j DROP',
      );
    const undecided = async (jumpToB: string) =>
      (await run(nested(jumpToB))).findings.find((x) => x.line === 8 && x.kind === 'limit')?.undecided;
    expect(await undecided('-m set --match-set b src ')).toContain('whether "-A B -j DROP"');
    expect(await undecided('')).not.toContain('whether');
  });

  it('a limited RETURN throttles what its chain then drops (a syn_flood chain), not what its caller accepts', async () => {
    const synFlood = [
      ':syn_flood - [0:0]',
      '-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j syn_flood',
      '-A syn_flood -m limit --limit 1/sec --limit-burst 3 -j RETURN',
    ];
    const r = await run(save('ACCEPT', ...synFlood, '-A syn_flood -j DROP'));
    const limit = r.findings.find((x) => x.line === 7);
    expect(limit).toMatchObject({ kind: 'limit', match: 'yes' });
    expect(limit?.affects.every((a) => a.includes("connection's first packet"))).toBe(true);
    expect(r.diagnosis('net.netfilter-blocking')?.severity).not.toBe('info');
    // nothing after it in its chain: the excess returns to INPUT with the rest
    const none = await run(save('ACCEPT', ...synFlood, '-A INPUT -p tcp -m tcp --dport 9 -j DROP'));
    expect(none.kinds).toEqual([]);
  });

  it('reads hashlimit, connlimit and quota by the direction they match', async () => {
    const kinds = async (policy: 'ACCEPT' | 'DROP', rule: string) => (await run(save(policy, rule))).kinds;
    const port = '-A INPUT -p tcp -m tcp --dport 4001';
    // matches over the rate or count: a DROP/REJECT on it throttles on its own
    expect(await kinds('ACCEPT', `${port} -m hashlimit --hashlimit-above 10/sec --hashlimit-name x -j DROP`)).toEqual([
      '5:limit',
    ]);
    expect(await kinds('ACCEPT', `${port} -m connlimit --connlimit-above 2 --connlimit-mask 32 -j REJECT`)).toEqual([
      '5:limit',
    ]);
    expect(await kinds('ACCEPT', `${port} -m quota ! --quota 1000 -j DROP`)).toEqual(['5:limit']);
    // matches within it: an ACCEPT limits only what a DROP then gets
    for (const m of [
      '-m hashlimit --hashlimit-upto 10/sec --hashlimit-name x',
      '-m connlimit --connlimit-upto 2 --connlimit-mask 32',
      '-m quota --quota 1000',
    ]) {
      expect(await kinds('ACCEPT', `${port} ${m} -j ACCEPT`)).toEqual([]);
      expect(await kinds('DROP', `${port} ${m} -j ACCEPT`)).toContain('5:limit');
    }
  });

  it('reads nft `limit rate` and `limit rate over` the same way', async () => {
    const accept = 'tcp dport 4001 limit rate 100/second accept';
    expect((await run(nft('accept', accept))).kinds).toEqual([]);
    expect((await run(nft('drop', accept))).kinds).toContain('4:limit');
    expect((await run(nft('accept', 'tcp dport 4001 limit rate over 100/second drop'))).kinds).toEqual(['4:limit']);
  });

  it('keeps a limited NFLOG (kube-router) out of both rules', async () => {
    const r = await run(
      save('ACCEPT', '-A INPUT -i lo -m limit --limit 10/min --limit-burst 10 -j NFLOG --nflog-group 100'),
    );
    expect(r.kinds).toEqual([]);
    expect(r.fired).toEqual([]);
  });
});

describe('a LOG behind a limit loads nothing', () => {
  const overhead = async (files: Record<string, string>) =>
    (await run(files)).diagnosis('net.netfilter-overhead')?.evidence.filter((e) => e.startsWith('LOG rule'));

  it('stays silent for a rate-limited LOG on lo, and warns for one without a limit', async () => {
    expect(await overhead(save('ACCEPT', '-A INPUT -i lo -m limit --limit 5/min -j LOG --log-prefix "lo: "'))).toBe(
      undefined,
    );
    expect(
      await overhead(save('ACCEPT', '-A INPUT -i lo -m hashlimit --hashlimit-upto 5/min --hashlimit-name l -j LOG')),
    ).toBe(undefined);
    expect(await overhead(save('ACCEPT', '-A INPUT -i lo -j LOG --log-prefix "lo: "'))).toHaveLength(1);
    // over the rate, or per connection: every such packet is logged
    expect(
      await overhead(save('ACCEPT', '-A INPUT -i lo -m hashlimit --hashlimit-above 5/min --hashlimit-name l -j LOG')),
    ).toHaveLength(1);
    expect(await overhead(save('ACCEPT', '-A INPUT -i lo -m connlimit --connlimit-above 2 -j LOG'))).toHaveLength(1);
  });

  it('nft: a limit before `log` bounds it; one after it, or `over`, does not', async () => {
    expect(await overhead(nft('accept', 'iifname "lo" limit rate 5/minute counter log prefix "lo: "'))).toBe(undefined);
    expect(await overhead(nft('accept', 'iifname "lo" log prefix "limit rate: " limit rate 5/minute'))).toHaveLength(1);
    expect(await overhead(nft('accept', 'iifname "lo" limit rate over 5/minute log prefix "lo: "'))).toHaveLength(1);
  });
});
