// What containerd's log timestamps say of the mirrors it gave up on: how long a resolve waited on each
// (facts/containerd-host-attempts.ts), and which host it went on to.
import type { ContainerdFacts, HostAttempt, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import { logsAs } from '../../facts/containerd-routes.js';
import type { ContainerdLogEvent } from '../../parsers/containerd-log.js';

/** The failed mirror attempts of one resolve, as the log times them. */
export interface LoggedCost {
  attempts: HostAttempt[];
  /** Their seconds added up. */
  seconds: number;
}

/**
 * The resolve that waited longest on the failing mirrors the rule counts, when the log times any: the
 * time each failed host cost it, from its start to its failure. Requests for blobs that went past the
 * mirror afterwards log nothing (fetcher.go), so this is what the resolve waited, not all the pull did.
 */
export function loggedCost(c: ContainerdFacts, fallbacks: readonly ContainerdLogEvent[]): LoggedCost | undefined {
  const counted = new Set(fallbacks.map((e) => e.line));
  const byResolve = new Map<number, HostAttempt[]>();
  for (const a of c.log?.attempts ?? []) {
    if (!counted.has(a.end.line)) continue;
    byResolve.set(a.resolve, [...(byResolve.get(a.resolve) ?? []), a]);
  }
  let best: LoggedCost | undefined;
  for (const attempts of byResolve.values()) {
    const seconds = attempts.reduce((s, a) => s + a.seconds, 0);
    if (!best || seconds > best.seconds) best = { attempts, seconds };
  }
  return best;
}

const START: Record<HostAttempt['start']['by'], string> = {
  resolving: '"resolving"',
  'previous-host': "the previous host's failure",
  'pull-image': '"PullImage"',
};

/** "13:44:53.184" of an RFC 3339 time, as the log wrote it (cut to the millisecond). */
function clock(t: string): string {
  return /T(\d\d:\d\d:\d\d(?:\.\d{1,3})?)/.exec(t)?.[1] ?? t;
}

export function loggedCostSentence(l: LoggedCost, c: ContainerdFacts): string {
  const each = l.attempts.map(
    (a) =>
      `${a.host} ${a.seconds.toFixed(2)} s, from ${START[a.start.by]} at ${clock(a.start.time)} (line ${a.start.line}) to "${a.end.msg}" at ${clock(a.end.time)} (line ${a.end.line})`,
  );
  const total = l.attempts.length > 1 ? `; ≈ ${l.seconds.toFixed(2)} s in all` : '';
  return `the timestamps in ${c.log?.file} show what the resolve waited on each failing mirror before it tried the next host: ${each.join('; ')}${total}. Blob requests that went past the mirror later log nothing, so the pull may have waited longer`;
}

/** The route host that is host:port as containerd logs it (no port when the scheme's default is meant). */
function routeHostAt(c: ContainerdFacts, host: string): { route: RegistryRoute; i: number } | undefined {
  for (const route of c.routes) {
    const i = route.hosts.findIndex((h) => logsAs(h, host));
    if (i >= 0) return { route, i };
  }
  return undefined;
}

const roleIn = (h: RouteHost | undefined): Role =>
  h?.role === 'mirror' ? 'mirror' : h?.role === 'origin' ? 'origin' : undefined;

type Role = 'mirror' | 'origin' | undefined;

/** What a host tried after a failing mirror is: another mirror, the origin, or not known. */
function roleOf(c: ContainerdFacts, host: string, registry: string): Role {
  const at = routeHostAt(c, host);
  if (at) return roleIn(at.route.hosts[at.i]);
  if (c.routes.length > 0) return undefined;
  // without a route, the registry's own host is the origin (Docker Hub's is registry-1.docker.io,
  // containerd v1.5.0 remotes/docker/config/hosts.go:100-102); any other host is a mirror of it
  const origin = registry === 'docker.io' ? ['registry-1.docker.io', 'index.docker.io', 'docker.io'] : [registry];
  return origin.includes(host) ? 'origin' : 'mirror';
}

export interface NextMirror {
  from: string;
  to: string;
  /** The line of the next host's attempt. */
  line: number;
  registry: string;
}

/**
 * Where containerd went from each failing mirror: the log's next host (its line follows the failure at
 * once), else the host after it in its route. toMirrors: those the log shows going on to another mirror;
 * toOrigin: whether any failing mirror is shown or configured to go on to the origin.
 */
export function transitions(
  c: ContainerdFacts,
  fallbacks: readonly ContainerdLogEvent[],
): { toMirrors: NextMirror[]; toOrigin: boolean } {
  const counted = new Set(fallbacks.map((e) => e.line));
  const toMirrors: NextMirror[] = [];
  let toOrigin = false;
  const logged = new Set<string>();
  for (const a of c.log?.attempts ?? []) {
    if (!a.next || !counted.has(a.end.line)) continue;
    logged.add(a.host);
    const role = roleOf(c, a.next.host, a.registry);
    if (role === 'mirror') toMirrors.push({ from: a.host, to: a.next.host, line: a.next.line, registry: a.registry });
    if (role === 'origin') toOrigin = true;
  }
  for (const host of new Set(fallbacks.flatMap((e) => (e.host === undefined ? [] : [e.host])))) {
    const at = logged.has(host) ? undefined : routeHostAt(c, host);
    if (at && roleIn(at.route.hosts[at.i + 1]) === 'origin') toOrigin = true;
  }
  return { toMirrors, toOrigin };
}

export function nextMirrorSentence(n: NextMirror, file: string | undefined): string {
  return `after ${n.from} failed, containerd tried ${n.to} (${file}:${n.line}), another mirror for ${n.registry}, not the origin registry`;
}
