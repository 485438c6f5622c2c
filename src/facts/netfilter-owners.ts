import { isLoopback } from '../parsers/net-address.js';
import type { SetKey } from '../parsers/netfilter-rule.js';
import type { Packet, Tri } from './net-path.js';

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

/** The program whose chain or table this is, by the names it gives them; null when not one it knows. */
export function ownerOf(table: string, chain: string): string | null {
  if (table === 'kube-proxy' || /^KUBE-/.test(chain)) return 'kube-proxy/kubelet';
  if (/^cali-/.test(chain)) return 'Calico';
  if (/^(CILIUM_|cilium)/i.test(chain) || table === 'cilium') return 'Cilium';
  if (table === 'firewalld' || /^(IN|FWD|OUT)_\w+|^filter_/.test(chain)) return 'firewalld';
  return null;
}
