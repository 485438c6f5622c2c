// Whether other IO saturates the cache dir's device: read by disk.saturated, and by disk.slow-medium to
// say that part of a slow read may be contention.
import type { DiskFacts } from '../../facts/disk.js';
import type { Facts } from '../../facts/types.js';
import { ms } from './text.js';

/** Latency this many times the device's unloaded latency counts as "far above". */
export const LATENCY_FACTOR = 5;
/** ... and never below this, so that an NVMe going from 0.05 to 0.3 ms does not count as saturated. */
export const LATENCY_FLOOR_MS = 2;
/** Mean queue size (aqu-sz) from which the queue counts as deep. */
export const DEEP_QUEUE = 2;
/** Reads in the window needed before r_await means anything. */
const MIN_READS = 20;

/** The device's unloaded 4 KiB latency, as well as it can be known without a baseline, and why. */
function unloadedLatency(d: DiskFacts): { ms: number; why: string } {
  const nvme = d.physical.some(
    (p) => p.name.startsWith('nvme') || /nvme/i.test(`${p.siType ?? ''} ${p.siPhysical ?? ''} ${p.siInterface ?? ''}`),
  );
  if (nvme) return { ms: 0.05, why: 'NVMe, typically 0.01–0.05 ms unloaded' };
  if (d.physical.length > 0 && d.physical.every((p) => p.rotational === false))
    return { ms: 0.2, why: 'non-rotational, SATA SSD typically 0.08–0.2 ms unloaded' };
  if (d.medium && d.medium.p50Ms < 1)
    return { ms: 0.2, why: `flash-backed by measurement (p50 ${ms(d.medium.p50Ms)})` };
  return {
    ms: 15,
    why: 'possibly rotational: an HDD takes 4–15 ms unloaded (the flag alone is not trusted, so the generous figure is used)',
  };
}

export interface Saturation {
  device: string;
  window: number;
  rAwaitMs: number | null;
  aquSz: number;
  utilPct: number;
  readsPerSec: number;
  writesPerSec: number;
  wAwaitMs: number | null;
  thresholdMs: number;
  unloaded: { ms: number; why: string };
  byRAwait: boolean;
  byMeasured: boolean;
}

/** The most saturated device of the window: deep queue and latency far above unloaded; null when none is. */
export function saturation(f: Facts): Saturation | null {
  const d = f.disk;
  if (!d || d.iostat.length === 0) return null;
  const unloaded = unloadedLatency(d);
  const thresholdMs = Math.max(LATENCY_FACTOR * unloaded.ms, LATENCY_FLOOR_MS);
  const measured = d.read?.method !== 'page_cache' ? (d.read?.randReadP50Ms ?? null) : null;
  let best: Saturation | null = null;
  for (const { device, windowSeconds, stat: s } of d.iostat) {
    if (s.aquSz < DEEP_QUEUE) continue;
    const byRAwait = s.rAwaitMs !== null && s.readsCompleted >= MIN_READS && s.rAwaitMs >= thresholdMs;
    const byMeasured = measured !== null && measured >= thresholdMs;
    if (!byRAwait && !byMeasured) continue;
    if (!best || (s.rAwaitMs ?? 0) > (best.rAwaitMs ?? 0)) {
      const { rAwaitMs, aquSz, utilPct, readsPerSec, writesPerSec, wAwaitMs } = s;
      const stat = { rAwaitMs, aquSz, utilPct, readsPerSec, writesPerSec, wAwaitMs };
      best = { device, window: windowSeconds, ...stat, thresholdMs, unloaded, byRAwait, byMeasured };
    }
  }
  return best;
}
