// dfdaemon-cache-miss: a blob the node already had that was not served from its cache.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { longestCost, pullTasks } from './pull.js';
import { describeTask, quote } from './text.js';

export const hitNotLocal = defineRule<{ tasks: TaskTimeline[] }>({
  meta: {
    id: 'dfdaemon.hit-not-local',
    cause: 'dfdaemon-cache-miss',
    title: 'A task reported as a cache hit was served by remote peers or the source',
    description:
      'A task the daemon logged as a local hit ("reuse…", "…from local") still fetched pieces from a parent or the origin',
    severities: ['critical', 'warning'],
    remediationSummary:
      'The local copy was incomplete or unusable: find why the cached task was partial (GC, restart mid-download, range requests).',
  },

  detect(f) {
    const tasks = pullTasks(f.dfdaemon).filter(
      (t) => t.reportedHit && t.servedBy !== 'local' && t.servedBy !== 'unknown',
    );
    if (tasks.length === 0) return null;
    const impactSeconds = longestCost(tasks);
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.85,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: { tasks },
    };
  },

  evidence({ tasks }) {
    return tasks
      .slice(0, 5)
      .flatMap((t) => [
        describeTask(t),
        ...(t.refs.hit ? [quote(t.refs.hit)] : []),
        ...(t.refs.backSource ? [quote(t.refs.backSource)] : []),
      ]);
  },

  steps({ tasks }) {
    return [
      prose(`grep ${tasks[0]?.taskId ?? tasks[0]?.key} in the dfdaemon log to see which pieces were missing locally.`),
      prose(
        'Keep the cache across restarts (Go: keepStorage: true and a hostPath data dir; Rust: storage.keep: true) and make sure GC thresholds (storage.diskGCThresholdPercent / gc.policy) do not evict layers between pulls.',
      ),
    ];
  },
});
