// The figures a baseline keeps and how today's figures compare with them. Pure; no schema library, so
// that the rule catalogue and `--help` load without it.
import type { Cause } from '../causes.js';
import type { Measurements } from '../bundle/measurements.js';
import type { Baseline, BaselineFigure } from './baseline-file.js';

export interface FigureDef {
  id: string;
  label: string;
  unit: 'MB/s' | 'ms' | 's';
  better: 'higher' | 'lower';
  cause: Cause;
  /** A change smaller than this is noise whatever the percentage (0.02 ms → 0.04 ms RTT is not a regression). */
  minDelta: number;
  /** True when the figure is seconds of a pull phase, so the regression's delta is time added to a pull. */
  addsSeconds?: boolean;
  read(m: Measurements): number | null | undefined;
  context?(m: Measurements): string | undefined;
}

const diskCtx = (m: Measurements) => (m.disk ? `${m.disk.path} ${m.disk.method}` : undefined);
const dfCtx = (m: Measurements) => m.loopback?.dfdaemon?.endpoint;
const benchCtx = (m: Measurements) => m.bench?.image;
const warm = (m: Measurements) => m.bench?.pulls.filter((p) => p.kind === 'warm').at(-1);

/** Every figure a baseline keeps, the cause a regression of it points at, and where it is read. */
export const FIGURES: readonly FigureDef[] = [
  {
    id: 'disk.seqReadMBps',
    label: 'cache disk sequential read',
    unit: 'MB/s',
    better: 'higher',
    cause: 'disk-slow-medium',
    minDelta: 5,
    read: (m) => m.disk?.seqReadMBps,
    context: diskCtx,
  },
  {
    id: 'disk.randReadP50Ms',
    label: 'cache disk 4 KiB random read p50',
    unit: 'ms',
    better: 'lower',
    cause: 'disk-slow-medium',
    minDelta: 0.5,
    read: (m) => m.disk?.randReadP50Ms,
    context: diskCtx,
  },
  {
    id: 'disk.randReadP99Ms',
    label: 'cache disk 4 KiB random read p99',
    unit: 'ms',
    better: 'lower',
    cause: 'disk-slow-medium',
    minDelta: 2,
    read: (m) => m.disk?.randReadP99Ms,
    context: diskCtx,
  },
  {
    id: 'loopback.rttP50Ms',
    label: 'loopback round trip p50',
    unit: 'ms',
    better: 'lower',
    cause: 'loopback-slow',
    minDelta: 0.2,
    read: (m) => m.loopback?.baseline?.rttP50Ms,
  },
  {
    id: 'loopback.rttP99Ms',
    label: 'loopback round trip p99',
    unit: 'ms',
    better: 'lower',
    cause: 'loopback-slow',
    minDelta: 0.5,
    read: (m) => m.loopback?.baseline?.rttP99Ms,
  },
  {
    id: 'loopback.throughputMBps',
    label: 'loopback throughput',
    unit: 'MB/s',
    better: 'higher',
    cause: 'loopback-slow',
    minDelta: 20,
    read: (m) => m.loopback?.baseline?.throughput?.MBps,
  },
  {
    id: 'dfdaemon.connectP50Ms',
    label: 'dfdaemon connect p50',
    unit: 'ms',
    better: 'lower',
    cause: 'dfdaemon-resource',
    minDelta: 1,
    read: (m) => m.loopback?.dfdaemon?.connectP50Ms,
    context: dfCtx,
  },
  {
    id: 'dfdaemon.ttfbP50Ms',
    label: 'dfdaemon time to first byte p50',
    unit: 'ms',
    better: 'lower',
    cause: 'dfdaemon-resource',
    minDelta: 2,
    read: (m) => m.loopback?.dfdaemon?.ttfbP50Ms,
    context: dfCtx,
  },
  {
    id: 'dfdaemon.ttfbP99Ms',
    label: 'dfdaemon time to first byte p99',
    unit: 'ms',
    better: 'lower',
    cause: 'dfdaemon-resource',
    minDelta: 5,
    read: (m) => m.loopback?.dfdaemon?.ttfbP99Ms,
    context: dfCtx,
  },
  {
    id: 'dfdaemon.throughputMBps',
    label: 'dfdaemon task throughput over loopback',
    unit: 'MB/s',
    better: 'higher',
    cause: 'dfdaemon-resource',
    minDelta: 5,
    read: (m) => m.loopback?.dfdaemon?.throughputMBps,
    context: dfCtx,
  },
  {
    id: 'cpu.gunzipMBps',
    label: 'gunzip rate of one core',
    unit: 'MB/s',
    better: 'higher',
    cause: 'cpu-contention',
    minDelta: 5,
    read: (m) => m.cpu?.gunzipMBps,
  },
  {
    id: 'cpu.sha256MBps',
    label: 'sha256 rate of one core',
    unit: 'MB/s',
    better: 'higher',
    cause: 'cpu-contention',
    minDelta: 10,
    read: (m) => m.cpu?.sha256MBps,
  },
  {
    id: 'bench.warm.resolveSeconds',
    label: 'warm pull: tag resolve',
    unit: 's',
    better: 'lower',
    cause: 'registry-roundtrip',
    minDelta: 0.3,
    addsSeconds: true,
    read: (m) => warm(m)?.resolveSeconds,
    context: benchCtx,
  },
  {
    id: 'bench.warm.fetchSeconds',
    label: 'warm pull: layer fetch',
    unit: 's',
    better: 'lower',
    cause: 'dfdaemon-resource',
    minDelta: 0.3,
    addsSeconds: true,
    read: (m) => warm(m)?.fetchSeconds,
    context: benchCtx,
  },
  {
    id: 'bench.warm.unpackSeconds',
    label: 'warm pull: unpack',
    unit: 's',
    better: 'lower',
    cause: 'unpack-bound',
    minDelta: 0.3,
    addsSeconds: true,
    read: (m) => warm(m)?.unpackSeconds,
    context: benchCtx,
  },
  {
    id: 'bench.floors.dfdaemonFetchMBps',
    label: 'bench floor: dfdaemon fetch',
    unit: 'MB/s',
    better: 'higher',
    cause: 'dfdaemon-resource',
    minDelta: 5,
    read: (m) => m.bench?.floors.dfdaemonFetchMBps,
    context: benchCtx,
  },
  {
    id: 'bench.floors.diskReadMBps',
    label: 'bench floor: disk read',
    unit: 'MB/s',
    better: 'higher',
    cause: 'disk-slow-medium',
    minDelta: 5,
    read: (m) => m.bench?.floors.diskReadMBps,
    context: benchCtx,
  },
  {
    id: 'bench.floors.loopbackMBps',
    label: 'bench floor: loopback',
    unit: 'MB/s',
    better: 'higher',
    cause: 'loopback-slow',
    minDelta: 20,
    read: (m) => m.bench?.floors.loopbackMBps,
    context: benchCtx,
  },
  {
    id: 'bench.floors.gunzipMBps',
    label: 'bench floor: gunzip',
    unit: 'MB/s',
    better: 'higher',
    cause: 'unpack-bound',
    minDelta: 5,
    read: (m) => m.bench?.floors.gunzipMBps,
    context: benchCtx,
  },
  {
    id: 'bench.floors.sha256MBps',
    label: 'bench floor: sha256',
    unit: 'MB/s',
    better: 'higher',
    cause: 'dfdaemon-verification',
    minDelta: 10,
    read: (m) => m.bench?.floors.sha256MBps,
    context: benchCtx,
  },
];

/** The figures of a run's measurements, for `baseline save`. */
export function figuresOf(m: Measurements): Record<string, BaselineFigure> {
  const out: Record<string, BaselineFigure> = {};
  for (const f of FIGURES) {
    const v = f.read(m);
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) continue;
    const ctx = f.context?.(m);
    out[f.id] = { value: v, unit: f.unit, ...(ctx !== undefined ? { context: ctx } : {}) };
  }
  return out;
}

export interface Comparison {
  figure: FigureDef;
  was: number;
  now: number;
  /** Signed relative change, positive = worse. */
  worsePct: number;
  regressed: boolean;
}

/** Every figure present in both the baseline and today's measurements, measured the same way. */
export function compareWithBaseline(baseline: Baseline, m: Measurements, tolerance: number): Comparison[] {
  const out: Comparison[] = [];
  for (const f of FIGURES) {
    const saved = baseline.figures[f.id];
    const now = f.read(m);
    if (!saved || typeof now !== 'number' || !Number.isFinite(now)) continue;
    if ((saved.context ?? undefined) !== (f.context?.(m) ?? undefined)) continue;
    const was = saved.value;
    const worse = f.better === 'higher' ? was - now : now - was;
    const worsePct = was > 0 ? (worse / was) * 100 : worse > 0 ? Infinity : 0;
    const regressed = worse > f.minDelta && worse > tolerance * was;
    out.push({ figure: f, was, now, worsePct, regressed });
  }
  return out;
}

/** Regressions pointing at one cause. */
export function regressionsFor(
  baseline: Baseline | undefined,
  m: Measurements,
  tolerance: number,
  cause: Cause,
): Comparison[] {
  if (!baseline) return [];
  return compareWithBaseline(baseline, m, tolerance).filter((c) => c.regressed && c.figure.cause === cause);
}

export function formatFigure(v: number, unit: FigureDef['unit']): string {
  const digits = unit === 'ms' ? (v < 1 ? 3 : 2) : unit === 's' ? 2 : v < 10 ? 2 : 1;
  return `${v.toFixed(digits)} ${unit}`;
}
