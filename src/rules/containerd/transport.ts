// How fast layers can move on this node, from the best measurement the bundle holds.
import type { Facts } from '../../facts/types.js';

/** Per-stream ceiling containerd reaches from a local cache when nothing better is measured (containerd#8160). */
const PER_STREAM_REF_MBPS = 130;

export interface Transport {
  /** MB/s one layer download reaches, and where the figure came from. */
  perStream: number;
  perStreamFrom: string;
  /** MB/s all downloads together cannot exceed (the slower of disk and loopback), when measured. */
  aggregate: number | null;
  aggregateFrom: string;
}

export function transport(f: Facts): Transport {
  const m = f.measurements;
  let perStream = PER_STREAM_REF_MBPS;
  let perStreamFrom = 'reference figure from containerd#8160: ~130 MB/s per layer from a local cache';
  if (m.loopback?.dfdaemon?.throughputMBps) {
    perStream = m.loopback.dfdaemon.throughputMBps;
    perStreamFrom = `measurements.loopback.dfdaemon.throughputMBps`;
  } else if (m.bench?.floors.dfdaemonFetchMBps) {
    perStream = m.bench.floors.dfdaemonFetchMBps;
    perStreamFrom = 'measurements.bench.floors.dfdaemonFetchMBps';
  }
  const caps: [number, string][] = [];
  if (m.disk?.seqReadMBps) caps.push([m.disk.seqReadMBps, 'measurements.disk.seqReadMBps']);
  if (m.loopback?.baseline?.throughput?.MBps)
    caps.push([m.loopback.baseline.throughput.MBps, 'measurements.loopback.baseline.throughput.MBps']);
  caps.sort((a, b) => a[0] - b[0]);
  return { perStream, perStreamFrom, aggregate: caps[0]?.[0] ?? null, aggregateFrom: caps[0]?.[1] ?? '' };
}
