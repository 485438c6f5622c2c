import { describe, expect, it } from 'vitest';
import { hookedChains, loopbackPackets, peerPackets, walkPacket } from '../../src/facts/net-path.js';
import { parseIptablesSave } from '../../src/parsers/iptables-save.js';
import { parseNftRuleset } from '../../src/parsers/nft.js';

const walk = (save: string, port = 4001) => {
  const hooks = hookedChains([{ file: 'raw/net/iptables-save.txt', ruleset: parseIptablesSave(save) }]);
  return loopbackPackets(port, 4, 'proxy').map((p) => walkPacket(p, hooks));
};

describe('walking the loopback path', () => {
  it('a REJECT on the mirror port stops the request, not the reply; a REJECT on another port is not on the path', () => {
    const [syn, req, resp] = walk(`*filter
:INPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 5432 -j REJECT
[7:420] -A INPUT -p tcp -m tcp --dport 4001 -j REJECT --reject-with tcp-reset
COMMIT
`);
    expect(syn?.outcome).toBe('dropped');
    expect(syn?.droppedBy?.rule.line).toBe(4);
    expect(syn?.hits.map((h) => h.rule.line)).toEqual([4]);
    expect(req?.outcome).toBe('dropped');
    // the response leaves from port 4001 towards an ephemeral port: --dport 4001 cannot match it
    expect(resp?.outcome).toBe('accepted');
    expect(resp?.hits).toEqual([]);
    expect(resp?.evaluated).toBe(2);
  });

  it('an early -i lo ACCEPT shields loopback from a later DROP policy and DROP rules', () => {
    const res = walk(`*filter
:INPUT DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -j DROP
COMMIT
`);
    for (const w of res) {
      expect(w.outcome).toBe('accepted');
      expect(w.hits.map((h) => h.rule.line)).toEqual([4]);
      expect(w.policyDrops).toEqual([]);
    }
  });

  it('a DROP policy with nothing accepting loopback drops it; peers hit it too', () => {
    const save = `*filter
:INPUT DROP [0:0]
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`;
    expect(walk(save)[0]?.outcome).toBe('dropped');
    const hooks = hookedChains([{ file: 'f', ruleset: parseIptablesSave(save) }]);
    const peer = peerPackets(4000, 4).map((p) => walkPacket(p, hooks));
    expect(peer[0]?.outcome).toBe('dropped');
    expect(peer[0]?.policyDrops[0]).toMatchObject({ chain: 'INPUT', certain: true });
  });

  it("kube-proxy's localnet guard does not catch loopback-to-loopback traffic", () => {
    const res = walk(`*filter
:INPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
-A INPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
COMMIT
`);
    for (const w of res) {
      expect(w.outcome).toBe('accepted');
      expect(w.hits.map((h) => h.rule.line)).toEqual([4]);
    }
  });

  it('nat chains cost only the first packet, and only on the way out', () => {
    const lines = [
      '*nat',
      ':OUTPUT ACCEPT [0:0]',
      ':PREROUTING ACCEPT [0:0]',
      ':KUBE-SERVICES - [0:0]',
      '-A OUTPUT -j KUBE-SERVICES',
      '-A PREROUTING -j KUBE-SERVICES',
    ];
    for (let i = 0; i < 100; i++)
      lines.push(
        `-A KUBE-SERVICES -d 10.96.0.${i + 1}/32 -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.0.1:443`,
      );
    lines.push('COMMIT', '');
    const [syn, req, resp] = walk(lines.join('\n'));
    expect(syn?.evaluated).toBe(101);
    expect(req?.evaluated).toBe(0);
    expect(resp?.evaluated).toBe(0);
    expect(syn?.hits.map((h) => h.rule.line)).toEqual([5]);
  });

  it('a random drop is on the path but never certain; ctstate NEW rules skip established packets', () => {
    const [syn, req, resp] = walk(`*filter
:INPUT ACCEPT [0:0]
-A INPUT -m conntrack --ctstate NEW -m limit --limit 5/sec -j ACCEPT
-A INPUT -i lo -m statistic --mode random --probability 0.05 -j DROP
COMMIT
`);
    expect(syn?.hits.map((h) => h.rule.line)).toEqual([3, 4]);
    expect(req?.hits.map((h) => h.rule.line)).toEqual([4]);
    expect(resp?.hits[0]?.probabilistic).toMatchObject({ what: 'random' });
    for (const w of [syn, req, resp]) expect(w?.outcome).toBe('uncertain');
  });

  it('a rule matching a mark no rule sets cannot match: the packet is unmarked', () => {
    const [syn] = walk(`*filter
:INPUT ACCEPT [0:0]
-A INPUT -m mark --mark 0x1 -j ACCEPT
-A INPUT -p tcp -m tcp --dport 4001 -j DROP
COMMIT
`);
    expect(syn?.hits.map((h) => h.match)).toEqual(['yes']);
    expect(syn?.outcome).toBe('dropped');
  });

  it('follows MARK from OUTPUT to INPUT over lo, and a mark set under an undecided match is "maybe"', () => {
    const [syn] = walk(`*mangle
:OUTPUT ACCEPT [0:0]
-A OUTPUT -o lo -p tcp -m tcp --dport 4001 -j MARK --set-xmark 0x8000/0x8000
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
`);
    expect(syn?.outcome).toBe('dropped');
    expect(syn?.droppedBy?.markSetBy).toBe('raw/net/iptables-save.txt:3');
    const [maybe] = walk(`*mangle
:OUTPUT ACCEPT [0:0]
-A OUTPUT -m owner --uid-owner 1000 -j MARK --set-xmark 0x8000/0x8000
COMMIT
*filter
:INPUT ACCEPT [0:0]
-A INPUT -m mark --mark 0x8000/0x8000 -j DROP
COMMIT
`);
    const drop = maybe?.hits.find((h) => h.rule.verdict.kind === 'drop');
    expect(drop?.match).toBe('maybe');
    expect(drop?.undecided).toEqual(['packet mark 0x8000/0x8000']);
  });

  it("Calico's host chains (rule lines from projectcalico/calico#3835 and projectcalico/felix#1421): its mark resets and mark-gated ACCEPTs leave loopback undecided by nothing", () => {
    const res = walk(`*filter
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:cali-INPUT - [0:0]
:cali-OUTPUT - [0:0]
:cali-from-host-endpoint - [0:0]
:cali-to-host-endpoint - [0:0]
-A INPUT -j cali-INPUT
-A OUTPUT -m comment --comment "cali:tVnHkvAo15HuiPy0" -j cali-OUTPUT
-A cali-INPUT -p ipencap -m comment --comment "cali:aR-jVK2O7VHKhzJt" -m comment --comment "Drop IPIP packets from non-Calico hosts" -m set ! --match-set cali4-all-hosts src -j DROP
-A cali-INPUT -m comment --comment "cali:xgOu2uJft6H9oDGF" -j MARK --set-xmark 0x0/0xf0000
-A cali-INPUT -m comment --comment "cali:_-d-qojMfHM6NwBo" -j cali-from-host-endpoint
-A cali-INPUT -m comment --comment "cali:LqmE76MP94lZTGhA" -m comment --comment "Host endpoint policy accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT
-A cali-OUTPUT -m comment --comment "cali:Mq1_rAdXXH3YkrzW" -m mark --mark 0x10000/0x10000 -j ACCEPT
-A cali-OUTPUT -o cali+ -m comment --comment "cali:69FkRTJDvD5Vu6Vl" -j RETURN
-A cali-OUTPUT -m comment --comment "cali:Fskumj4SGQtDV6GC" -j MARK --set-xmark 0x0/0xf0000
-A cali-OUTPUT -m comment --comment "cali:8rXMdo5sNesjJxGc" -j cali-to-host-endpoint
-A cali-OUTPUT -m comment --comment "cali:Ja-pnrHi-PrNKxgd" -m comment --comment "Host endpoint policy accepted packet." -m mark --mark 0x10000/0x10000 -j ACCEPT
COMMIT
`);
    for (const w of res) {
      expect(w.outcome).toBe('accepted');
      expect(w.hits.filter((h) => h.match === 'maybe')).toEqual([]);
      expect(w.hits.some((h) => h.rule.verdict.kind === 'drop')).toBe(false);
    }
  });

  it("kube-proxy IPVS's KUBE-IPVS-IPS reject passes loopback and the upload port; another ipset's drop stays undecided", () => {
    const save = `*filter
:INPUT ACCEPT [0:0]
:KUBE-IPVS-FILTER - [0:0]
-A INPUT -j KUBE-IPVS-FILTER
-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN
-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT
COMMIT
`;
    for (const w of walk(save)) {
      expect(w.outcome).not.toBe('dropped');
      expect(w.hits.some((h) => h.rule.line === 6)).toBe(false);
    }
    const hooks = hookedChains([{ file: 'f', ruleset: parseIptablesSave(save) }]);
    for (const p of peerPackets(65002, 4)) expect(walkPacket(p, hooks).hits.some((h) => h.rule.line === 6)).toBe(false);
    // the same reject keyed on the source, or on a set kube-proxy does not own, may still match
    for (const other of ['KUBE-IPVS-IPS src', 'blocklist dst']) {
      const [syn] = walk(save.replace('KUBE-IPVS-IPS dst', other));
      expect(syn?.hits.find((h) => h.rule.line === 6)?.match).toBe('maybe');
    }
  });

  it('a REJECT in `iptables -S` stops loopback; the same rule grepped out of its chain only may', () => {
    const rule = '-A INPUT -p tcp -m tcp --dport 4001 -j REJECT --reject-with icmp-port-unreachable';
    const [listed] = walk(`-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n${rule}\n`);
    expect(listed?.outcome).toBe('dropped');
    const [grepped] = walk(`${rule}\n`);
    expect(grepped?.outcome).not.toBe('dropped');
    expect(grepped?.hits[0]?.match).toBe('maybe');
    expect(grepped?.hits[0]?.undecided?.[0]).toMatch(/^the rules before it in its chain/);
  });

  it('a rule that matches every packet matches only "maybe" in a chain reached by a jump that may not be taken', () => {
    const save = `*filter
:INPUT ACCEPT [0:0]
:FROM-ONE-HOST - [0:0]
-A INPUT -s 10.9.9.9/32 -j FROM-ONE-HOST
-A FROM-ONE-HOST -j DROP
-A FROM-ONE-HOST -p tcp -j REJECT
COMMIT
`;
    const hooks = hookedChains([{ file: 'raw/net/iptables-save.txt', ruleset: parseIptablesSave(save) }]);
    const [syn] = peerPackets(4000, 4).map((p) => walkPacket(p, hooks));
    expect(syn?.outcome).toBe('uncertain');
    const drop = syn?.hits.find((h) => h.rule.line === 5);
    expect(drop?.match).toBe('maybe');
    expect(drop?.undecided).toEqual([
      'the jump to FROM-ONE-HOST at raw/net/iptables-save.txt:4, which may not be taken',
    ]);
    // once the chain is reached its DROP decides the packet: the REJECT after it is never reached
    expect(syn?.hits.map((h) => h.rule.line)).toEqual([4, 5]);
    // reached for certain (every source), the same DROP matches
    const [all] = peerPackets(4000, 4).map((p) =>
      walkPacket(p, hookedChains([{ file: 'f', ruleset: parseIptablesSave(save.replace('-s 10.9.9.9/32 ', '')) }])),
    );
    expect(all?.hits.find((h) => h.rule.line === 5)?.match).toBe('yes');
  });

  it('judges nft inet chains by family and priority', () => {
    const rs = parseNftRuleset(`table inet fw {
	chain in {
		type filter hook input priority 0; policy accept;
		ip6 saddr ::1 tcp dport 4001 drop
		ip saddr 127.0.0.1 tcp dport 4001 counter packets 5 bytes 300 reject
	}
}
`);
    const hooks = hookedChains([{ file: 'raw/net/nft-ruleset.txt', ruleset: rs }]);
    const v4 = walkPacket(loopbackPackets(4001, 4, 'proxy')[0]!, hooks);
    const v6 = walkPacket(loopbackPackets(4001, 6, 'proxy')[0]!, hooks);
    expect(v4.droppedBy?.rule.line).toBe(5);
    expect(v6.droppedBy?.rule.line).toBe(4);
  });

  it('terminates on jump loops in bad input', () => {
    const [syn] = walk(`*filter
:INPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A A -j B
-A B -j A
COMMIT
`);
    expect(syn?.outcome).toBe('accepted');
  });
});
