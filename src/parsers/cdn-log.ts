// Whether a zap log is the Dragonfly v2.0 CDN's rather than dfdaemon's, from the callers its lines name
// (CDN_CALLERS): a CDN log handed over as dfdaemon's must not be read as the daemon's. Pure.
import { CDN_CALLERS, CDN_SHARED_CALLERS } from '../knowledge/dragonfly-cdn.js';
import { SCHEDULER_SAMPLE, zapCaller } from './scheduler-log.js';

/**
 * The CDN callers (at most three, file without line) when more lines name a CDN source than name a source
 * of another component (those the CDN shares a name with count for neither); null otherwise.
 */
export function cdnCallers(text: string): string[] | null {
  let cdn = 0;
  let other = 0;
  const seen = new Set<string>();
  for (const line of text.slice(0, SCHEDULER_SAMPLE).split('\n')) {
    const caller = zapCaller(line);
    if (!caller) continue;
    const short = caller.split('/').slice(-2).join('/');
    if (CDN_CALLERS.has(short)) {
      cdn++;
      if (seen.size < 3) seen.add(short);
    } else if (!CDN_SHARED_CALLERS.has(short)) other++;
  }
  return cdn > 0 && cdn > other ? [...seen] : null;
}
