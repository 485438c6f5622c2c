// How net.localhost-resolution's evidence shows a name's resolution and the listeners on its port.
import type { NameCheck } from '../../facts/net-names.js';
import { NET_FILES } from '../../facts/net.js';

/** Why a name fails the mirror: it does not resolve, no address it has is listened on, or not its first. */
export type NameProblem = 'unresolved' | 'refused' | 'first-refused';

export function problemText(problem: NameProblem, n: NameCheck): string {
  const where = `${n.target.url} (${n.target.from})`;
  switch (problem) {
    case 'unresolved':
      return `"${n.target.host}" does not resolve, so ${where} cannot be reached`;
    case 'refused':
      return `no address "${n.target.host}" resolves to is one dfdaemon listens on: connections to ${where} are refused and containerd falls back to the origin registry`;
    case 'first-refused':
      return `"${n.target.host}" resolves first to ${n.order[0]}, which nothing on port ${n.target.port} accepts: each new connection to ${where} is refused once before ${n.order[n.firstAccepted]} (Go falls back at once on a refusal, after 300 ms if the first address is silently dropped)`;
  }
}

export function describeOrder(n: NameCheck): string {
  if (n.live) {
    if (n.live.error)
      return `the node's getaddrinfo("${n.target.host}") failed: ${n.live.error} (${NET_FILES.resolve})`;
    return `the node's getaddrinfo("${n.target.host}") returned ${n.live.addresses.join(', ') || 'nothing'} in that order (${NET_FILES.resolve})`;
  }
  const src = n.modelled.addresses.map((a) => `${a.address} from ${a.from}`).join(', ');
  return `glibc order for "${n.target.host}" from ${NET_FILES.hosts}, ${NET_FILES.nsswitch}, ${NET_FILES.gai}: ${src || 'no address'}${n.modelled.trail.length ? ` (${n.modelled.trail.join('; ')})` : ''}`;
}

export function describeListeners(n: NameCheck): string {
  const l = n.listeners.map(
    (x) =>
      `${x.address.includes(':') ? `[${x.address}]` : x.address}:${x.port}${x.process ? ` (${x.process.name})` : ''}`,
  );
  return `listening on port ${n.target.port}: ${l.join(', ')} (${NET_FILES.listeners})`;
}

/** The live order differs from glibc's order from the bundle's files: say what the files would give. */
export function modelledDiffers(n: NameCheck): string[] {
  if (!n.live || n.modelled.addresses.length === 0) return [];
  const modelled = n.modelled.addresses.map((a) => a.address).join(', ');
  return modelled !== n.live.addresses.join(', ')
    ? [`(glibc's order from the bundle's files would be ${modelled})`]
    : [];
}
