import type { Measurements } from '../bundle/measurements.js';

/** One line per measured figure, for the table and markdown reports. */
export function measurementLines(m: Measurements): string[] {
  const out: string[] = [];
  const n = (v: number | null | undefined, unit: string, digits = 1) =>
    v === null || v === undefined ? 'n/a' : `${v.toFixed(digits)} ${unit}`;
  if (m.disk) {
    const d = m.disk;
    out.push(
      `disk ${d.path} (${d.device ?? '?'}, ${d.fsType ?? '?'}): sequential read ${n(d.seqReadMBps, 'MB/s')} [${d.method}], 4 KiB random read p50 ${n(d.randReadP50Ms, 'ms', 2)} p99 ${n(d.randReadP99Ms, 'ms', 2)}`,
    );
  }
  if (m.loopback?.baseline) {
    const b = m.loopback.baseline;
    // no figure is not a zero: the RTT was measured, no bulk transfer completed
    const tp = b.throughput ? n(b.throughput.MBps, 'MB/s') : 'not measured';
    out.push(`loopback baseline: RTT p50 ${n(b.rttP50Ms, 'ms', 3)} p99 ${n(b.rttP99Ms, 'ms', 3)}, throughput ${tp}`);
  }
  if (m.loopback?.dfdaemon) {
    const d = m.loopback.dfdaemon;
    out.push(
      `dfdaemon ${d.endpoint}: connect p50 ${n(d.connectP50Ms, 'ms', 3)}, TTFB p50 ${n(d.ttfbP50Ms, 'ms', 2)} p99 ${n(d.ttfbP99Ms, 'ms', 2)}, throughput ${n(d.throughputMBps, 'MB/s')}`,
    );
  }
  if (m.cpu) out.push(`cpu: gunzip ${n(m.cpu.gunzipMBps, 'MB/s')}, sha256 ${n(m.cpu.sha256MBps, 'MB/s')}`);
  if (m.bench) {
    for (const p of m.bench.pulls) {
      const bytes = p.layers.reduce((s, l) => s + l.bytes, 0);
      out.push(
        `bench ${m.bench.image} ${p.kind} pull: ${p.wallSeconds.toFixed(2)} s, ${p.layers.length} layers, ${(bytes / 1e6).toFixed(1)} MB`,
      );
    }
  }
  return out;
}
