// ctr reads no hosts.toml unless it is given --hosts-dir: its resolver sets HostOptions.HostDir only
// from that flag (containerd cmd/ctr/commands/resolver.go GetResolver, v1.6.20 :100-101, v1.7.20
// :101-102, v2.0.0 :101-102, v2.1.5 :98-99), and the transfer service's pull that `ctr images pull` makes
// from 2.0 gets the same flag's value (v2.1.5 cmd/ctr/commands/images/pull.go:157
// registry.WithHostDir; core/transfer/registry/registry.go:127-128 sets HostDir only when it is not
// empty). Without one, ConfigureHosts tries the registry's own host alone (docker.io's
// registry-1.docker.io: v2.1.5 core/remotes/docker/config/hosts.go:97-134). The flag has no default
// (v2.2.0 and v2.3.4 cmd/ctr/commands/commands.go:75-78).
import type { ContainerdLogEvent } from '../parsers/containerd-log.js';
import { type RegistryRoute, type RouteHost, logsAs } from './containerd-routes.js';

/** A pull ctr reported failed at a registry's own host, where hosts.toml lists a mirror before it. */
export interface CtrPullPastMirror {
  event: ContainerdLogEvent;
  route: RegistryRoute;
  /** The host hosts.toml lists first, which a ctr reading it would have tried first. */
  first: RouteHost;
}

/**
 * ctr's failed pulls that name the origin of a route whose first host is a mirror. containerd's resolver
 * returns the first host's error when every host fails (v1.7.20 remotes/docker/resolver.go:299-316, 412),
 * so a ctr that read hosts.toml would name the mirror; it names the origin when it read none, or when the
 * mirror answered 404, which the resolver passes over without keeping (:308-311).
 */
export function ctrPullsPastMirror(
  events: readonly ContainerdLogEvent[],
  routes: readonly RegistryRoute[],
): CtrPullPastMirror[] {
  const out: CtrPullPastMirror[] = [];
  for (const event of events) {
    const at = event.ctr ? event.failedAt : undefined;
    if (!at) continue;
    for (const route of routes) {
      const first = route.hosts[0];
      const origin = route.hosts.at(-1);
      if (!first || !origin || first.role !== 'mirror' || origin.role !== 'origin') continue;
      if (logsAs(origin, at.host)) {
        out.push({ event, route, first });
        break;
      }
    }
  }
  return out;
}
