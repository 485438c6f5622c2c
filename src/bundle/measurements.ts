import { z } from 'zod';

// Numbers that need the live node (DESIGN §4). Units are in the names; MB = 10^6 bytes.
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
  method: z.enum(['o_direct', 'fio', 'page_cache', 'existing_files']),
  bytesRead: z.number().nonnegative(),
  freeBytes: z.number().nonnegative().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  freeInodes: z.number().nonnegative().nullable().optional(),
  totalInodes: z.number().nonnegative().nullable().optional(),
});

export const LoopbackMeasurementSchema = z.object({
  baseline: z
    .object({
      rttP50Ms: z.number().nonnegative(),
      rttP99Ms: z.number().nonnegative(),
      freshConnRttP50Ms: z.number().nonnegative().optional(),
      freshConnRttP99Ms: z.number().nonnegative().optional(),
      throughputMBps: z.number().nonnegative(),
      samples: z.number().int().nonnegative().optional(),
    })
    .optional(),
  dfdaemon: z
    .object({
      endpoint: z.string(),
      connectP50Ms: z.number().nonnegative().nullable(),
      ttfbP50Ms: z.number().nonnegative().nullable(),
      ttfbP99Ms: z.number().nonnegative().nullable(),
      throughputMBps: z.number().nonnegative().nullable(),
    })
    .optional(),
});

export const CpuMeasurementSchema = z.object({
  gunzipMBps: z.number().nonnegative().nullable(),
  sha256MBps: z.number().nonnegative().nullable(),
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
});

export const MeasurementsSchema = z.object({
  disk: DiskMeasurementSchema.optional(),
  loopback: LoopbackMeasurementSchema.optional(),
  cpu: CpuMeasurementSchema.optional(),
  bench: BenchMeasurementSchema.optional(),
});

export type Measurements = z.infer<typeof MeasurementsSchema>;
export type DiskMeasurement = z.infer<typeof DiskMeasurementSchema>;
export type LoopbackMeasurement = z.infer<typeof LoopbackMeasurementSchema>;
export type CpuMeasurement = z.infer<typeof CpuMeasurementSchema>;
export type BenchMeasurement = z.infer<typeof BenchMeasurementSchema>;
export type MeasurementArea = keyof Measurements;
