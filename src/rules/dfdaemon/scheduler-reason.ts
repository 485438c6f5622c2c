// Why the scheduler sent a peer to the origin, as its log (or the response a Rust daemon logged) says:
// the reason's words for evidence, summary and steps. The reasons and the settings behind them are in
// knowledge/dragonfly-scheduler.ts with their upstream lines.
import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import type { SchedulerLogFacts } from '../../facts/scheduler-log.js';
import { type BackSourceReason, SCHEDULER_RETRY_SETTINGS } from '../../knowledge/dragonfly-scheduler.js';
import { orderDescriptionReason } from '../../parsers/scheduler-log.js';
import type { Step } from '../../report/model.js';
import { cmd, prose } from '../steps.js';
import { quote, SCHEDULER_LOGS } from './text.js';

export interface OrderReason {
  reason: BackSourceReason;
  /** retryBackToSourceLimit in effect, when the line names it. */
  limit?: number;
  /** The line that gives it: the scheduler's order, or the daemon's own order line (its description). */
  ref: LineRef;
  from: 'scheduler log' | 'response';
  /** The peer it was given to, for the steps' grep. */
  peerId?: string;
}

/**
 * The reason for a task's order: the response the daemon logged names it (Rust v0.1.0–v1.4.0), else the
 * scheduler's order for the same peer (its peer id), else the last for the same task.
 */
export function reasonOf(t: TaskTimeline, sched: SchedulerLogFacts | undefined): OrderReason | null {
  const own = t.refs.schedulerOrder;
  const said = own ? orderDescriptionReason(own.text) : null;
  const peer = t.peerId === undefined ? {} : { peerId: t.peerId };
  if (own && said) return { ...said, ref: own, from: 'response', ...peer };
  const orders = sched?.orders ?? [];
  const o =
    (t.peerId === undefined ? undefined : orders.find((x) => x.peerId === t.peerId)) ??
    (t.taskId === undefined ? undefined : orders.findLast((x) => x.taskId === t.taskId));
  return o
    ? { reason: o.reason, ...(o.limit === undefined ? {} : { limit: o.limit }), ref: o.ref, from: 'scheduler log' }
    : null;
}

/** Every order of a scheduler log alone (no daemon task to tie it to), with its reason. */
export function schedulerOrderReasons(sched: SchedulerLogFacts): OrderReason[] {
  return sched.orders.map(fromOrder);
}

function fromOrder(o: SchedulerLogFacts['orders'][number]): OrderReason {
  return {
    reason: o.reason,
    ...(o.limit === undefined ? {} : { limit: o.limit }),
    ref: o.ref,
    from: 'scheduler log',
    ...(o.peerId === undefined ? {} : { peerId: o.peerId }),
  };
}

/** What the reason means, for evidence. */
export function reasonText({ reason, limit }: Pick<OrderReason, 'reason' | 'limit'>): string {
  switch (reason) {
    case 'retry-limit':
      return `the scheduler found no candidate parent for the peer in ${limit === undefined ? 'as many tries as its retryBackToSourceLimit' : `${limit} tries (its retryBackToSourceLimit)`}, retryInterval apart ("candidate parents not found"), and then sent it to the origin ("scheduling exceeded RetryBackToSourceLimit")`;
    case 'peer-needs-source':
      return `the scheduler marked the peer for the origin when it registered ("peer's NeedBackToSource is true"): no peer held the task and no seed peer was triggered for it (seed peers disabled, or the seed peer failed this task), or the peer is a seed peer or asked for the origin itself`;
    case 'schedule-count':
      return 'the scheduler had scheduled the peer maxScheduleCount times (default 30; a rule of scheduler v2.1.22–v2.1.28 only) and sent it to the origin';
  }
}

/** The reasons' evidence: each reason once, with its count and the line that gives it. */
export function reasonEvidence(reasons: OrderReason[]): string[] {
  const out: string[] = [];
  for (const r of distinct(reasons)) {
    const n = reasons.filter((x) => x.reason === r.reason).length;
    out.push(
      `why (${n} order(s), from the ${r.from === 'response' ? "scheduler's response dfdaemon logged" : "scheduler's log"}): ${reasonText(r)}`,
      `  ${quote(r.ref)}`,
    );
  }
  return out;
}

/** The first order of each reason, the limit-reached first (it is the one worth acting on). */
function distinct(reasons: OrderReason[]): OrderReason[] {
  const order: BackSourceReason[] = ['retry-limit', 'schedule-count', 'peer-needs-source'];
  return order.flatMap((k) => reasons.find((r) => r.reason === k) ?? []);
}

const SUMMARY: Record<BackSourceReason, string> = {
  'retry-limit':
    'The scheduler found no parent for these peers within its retryBackToSourceLimit tries and sent them to the origin: find why it refused the candidates (seed peers holding the blob, parents with no free upload slot, bad nodes), preheat new images, and give the seed peer more time (retryBackToSourceLimit × retryInterval) only if it was on its way.',
  'peer-needs-source':
    "The scheduler sent these peers to the origin as they registered, no peer or seed peer holding the blob: make sure it has seed peers and triggers them (seedPeer.enable), and preheat images so a new image's first pull finds a parent.",
  'schedule-count':
    'The scheduler sent these peers to the origin after maxScheduleCount schedulings (scheduler v2.1.22–v2.1.28): find why their parents kept failing, or upgrade the scheduler (v2.1.29 dropped the rule).',
};

/** The summary for the reasons found, the limit-reached first; undefined when none is known. */
export function reasonSummary(reasons: OrderReason[]): string | undefined {
  const first = distinct(reasons)[0];
  return first ? SUMMARY[first.reason] : undefined;
}

/** Steps that fit each reason found. */
export function reasonSteps(reasons: OrderReason[]): Step[] {
  const out: Step[] = [];
  for (const { reason, peerId } of distinct(reasons)) {
    // an id from the log goes into a shell command only when it is one (host-uuid characters)
    const peer = peerId !== undefined && /^[\w.:-]{1,120}$/.test(peerId) ? peerId : '<peer id>';
    if (reason === 'retry-limit')
      out.push(
        prose(
          `The number of tries and the wait between them are the scheduler's settings: ${SCHEDULER_RETRY_SETTINGS.retryBackToSourceLimit}; ${SCHEDULER_RETRY_SETTINGS.retryInterval}.`,
        ),
        prose(
          `Past that limit a task the scheduler lets go to the origin gets the order; one it does not (scheduler.backToSourceCount peers already went) is tried up to ${SCHEDULER_RETRY_SETTINGS.retryLimit}, and then fails ("scheduling exceeded RetryLimit").`,
        ),
        prose(
          "Why each candidate was refused is in the scheduler's DEBUG lines (`verbose: true` in scheduler.yaml, chart scheduler.config.verbose): in the blocklist, disable shared, the same host, its download state, a bad node, no free upload slot (dragonflyoss/dragonfly v2.2.0 scheduler/scheduling/scheduling.go:513-567):",
        ),
        cmd(
          `${SCHEDULER_LOGS} | grep -F -- '${peer}' | grep -E 'candidate parents not found|is not selected|can not add edge'`,
        ),
      );
    if (reason === 'peer-needs-source')
      out.push(
        prose(
          'Check that the scheduler has seed peers and triggers them: scheduler.yaml `seedPeer.enable` (chart scheduler.config.seedPeer.enable, true by default) and the chart\'s seed client (`seedClient.enable`, true by default from dragonfly-1.2.0); a failed trigger is logged "seed peer triggers download task failed":',
        ),
        cmd(
          `${SCHEDULER_LOGS} | grep -E 'seed peer triggers download task|peer need back to source|back-to-source, because of'`,
        ),
      );
    if (reason === 'schedule-count')
      out.push(
        prose("Read the peer's earlier schedulings in the scheduler's log:"),
        cmd(`${SCHEDULER_LOGS} | grep -F -- '${peer}'`),
      );
  }
  return out;
}
