import * as z from 'zod';

// Numbers that need the live node (docs/architecture.md#measurements). Units are in the names; MB = 10^6 bytes.
// Every area is optional: a probe that did not run leaves its area out.

export const DiskMeasurementSchema = z.object({
  path: z.string(),
  device: z.string().nullable(),
  fsType: z.string().nullable(),
  rotational: z.boolean().nullable(),
  seqReadMBps: z.number().nonnegative().nullable(),
  randReadP50Ms: z.number().nonnegative().nullable(),
  randReadP99Ms: z.number().nonnegative().nullable(),
  pageCacheReadMBps: z.number().nonnegative().nullable().optional(),
  /** How many 4 KiB random reads the percentiles rest on, and the fastest of them. */
  randReadSamples: z.number().int().nonnegative().optional(),
  randReadMinMs: z.number().nonnegative().optional(),
  method: z.enum(['o_direct', 'fio', 'page_cache', 'existing_files']),
  bytesRead: z.number().nonnegative(),
  freeBytes: z.number().nonnegative().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  freeInodes: z.number().nonnegative().nullable().optional(),
  totalInodes: z.number().nonnegative().nullable().optional(),
});

/** The round trips to dfdoctor's own listener: kept-alive, and (when measured) on fresh connections. */
const loopbackRtt = {
  rttP50Ms: z.number().nonnegative(),
  rttP99Ms: z.number().nonnegative(),
  freshConnRttP50Ms: z.number().nonnegative().optional(),
  freshConnRttP99Ms: z.number().nonnegative().optional(),
  samples: z.number().int().nonnegative().optional(),
  /** Fresh-connection samples (net probe). */
  freshSamples: z.number().int().nonnegative().optional(),
};

/** The bulk transfer to the same listener: absent as a whole when none completed (a lossy lo can stall every one). */
const LoopbackThroughputSchema = z.object({
  MBps: z.number().nonnegative(),
  /** Bytes the timed transfer moved (net probe). */
  bytes: z.number().nonnegative().optional(),
  /** The same transfer over a UNIX socket in the same run: what the CPUs allow without lo and netfilter. */
  unixMBps: z.number().nonnegative().optional(),
});

const LoopbackBaselineSchema = z.object({ ...loopbackRtt, throughput: LoopbackThroughputSchema.optional() });
export type LoopbackBaseline = z.infer<typeof LoopbackBaselineSchema>;

/**
 * The baseline as dfdoctor wrote it until the RTT was kept without a completed transfer: flat, with
 * throughputMBps required. Bundles of those versions are still read, into the shape above.
 */
const LegacyLoopbackBaselineSchema = z
  .object({
    ...loopbackRtt,
    throughputMBps: z.number().nonnegative(),
    throughputBytes: z.number().nonnegative().optional(),
    unixThroughputMBps: z.number().nonnegative().optional(),
  })
  .transform(({ throughputMBps, throughputBytes, unixThroughputMBps, ...rtt }): LoopbackBaseline => ({
    ...rtt,
    throughput: {
      MBps: throughputMBps,
      ...(throughputBytes !== undefined ? { bytes: throughputBytes } : {}),
      ...(unixThroughputMBps !== undefined ? { unixMBps: unixThroughputMBps } : {}),
    },
  }));

export const LoopbackMeasurementSchema = z.object({
  // the legacy shape first: it needs throughputMBps, which the current shape never has, while the
  // current one would take a legacy baseline and drop its flat throughput fields as unknown keys
  baseline: z.union([LegacyLoopbackBaselineSchema, LoopbackBaselineSchema]).optional(),
  dfdaemon: z
    .object({
      endpoint: z.string(),
      connectP50Ms: z.number().nonnegative().nullable(),
      ttfbP50Ms: z.number().nonnegative().nullable(),
      ttfbP99Ms: z.number().nonnegative().nullable(),
      throughputMBps: z.number().nonnegative().nullable(),
      /** The URL whose real response gave ttfb/throughput (dfdaemon's metrics or health endpoint; the proxy would go upstream). */
      responseUrl: z.string().optional(),
      responseBytes: z.number().nonnegative().optional(),
      /** Every dfdaemon endpoint tried and what it did (net probe). */
      endpoints: z
        .array(
          z.object({
            url: z.string(),
            role: z.string(),
            tcp: z.enum(['open', 'refused', 'timeout', 'error']),
            connectP50Ms: z.number().nonnegative().nullable(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const CpuMeasurementSchema = z.object({
  /** The best of the gunzip runs. */
  gunzipMBps: z.number().nonnegative().nullable(),
  sha256MBps: z.number().nonnegative().nullable(),
  /** Every gunzip run's rate, in the order taken. */
  gunzipRunsMBps: z.array(z.number().nonnegative()).optional(),
  /** Whether two runs agreed within 10 % before the time ran out. */
  gunzipStable: z.boolean().optional(),
});

export const BenchLayerSchema = z.object({
  digest: z.string(),
  bytes: z.number().nonnegative(),
  fetchSeconds: z.number().nonnegative().nullable(),
  unpackSeconds: z.number().nonnegative().nullable(),
  /** Which fetch was timed: containerd's own, or the same request through the mirror because the layer was held already. */
  fetchMeasured: z.enum(['containerd', 'mirror-request']).optional(),
});

export const BenchPullSchema = z.object({
  kind: z.enum(['cold', 'warm']),
  wallSeconds: z.number().nonnegative(),
  resolveSeconds: z.number().nonnegative().nullable(),
  layers: z.array(BenchLayerSchema),
  /** From the first layer request to the last layer done, and containerd's own unpack time (bench). */
  fetchSeconds: z.number().nonnegative().nullable().optional(),
  unpackSeconds: z.number().nonnegative().nullable().optional(),
  /** Layers in groups of max_concurrent_downloads, in start order: each group's span (bench). */
  waves: z
    .array(
      z.object({
        layers: z.number().int().nonnegative(),
        bytes: z.number().nonnegative(),
        seconds: z.number().nonnegative(),
      }),
    )
    .optional(),
});

export const BENCH_PHASES = ['dfdaemon-fetch', 'disk-read', 'loopback', 'gunzip', 'sha256'] as const;
export const BENCH_VERDICT_PHASES = [...BENCH_PHASES, 'fetch-waves', 'unpack', 'resolve'] as const;

/** Phase isolation on the largest layer (bench): each phase's rate and the seconds the whole layer needs at it. */
export const BenchIsolationSchema = z.object({
  digest: z.string(),
  bytes: z.number().nonnegative(),
  /** Bytes actually moved per phase (the layer, or a prefix of it when capped by --bench-bytes). */
  sampledBytes: z.number().nonnegative(),
  phases: z.array(
    z.object({
      phase: z.enum(BENCH_PHASES),
      MBps: z.number().nonnegative().nullable(),
      seconds: z.number().nonnegative().nullable(),
      how: z.string(),
    }),
  ),
  /** The real fetch + unpack of this layer in the slowest pull, for the gap above the floors. */
  realSeconds: z.number().nonnegative().nullable(),
});

/** Which phase bench names as where the seconds went, and in which pull. */
export const BenchVerdictSchema = z.object({
  phase: z.enum(BENCH_VERDICT_PHASES),
  pull: z.enum(['cold', 'warm']),
  seconds: z.number().nonnegative(),
  text: z.string(),
});

export const BenchMeasurementSchema = z.object({
  image: z.string(),
  viaDfdaemon: z.boolean().optional(),
  mirror: z.string().nullable().optional(),
  maxConcurrentDownloads: z.number().int().positive().nullable().optional(),
  pulls: z.array(BenchPullSchema),
  floors: z.object({
    dfdaemonFetchMBps: z.number().nonnegative().nullable(),
    diskReadMBps: z.number().nonnegative().nullable(),
    loopbackMBps: z.number().nonnegative().nullable(),
    gunzipMBps: z.number().nonnegative().nullable(),
    sha256MBps: z.number().nonnegative().nullable(),
  }),
  isolation: BenchIsolationSchema.optional(),
  /** In a report only: concluded at analysis from the numbers above (report/bench-budget.ts). A bundle's stored one (older dfdoctor wrote it) is ignored. */
  verdict: BenchVerdictSchema.optional(),
  /** What a reader must know about how it was measured (shared content, no dfdaemon in the path…). */
  notes: z.array(z.string()).optional(),
});

export const MeasurementsSchema = z.object({
  disk: DiskMeasurementSchema.optional(),
  loopback: LoopbackMeasurementSchema.optional(),
  cpu: CpuMeasurementSchema.optional(),
  bench: BenchMeasurementSchema.optional(),
});

export type Measurements = z.infer<typeof MeasurementsSchema>;

/**
 * Measurements as they are written out (measurements.json, the JSON report): a loopback baseline whose
 * bulk transfer completed keeps the flat throughputMBps/throughputBytes/unixThroughputMBps that every
 * earlier dfdoctor requires, so a bundle or report from this version still opens with an older one (a
 * maintainer's, re-analysing a node's bundle): their readers refuse the whole measurements.json for a
 * missing required field, though they pass over unknown ones. Only a baseline without a throughput, which
 * no earlier version could hold, is written in the nested shape. Both read back through MeasurementsSchema.
 */
export function storedMeasurements(m: Measurements): Measurements | StoredMeasurements {
  const base = m.loopback?.baseline;
  if (!m.loopback || !base?.throughput) return m;
  const { throughput, ...rtt } = base;
  return {
    ...m,
    loopback: {
      ...m.loopback,
      baseline: {
        ...rtt,
        throughputMBps: throughput.MBps,
        ...(throughput.bytes !== undefined ? { throughputBytes: throughput.bytes } : {}),
        ...(throughput.unixMBps !== undefined ? { unixThroughputMBps: throughput.unixMBps } : {}),
      },
    },
  };
}

/** The written form of measurements whose loopback baseline is in the flat shape (storedMeasurements). */
type StoredMeasurements = Omit<Measurements, 'loopback'> & {
  loopback: Omit<LoopbackMeasurement, 'baseline'> & { baseline: z.input<typeof LegacyLoopbackBaselineSchema> };
};
export type DiskMeasurement = z.infer<typeof DiskMeasurementSchema>;
export type LoopbackMeasurement = z.infer<typeof LoopbackMeasurementSchema>;
export type CpuMeasurement = z.infer<typeof CpuMeasurementSchema>;
export type BenchMeasurement = z.infer<typeof BenchMeasurementSchema>;
export type BenchPull = z.infer<typeof BenchPullSchema>;
export type BenchIsolation = z.infer<typeof BenchIsolationSchema>;
export type BenchVerdict = z.infer<typeof BenchVerdictSchema>;
export type BenchPhase = (typeof BENCH_PHASES)[number];
