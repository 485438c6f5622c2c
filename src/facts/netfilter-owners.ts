import { isLoopback } from '../parsers/net-address.js';
import type { NetfilterRule, SetKey } from '../parsers/netfilter-rule.js';
import type { Packet, Tri } from './net-packet.js';

// What the programs that own most of a Kubernetes node's netfilter state put in it, for the sets whose
// elements a bundle may not list. kube-proxy's nftables mode keeps Service addresses in named sets and
// maps of `table ip kube-proxy` / `table ip6 kube-proxy` (kubernetes/kubernetes pkg/proxy/nftables/proxier.go,
// v1.31: cluster-ips, service-ips, no-endpoint-services, firewall-ips hold ClusterIPs, external IPs and
// load-balancer IPs; nodeport-ips holds the node addresses that accept NodePorts). None of these is ever a
// loopback address: ClusterIPs come from the service CIDR, and the nftables proxier leaves loopback
// addresses out of nodeport-ips ("--nodeport-addresses includes localhost but localhost NodePorts are not
// supported", same file; kube-proxy's config reference: "localhost NodePorts are never allowed with other
// proxy modes" than iptables).

const KUBE_PROXY_ADDRESS_SETS = new Set([
  'cluster-ips',
  'service-ips',
  'no-endpoint-services',
  'firewall-ips',
  'nodeport-ips',
]);

/** Judges a lookup in a set the bundle does not list, from what its owner keeps there. */
export function judgeSetFromKnowledge(table: string, set: string, keys: SetKey[], p: Packet): Tri {
  if (
    table === 'kube-proxy' &&
    KUBE_PROXY_ADDRESS_SETS.has(set) &&
    keys[0] === 'daddr' &&
    'ip' in p.dst &&
    isLoopback(p.dst.ip)
  )
    return 'no';
  return 'maybe';
}

// kube-proxy's IPVS mode keeps in the ipset KUBE-IPVS-IPS (KUBE-6-IPVS-IPS for IPv6; type hash:ip) the
// addresses it binds to its dummy interface kube-ipvs0, and its KUBE-IPVS-FILTER chain rejects new
// connections to them on any port that is not a Service's (kubernetes/kubernetes pkg/proxy/ipvs/proxier.go
// at 9dce640: `proxier.ipsetList[kubeIPVSSet].activeEntries = activeBindAddrs`). Those are ClusterIPs, and
// external and load-balancer IPs that are not already an address of the node (`shouldBind :=
// !nodeAddressSet.Has(…)`, nodeAddressSet being every local address but kube-ipvs0's). So the set never
// holds a loopback address, nor the address a peer reaches this node's upload port at: the one dfdaemon
// announces to the scheduler, an address of the node's own network (Go `host.advertiseIP`, Rust `host.ip`).
const KUBE_PROXY_IPVS_ADDRESS_SETS = new Set(['KUBE-IPVS-IPS', 'KUBE-6-IPVS-IPS']);

/** Judges an ipset match from what the set's owner keeps there (the ruleset never lists an ipset's members). */
export function judgeIpsetFromKnowledge(set: string, flags: readonly ('src' | 'dst')[], p: Packet): Tri {
  if (!KUBE_PROXY_IPVS_ADDRESS_SETS.has(set) || flags[0] !== 'dst') return 'maybe';
  if ('ip' in p.dst ? isLoopback(p.dst.ip) : p.dst.unknown === 'local') return 'no';
  return 'maybe';
}

// kube-router's network policy controller (also embedded in k3s) gives each pod on this node that is not
// on the host network a chain KUBE-POD-FW-<hash> ending in a REJECT of what no policy allows, and jumps
// into it only with that pod's address: `-d <pod ip>` from KUBE-ROUTER-FORWARD and KUBE-ROUTER-OUTPUT,
// `-s <pod ip>` from KUBE-ROUTER-INPUT/FORWARD/OUTPUT, the same with `-m physdev --physdev-is-bridged` in
// FORWARD (cloudnativelabs/kube-router pkg/controllers/netpol/pod.go:255-321@v2.1.0, :279-325@v2.11.1).
// The pods are those whose HostIP is this node's and that are not hostNetwork (getLocalPods, pod.go:323-337
// and isNetPolActionable `!pod.Spec.HostNetwork`, utils.go:34-35@v2.1.0, same at v2.11.1). So the address
// is neither one of the node's own (a pod's address lives in its own network namespace; dfdaemon runs on
// the host network) nor a peer's on another node: a packet whose address there the walk knows only as
// the node's or a remote one never takes the jump. A jump to such a chain on anything but one address
// (a CIDR, no address, a negation) is judged as usual.
const KUBE_ROUTER_POD_FW = /^KUBE-POD-FW-/;

function singleAddress(net: string): boolean {
  const len = net.split('/')[1];
  if (len === undefined) return !net.includes('-');
  return net.includes(':') ? len === '128' : len === '32';
}

/** True when the rule is kube-router's jump into a pod's firewall, keyed on a pod address the packet cannot have. */
export function missesPodFirewallJump(r: NetfilterRule, p: Packet): boolean {
  const v = r.verdict;
  if ((v.kind !== 'jump' && v.kind !== 'goto') || !KUBE_ROUTER_POD_FW.test(v.chain)) return false;
  return r.conds.some(
    (c) =>
      c.kind === 'addr' &&
      !c.neg &&
      c.nets.length === 1 &&
      singleAddress(c.nets[0] ?? '') &&
      'unknown' in (c.dir === 'src' ? p.src : p.dst),
  );
}

/** The program whose chain or table this is, by the names it gives them; null when not one it knows. */
export function ownerOf(table: string, chain: string): string | null {
  // kube-router's network policy controller, also embedded in k3s (cloudnativelabs/kube-router v2
  // pkg/controllers/netpol/network_policy_controller.go: KUBE-ROUTER-INPUT/FORWARD/OUTPUT, KUBE-POD-FW-,
  // KUBE-NWPLCY-); before the kube-proxy catch-all, whose chains share the KUBE- prefix
  if (/^(?:KUBE-ROUTER-|KUBE-POD-FW-|KUBE-NWPLCY-)/.test(chain)) return 'kube-router (network policy)';
  if (table === 'kube-proxy' || /^KUBE-/.test(chain)) return 'kube-proxy/kubelet';
  if (/^cali-/.test(chain)) return 'Calico';
  if (/^(CILIUM_|cilium)/i.test(chain) || table === 'cilium') return 'Cilium';
  if (table === 'firewalld' || /^(IN|FWD|OUT)_\w+|^filter_/.test(chain)) return 'firewalld';
  return null;
}
