// Facts from a Dragonfly scheduler's log handed over with dfdaemon's (raw/dfdaemon/logs/…): the orders it
// gave peers to go to the origin, each with its reason, so that the rules on back-to-source orders can say
// why. Streamed line by line; only the orders and their counts are kept.
import type { LineRef } from '../parsers/dfdaemon-timeline.js';
import { type SchedulerOrder, schedulerOrderOf } from '../parsers/scheduler-log.js';
import { SCHEDULER_NO_PARENT, SCHEDULER_RETRY_LIMIT_FAILED } from '../knowledge/dragonfly-scheduler.js';
import type { FactsContext } from './context.js';

/** How many orders are kept with their lines; the rest are counted. */
const MAX_KEPT = 200;
/** What evidence keeps of a scheduler line. */
const TEXT_MAX = 300;

export interface SchedulerLogFacts {
  files: string[];
  /** The first MAX_KEPT back-to-source orders, in log order. */
  orders: (SchedulerOrder & { ref: LineRef })[];
  /** Orders by reason, all of them. */
  byReason: Partial<Record<SchedulerOrder['reason'], number>>;
  /** "scheduling failed in %d times, because of candidate parents not found": failed tries to find a parent. */
  noParentTries: number;
  /** "scheduling failed, because of scheduling exceeded RetryLimit": peers given up on with no order. */
  gaveUp: { count: number; first?: LineRef };
}

export async function buildSchedulerLog(ctx: FactsContext, files: string[]): Promise<SchedulerLogFacts | undefined> {
  if (files.length === 0) return undefined;
  const out: SchedulerLogFacts = { files, orders: [], byReason: {}, noParentTries: 0, gaveUp: { count: 0 } };
  for (const file of files) {
    let n = 0;
    try {
      for await (const line of ctx.bundle.lines(file)) {
        n++;
        if (SCHEDULER_NO_PARENT.test(line)) {
          out.noParentTries++;
          continue;
        }
        const ref = (): LineRef => ({ file, line: n, text: line.trim().slice(0, TEXT_MAX), tsMs: null });
        if (line.includes(SCHEDULER_RETRY_LIMIT_FAILED)) {
          out.gaveUp.count++;
          out.gaveUp.first ??= ref();
          continue;
        }
        const order = schedulerOrderOf(line);
        if (!order) continue;
        out.byReason[order.reason] = (out.byReason[order.reason] ?? 0) + 1;
        if (out.orders.length < MAX_KEPT) out.orders.push({ ...order, ref: ref() });
      }
    } catch (e) {
      ctx.problem({
        file,
        ...(n > 0 ? { line: n } : {}),
        message: `could not read the scheduler's log: ${(e as Error).message}`,
      });
    }
  }
  return out;
}
