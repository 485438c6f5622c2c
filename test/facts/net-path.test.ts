import { describe, expect, it } from 'vitest';
import { loopbackPackets, peerPackets } from '../../src/facts/net-packet.js';
import { hookedChains, walkPacket } from '../../src/facts/net-path.js';
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

// kube-router's pod firewall on a k3s v1.30.6 node (embedded kube-router netpol, iptables-nft), whole lines
// of the node's `iptables-save` and `nft list ruleset`: one pod's chain and the jumps into it.
const KUBE_ROUTER_SAVE = String.raw`# excerpt of github.com/ddanielgal/ytdl research.md@6de40d57df69eb87a55b822ca557ef7f80f3d4df (lines 1633-2041: iptables-save)
*filter
:INPUT ACCEPT [114:25368]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [110:24969]
:KUBE-NWPLCY-DEFAULT - [0:0]
:KUBE-POD-FW-FIHYK2JPCHEKEZ7Z - [0:0]
:KUBE-ROUTER-FORWARD - [0:0]
:KUBE-ROUTER-INPUT - [0:0]
:KUBE-ROUTER-OUTPUT - [0:0]
-A INPUT -m comment --comment "kube-router netpol - 4IA2OSFRMVNDXBVV" -j KUBE-ROUTER-INPUT
-A INPUT -m comment --comment "KUBE-ROUTER rule to explicitly ACCEPT traffic that comply to network policies" -m mark --mark 0x20000/0x20000 -j ACCEPT
-A OUTPUT -m comment --comment "kube-router netpol - VEAAIY32XVBHCSCY" -j KUBE-ROUTER-OUTPUT
-A OUTPUT -m comment --comment "KUBE-ROUTER rule to explicitly ACCEPT traffic that comply to network policies" -m mark --mark 0x20000/0x20000 -j ACCEPT
-A KUBE-NWPLCY-DEFAULT -p icmp -m comment --comment "allow icmp echo requests" -m icmp --icmp-type 8 -j ACCEPT
-A KUBE-NWPLCY-DEFAULT -p icmp -m comment --comment "allow icmp destination unreachable messages" -m icmp --icmp-type 3 -j ACCEPT
-A KUBE-NWPLCY-DEFAULT -p icmp -m comment --comment "allow icmp time exceeded messages" -m icmp --icmp-type 11 -j ACCEPT
-A KUBE-NWPLCY-DEFAULT -m comment --comment "rule to mark traffic matching a network policy" -j MARK --set-xmark 0x10000/0x10000
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -m comment --comment "rule for stateful firewall for pod" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -m comment --comment "rule to drop invalid state for pod" -m conntrack --ctstate INVALID -j DROP
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -d 10.42.0.31/32 -m comment --comment "rule to permit the traffic traffic to pods when source is the pod\'s local node" -m addrtype --src-type LOCAL -j ACCEPT
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -s 10.42.0.31/32 -m comment --comment "run through default egress network policy chain" -j KUBE-NWPLCY-DEFAULT
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -d 10.42.0.31/32 -m comment --comment "run through default ingress network policy chain" -j KUBE-NWPLCY-DEFAULT
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -m comment --comment "rule to log dropped traffic POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default" -m mark ! --mark 0x10000/0x10000 -m limit --limit 10/min --limit-burst 10 -j NFLOG --nflog-group 100
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -m comment --comment "rule to REJECT traffic destined for POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default" -m mark ! --mark 0x10000/0x10000 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -j MARK --set-xmark 0x0/0x10000
-A KUBE-POD-FW-FIHYK2JPCHEKEZ7Z -m comment --comment "set mark to ACCEPT traffic that comply to network policies" -j MARK --set-xmark 0x20000/0x20000
-A KUBE-ROUTER-FORWARD -d 10.42.0.31/32 -m comment --comment "rule to jump traffic destined to POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-FORWARD -d 10.42.0.31/32 -m physdev --physdev-is-bridged -m comment --comment "rule to jump traffic destined to POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-FORWARD -s 10.42.0.31/32 -m comment --comment "rule to jump traffic from POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-FORWARD -s 10.42.0.31/32 -m physdev --physdev-is-bridged -m comment --comment "rule to jump traffic from POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-INPUT -d 10.43.0.0/16 -m comment --comment "allow traffic to primary/secondary cluster IP range - EKROEGTNIJ3AP3LC" -j RETURN
-A KUBE-ROUTER-INPUT -p tcp -m comment --comment "allow LOCAL TCP traffic to node ports - LR7XO7NXDBGQJD2M" -m addrtype --dst-type LOCAL -m multiport --dports 30000:32767 -j RETURN
-A KUBE-ROUTER-INPUT -p udp -m comment --comment "allow LOCAL UDP traffic to node ports - 76UCBPIZNGJNWNUZ" -m addrtype --dst-type LOCAL -m multiport --dports 30000:32767 -j RETURN
-A KUBE-ROUTER-INPUT -s 10.42.0.31/32 -m comment --comment "rule to jump traffic from POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-OUTPUT -d 10.42.0.31/32 -m comment --comment "rule to jump traffic destined to POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
-A KUBE-ROUTER-OUTPUT -s 10.42.0.31/32 -m comment --comment "rule to jump traffic from POD name:sumnivore-worker-7884fdf647-jlrmg namespace: default to chain KUBE-POD-FW-FIHYK2JPCHEKEZ7Z" -j KUBE-POD-FW-FIHYK2JPCHEKEZ7Z
COMMIT
`;
const KUBE_ROUTER_NFT = String.raw`# excerpt of github.com/ddanielgal/ytdl research.md@6de40d57df69eb87a55b822ca557ef7f80f3d4df (lines 884-1630: nft list ruleset)
table ip filter {
        chain INPUT {
                type filter hook input priority filter; policy accept;
                 counter packets 7731 bytes 1916173 jump KUBE-ROUTER-INPUT
                iifname "wt0" counter packets 32 bytes 2576 accept
        }

        chain OUTPUT {
                type filter hook output priority filter; policy accept;
                 counter packets 7894 bytes 1867329 jump KUBE-ROUTER-OUTPUT
        }

        chain KUBE-NWPLCY-DEFAULT {
                ip protocol icmp  icmp type echo-request counter packets 0 bytes 0 accept
                ip protocol icmp  icmp type destination-unreachable counter packets 0 bytes 0 accept
                ip protocol icmp  icmp type time-exceeded counter packets 0 bytes 0 accept
                 counter packets 0 bytes 0 meta mark set mark or 0x10000
        }

        chain KUBE-ROUTER-INPUT {
                ip daddr 10.43.0.0/16  counter packets 0 bytes 0 return
                ip protocol tcp  fib daddr type local tcp dport 30000-32767 counter packets 0 bytes 0 return
                ip protocol udp  fib daddr type local udp dport 30000-32767 counter packets 0 bytes 0 return
                ip saddr 10.42.0.9  counter packets 475 bytes 92677 jump KUBE-POD-FW-744N4G3CSHQ7EBH6
        }

        chain KUBE-ROUTER-OUTPUT {
                ip daddr 10.42.0.9  counter packets 404 bytes 154356 jump KUBE-POD-FW-744N4G3CSHQ7EBH6
                ip saddr 10.42.0.9  counter packets 0 bytes 0 jump KUBE-POD-FW-744N4G3CSHQ7EBH6
        }

        chain KUBE-POD-FW-744N4G3CSHQ7EBH6 {
                 ct state related,established counter packets 879 bytes 247033 accept
                 ct state invalid counter packets 0 bytes 0 drop
                ip daddr 10.42.0.9  fib saddr type local counter packets 0 bytes 0 accept
                ip saddr 10.42.0.9  counter packets 0 bytes 0 jump KUBE-NWPLCY-DEFAULT
                ip daddr 10.42.0.9  counter packets 0 bytes 0 jump KUBE-NWPLCY-DEFAULT
                 meta mark & 0x00010000 != 0x00010000 limit rate 10/minute burst 10 packets counter packets 0 bytes 0 log group 100
                 meta mark & 0x00010000 != 0x00010000 counter packets 0 bytes 0 reject
                counter packets 0 bytes 0 meta mark set mark and 0xfffeffff
                 counter packets 0 bytes 0 meta mark set mark or 0x20000
        }
}
`;

describe("kube-router's pod firewall chains", () => {
  const allPackets = () => [
    ...peerPackets(65002, 4),
    ...peerPackets(4000, 4),
    ...loopbackPackets(65001, 4, 'proxy'),
    ...loopbackPackets(4001, 4, 'proxy'),
  ];
  const walkAll = (hooks: ReturnType<typeof hookedChains>) => allPackets().map((p) => walkPacket(p, hooks));

  it('are entered only for a pod address of this node, which no packet of dfdaemon on the host network has; entered on another address, they still reject', () => {
    const save = hookedChains([{ file: 'raw/net/iptables-save.txt', ruleset: parseIptablesSave(KUBE_ROUTER_SAVE) }]);
    const nft = hookedChains([{ file: 'raw/net/nft-ruleset.txt', ruleset: parseNftRuleset(KUBE_ROUTER_NFT) }]);
    for (const w of [...walkAll(save), ...walkAll(nft)]) {
      expect(w.hits.filter((h) => h.chain.startsWith('KUBE-POD-FW-'))).toEqual([]);
      expect(w.hits.some((h) => h.rule.verdict.kind === 'reject')).toBe(false);
      expect(w.outcome).not.toBe('dropped');
    }
    // a pod firewall chain entered on an address the packet has, or on a range, still rejects
    // entered for every source: the REJECT may match peers (its mark test follows a "maybe" MARK)
    const anySource = KUBE_ROUTER_SAVE.replace('-A KUBE-ROUTER-INPUT -s 10.42.0.31/32 ', '-A KUBE-ROUTER-INPUT ');
    // entered for loopback's own address: the REJECT certainly drops loopback
    const loopback = KUBE_ROUTER_SAVE.replace(
      '-A KUBE-ROUTER-INPUT -s 10.42.0.31/32 ',
      '-A KUBE-ROUTER-INPUT -s 127.0.0.1/32 ',
    );
    // entered for a whole range that may hold a peer's address
    const range = KUBE_ROUTER_SAVE.replace(
      '-A KUBE-ROUTER-INPUT -s 10.42.0.31/32 ',
      '-A KUBE-ROUTER-INPUT -s 10.42.0.0/16 ',
    );
    const walkOf = (save: string, p: ReturnType<typeof peerPackets>[number]) =>
      walkPacket(p, hookedChains([{ file: 'raw/net/iptables-save.txt', ruleset: parseIptablesSave(save) }]));
    const reject = (save: string, p: ReturnType<typeof peerPackets>[number]) =>
      walkOf(save, p).hits.find((h) => h.rule.verdict.kind === 'reject');
    const [peerSyn] = peerPackets(65002, 4);
    const [loSyn] = loopbackPackets(65001, 4, 'proxy');
    expect(reject(anySource, peerSyn!)?.match).toBe('maybe');
    expect(reject(range, peerSyn!)?.match).toBe('maybe');
    expect(walkOf(loopback, loSyn!).outcome).toBe('dropped');
    expect(walkOf(loopback, loSyn!).droppedBy?.chain).toBe('KUBE-POD-FW-FIHYK2JPCHEKEZ7Z');
  });
});
