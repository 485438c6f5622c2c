// Helpers the dfdaemon rules share: evidence strings that quote a log line or a config key with where
// it came from, and the pull the rules reason about.
import type { Setting } from '../parsers/dfdaemon-config.js';
import type { LineRef, TaskTimeline } from '../parsers/dfdaemon-timeline.js';
import type { DfdaemonFacts } from '../facts/dfdaemon.js';
import type { PullGroup } from '../facts/dfdaemon-logs.js';
import type { Facts } from '../facts/types.js';
import type { Step } from '../report/model.js';
import { prose, snippet } from './steps.js';

export function quote(r: LineRef): string {
  const t = r.text.length > 160 ? `${r.text.slice(0, 160)}…` : r.text;
  return `${r.file}:${r.line}${r.nodeLine !== undefined && r.nodeLine !== r.line ? ` (node line ${r.nodeLine})` : ''}: "${t}"`;
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

/** The most recent pull in the logs, if any. */
export function lastPull(d: DfdaemonFacts | undefined): PullGroup | undefined {
  return d?.logs?.pulls.at(-1);
}

/** Tasks of the last pull, or of the whole log when no pull could be grouped. */
export function pullTasks(d: DfdaemonFacts | undefined): TaskTimeline[] {
  return lastPull(d)?.tasks ?? d?.logs?.summary.tasks ?? [];
}

export function describeTask(t: TaskTimeline): string {
  const size = t.contentLength === undefined ? 'size not logged' : mb(t.contentLength);
  const cost =
    t.costMs === null
      ? 'duration not logged'
      : `${secs(t.costMs)} (${t.costFrom === 'logged' ? 'logged cost' : 'from timestamps'})`;
  const what = t.digest ?? t.url ?? t.taskId ?? t.key;
  return `task ${(t.taskId ?? t.key).slice(0, 16)}… ${what.length > 90 ? `${what.slice(0, 90)}…` : what}: ${size}, ${cost}, served by ${t.servedBy}`;
}

/** How to apply a changed dfdaemon config for each generation. */
export function applySteps(gen: 'go' | 'rust' | null): Step[] {
  if (gen === 'rust') {
    return [
      prose(
        'Helm (chart ≥ 1.1.x, Rust client): set the key under client.config in values.yaml and `helm upgrade`; or edit /etc/dragonfly/dfdaemon.yaml and restart dfdaemon.',
      ),
    ];
  }
  return [
    prose(
      'Helm (chart 1.1.x, Go dfdaemon): set the key under dfdaemon.config in values.yaml and `helm upgrade`; or edit /etc/dragonfly/dfget.yaml and restart dfget daemon.',
    ),
  ];
}

/** A YAML snippet for the node's dfdaemon config of this generation (dfget.yaml for Go, dfdaemon.yaml for Rust). */
export function configSnippet(gen: 'go' | 'rust' | null, text: string): Step {
  return snippet({
    file: gen === 'rust' ? '/etc/dragonfly/dfdaemon.yaml' : '/etc/dragonfly/dfget.yaml',
    format: 'yaml',
    text,
  });
}

/** The generation the rules speak to: the config's, else the one the probe found. */
export const gen = (f: Facts) => f.dfdaemon?.config?.generation ?? f.dfdaemon?.generation ?? null;

/** Tasks served by a peer or the source: the ones a cache hit should have made local. */
export const nonLocal = (ts: TaskTimeline[]) => ts.filter((t) => t.servedBy !== 'local' && t.servedBy !== 'unknown');
