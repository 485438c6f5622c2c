// dfdaemon.scheduler-back-source's other finding: back-to-source orders with no earlier download of the
// same blob in the log. It has its own title and summary: nothing says the node had the blob.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import type { Step } from '../../report/model.js';
import { cmd, prose } from '../steps.js';
import type { Finding } from '../rule.js';
import { taskWithLines, SCHEDULER_LOGS } from './text.js';

interface OrdersAlone {
  kind: 'orders-alone';
  orders: TaskTimeline[];
  /** Peers the scheduler gave up on after its reschedule limit. */
  exhausted: number;
}

export function ordersAloneFinding(orders: TaskTimeline[]): Finding<OrdersAlone> {
  // the scheduler gives up on finding a parent after its reschedule limit (8 in dragonflyoss/dragonfly v2.0.1
  // scheduler/core/service.go): parents were there to try, none served
  const exhausted = orders.filter(
    (t) => t.refs.schedulerOrder && /max reschedule times/.test(t.refs.schedulerOrder.text),
  ).length;
  return {
    title: 'The scheduler sent blobs of the last pull to the origin registry',
    severity: exhausted > 0 ? 'warning' : 'info',
    confidence: exhausted > 0 ? 0.6 : 0.4,
    data: { kind: 'orders-alone', orders, exhausted },
  };
}

export const ORDERS_ALONE_SUMMARY =
  'The scheduler found no peer to serve these blobs: check that seed peers hold them (preheat) and that this host and its peers stay registered with the scheduler.';

export function ordersAloneEvidence({ orders, exhausted }: OrdersAlone): string[] {
  return [
    ...orders.slice(0, 4).flatMap((t) => taskWithLines(t, ['schedulerOrder'])),
    exhausted > 0
      ? `the scheduler tried its maximum number of reschedules for ${exhausted} peer(s) without a parent that served, then sent them to the origin (code 5001, SchedNeedBackSource): those blobs came from the registry, not from P2P`
      : `the scheduler ordered ${orders.length} task(s) of the last pull back to the origin: those blobs came from the registry, not from P2P. No earlier download of them is in the log: on the first pull of an image in the cluster this is expected`,
  ];
}

export function ordersAloneSteps(): Step[] {
  return [
    prose("Check the scheduler's view of the task:"),
    cmd(`${SCHEDULER_LOGS} | grep <task or peer id>`),
    prose(
      'Preheat the images on the seed peers (manager preheat job) so the first node of a new image finds a parent.',
    ),
  ];
}
