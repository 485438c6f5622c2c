import * as z from 'zod';
import { CAUSES, SEVERITIES } from '../causes.js';
import { HostSchema, ProbeRecordSchema } from '../bundle/manifest.js';
import { MeasurementsSchema } from '../bundle/measurements.js';
import { REPORT_SCHEMA_VERSION } from './schema-version.js';

/** The formats a config snippet is written in; the markdown report fences it with this language. */
export const SNIPPET_FORMATS = ['toml', 'yaml', 'ini', 'json', 'text'] as const;

/**
 * One remediation step, typed so that each format can render it as what it is: a shell command one
 * can paste into a shell, a config snippet with the file it goes into, or prose for a person.
 */
export const StepSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), command: z.string().min(1) }),
  z.object({
    kind: z.literal('snippet'),
    file: z.string().min(1),
    format: z.enum(SNIPPET_FORMATS),
    text: z.string().min(1),
  }),
  z.object({ kind: z.literal('prose'), text: z.string().min(1) }),
]);

export type Step = z.infer<typeof StepSchema>;
export type SnippetFormat = (typeof SNIPPET_FORMATS)[number];

export const DiagnosisSchema = z.object({
  rank: z.number().int().positive(),
  rule: z.string().regex(/^[a-z0-9-]+\.[a-z0-9.-]+$/),
  cause: z.enum(CAUSES),
  severity: z.enum(SEVERITIES),
  confidence: z.number().min(0).max(1),
  title: z.string(),
  evidence: z.array(z.string()),
  impactSeconds: z.number().nonnegative().optional(),
  remediation: z.object({ summary: z.string(), steps: z.array(StepSchema) }),
});

/** One setting dfdoctor read and judged by, with where it came from (file:line, a flag, the probe, or a default). */
export const ReadSettingSchema = z.object({
  area: z.enum(['containerd', 'kubelet', 'dfdaemon', 'disk']),
  setting: z.string(),
  value: z.string(),
  from: z.string().min(1),
});
export type ReadSetting = z.infer<typeof ReadSettingSchema>;

/** The pull in question over time: per-layer phases from bench, or dfdaemon's tasks from its log. */
export const TimelineSchema = z.object({
  source: z.enum(['bench', 'dfdaemon-logs']),
  title: z.string(),
  tasks: z.array(
    z.object({
      section: z.string(),
      label: z.string(),
      startMs: z.number().nonnegative(),
      endMs: z.number().nonnegative(),
    }),
  ),
  /** Tasks of the pull left out of `tasks`, which then keeps the longest (report/timeline.ts). */
  omitted: z.number().int().positive().optional(),
});
export type Timeline = z.infer<typeof TimelineSchema>;

export const NoteSchema = z.object({ text: z.string(), source: z.string().optional() });

/** The JSON report (docs/architecture.md#report). `schema/report.schema.json` is generated from this. */
export const ReportSchema = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  createdAt: z.string(),
  /** Where the facts came from: the live node, or the bundle analysed. */
  source: z.object({
    kind: z.enum(['live', 'bundle']),
    bundleCreatedAt: z.string().optional(),
    path: z.string().optional(),
  }),
  host: HostSchema,
  probes: z.record(z.string(), ProbeRecordSchema),
  measurements: MeasurementsSchema,
  diagnoses: z.array(DiagnosisSchema),
  /** What dfdoctor read: the settings that decided the verdicts. Optional so reports of earlier versions still read. */
  read: z.object({ settings: z.array(ReadSettingSchema) }).optional(),
  /**
   * The bundle files the report cites, each with where it came from on the node (the bundle's record):
   * absent for a bundle that does not record it.
   */
  files: z.array(z.object({ path: z.string(), from: z.string() })).optional(),
  /** The pull in question over time, when bench measured it or dfdaemon's log shows it. */
  timeline: TimelineSchema.optional(),
  notes: z.array(NoteSchema),
  summary: z.object({
    critical: z.number().int().nonnegative(),
    warning: z.number().int().nonnegative(),
    info: z.number().int().nonnegative(),
  }),
  /** Every rule evaluated, with whether it fired; JUnit needs it. */
  /** `skipped`: the rule's inputs were absent (why); such a rule neither passed nor failed. */
  rules: z.array(
    z.object({
      id: z.string(),
      cause: z.enum(CAUSES),
      title: z.string(),
      fired: z.boolean(),
      skipped: z.string().optional(),
    }),
  ),
});

export type Report = z.infer<typeof ReportSchema>;
/** One ranked finding; the engine produces these (src/engine.ts). */
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
/** What a reader would otherwise misread; not a cause. */
export type Note = z.infer<typeof NoteSchema>;
