import { defineFacts } from './context.js';

/**
 * What the dfdaemon area knows. The fields below are read by other areas' rules (disk, containerd,
 * net), so they keep these names; the dfdaemon work adds the rest.
 */
export interface DfdaemonFacts {
  generation: 'go' | 'rust' | null;
  version?: string;
  /** The storage (cache) dir in effect, and whether it came from the config or a default. */
  cacheDir?: { path: string; from: 'config' | 'default' | 'flag' };
  /** TCP ports dfdaemon listens on, by role. */
  ports?: { proxy?: number; upload?: number; metrics?: number; health?: number; grpc?: number };
  /**
   * The pull in question as dfdaemon's logs show it (the slow, most recent one): total bytes of the
   * blobs served, how many blobs (layers), and the wall time from first request to last byte when known.
   */
  recentPull?: { bytes: number; layers: number; seconds: number | null; evidence: string };
}

export const dfdaemonFacts = defineFacts({
  area: 'dfdaemon',
  async build() {
    return undefined;
  },
});
