// Whether a zap log is the Dragonfly scheduler's rather than dfdaemon's, from the callers its lines name
// (SCHEDULER_CALLER_DIRS): a scheduler log handed over as dfdaemon's must not be read as the daemon's.
import {
  type BackSourceReason,
  backSourceReason,
  SCHEDULER_CALLER_DIRS,
  SCHEDULER_GAVE_UP,
  SCHEDULER_ORDER,
} from '../knowledge/dragonfly-scheduler.js';

/**
 * zap JSON's "caller", zap console's third field: "<dir>/<file>.go:<line>". The console's fields are
 * tab-separated as written; a paste into an issue often turns the tabs into spaces (dragonfly#701), so
 * the console form is read after its time and level, with either.
 */
const CALLER = /"caller":"([\w./-]+\.go):\d+"|^\S+[\t ]+[A-Z]+[\t ]+([\w./-]+\.go):\d+[\t ]/;
/** The source file a zap line names as its caller, without the line number. */
export function zapCaller(line: string): string | undefined {
  const m = CALLER.exec(line);
  return m?.[1] ?? m?.[2];
}

/** How much of a file is looked at: the head is enough (a daemon's lines name its callers from the first). */
export const SCHEDULER_SAMPLE = 64 * 1024;

/**
 * The callers (at most three) of a zap log's head when more of its lines name a caller `mine` takes than one
 * it does not: `mine` gives the name to show for a caller of the component, null for another's caller, and
 * undefined for one that counts for neither side (a source name two components share).
 */
export function dominantCallers(text: string, mine: (caller: string) => string | null | undefined): string[] | null {
  let ours = 0;
  let other = 0;
  const seen = new Set<string>();
  for (const line of text.slice(0, SCHEDULER_SAMPLE).split('\n')) {
    const caller = zapCaller(line);
    if (!caller) continue;
    const name = mine(caller);
    if (name === null) other++;
    else if (name !== undefined) {
      ours++;
      if (seen.size < 3) seen.add(name);
    }
  }
  return ours > 0 && ours > other ? [...seen] : null;
}

/**
 * The scheduler callers (at most three, file without line) when most lines that name a caller name a
 * scheduler source; null otherwise (a dfdaemon log, or a text with no zap line).
 */
export function schedulerCallers(text: string): string[] | null {
  return dominantCallers(text, (caller) => {
    const parts = caller.split('/');
    return parts.length >= 2 && SCHEDULER_CALLER_DIRS.has(parts[parts.length - 2] as string) ? caller : null;
  });
}

/** A scheduler line that sends a peer to the origin, with the reason it gives and the ids its fields name. */
export interface SchedulerOrder {
  reason: BackSourceReason;
  /** retryBackToSourceLimit in effect, when the line names it. */
  limit?: number;
  /** The API of the order: v2 (NeedBackToSourceResponse, the Rust client) or v1 (Code_SchedNeedBackSource, Go). */
  api: 'v1' | 'v2';
  taskId?: string;
  peerId?: string;
  hostId?: string;
}

/** zap's fields, JSON (`"peerID":"…"`) or console (`{"peerID": "…"}`): the same keys in both layouts. */
const field = (line: string, key: string): string | undefined =>
  new RegExp(`"${key}": ?"([^"]{1,200})"`).exec(line)?.[1];

/** The order a scheduler log line gives, or null (SCHEDULER_ORDER, knowledge/dragonfly-scheduler.ts). */
export function schedulerOrderOf(line: string): SchedulerOrder | null {
  const m = SCHEDULER_ORDER.exec(line);
  if (!m) return null;
  // v2.0.3–v2.0.8: "scheduling %d times, peer need back-to-source %t"; the limit it reached is not named
  const r: ReturnType<typeof backSourceReason> = m[1]
    ? backSourceReason(m[1])
    : { reason: m[3] === 'true' ? 'peer-needs-source' : 'retry-limit' };
  if (!r) return null;
  const order: SchedulerOrder = {
    reason: r.reason,
    api: m[0].startsWith('send NeedBackToSourceResponse') ? 'v2' : 'v1',
  };
  if (r.limit !== undefined) order.limit = r.limit;
  const taskId = field(line, 'taskID');
  const peerId = field(line, 'peerID');
  const hostId = field(line, 'hostID');
  if (taskId) order.taskId = taskId;
  if (peerId) order.peerId = peerId;
  if (hostId) order.hostId = hostId;
  return order;
}

/**
 * The reason a Rust dfdaemon's order line names: v0.1.0–v1.4.0 log the whole response,
 * `info!("need back to source response: {:?}", response)` (dragonflyoss/client v1.4.0
 * dragonfly-client/src/resource/task.rs:838, v0.1.30 dragonfly-client/src/task/mod.rs:633), whose
 * description is an optional string (dragonflyoss/api scheduler.v2 NeedBackToSourceResponse, `#[prost(string,
 * optional, tag = "1")]`), printed `description: Some("…")`; v1.4.1 onwards logs no response (task.rs:950
 * at v1.5.1), the Go daemon's v1 order carries none.
 */
export function orderDescriptionReason(text: string): ReturnType<typeof backSourceReason> {
  const m = /need back to source response: .*?description: (?:Some\()?"([^"]{1,200})"/.exec(text);
  return m ? backSourceReason(m[1] as string) : null;
}

/** A scheduler line that gives a peer up with no order (SCHEDULER_GAVE_UP), and the ids its fields name. */
export interface SchedulerGaveUp {
  /** v2: the Rust client, which then goes to the origin itself; v1: the Go dfdaemon, whose task fails (5006). */
  api: 'v1' | 'v2';
  /** retryLimit in effect. */
  limit: number;
  taskId?: string;
  peerId?: string;
}

/** The give-up a scheduler log line states, or null. */
export function schedulerGaveUpOf(line: string): SchedulerGaveUp | null {
  const m = SCHEDULER_GAVE_UP.exec(line);
  if (!m) return null;
  const out: SchedulerGaveUp = {
    api: m[1] === 'scheduling failed' ? 'v2' : 'v1',
    limit: Number(m[2] ?? m[3]),
  };
  const taskId = field(line, 'taskID');
  const peerId = field(line, 'peerID');
  if (taskId) out.taskId = taskId;
  if (peerId) out.peerId = peerId;
  return out;
}
