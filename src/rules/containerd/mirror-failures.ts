// How a dfdaemon mirror is seen failing: containerd's log lines, and dfdoctor's live check of each
// mirror (raw/containerd/mirror-check.json) read for the ways containerd handles differently: dropped,
// erroring, or accepting and never answering.
import { BUNDLE } from '../../bundle/layout.js';
import type { ContainerdFacts, MirrorCheck, RegistryRoute, RouteHost } from '../../facts/containerd.js';
import type { PullInQuestion } from '../../facts/pull.js';
import type { ContainerdLogEvent } from '../../parsers/containerd-log.js';
import { formatVersion } from '../../parsers/containerd-version.js';
import { parseGoDuration } from '../../parsers/go-duration.js';

/** The default dialer's timeout, for a host without dial_timeout (containerd v2.1.0 core/remotes/docker/registry.go:252-259). */
const DEFAULT_DIAL_SECONDS = 30;

/** containerd's log: "trying next host" / "fetch failed" for a mirror, and "cancel pulling image … no progress". */
export function logFallbacks(c: ContainerdFacts): { fallbacks: ContainerdLogEvent[]; cancels: ContainerdLogEvent[] } {
  const mirrors = new Set(
    c.routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin').map((h) => `${h.host}:${h.port}`)),
  );
  const events = c.log?.events ?? [];
  const fallbacks = events.filter(
    (e) =>
      (e.kind === 'trying-next-host' || e.kind === 'fetch-failed') &&
      (e.host === undefined || mirrors.has(e.host) || mirrors.size === 0),
  );
  return { fallbacks, cancels: events.filter((e) => e.kind === 'progress-cancel') };
}

export interface DialCost {
  requests: number;
  dial: number;
  /** The pull in question the request count comes from. */
  pull?: string;
}

/** A black-holed mirror costs its dial timeout on every request: resolve + one per blob (containerd#10660). */
export function dialCost(blackholed: RouteHost, pull: PullInQuestion | null, fallbacks: number): DialCost {
  const ms = blackholed.dialTimeout ? parseGoDuration(blackholed.dialTimeout.trim()) : null;
  return {
    requests: pull ? pull.layers + 2 : fallbacks > 0 ? fallbacks : 1,
    dial: ms === null ? DEFAULT_DIAL_SECONDS : ms / 1000,
    pull: pull?.evidence,
  };
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
  // accepts, never answers: containerd's mirror requests have a dial timeout but no response timeout
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

const SAY: Record<Verdict, (k: MirrorCheck, c: ContainerdFacts) => string> = {
  blackholed: (k) =>
    `TCP connect to ${k.host} timed out instead of being refused (${CHECK}): packets are dropped, so containerd waits its dial timeout on every request before falling back`,
  erroring: (k) =>
    `GET ${k.url}/v2/ answered ${k.v2Status} (${CHECK}): dfdaemon errors send containerd to the next host`,
  hung: (k, c) =>
    `${k.url} accepts TCP connections but GET /v2/ got no answer (${k.error}; ${CHECK}): a hung dfdaemon. containerd sets no response timeout on mirror requests, so it does not fall back; ${
      c.imagePullProgressTimeout
        ? `the pull stalls until image_pull_progress_timeout (${c.imagePullProgressTimeout}) cancels it, the origin included (containerd#10624)`
        : `containerd ${c.version ? formatVersion(c.version) : '< 1.7'} has no image_pull_progress_timeout, so the pull waits until the kubelet gives up`
    }`,
};

export function failingMirrorSentence(m: FailingMirror, c: ContainerdFacts): string {
  return SAY[m.verdict](m.check, c);
}
