// How the dfdaemon rules' evidence names a value: a log line or a config key with where it came from,
// a task, a size, a rate, a duration.
import type { RegistryRoute } from '../../facts/containerd-routes.js';
import type { Setting } from '../../parsers/dfdaemon-config.js';
import { type LineRef, MAX_REFS, type TaskTimeline } from '../../parsers/dfdaemon-timeline.js';

/** How many lines a summary's list holds: it keeps the first MAX_REFS, so a full one may stand for more. */
export function refCount(list: readonly unknown[]): string {
  return `${list.length}${list.length >= MAX_REFS ? '+' : ''}`;
}

/**
 * A log line as evidence: where it is and its text, cut after 160 characters. When what `keep` matches
 * would fall past the cut (a piece error's name after a task and a parent id), the middle of the line
 * is left out instead, so that the evidence shows it.
 */
export function quote(r: LineRef, keep?: RegExp): string {
  const t = r.text.length > 160 ? cut(r.text, keep ? r.text.search(keep) : -1) : r.text;
  return `${r.file}:${r.line}${r.nodeLine !== undefined && r.nodeLine !== r.line ? ` (node line ${r.nodeLine})` : ''}: "${t}"`;
}

function cut(text: string, kept: number): string {
  if (kept < 0 || kept + 40 <= 160) return `${text.slice(0, 160)}…`;
  return `${text.slice(0, 60)}…${text.slice(kept, kept + 100)}${text.length > kept + 100 ? '…' : ''}`;
}

/** "download.totalRateLimit: 100Mi (raw/dfdaemon/config/dfget.yaml:12)" or "… (default)". */
export function setting<T>(s: Setting<T>, file: string | undefined, show: (v: T) => string = String): string {
  return `${s.key}: ${show(s.value)} (${s.from === 'config' ? `${file ?? 'config'}${s.line ? `:${s.line}` : ''}` : 'not set: the code default'})`;
}

export function mbps(bytesPerSecond: number): string {
  return `${(bytesPerSecond / 1e6).toFixed(bytesPerSecond < 1e7 ? 1 : 0)} MB/s`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function describeTask(t: TaskTimeline): string {
  const size = t.contentLength === undefined ? 'size not logged' : mb(t.contentLength);
  const cost =
    t.costMs === null
      ? 'duration not logged'
      : `${secs(t.costMs)} (${t.costFrom === 'logged' ? 'logged cost' : 'from timestamps'})`;
  const id = t.taskId ?? t.key;
  const what = t.digest ?? t.url;
  // without a blob or URL to name it, the id is the label, once and whole
  const label = what === undefined ? id : `${id.slice(0, 16)}… ${what.length > 90 ? `${what.slice(0, 90)}…` : what}`;
  return `task ${label}: ${size}, ${cost}, served by ${t.servedBy}`;
}

/** A task with its log lines (those it has of `refs`), each indented under it. */
export function taskWithLines(t: TaskTimeline, refs: (keyof TaskTimeline['refs'])[]): string[] {
  const out = [describeTask(t)];
  for (const r of refs) {
    const ref = t.refs[r];
    if (ref) out.push(`  ${quote(ref)}`);
  }
  return out;
}

/**
 * The scheduler's logs, every replica's: the Dragonfly chart runs it as a StatefulSet labelled
 * component=scheduler (dragonflyoss/helm-charts charts/dragonfly/templates/scheduler/scheduler-statefulset.yaml,
 * a StatefulSet since dragonfly-0.1.0), and `kubectl logs -l` shows 10 lines of each unless told otherwise.
 */
export const SCHEDULER_LOGS = 'kubectl -n dragonfly-system logs -l component=scheduler --tail=-1 --prefix';

/** Where containerd sends a registry's pulls to dfdaemon (a route that sendsToDfdaemon), and what follows a failure. */
export function routeToDfdaemonText(r: RegistryRoute): string {
  const h = r.hosts.find((x) => x.isDfdaemon);
  return `containerd sends ${r.registry} pulls to ${h?.url ?? 'dfdaemon'} (${r.file ?? r.source}${h?.line ? `:${h.line}` : ''})${r.originFallback ? ', then falls back to the origin registry: pulls succeed without P2P' : ''}`;
}
