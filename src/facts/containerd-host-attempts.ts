// How long a resolve spent on each host it gave up on, read from containerd's log timestamps.
//
// containerd's resolver tries a reference's hosts one after the other (remotes/docker/resolver.go
// Resolve, v1.5.0 :266-290, v1.7.20 :279-303, v2.2.0 core/remotes/docker/resolver.go:294-318): for each
// host it logs "resolving" (debug, host=) and, as the request is sent, "do request" (debug, host=, url=);
// when the request fails it logs "trying next host" (info; 2.0+ "fetch failed" for the last host) with
// the request's URL quoted in its error, and goes on to the next host at once. The CRI plugin logs
// "PullImage <ref>" (info) when a pull begins, before the resolve. So an attempt at a host that failed
// starts at its own "resolving" line, else at the previous host's failure (the same resolve), else, for
// the resolve's first host, at the PullImage line; it ends at its "trying next host"/"fetch failed" line.
//
// The log names no request: lines of concurrent pulls interleave. Two lines are taken as the same
// resolve's only where the lines around them show one resolve of that reference at a time; where they
// do not, no time is read.
import { type ContainerdLogEvent, quotedRequest } from '../parsers/containerd-log.js';
import { splitImageRef } from '../parsers/image-ref.js';

export interface HostAttempt {
  /** host[:port] as containerd logged it. */
  host: string;
  /** The registry the reference belongs to (the request's ns=, else its host). */
  registry: string;
  /** Where containerd gave up on the host: its "trying next host" / "fetch failed" line. */
  end: { line: number; time: string; msg: string };
  /** Where the attempt began, as the log shows it. */
  start: { line: number; time: string; by: 'resolving' | 'previous-host' | 'pull-image' };
  seconds: number;
  /** Line of the start of the resolve this attempt is part of (its first attempt's start). */
  resolve: number;
  /** The host the same resolve tried next, when its line follows at once. */
  next?: { host: string; line: number };
}

const STREAM = new Set<ContainerdLogEvent['kind']>([
  'pull-image',
  'resolving',
  'do-request',
  'trying-next-host',
  'fetch-failed',
]);

interface Item {
  ev: ContainerdLogEvent;
  /** The reference the line is about (registry, repository, tag or digest); undefined when it names none. */
  key?: string;
  registry?: string;
}

/** An attempt's start (an index into the resolver lines) and, when the log shows it, the previous host's failure in the same resolve. */
interface Tie {
  start: number;
  by: HostAttempt['start']['by'];
  prev?: number;
}

const isEnd = (it: Item | undefined) => it?.ev.kind === 'trying-next-host' || it?.ev.kind === 'fetch-failed';

/** Every failed host attempt whose two ends the log shows with certainty, in line order. */
export function hostAttempts(events: readonly ContainerdLogEvent[]): HostAttempt[] {
  const items = events.filter((e) => STREAM.has(e.kind)).map(itemOf);
  const ties = new Map<number, Tie | null>();
  const tie = (i: number): Tie | null => {
    if (!ties.has(i)) ties.set(i, tieEnd(items, i, tie));
    return ties.get(i) ?? null;
  };
  const out: HostAttempt[] = [];
  const byEnd = new Map<number, HostAttempt>();
  items.forEach((e, i) => {
    if (!isEnd(e)) return;
    const t = tie(i);
    const s = t ? items[t.start] : undefined;
    if (!t || !s) return;
    const seconds = secondsBetween(s.ev.time, e.ev.time);
    if (seconds === null) return;
    const prev = t.prev === undefined ? undefined : byEnd.get(items[t.prev]?.ev.line ?? -1);
    const a: HostAttempt = {
      host: e.ev.host as string,
      registry: e.registry as string,
      end: { line: e.ev.line, time: e.ev.time as string, msg: e.ev.msg },
      start: { line: s.ev.line, time: s.ev.time as string, by: t.by },
      seconds,
      resolve: prev?.resolve ?? s.ev.line,
    };
    const next = nextHost(items, i);
    if (next) a.next = next;
    byEnd.set(a.end.line, a);
    out.push(a);
  });
  return out;
}

/** The item before `i` that is about the same reference as `ref`, or about none (unkeyed), skipping the others. */
function before(items: readonly Item[], i: number, ref: string | undefined = items[i]?.key): number {
  for (let j = i - 1; j >= 0; j--) {
    const k = items[j]?.key;
    if (k === undefined || k === ref) return j;
  }
  return -1;
}

/**
 * The start of the attempt that ends at items[i], when the lines before it show one resolve of its
 * reference at a time: the attempt's own "do request" lines, then its "resolving" line, the previous
 * host's failure (itself tied), or the PullImage line; any other line of that reference, or a line that
 * names no reference (a "resolving" line for another host), in between means another resolve may be in
 * flight, and nothing is tied.
 */
function tieEnd(items: readonly Item[], i: number, tie: (i: number) => Tie | null): Tie | null {
  const e = items[i] as Item;
  const host = e.ev.host;
  if (e.key === undefined || host === undefined || e.ev.time === undefined) return null;
  let j = before(items, i, e.key);
  // the attempt's own request(s): doWithRetries may send it again (auth, 405, a retry on the last host)
  while (items[j]?.ev.kind === 'do-request' && items[j]?.ev.host === host && items[j]?.key === e.key)
    j = before(items, j, e.key);
  const t = items[j];
  if (!t) return null;
  if (t.ev.kind === 'resolving' && t.ev.host === host) {
    // "resolving" names no reference: the step before it must be this resolve's, shown as such
    const p = before(items, j, e.key);
    const pi = items[p];
    if (pi?.ev.kind === 'pull-image' && pi.key === e.key && pullStarts(items, p)) return { start: j, by: 'resolving' };
    if (isEnd(pi) && pi?.key === e.key && pi.ev.host !== host && tie(p)) return { start: j, by: 'resolving', prev: p };
    return null;
  }
  if (isEnd(t) && t.key === e.key && t.ev.host !== host && tie(j)) return { start: j, by: 'previous-host', prev: j };
  if (t.ev.kind === 'pull-image' && t.key === e.key && pullStarts(items, j)) return { start: j, by: 'pull-image' };
  return null;
}

/**
 * Whether the PullImage line items[p] starts the only resolve of its reference in flight: nothing of that
 * reference (nor a line that names none) comes before it, or only a resolve that failed outright (2.0+'s
 * "fetch failed", the last host). An earlier PullImage of it may still be resolving: not tied.
 */
function pullStarts(items: readonly Item[], p: number): boolean {
  const q = items[before(items, p)];
  return q === undefined || (q.ev.kind === 'fetch-failed' && q.key === items[p]?.key);
}

/** The host the resolve went on to right after the failure at items[i]: the very next line of the log's resolver lines, for another host. */
function nextHost(items: readonly Item[], i: number): HostAttempt['next'] | undefined {
  const e = items[i] as Item;
  const n = items[i + 1];
  if (!n || n.ev.host === undefined || n.ev.host === e.ev.host) return undefined;
  // "resolving" names no reference; a request or a failure must name this one
  if (n.ev.kind !== 'resolving' && n.key !== e.key) return undefined;
  if (n.ev.kind === 'pull-image') return undefined;
  return { host: n.ev.host, line: n.ev.line };
}

function itemOf(ev: ContainerdLogEvent): Item {
  if (ev.kind === 'pull-image') {
    const r = ev.image === undefined ? null : splitImageRef(ev.image);
    if (!r) return { ev };
    const object = r.suffix.replace(/^[:@]/, '');
    return { ev, key: `${r.registryHost} ${r.repo} ${object}`, registry: r.registryHost };
  }
  if (ev.kind === 'resolving') return { ev };
  const url =
    ev.kind === 'do-request' ? ev.url : ev.host === undefined ? undefined : quotedRequest(ev.error ?? '', ev.host)?.url;
  const k = url === undefined ? null : referenceOf(url);
  return k ? { ev, ...k } : { ev };
}

/**
 * The reference a resolver request is for: a mirror's request names the registry in ns= (containerd adds
 * it for a host other than the registry, v1.5.0 remotes/docker/resolver.go:270, :483-503 with registry.go:80-87
 * isProxy); the registry's own host is the registry, registry-1.docker.io Docker Hub's (v1.5.0
 * remotes/docker/config/hosts.go:100-102).
 */
function referenceOf(url: string): { key: string; registry: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const m = /^\/v2\/(.+)\/(?:manifests|blobs)\/([^/]+)$/.exec(u.pathname);
  if (!m) return null;
  const registry = u.searchParams.get('ns') ?? (u.host === 'registry-1.docker.io' ? 'docker.io' : u.host);
  try {
    return { key: `${registry} ${decodeURIComponent(m[1] as string)} ${decodeURIComponent(m[2] as string)}`, registry };
  } catch {
    return null;
  }
}

/** Seconds from one RFC 3339 time to a later one, to the nanosecond containerd writes; null when either is not one or the order is wrong. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | null {
  const a = instant(from);
  const b = instant(to);
  if (a === null || b === null) return null;
  const s = (b.ms - a.ms) / 1000 + (b.frac - a.frac);
  return s >= 0 ? s : null;
}

function instant(t: string | undefined): { ms: number; frac: number } | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(t ?? '');
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return Number.isNaN(ms) ? null : { ms, frac: m[2] ? Number(`0.${m[2]}`) : 0 };
}
