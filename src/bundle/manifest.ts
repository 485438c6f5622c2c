import * as z from 'zod';

/** The newest bundle format this build reads and writes (docs/architecture.md#bundle). */
export const BUNDLE_FORMAT_VERSION = 1;

export const ProbeStatusSchema = z.enum(['ok', 'skipped', 'failed']);

const ProbeStepSchema = z.object({ atMs: z.number().nonnegative(), what: z.string() });
export type ProbeStep = z.infer<typeof ProbeStepSchema>;

export const ProbeRecordSchema = z
  .object({
    status: ProbeStatusSchema,
    reason: z.string().optional(),
    durationMs: z.number().nonnegative(),
    /** When the probe started, in ms from the start of the run (absent for a probe that did not run). */
    startMs: z.number().nonnegative().optional(),
    /** What it did when (ms from the start of the run): the progress it showed, e.g. "measuring". */
    steps: z.array(ProbeStepSchema).optional(),
  })
  // probes may record their own details (e.g. dfdaemon's scrapeTimes)
  .catchall(z.unknown());
export type ProbeRecord = z.infer<typeof ProbeRecordSchema>;

export const HostSchema = z.object({
  hostname: z.string(),
  kernel: z.string(),
  os: z.string(),
  cpus: z.number().int().nonnegative(),
  memoryBytes: z.number().nonnegative(),
});
export type Host = z.infer<typeof HostSchema>;

export const RedactionSchema = z.object({ file: z.string(), what: z.string(), count: z.number().int().positive() });
export type Redaction = z.infer<typeof RedactionSchema>;

export const ManifestSchema = z.object({
  format: z.literal('dfdoctor-bundle'),
  version: z.number().int().positive(),
  createdAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  host: HostSchema,
  probes: z.record(z.string(), ProbeRecordSchema),
  /** What redaction removed and where; never the value. */
  redactions: z.array(RedactionSchema).optional(),
  /**
   * Where each bundle file came from on the node: the path read there, a `command` whose output it is,
   * or what dfdoctor made it from. The report names these beside the bundle paths its evidence cites.
   * Only a note for the reader: a damaged entry (not a string) is left out, never a reason to refuse the bundle.
   */
  sources: z.record(z.string(), z.unknown()).optional(),
  /** Caps applied to what the bundle holds (e.g. log bytes), stated so a reader knows what is missing. */
  caps: z.record(z.string(), z.string()).optional(),
});
export type Manifest = z.infer<typeof ManifestSchema>;
