// What the dfdaemon rules reason about: the last pull in the logs, its tasks, and the generation.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import type { DfdaemonFacts } from '../../facts/dfdaemon.js';
import { lastPull } from '../../facts/dfdaemon-pulls.js';
import type { Facts } from '../../facts/types.js';
import type { ConfigAt, Gen } from '../snippets/dfdaemon.js';

/** Tasks of the last pull, or of the whole log when no pull could be grouped. */
export function pullTasks(d: DfdaemonFacts | undefined): TaskTimeline[] {
  return lastPull(d?.logs?.pulls)?.tasks ?? d?.logs?.summary.tasks ?? [];
}

/** The tasks that name a blob digest, grouped by it, each group in log order. */
export function byDigest(ts: Iterable<TaskTimeline>): Map<string, TaskTimeline[]> {
  const out = new Map<string, TaskTimeline[]>();
  for (const t of ts) {
    if (!t.digest) continue;
    const same = out.get(t.digest);
    if (same) same.push(t);
    else out.set(t.digest, [t]);
  }
  return out;
}

/** The generation the rules speak to: the config's, else the one the probe found. */
export const gen = (f: Facts): Gen => f.dfdaemon?.config?.generation ?? f.dfdaemon?.generation ?? null;

/** The config the steps change: that generation's, in the file the daemon reads when the bundle names it. */
export function configAt(f: Facts): ConfigAt {
  const file = f.dfdaemon?.configFile;
  return file ? { gen: gen(f), file } : { gen: gen(f) };
}

/** Tasks served by a peer or the source: the ones a cache hit should have made local. */
export const nonLocal = (ts: TaskTimeline[]) => ts.filter((t) => t.servedBy !== 'local' && t.servedBy !== 'unknown');

export const allLocal = (ts: TaskTimeline[]) => ts.length > 0 && ts.every((t) => t.servedBy === 'local');

export const bytesOf = (ts: TaskTimeline[]) => ts.reduce((a, t) => a + (t.contentLength ?? 0), 0);

/** The longest logged cost among the tasks, in seconds: what the slowest of them added. */
export function longestCost(ts: TaskTimeline[]): number | undefined {
  const costs = ts.map((t) => t.costMs).filter((c): c is number => c !== null);
  return costs.length > 0 ? Math.max(...costs) / 1000 : undefined;
}

/** A rule's config: the file read, with every setting. */
export type Config = NonNullable<DfdaemonFacts['config']>;
