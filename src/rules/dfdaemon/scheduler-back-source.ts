// dfdaemon-cache-miss: the scheduler ordered a blob of the last pull to the origin.
import type { TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, multiplexOn } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { byDigest, configAt, gen, longestCost, pullTasks } from './pull.js';
import { quote, taskWithLines, SCHEDULER_LOGS } from './text.js';
import {
  type OrdersAlone,
  ordersAloneFinding,
  ordersAloneEvidence,
  ordersAloneSteps,
  ordersAloneSummary,
} from './scheduler-orders-alone.js';
import { type OrderReason, reasonEvidence, reasonOf, reasonSteps, schedulerOrderReasons } from './scheduler-reason.js';

type BackSourceFinding =
  /**
   * Orders with no earlier download of the blob in the log (Go, or any client whose order's reason is known):
   * a first pull, or reschedules ran out; or the orders of a scheduler's log given alone.
   */
  | OrdersAlone
  /** The same task was downloaded earlier in the log, yet the scheduler sent it to the origin again. */
  | {
      kind: 'refetched';
      ordered: { task: TaskTimeline; earlier?: TaskTimeline }[];
      multiplexOff: boolean;
      config: ConfigAt;
      /** Why the scheduler sent them, where its log or the daemon's line says. */
      reasons: OrderReason[];
    };

/** The same task, started before `t` (a new task id for the same blob is task-id churn, its own finding). */
const sameTaskBefore = (o: TaskTimeline, t: TaskTimeline) =>
  o !== t &&
  o.digest === t.digest &&
  (o.taskId === undefined || t.taskId === undefined || o.taskId === t.taskId) &&
  (o.startMs ?? 0) < (t.startMs ?? 0);

const REFETCHED_SUMMARY =
  'The node (or its peers) had the blob, yet the scheduler found no usable parent: make the cache reusable locally and keep peers registered.';

export const schedulerBackSource = defineRule<BackSourceFinding>({
  meta: {
    id: 'dfdaemon.scheduler-back-source',
    cause: 'dfdaemon-cache-miss',
    title: 'The scheduler sent a blob this node had already fetched back to the origin',
    description:
      'A task of the last pull was ordered back-to-source by the scheduler (Go "receive back source code" = Code_SchedNeedBackSource, Rust "need back to source response") although the same task was downloaded earlier in the log, or (Go, or any client when the reason is known) with no earlier download; the reason the scheduler gave (its log, or the response a Rust client logged) is named',
    severities: ['critical', 'warning', 'info'],
    remediationSummary: REFETCHED_SUMMARY,
  },

  detect(f) {
    const d = f.dfdaemon;
    const all = d?.logs?.summary.tasks ?? [];
    const orders = pullTasks(d).filter((t) => t.schedulerBackSource);
    const sched = d?.schedulerLog;
    const reasonsOf = (ts: TaskTimeline[]) => ts.flatMap((t) => reasonOf(t, sched) ?? []);
    // the scheduler's log alone (no daemon log): its orders are all there is, each with its reason
    if (!d?.logs && sched && sched.orders.length > 0) {
      const total = Object.values(sched.byReason).reduce((a, b) => a + b, 0);
      return ordersAloneFinding([], schedulerOrderReasons(sched), {
        total,
        noParentTries: sched.noParentTries,
        gaveUp: sched.gaveUp,
      });
    }
    // by digest, in log order: a window holds thousands of tasks, and every order looks for its blob
    const blobs = orders.length > 0 ? byDigest(all) : new Map<string, TaskTimeline[]>();
    const before = (t: TaskTimeline) => (t.digest ? (blobs.get(t.digest) ?? []) : []);
    const ordered = orders.filter((t) => before(t).some((o) => sameTaskBefore(o, t) && !o.failed));
    // Go: with a seed peer (CDN) the scheduler seeds a new task and orders peers to the origin only when the
    // seed fails, no CDN is configured or reschedules run out (dragonflyoss/dragonfly v2.0.1
    // scheduler/core/service.go:278-295, :172-178), so an order alone is worth a note there; a Rust
    // client's first download of a blob is ordered to the origin as a matter of course
    // (whatever the client, an order whose reason the scheduler names is worth a finding: it says why)
    if (ordered.length === 0) {
      const reasons = reasonsOf(orders);
      return orders.length > 0 && (gen(f) === 'go' || reasons.length > 0) ? ordersAloneFinding(orders, reasons) : null;
    }
    const impactSeconds = longestCost(ordered);
    const cfg = d?.config;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.7,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      data: {
        kind: 'refetched',
        ordered: ordered.map((task) => ({ task, earlier: before(task).find((o) => sameTaskBefore(o, task)) })),
        multiplexOff: cfg?.generation === 'go' && cfg.multiplex !== undefined && !cfg.multiplex.value,
        config: configAt(f),
        reasons: reasonsOf(ordered),
      },
    };
  },

  evidence(data) {
    if (data.kind === 'orders-alone') return ordersAloneEvidence(data);
    return [
      ...data.ordered
        .slice(0, 4)
        .flatMap(({ task, earlier }) => [
          ...taskWithLines(task, ['schedulerOrder']),
          ...(earlier ? [`  the same blob was downloaded before: ${quote(earlier.refs.start ?? earlier.first)}`] : []),
        ]),
      ...reasonEvidence(data.reasons),
    ];
  },

  summary(data) {
    return data.kind === 'orders-alone' ? ordersAloneSummary(data) : REFETCHED_SUMMARY;
  },

  steps(data) {
    if (data.kind === 'orders-alone') return ordersAloneSteps(data);
    return [
      data.multiplexOff
        ? multiplexOn(data.config, '   # serve completed tasks from the local cache without asking the scheduler')
        : prose(
            'Check that the earlier download completed and is still in the cache (GC, keepStorage / storage.keep, restarts).',
          ),
      prose(
        "Check the scheduler's view of this host; a host that re-registered (restart) or failed announce is not offered as a parent:",
      ),
      cmd(`${SCHEDULER_LOGS} | grep <task id>`),
      ...reasonSteps(data.reasons),
      // how to apply a config change, where a step changes the config
      ...(data.multiplexOff ? applySteps(data.config) : []),
    ];
  },
});
