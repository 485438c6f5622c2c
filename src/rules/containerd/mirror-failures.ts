// How a dfdaemon mirror is seen failing: containerd's log lines, and dfdoctor's live check of each
// mirror (raw/containerd/mirror-check.json) read for the ways containerd handles differently: dropped,
// erroring, or accepting and never answering.
import { BUNDLE } from '../../bundle/layout.js';
import type { ContainerdFacts, MirrorCheck, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import type { PullInQuestion } from '../../facts/pull.js';
import {
  lastHostTransientAttempts,
  mirrorErrorStatusFallsBack,
  mirrorResponseHeaderTimeout,
  mirrorTransportErrorFallsBack,
} from '../../knowledge/containerd.js';
import { formatRange, pick, type Release } from '../../knowledge/versioned.js';
import { type ContainerdLogEvent, type HostFailure, pullErrorIn, quotedRequest } from '../../parsers/containerd-log.js';
import type { KubeletPullFailure } from '../../facts/kubelet.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import { parseGoDuration } from '../../parsers/go-duration.js';
import { isLoopback } from '../../parsers/net-address.js';
import { DFDAEMON_PROXY_PORTS } from '../../facts/containerd-endpoints.js';
import { logsAs } from '../../facts/containerd-routes.js';

/** The default dialer's timeout, for a host without dial_timeout (containerd v2.1.0 core/remotes/docker/registry.go:252-259). */
const DEFAULT_DIAL_SECONDS = 30;

/**
 * containerd's log: "trying next host" / "fetch failed" for a mirror, "cancel pulling image … no progress",
 * and pulls that failed with a mirror's error status or its request unanswered (every host after it failed
 * too: knowledge `containerd.log.pull-failed-at-host`, `containerd.log.pull-failed-unanswered`), or the
 * kubelet's Failed events that quote such an error. Without a route to name the mirrors, a host counts when it is
 * dfdaemon's proxy on loopback (its port as the bundle tells it, else either generation's default), or
 * when the request containerd logs for it is a mirror's: the registry's own host is none.
 */
export function logFallbacks(
  c: ContainerdFacts,
  kubeletFailures: readonly KubeletPullFailure[] = [],
): {
  fallbacks: ContainerdLogEvent[];
  cancels: ContainerdLogEvent[];
  failedPulls: FailedPull[];
} {
  const mirrors = c.routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin'));
  const events = c.log?.events ?? [];
  // without a route to name the mirrors, a host counts when it is dfdaemon's proxy on loopback, or when
  // containerd's request to it names the registry it stands in for (a mirror's request carries ns=)
  const isMirror = (host: string, url: string | undefined) =>
    mirrors.length > 0 ? mirrors.some((h) => logsAs(h, host)) : dfdaemonOnLoopback(host, c) || mirrorRequest(host, url);
  const fallbacks = events.filter((e) => {
    if (e.kind !== 'trying-next-host' && e.kind !== 'fetch-failed') return false;
    if (e.host !== undefined) return isMirror(e.host, quotedRequest(e.error ?? '', e.host)?.url);
    // a line cut from its host= field (or a client that vendors the resolver and logs none, buildkit) is
    // judged by the request its error quotes; without one, "fetch failed" (2.0+: the last host, most
    // often the registry) is no mirror's, and "trying next host" (a host before the last) is one
    const quoted = quotedRequest(e.error ?? '');
    return quoted ? isMirror(quoted.host, quoted.url) : e.kind === 'trying-next-host';
  });
  const failedPulls = pullFailures(c, kubeletFailures, (e) => {
    const at = e.kind === 'pull-failed-at-host' || e.kind === 'pull-failed-unanswered' ? e.failedAt : undefined;
    return at !== undefined && isMirror(at.host, 'url' in at ? at.url : undefined) ? at : undefined;
  });
  // a pull cancelled for no progress stalled somewhere: on a mirror only if one is known to be on its way
  const mirrorOnTheWay = mirrors.length > 0 || fallbacks.length > 0 || failedPulls.length > 0;
  const cancels = mirrorOnTheWay ? events.filter((e) => e.kind === 'progress-cancel') : [];
  return { fallbacks, cancels, failedPulls };
}

/** A pull failure as the bundle shows it: what it was, where it is written, and the pulls it stands for. */
export interface LoggedFailure<T> {
  what: T;
  /** The bundle file: containerd's log, or the kubelet's events. */
  file: string;
  /** Where in it: "line N" of the log, "event N" of the event list. */
  at: string;
  /** The pulls it stands for: a kubelet event seen N times is N. */
  count: number;
  /** The error as written. */
  text: string;
}

/** A pull that failed at a mirror (every host after it failing too). */
export type FailedPull = LoggedFailure<HostFailure>;

/**
 * The pull failures `read` takes from containerd's log lines, else from the kubelet's Failed events, which
 * quote the same errors: those are read where containerd's log shows none (not collected, or from before
 * its window), so that no pull is counted twice.
 */
export function pullFailures<T>(
  c: ContainerdFacts,
  kubeletFailures: readonly KubeletPullFailure[],
  read: (e: ContainerdLogEvent) => T | undefined,
): LoggedFailure<T>[] {
  const logged: LoggedFailure<T>[] = [];
  for (const e of c.log?.events ?? []) {
    const what = read(e);
    if (what !== undefined && c.log)
      logged.push({ what, file: c.log.file, at: `line ${e.line}`, count: 1, text: e.error ?? e.msg });
  }
  if (logged.length > 0) return logged;
  return kubeletFailures.flatMap((k) => {
    const e = pullErrorIn(k.error);
    const what = e ? read(e) : undefined;
    return what === undefined
      ? []
      : [{ what, file: k.file, at: `event ${k.event.item}`, count: k.event.count, text: k.error }];
  });
}

/**
 * The containerd release when it is known to fail a pull at the first host whose request gets no answer,
 * trying none after it (1.3.0–1.3.3); null for any other release, and when the release is not known.
 */
export function stopsAtUnansweredHost(c: ContainerdFacts): Release | null {
  const p = pick(mirrorTransportErrorFallsBack, c.version);
  return p.kind === 'known' && !p.value ? p.version : null;
}

/** False when the only failures are pulls a mirror's unanswered request ended on a release that tried no host after it. */
export function triesNextAfterUnanswered({
  c,
  failedPulls,
  fallbacks,
  cancels,
  failing,
  proxyErrors,
}: {
  c: ContainerdFacts;
  failedPulls: readonly FailedPull[];
  fallbacks: readonly ContainerdLogEvent[];
  cancels: readonly ContainerdLogEvent[];
  failing: readonly FailingMirror[];
  proxyErrors: readonly unknown[];
}): boolean {
  if (stopsAtUnansweredHost(c) === null) return true;
  const onlyUnanswered = failedPulls.length > 0 && failedPulls.every((e) => 'transport' in e.what);
  return !(
    onlyUnanswered &&
    fallbacks.length === 0 &&
    cancels.length === 0 &&
    failing.length === 0 &&
    proxyErrors.length === 0
  );
}

/** What every request to a failing mirror waits before containerd moves on to the next host. */
export interface RequestCost {
  requests: number;
  /** Seconds per request. */
  wait: number;
  /** The timeout that ends the wait: the dial timeout (black hole) or the response-header timeout (hung, 2.3+). */
  timeout: 'dial timeout' | 'response-header timeout';
  /** The pull in question the request count comes from. */
  pull?: string;
}

/** Requests of one pull that go to the mirror first: resolve + one per blob (containerd#10660). */
function requestCount(pull: PullInQuestion | null, fallbacks: number): number {
  return pull ? pull.layers + 2 : fallbacks > 0 ? fallbacks : 1;
}

/** A black-holed mirror costs its dial timeout on every request. */
export function dialCost(blackholed: RouteHost, pull: PullInQuestion | null, fallbacks: number): RequestCost {
  const ms = blackholed.dialTimeout ? parseGoDuration(blackholed.dialTimeout.trim()) : null;
  return {
    requests: requestCount(pull, fallbacks),
    wait: ms === null ? DEFAULT_DIAL_SECONDS : ms / 1000,
    timeout: 'dial timeout',
    pull: pull?.evidence,
  };
}

/** What containerd does with a mirror that accepts the connection and never answers. */
export interface HungWait {
  /** containerd's response-header timeout in seconds; null: it has none (< 2.3.0) and waits. */
  seconds: number | null;
  /** The version was unknown: what was assumed, as the facts' version note words it. */
  assumed?: string;
  /**
   * image_pull_progress_timeout in ms when it is on: the progress reporter cancels a pull whose requests
   * read nothing for that long (0 switches it off).
   */
  progressMs: number | null;
  /** The registries whose hosts list goes on after the hung host: containerd tries the next one. */
  next: RegistryRoute[];
  /** The registries where the hung host is the last one (dfdaemon as `server`): the request fails. */
  last: RegistryRoute[];
  /** How often containerd tries a request on the last host before it fails (2.3.2+: 5 on a timeout). */
  lastAttempts: number;
  /** The attempts were assumed (version unknown), as the facts' version note words it. */
  lastAttemptsAssumed?: string;
}

export function hungWait(hung: RouteHost, c: ContainerdFacts): HungWait {
  const p = pick(mirrorResponseHeaderTimeout, c.version);
  const seconds = p.kind === 'none' ? null : p.value;
  const progressMs = c.imagePullProgressTimeout ? parseGoDuration(c.imagePullProgressTimeout) : null;
  const out: HungWait = {
    seconds,
    progressMs: progressMs !== null && progressMs > 0 ? progressMs : null,
    next: [],
    last: [],
    lastAttempts: 1,
  };
  const a = pick(lastHostTransientAttempts, c.version);
  if (a.kind !== 'none') out.lastAttempts = a.value;
  if (a.kind === 'assumed')
    out.lastAttemptsAssumed = `${a.value} attempt(s) on the last host (${formatRange(a.entry.range)})`;
  if (p.kind === 'assumed')
    out.assumed = `${seconds === null ? 'no response-header timeout' : `a ${seconds} s response-header timeout`} (${formatRange(p.entry.range)})`;
  for (const route of c.routes) {
    const i = route.hosts.findIndex((h) => h.role !== 'origin' && h.host === hung.host && h.port === hung.port);
    if (i < 0) continue;
    (i < route.hosts.length - 1 ? out.next : out.last).push(route);
  }
  return out;
}

/** On 2.3+ a hung mirror is given up on after the response-header timeout; null when the pull waits instead. */
export function hungTimesOut(w: HungWait): number | null {
  return w.seconds !== null && !cancelledWithin(w, w.seconds) ? w.seconds : null;
}

/** Whether image_pull_progress_timeout cancels the pull before `seconds` pass without a byte read. */
function cancelledWithin(w: HungWait, seconds: number): boolean {
  return w.progressMs !== null && w.progressMs < seconds * 1000;
}

/** A hung mirror fallen back from costs every request the response-header timeout. */
export function hungCost(w: HungWait, pull: PullInQuestion | null, fallbacks: number): RequestCost | undefined {
  const wait = hungTimesOut(w);
  if (wait === null || w.next.length === 0) return undefined;
  return { requests: requestCount(pull, fallbacks), wait, timeout: 'response-header timeout', pull: pull?.evidence };
}

type Verdict = 'blackholed' | 'erroring' | 'hung';

export interface FailingMirror {
  verdict: Verdict;
  host: RouteHost;
  check: MirrorCheck;
}

const CHECK = `${BUNDLE.containerd.dir}/mirror-check.json`;

function verdictOf(k: MirrorCheck): Verdict | null {
  if (k.tcp === 'timeout') return 'blackholed';
  if (k.v2Status !== null && k.v2Status >= 500) return 'erroring';
  // accepts, never answers: a dial timeout does not end that; a response-header timeout (2.3+) does
  if (k.tcp === 'open' && k.v2Status === null && /timed out/.test(k.error ?? '')) return 'hung';
  return null;
}

/** The dfdaemon mirrors whose check failed, once per host:port, in route order. */
export function failingMirrors(routes: RegistryRoute[]): FailingMirror[] {
  const seen = new Set<string>();
  const out: FailingMirror[] = [];
  for (const host of routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin' && h.isDfdaemon))) {
    const check = host.check;
    if (!check || seen.has(check.host)) continue;
    seen.add(check.host);
    const verdict = verdictOf(check);
    if (verdict) out.push({ verdict, host, check });
  }
  return out;
}

const SAY: Record<Verdict, (k: MirrorCheck, c: ContainerdFacts, host: RouteHost) => string> = {
  blackholed: (k) =>
    `TCP connect to ${k.host} timed out instead of being refused (${CHECK}): packets are dropped, so containerd waits its dial timeout on every request before falling back`,
  erroring: (k, c) => {
    const next = pick(mirrorErrorStatusFallsBack, c.version);
    return next.kind === 'known' && !next.value
      ? `GET ${k.url}/v2/ answered ${k.v2Status} (${CHECK}): containerd ${formatVersion(next.version)} fails a pull whose manifest request such a mirror answers with an error, without trying the next host (it tries it from 1.4.12 and 1.5.5)`
      : `GET ${k.url}/v2/ answered ${k.v2Status} (${CHECK}): dfdaemon errors send containerd to the next host`;
  },
  hung: (k, c, host) =>
    `${k.url} accepts TCP connections but GET /v2/ got no answer (${k.error}; ${CHECK}): a hung dfdaemon. ${hungSentence(hungWait(host, c), c)}`,
};

function hungSentence(w: HungWait, c: ContainerdFacts): string {
  const release = c.version ? `containerd ${formatVersion(c.version)}` : 'containerd';
  const gives = (s: number) =>
    w.assumed
      ? `containerd's version is unknown: assumed ${w.assumed}, so it gives up on a response after ${s} s (before 2.3.0 it waits until image_pull_progress_timeout instead)`
      : `${release} gives up on a response after ${s} s (its response-header timeout, from 2.3.0)`;
  const wait = hungTimesOut(w);
  if (wait === null) {
    const why =
      w.seconds !== null
        ? `${gives(w.seconds)}, but image_pull_progress_timeout (${c.imagePullProgressTimeout}) is shorter`
        : `${release} sets no response timeout on mirror requests (it has one from 2.3.0 on), so it does not fall back`;
    const stall = c.imagePullProgressTimeout
      ? `the pull stalls until image_pull_progress_timeout (${c.imagePullProgressTimeout}) cancels it, the origin included (containerd#10624)`
      : `containerd ${c.version ? formatVersion(c.version) : '< 1.7'} has no image_pull_progress_timeout, so the pull waits until the kubelet gives up`;
    return `${why}; ${stall}`;
  }
  const parts = [`${gives(wait)}; dial_timeout does not shorten this, the connection is made`];
  // the host it goes to is named by the rule's "fallback target" line
  if (w.next.length > 0)
    parts.push(
      `every request waits ${wait} s on it, then goes to the next host: pulls succeed, past this dfdaemon (no P2P)`,
    );
  if (w.last.length > 0) {
    const regs = w.last.map((r) => r.registry).join(', ');
    const why = w.lastAttemptsAssumed
      ? `assumed: ${w.lastAttemptsAssumed}`
      : `${release} retries a timeout on the last host, 50 ms apart`;
    const total = w.lastAttempts * wait;
    const fate =
      w.lastAttempts === 1
        ? `fails after ${wait} s instead ("fetch failed") and so does the pull`
        : // no byte arrives while it retries: the progress timeout, when shorter, cancels the pull first
          cancelledWithin(w, total)
          ? `is tried up to ${w.lastAttempts} times (${why}), but image_pull_progress_timeout (${c.imagePullProgressTimeout}) cancels the pull before the last attempt ends`
          : `is tried ${w.lastAttempts} times (${why}), so it fails after ${total} s instead ("fetch failed") and so does the pull`;
    parts.push(`where it is the last host (${regs}: dfdaemon as \`server\`, no origin after it), the request ${fate}`);
  }
  return parts.join('; ');
}

export function failingMirrorSentence(m: FailingMirror, c: ContainerdFacts): string {
  return SAY[m.verdict](m.check, c, m.host);
}

/** The mirror of a route that containerd logs as host:port, if the bundle's routes name it. */
export function routeMirror(c: ContainerdFacts, host: string): RouteHost | undefined {
  return c.routes.flatMap((r) => r.hosts).find((h) => h.role !== 'origin' && logsAs(h, host));
}

/** Whether host:port as containerd logs it is dfdaemon's: a route's host known to be, else its proxy on loopback. */
export function isDfdaemonHost(c: ContainerdFacts, host: string): boolean {
  const known = routeMirror(c, host);
  return known ? known.isDfdaemon : dfdaemonOnLoopback(host, c);
}

/** Whether host:port as containerd logs it is dfdaemon's proxy on loopback: its port as the bundle tells it, else a default. */
function dfdaemonOnLoopback(host: string, c: ContainerdFacts): boolean {
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(host);
  const name = m?.[1] ?? m?.[2];
  if (!m || name === undefined || !(name === 'localhost' || isLoopback(name))) return false;
  return dfdaemonProxyPorts(c).includes(Number(m[3]));
}

/** The ports dfdaemon's proxy listens on, as the bundle tells them, else either generation's default. */
export function dfdaemonProxyPorts(c: ContainerdFacts): readonly number[] {
  return c.dfdaemon?.proxyPorts ?? DFDAEMON_PROXY_PORTS;
}

/** The hosts Docker Hub's registry answers on: a request to one of them for docker.io is no mirror's. */
const DOCKER_HUB_HOSTS = new Set(['registry-1.docker.io', 'index.docker.io']);

/**
 * Whether containerd's request to host:port is one to a mirror: containerd adds `ns=<registry>` to a
 * request for a host other than the image's registry (v1.6.20 remotes/docker/resolver.go:494-510,
 * registry.go:79-86 isProxy; also for Docker Hub's other host names, which are none of a mirror's).
 */
function mirrorRequest(host: string, url: string | undefined): boolean {
  if (!url) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const ns = u.searchParams.get('ns');
  if (!ns || ns === host || u.host !== host) return false;
  return !(ns === 'docker.io' && DOCKER_HUB_HOSTS.has(u.hostname));
}
