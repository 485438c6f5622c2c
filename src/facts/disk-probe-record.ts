import * as z from 'zod';

// What the disk probe records in the manifest (probes.disk): how the device under the cache dir was
// resolved and how the read test ran. Every field optional, so an older or hand-made bundle still reads.

const PhysicalSchema = z.object({
  name: z.string(),
  majMin: z.string().optional(),
  rotational: z.boolean().nullable().optional(),
  scheduler: z.string().nullable().optional(),
  readAheadKb: z.number().nullable().optional(),
  model: z.string().nullable().optional(),
  vendor: z.string().nullable().optional(),
  siPhysical: z.string().nullable().optional(),
  siType: z.string().nullable().optional(),
  siInterface: z.string().nullable().optional(),
});

export const DiskProbeRecordSchema = z.object({
  cacheDir: z.string().optional(),
  cacheDirFrom: z.enum(['flag', 'dfdaemon', 'default']).optional(),
  diskstatsIntervalMs: z.number().positive().optional(),
  mount: z
    .object({
      mountPoint: z.string(),
      fsType: z.string(),
      source: z.string(),
      options: z.array(z.string()),
      majMin: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  device: z
    .object({
      name: z.string(),
      majMin: z.string(),
      kind: z.string(),
      dmName: z.string().optional(),
      backingFile: z.string().optional(),
    })
    .nullable()
    .optional(),
  chain: z.array(z.string()).optional(),
  physical: z.array(PhysicalSchema).optional(),
  readTest: z
    .union([
      z.string(),
      z.object({ method: z.string().optional(), notes: z.array(z.string()).optional() }).passthrough(),
    ])
    .optional(),
});

export type PhysicalRecord = z.infer<typeof PhysicalSchema>;
