// Facts from a Dragonfly scheduler's log handed over with dfdaemon's (raw/dfdaemon/logs/…): the orders it
// gave peers to go to the origin, each with its reason, so that the rules on back-to-source orders can say
// why. Streamed line by line; only the orders and their counts are kept.
import type { LineRef } from '../parsers/dfdaemon-timeline.js';
import { type SchedulerOrder, schedulerGaveUpOf, schedulerOrderOf } from '../parsers/scheduler-log.js';
import { SCHEDULER_NO_PARENT } from '../knowledge/dragonfly-scheduler.js';
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
  /**
   * Peers given up on with no order, past retryLimit (SCHEDULER_GAVE_UP), counted by the API they were
   * told on: v2 (Rust: it goes to the origin itself), v1 (Go: its task fails with 5006).
   */
  gaveUp: {
    count: number;
    first?: LineRef;
    v1: number;
    v2: number;
    /** retryLimit the first line names. */
    limit?: number;
    /** The first peers', for the steps' grep. */
    peers: string[];
  };
}

export async function buildSchedulerLog(ctx: FactsContext, files: string[]): Promise<SchedulerLogFacts | undefined> {
  if (files.length === 0) return undefined;
  const out: SchedulerLogFacts = {
    files,
    orders: [],
    byReason: {},
    noParentTries: 0,
    gaveUp: { count: 0, v1: 0, v2: 0, peers: [] },
  };
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
        const gaveUp = schedulerGaveUpOf(line);
        if (gaveUp) {
          const g = out.gaveUp;
          g.count++;
          g[gaveUp.api]++;
          if (!g.first) {
            g.first = ref();
            g.limit = gaveUp.limit;
          }
          if (gaveUp.peerId && g.peers.length < 3 && !g.peers.includes(gaveUp.peerId)) g.peers.push(gaveUp.peerId);
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
