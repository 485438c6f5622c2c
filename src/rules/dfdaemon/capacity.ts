// What the path around dfdaemon carries, which a download limit is held against (dfdaemon.rate-limit).
import type { Facts } from '../../facts/types.js';

/** With nothing measured, a limit is compared with what a node should deliver for image serving. */
const UNMEASURED_FLOOR_MBPS = 100;

/** What the path around dfdaemon carries (disk read, loopback), MB/s, and which measurement said so. */
export interface Capacity {
  mbps: number;
  from: 'disk' | 'loopback' | 'unmeasured';
}

export function pathCapacity(f: Facts): Capacity {
  const c: Capacity[] = [];
  const d = f.measurements.disk?.seqReadMBps;
  if (typeof d === 'number' && d > 0) c.push({ mbps: d, from: 'disk' });
  const l = f.measurements.loopback?.baseline?.throughput?.MBps;
  if (typeof l === 'number' && l > 0) c.push({ mbps: l, from: 'loopback' });
  if (c.length === 0) return { mbps: UNMEASURED_FLOOR_MBPS, from: 'unmeasured' };
  return c.reduce((a, b) => (b.mbps < a.mbps ? b : a));
}

export const CAPACITY_TEXT: Record<Capacity['from'], (n: number) => string> = {
  disk: (n) => `cache-disk sequential read ${n.toFixed(0)} MB/s (measurements.disk.seqReadMBps)`,
  loopback: (n) => `loopback ${n.toFixed(0)} MB/s (measurements.loopback.baseline.throughput.MBps)`,
  unmeasured: (n) => `${n} MB/s, the least a node should deliver for image serving (disk and loopback not measured)`,
};
