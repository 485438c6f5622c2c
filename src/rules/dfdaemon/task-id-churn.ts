// dfdaemon-cache-miss: task ids that never repeat, so a blob the node had is fetched again.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { byDigest, configAt, longestCost, pullTasks } from './pull.js';
import { quote } from './text.js';

interface Churn {
  digest: string;
  tasks: TaskTimeline[];
}

/** Digests logged under two or more task ids, a later one of which was not served locally. */
function churnOf(all: TaskTimeline[]): Churn[] {
  const churn: Churn[] = [];
  for (const [digest, list] of byDigest(all.filter((t) => t.taskId))) {
    // most digests appear once: no Set for them (a 20 MB window holds ~7,000 tasks)
    if (list.length < 2 || new Set(list.map((t) => t.taskId)).size < 2) continue;
    const later = list.slice(1).filter((t) => t.servedBy !== 'local' && t.taskId !== list[0]?.taskId);
    if (later.length > 0) churn.push({ digest, tasks: list });
  }
  return churn;
}

export const taskIdChurn = defineRule<{ churn: Churn[]; queryOnly: boolean; config: ConfigAt }>({
  meta: {
    id: 'dfdaemon.task-id-churn',
    cause: 'dfdaemon-cache-miss',
    title: 'The same blob is fetched under different task ids, so the cache is never reused',
    description:
      'One sha256 digest appears under two or more task ids and a later one is not served locally (URL differs by tag, registry host or query parameters)',
    severities: ['critical', 'warning'],
    remediationSummary:
      'Make the task id stable: filter volatile query parameters and keep the same registry URL for the same blob.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const churn = churnOf(d?.logs?.summary.tasks ?? []);
    if (churn.length === 0) return null;
    const recent = new Set(pullTasks(d));
    const impactSeconds = longestCost(
      churn.flatMap((c) => c.tasks.filter((t) => recent.has(t) && t.servedBy !== 'local')),
    );
    const urls = churn[0]?.tasks.map((t) => t.url ?? '') ?? [];
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.8,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: {
        churn,
        queryOnly: urls.length > 1 && new Set(urls.map((u) => u.split('?')[0])).size === 1,
        config: configAt(f),
      },
    };
  },

  evidence({ churn }) {
    return churn
      .slice(0, 3)
      .flatMap((c) => [
        `${c.digest.slice(0, 19)}… fetched under ${new Set(c.tasks.map((t) => t.taskId)).size} task ids:`,
        ...c.tasks
          .slice(0, 3)
          .map((t) => `  ${quote(t.refs.start ?? t.first)} → task ${t.taskId?.slice(0, 16)}…, served by ${t.servedBy}`),
      ]);
  },

  steps({ queryOnly, config }) {
    return [
      prose(
        queryOnly
          ? 'The URLs differ only in query parameters: add them to the filter (Go proxy.defaultFilter, e.g. "Expires&Signature&ns"; Rust: proxy rules / X-Dragonfly-Filtered-Query-Params).'
          : 'The URLs differ in host or path: pull through one registry name (a mirror and the origin give different task ids), and let dfdaemon derive the id from the digest (Rust ≥ v1: proxy.registryMirror.enableTaskIDBasedBlobDigest: true).',
      ),
      ...applySteps(config),
    ];
  },
});
