// dfdaemon.scheduler-back-source's other finding: back-to-source orders with no earlier download of the
// same blob in the log. It has its own title and summary: nothing says the node had the blob.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import type { SchedulerLogFacts } from '../../facts/scheduler-log.js';
import type { Step } from '../../report/model.js';
import { cmd, prose } from '../steps.js';
import type { Finding } from '../rule.js';
import { quote, taskWithLines, SCHEDULER_LOGS } from './text.js';
import { type OrderReason, reasonEvidence, reasonSteps, reasonSummary } from './scheduler-reason.js';

export interface OrdersAlone {
  kind: 'orders-alone';
  /** The daemon's tasks ordered to the origin (none when only the scheduler's log shows the orders). */
  orders: TaskTimeline[];
  /** Peers the scheduler gave up on after its reschedule limit. */
  exhausted: number;
  /** Why the scheduler sent them, where its log or the daemon's line says. */
  reasons: OrderReason[];
  /** The scheduler's log given alone: how many orders it holds (reasons keeps the first few hundred), ... */
  alone?: {
    total: number;
    /** ... its failed tries to find a parent, and the peers it gave up on with no order (retryLimit). */
    noParentTries: number;
    gaveUp: SchedulerLogFacts['gaveUp'];
  };
}

export function ordersAloneFinding(
  orders: TaskTimeline[],
  reasons: OrderReason[] = [],
  alone?: OrdersAlone['alone'],
): Finding<OrdersAlone> {
  // the scheduler gives up on finding a parent after its reschedule limit (8 in dragonflyoss/dragonfly v2.0.1
  // scheduler/core/service.go): parents were there to try, none served; from v2.0.9 its retryBackToSourceLimit
  const exhausted =
    orders.filter((t) => t.refs.schedulerOrder && /max reschedule times/.test(t.refs.schedulerOrder.text)).length +
    reasons.filter((r) => r.reason !== 'peer-needs-source').length;
  return {
    // from the scheduler's log alone, which pull an order served is not known
    title:
      orders.length > 0
        ? 'The scheduler sent blobs of the last pull to the origin registry'
        : 'The scheduler sent peers to the origin registry',
    severity: exhausted > 0 ? 'warning' : 'info',
    confidence: exhausted > 0 ? 0.6 : 0.4,
    data: { kind: 'orders-alone', orders, exhausted, reasons, ...(alone === undefined ? {} : { alone }) },
  };
}

export const ORDERS_ALONE_SUMMARY =
  'The scheduler found no peer to serve these blobs: check that seed peers hold them (preheat) and that this host and its peers stay registered with the scheduler.';

export function ordersAloneSummary({ reasons }: OrdersAlone): string {
  return reasonSummary(reasons) ?? ORDERS_ALONE_SUMMARY;
}

export function ordersAloneEvidence({ orders, exhausted, reasons, alone }: OrdersAlone): string[] {
  const count = orders.length > 0 ? orders.length : (alone?.total ?? reasons.length);
  // an order the origin then failed did not bring the blob from the registry either (dfdaemon.origin-failed)
  const failed = orders.filter((t) => t.originFailures.length > 0).length;
  const atOrigin =
    failed > 0 ? `; ${failed} of the ordered task(s) failed at the origin instead (dfdaemon.origin-failed)` : '';
  return [
    ...(alone && alone.noParentTries > 0
      ? [
          `the scheduler's log holds ${alone.noParentTries} failed tries to find a parent ("candidate parents not found")`,
        ]
      : []),
    ...(alone?.gaveUp.first
      ? [
          `the scheduler gave up on ${alone.gaveUp.count} peer(s) with no order, past its retryLimit: ${quote(alone.gaveUp.first)}`,
        ]
      : []),
    ...orders.slice(0, 4).flatMap((t) => taskWithLines(t, ['schedulerOrder'])),
    ...reasonEvidence(reasons),
    reasons.length > 0
      ? `the scheduler ordered ${count} peer(s) to the origin: what they downloaded came from the registry, not from P2P${atOrigin}`
      : exhausted > 0
        ? `the scheduler tried its maximum number of reschedules for ${exhausted} peer(s) without a parent that served, then sent them to the origin (code 5001, SchedNeedBackSource): those blobs came from the registry, not from P2P${atOrigin}`
        : `the scheduler ordered ${orders.length} task(s) of the last pull back to the origin: those blobs came from the registry, not from P2P${atOrigin}. No earlier download of them is in the log: on the first pull of an image in the cluster this is expected`,
  ];
}

export function ordersAloneSteps({ reasons }: OrdersAlone): Step[] {
  return [
    ...reasonSteps(reasons),
    // the reasons' steps read the scheduler's log where it helps
    ...(reasons.length > 0
      ? []
      : [prose("Check the scheduler's view of the task:"), cmd(`${SCHEDULER_LOGS} | grep <task or peer id>`)]),
    prose(
      'Preheat the images on the seed peers (manager preheat job) so the first node of a new image finds a parent.',
    ),
  ];
}
