// dfdaemon's blob tasks grouped into image pulls. A pull fetches its blobs under one repository
// (`/v2/<name>/blobs/<digest>`, distribution spec), so tasks are grouped by repository first and by time
// second: on a node that never pauses a minute between pulls, time alone made one "pull" of every image
// the node fetched, and the rules then spoke of thousands of tasks as the pull in question.
import { isBlobUrl, type LogSummary, type ProxyRequest, type TaskTimeline } from '../parsers/dfdaemon-timeline.js';

/** One image pull as the log shows it: blob tasks of one repository, close together in time. */
export interface PullGroup {
  /** Registry host and repository (`index.docker.io/library/nginx`), when a task's URL names it. */
  repository?: string;
  tasks: TaskTimeline[];
  startMs: number;
  /** Last known moment of the pull (a task's logged end, or its last line). */
  endMs: number;
  bytes: number;
  layers: number;
  /** Wall time from the first request to the last byte, when every task's end is known. */
  seconds: number | null;
  /** Requests the proxy sent straight to the origin (manifests, tokens) during or just before the pull. */
  direct: ProxyRequest[];
  /**
   * The other pulls whose blob requests ran while this one's did, by repository (undefined: not in the
   * log): they shared the node's link, disk and dfdaemon with it.
   */
  overlapping: (string | undefined)[];
}

/** A gap longer than this between blob requests of a repository starts a new pull. */
export const PULL_GAP_MS = 60_000;

/** Blobs up to this size are image configs, not layers. */
const CONFIG_BLOB_MAX = 64 * 1024;

/** Pulls kept: the most recent ones. */
const PULLS_KEPT = 5;

/** Task end: logged cost, else the last line seen (a lower bound), else the start. */
function taskEnd(t: TaskTimeline): number | null {
  if (t.startMs === null) return null;
  if (t.costMs !== null) return t.startMs + t.costMs;
  return t.endMs ?? t.startMs;
}

const REGISTRY_API = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]+)\/v2\/(.+?)\/(?:blobs|manifests)\//i;

/**
 * The registry host and repository a registry API URL names (`index.docker.io/library/nginx`), or
 * undefined for any other URL (a blob fetched through a redirect to storage, say).
 */
function repositoryOf(url: string): string | undefined {
  const m = REGISTRY_API.exec(url);
  return m ? `${(m[1] as string).toLowerCase()}/${m[2] as string}` : undefined;
}

/**
 * A repository without its registry host (`library/nginx`): how one is named across hosts, where the
 * kubelet's docker.io is dfdaemon's index.docker.io and a token service is another host again.
 */
export function withoutHost(repository: string): string {
  return repository.slice(repository.indexOf('/') + 1);
}

/**
 * The repository name a request is for, without its host: from a registry API URL, or from a token
 * request's `scope=repository:<name>:<actions>` (the token service is often another host).
 */
function requestedName(url: string): string | undefined {
  const api = REGISTRY_API.exec(url);
  if (api) return api[2];
  const scope = /[?&]scope=repository(?::|%3A)([^&#]+?)(?::|%3A)(?:[a-z*,]|%2C)+(?:[&#]|$)/i.exec(url);
  if (!scope) return undefined;
  try {
    return decodeURIComponent(scope[1] as string);
  } catch {
    return undefined;
  }
}

interface OpenPull {
  /** undefined until a task of the pull names its repository. */
  repository: string | undefined;
  tasks: TaskTimeline[];
  /** The earliest start and the latest end of its tasks so far. */
  startMs: number;
  endMs: number;
}

/**
 * The pull a report explains: the most recent one the log shows (groupPulls puts it last). An SRE runs
 * dfdoctor after the slow pull, so a pull that ended later would be one they have not asked about yet.
 */
export function lastPull(pulls: readonly PullGroup[] | undefined): PullGroup | undefined {
  return pulls?.at(-1);
}

/**
 * The blob tasks of a log as pulls, the most recent last (by end, then start): at most PULLS_KEPT.
 * A task whose URL names no repository joins the pull that took the task before it, as long as that
 * pull has not been idle for PULL_GAP_MS.
 */
export function groupPulls(s: LogSummary): PullGroup[] {
  const open = new Map<string | undefined, OpenPull>();
  const closed: OpenPull[] = [];
  let latest: OpenPull | undefined;
  const close = (p: OpenPull): void => {
    if (open.get(p.repository) === p) open.delete(p.repository);
    closed.push(p);
  };
  for (const t of s.tasks) {
    if (t.startMs === null || (t.url !== undefined && !isBlobUrl(t.url))) continue;
    const st = t.startMs;
    const repository = t.url === undefined ? undefined : repositoryOf(t.url);
    let p = repository === undefined ? latest : open.get(repository);
    // a pull that named no repository yet takes the first one its tasks name
    if (!p && latest && latest.repository === undefined) p = latest;
    if (p && st - p.endMs > PULL_GAP_MS) {
      close(p);
      p = undefined;
    }
    if (!p) {
      // one open pull per repository: an older one without a repository is over
      const older = open.get(repository);
      if (older) close(older);
      p = { repository, tasks: [], startMs: st, endMs: st };
      open.set(repository, p);
    } else if (p.repository === undefined && repository !== undefined) {
      open.delete(undefined);
      p.repository = repository;
      open.set(repository, p);
    }
    p.tasks.push(t);
    p.startMs = Math.min(p.startMs, st);
    p.endMs = Math.max(p.endMs, taskEnd(t) ?? st);
    latest = p;
  }
  closed.push(...open.values());
  // only the pulls kept are made into groups: each one reads the proxy list (a busy log has thousands)
  const kept = closed.sort((a, b) => a.endMs - b.endMs || a.startMs - b.startMs).slice(-PULLS_KEPT);
  const names = new Map<string, string | undefined>();
  const nameOf = (url: string): string | undefined => {
    if (!names.has(url)) names.set(url, requestedName(url));
    return names.get(url);
  };
  return kept.map((p) => ({
    ...toGroup(p, s.proxy, nameOf),
    overlapping: closed.filter((o) => o !== p && o.startMs < p.endMs && p.startMs < o.endMs).map((o) => o.repository),
  }));
}

function toGroup(
  p: OpenPull,
  proxy: readonly ProxyRequest[],
  nameOf: (url: string) => string | undefined,
): Omit<PullGroup, 'overlapping'> {
  const { tasks, startMs, endMs } = p;
  const known = tasks.every((t) => t.costMs !== null);
  // the manifests and tokens fetched just before or during the pull: of its repository, when both name one
  const name = p.repository === undefined ? undefined : withoutHost(p.repository);
  const direct = proxy.filter((r) => {
    if (r.viaP2P || r.ref.tsMs === null || r.ref.tsMs < startMs - 30_000 || r.ref.tsMs > endMs) return false;
    const of = name === undefined ? undefined : nameOf(r.url);
    return of === undefined || of === name;
  });
  const first = Math.min(startMs, ...direct.map((d) => d.ref.tsMs as number));
  return {
    ...(p.repository === undefined ? {} : { repository: p.repository }),
    tasks,
    startMs: first,
    endMs,
    bytes: tasks.reduce((a, t) => a + (t.contentLength ?? 0), 0),
    // an image config is a blob too, but a few KiB: count layers as the blobs above that
    layers: new Set(
      tasks
        .filter((t) => t.contentLength === undefined || t.contentLength >= CONFIG_BLOB_MAX)
        .map((t) => t.digest ?? t.taskId ?? t.key),
    ).size,
    seconds: known ? (endMs - first) / 1000 : null,
    direct,
  };
}
