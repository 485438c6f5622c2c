// How the disk rules' evidence names a rate, a latency, a size and the cache dir's device.
import type { DiskMeasurement } from '../../bundle/measurements.js';
import type { DiskFacts } from '../../facts/disk.js';

export const mb = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} MB/s`;
export const ms = (n: number) => `${n < 1 ? n.toFixed(3) : n.toFixed(1)} ms`;
export const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;

export function deviceText(d: DiskFacts): string {
  const chain = d.chain.length > 1 ? ` (${d.chain.join(' → ')})` : '';
  const models = d.physical.map((p) => [p.vendor, p.model].filter(Boolean).join(' ')).filter((s) => s !== '');
  return `${d.device?.name ?? 'unknown device'}${chain}${models.length > 0 ? `, ${models.join(', ')}` : ''}`;
}

const MEDIUM_TEXT = {
  flash: 'flash-like (sub-0.3 ms)',
  'network-or-virtual': 'network or virtualised block storage (0.3–2 ms)',
  'seek-bound': 'seek-bound or throttled (≥ 2 ms)',
} as const;

/** What the medium looks like, with the rotational flag weighed against measured latency. */
export function mediumEvidence(d: DiskFacts): string[] {
  const rot = d.physical.map(
    (p) => `${p.name} rotational=${p.rotational === null || p.rotational === undefined ? '?' : p.rotational ? 1 : 0}`,
  );
  if (d.medium) {
    const flagNote =
      d.physical.some((p) => p.rotational === true) && d.medium.byLatency === 'flash'
        ? '; the rotational flag is wrong here (virtio disks report 1 on SSD-backed hosts)'
        : '';
    return [
      `4 KiB random read p50 ${ms(d.medium.p50Ms)} → ${MEDIUM_TEXT[d.medium.byLatency]}; measured latency decides, not the flag${rot.length > 0 ? ` (/sys/block/…/queue/rotational: ${rot.join(', ')})` : ''}${flagNote} (measurements.disk.randReadP50Ms)`,
    ];
  }
  return rot.length > 0
    ? [`${rot.join(', ')} (/sys/block/…/queue/rotational; unreliable on VMs, not used to decide)`]
    : [];
}

/** How measurements.disk read the device. */
export const HOW: Record<DiskMeasurement['method'], string> = {
  o_direct: 'O_DIRECT, 1 MiB reads',
  fio: 'fio --direct=1 --bs=1M',
  existing_files: "O_DIRECT reads of dfdaemon's own cached files",
  page_cache: '',
};
