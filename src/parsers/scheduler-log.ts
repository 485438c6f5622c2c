// Whether a zap log is the Dragonfly scheduler's rather than dfdaemon's, from the callers its lines name
// (SCHEDULER_CALLER_DIRS): a scheduler log handed over as dfdaemon's must not be read as the daemon's.
import { SCHEDULER_CALLER_DIRS } from '../knowledge/dragonfly-scheduler.js';

/** zap JSON's "caller", zap console's third field: "<dir>/<file>.go:<line>". */
const CALLER = /"caller":"([\w./-]+\.go):\d+"|\t([\w./-]+\.go):\d+\t/;
/** How much of a file is looked at: the head is enough (a daemon's lines name its callers from the first). */
export const SCHEDULER_SAMPLE = 64 * 1024;

/**
 * The scheduler callers (at most three, file without line) when most lines that name a caller name a
 * scheduler source; null otherwise (a dfdaemon log, or a text with no zap line).
 */
export function schedulerCallers(text: string): string[] | null {
  let scheduler = 0;
  let other = 0;
  const seen = new Set<string>();
  for (const line of text.slice(0, SCHEDULER_SAMPLE).split('\n')) {
    const m = CALLER.exec(line);
    const caller = m?.[1] ?? m?.[2];
    if (!caller) continue;
    const parts = caller.split('/');
    if (parts.length >= 2 && SCHEDULER_CALLER_DIRS.has(parts[parts.length - 2] as string)) {
      scheduler++;
      if (seen.size < 3) seen.add(caller);
    } else other++;
  }
  return scheduler > 0 && scheduler > other ? [...seen] : null;
}
