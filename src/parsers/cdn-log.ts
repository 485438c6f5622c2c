// Whether a zap log is the Dragonfly v2.0 CDN's rather than dfdaemon's, from the callers its lines name
// (CDN_CALLERS): a CDN log handed over as dfdaemon's must not be read as the daemon's. Pure.
import { CDN_CALLERS, CDN_SHARED_CALLERS } from '../knowledge/dragonfly-cdn.js';
import { dominantCallers } from './scheduler-log.js';

/**
 * The CDN callers (at most three, file without line) when more lines name a CDN source than name a source
 * of another component (those the CDN shares a name with count for neither); null otherwise.
 */
export function cdnCallers(text: string): string[] | null {
  return dominantCallers(text, (caller) => {
    const short = caller.split('/').slice(-2).join('/');
    return CDN_CALLERS.has(short) ? short : CDN_SHARED_CALLERS.has(short) ? undefined : null;
  });
}
