import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { createNetNs, NET_LAB_TOOLS, type NetNs, netState, type Report, rules } from './net-lab.js';

// kube-proxy's own rulesets (test/lab/rulesets/SOURCE.md), loaded for real into a namespace of the
// test's own: every Kubernetes node carries one of them, so they must not make dfdoctor warn. A REJECT
// added afterwards proves the probe read the loaded ruleset (the silence is not an empty walk).

const why = labUnavailable(NET_LAB_TOOLS);
if (why) announceSkip('stock netfilter lab', why);
const whyIpset = why ?? labUnavailable(['ipset']);
if (whyIpset && !why) announceSkip('stock netfilter lab, IPVS mode', whyIpset);

const RULESETS = join(import.meta.dirname, 'rulesets');
const alarms = (r: Report) =>
  r.diagnoses
    .filter((d) => d.severity === 'warning' || d.severity === 'critical')
    .map((d) => `${d.severity} ${d.rule}: ${d.evidence.join(' | ')}`);

/** diagnose's netfilter probe in the namespace: it leaves the node as it was, and finds nothing to warn of. */
async function expectNoAlarm(ns: NetNs): Promise<void> {
  const before = netState(ns);
  const r = await ns.diagnose(['--probes', 'netfilter']);
  expect(netState(ns)).toBe(before);
  expect(r.probes.netfilter?.status).toBe('ok');
  expect(alarms(r)).toEqual([]);
  expect(rules(r)).not.toContain('net.netfilter-blocking');
}

describe.skipIf(why)('stock kube-proxy rulesets in a namespace', () => {
  let ns: NetNs | null = null;
  afterEach(() => {
    ns?.close();
    ns = null;
  });

  it('iptables mode (iptables-restore of kube-proxy and kubelet chains, KUBE-FIREWALL mark drop included): no warning or critical', async () => {
    ns = createNetNs();
    ns.exec('iptables-restore', [], readFileSync(join(RULESETS, 'kube-proxy-iptables.rules'), 'utf8'));
    expect(ns.exec('iptables-save', [])).toContain('--mark 0x8000/0x8000 -j DROP');
    await expectNoAlarm(ns);
    // the same ruleset with a rule that does stop the mirror path
    ns.exec('iptables', ['-I', 'INPUT', '1', '-i', 'lo', '-p', 'tcp', '--dport', '4001', '-j', 'REJECT']);
    const blocked = await ns.diagnose(['--probes', 'netfilter']);
    expect(blocked.diagnoses.find((d) => d.rule === 'net.netfilter-blocking')?.severity).toBe('critical');
  });

  it("nftables mode (nft -f of kube-proxy's table with its sets and verdict maps): no warning or critical", async () => {
    ns = createNetNs();
    ns.exec('nft', ['-f', join(RULESETS, 'kube-proxy-nftables.nft')]);
    expect(ns.exec('nft', ['list', 'ruleset'])).toContain('ip daddr @cluster-ips reject');
    await expectNoAlarm(ns);
    // 127.0.0.1 added to kube-proxy's cluster-ips set: now the reject does apply to loopback
    ns.exec('nft', ['add', 'element', 'ip', 'kube-proxy', 'cluster-ips', '{ 127.0.0.1 }']);
    const blocked = await ns.diagnose(['--probes', 'netfilter']);
    const d = blocked.diagnoses.find((x) => x.rule === 'net.netfilter-blocking');
    expect(d?.severity).toBe('critical');
    expect(d?.evidence.join('\n')).toContain('@cluster-ips reject');
  });

  it.skipIf(whyIpset)(
    "IPVS mode (kube-proxy's ipsets and its KUBE-IPVS-FILTER reject of new connections to them): no warning or critical",
    async () => {
      ns = createNetNs();
      for (const [set, type] of [
        ['KUBE-LOAD-BALANCER', 'hash:ip,port'],
        ['KUBE-CLUSTER-IP', 'hash:ip,port'],
        ['KUBE-EXTERNAL-IP', 'hash:ip,port'],
        ['KUBE-EXTERNAL-IP-LOCAL', 'hash:ip,port'],
        ['KUBE-HEALTH-CHECK-NODE-PORT', 'bitmap:port'],
        ['KUBE-IPVS-IPS', 'hash:ip'],
      ] as const)
        ns.exec('ipset', ['create', set, type, ...(type === 'bitmap:port' ? ['range', '0-65535'] : [])]);
      ns.exec('ipset', ['add', 'KUBE-IPVS-IPS', '10.96.0.1']);
      ns.exec('ipset', ['add', 'KUBE-CLUSTER-IP', '10.96.0.1,tcp:443']);
      ns.exec('iptables-restore', [], readFileSync(join(RULESETS, 'kube-proxy-ipvs-filter.rules'), 'utf8'));
      expect(ns.exec('iptables-save', [])).toContain('--match-set KUBE-IPVS-IPS dst -j REJECT');
      await expectNoAlarm(ns);
      // the same reject keyed on a set kube-proxy does not own: dfdoctor cannot know its members
      ns.exec('ipset', ['create', 'blocklist', 'hash:ip']);
      ns.exec('iptables', ['-A', 'KUBE-IPVS-FILTER', '-m', 'set', '--match-set', 'blocklist', 'dst', '-j', 'REJECT']);
      const unsure = await ns.diagnose(['--probes', 'netfilter']);
      expect(unsure.diagnoses.find((d) => d.rule === 'net.netfilter-blocking')?.evidence.join('\n')).toContain(
        'ipset blocklist (dst)',
      );
    },
  );
});
