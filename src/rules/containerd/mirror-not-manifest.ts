// A mirror that answers a manifest request 2xx with something that is no manifest (a web page): containerd
// takes the first 2xx answer as the image's descriptor, never tries the next host after it, and the pull
// fails on its media type (knowledge `containerd.log.pull-failed-not-manifest`).
import type { ContainerdFacts } from '../../facts/containerd.js';
import type { RouteHost } from '../../facts/containerd-routes.js';
import { logsAs } from '../../facts/containerd-routes.js';
import type { KubeletPullFailure } from '../../facts/kubelet.js';
import type { ContainerdLogEvent, NotManifest } from '../../parsers/containerd-log.js';
import { splitImageRef } from '../../parsers/image-ref.js';
import { type LoggedFailure, pullFailures } from './mirror-failures.js';

/** A pull that failed on a non-manifest answer, tied to the mirror that gave it. */
export type NotManifestPull = LoggedFailure<NotManifest & { image: string }> & {
  /** The first host of the image's route: the one that answered, since containerd was not seen leaving it. */
  host: RouteHost;
  registry: string;
};

/**
 * The pulls that failed because a host answered the manifest request with no manifest, where that host is a
 * mirror: the first host of the image's route, unless containerd's log shows it leaving that host ("trying
 * next host", a failed pull at it). Without the route (or the image in the error) the answer cannot be tied
 * to a host, and nothing is said.
 */
export function notManifestPulls(
  c: ContainerdFacts,
  kubeletFailures: readonly KubeletPullFailure[],
  left: readonly ContainerdLogEvent[],
): NotManifestPull[] {
  const found = pullFailures(c, kubeletFailures, (e) =>
    e.kind === 'pull-failed-not-manifest' && e.notManifest?.image
      ? { ...e.notManifest, image: e.notManifest.image }
      : undefined,
  );
  const leftHosts = new Set(left.flatMap((e) => (e.host ? [e.host] : [])));
  const out: NotManifestPull[] = [];
  for (const p of found) {
    const registry = splitImageRef(p.what.image)?.registryHost;
    if (!registry) continue;
    const route = c.routes.find((r) => r.registry === registry) ?? c.routes.find((r) => r.registry === '_default');
    const first = route?.hosts[0];
    if (!route || !first || first.role === 'origin') continue;
    if ([...leftHosts].some((h) => logsAs(first, h))) continue;
    out.push({ ...p, host: first, registry: route.registry });
  }
  return out;
}
