// Baselines: the measured figures of a node saved when it was good (`dfdoctor baseline save`), and the
// comparison of today's figures with them (`diagnose --baseline FILE --tolerance 0.25`). Pure.
import * as z from 'zod';
import type { Measurements } from '../bundle/measurements.js';
import { figuresOf } from './baseline-figures.js';
import { BASELINE_FORMAT, BASELINE_VERSION, type Baseline, type BaselineFigure } from './baseline-file.js';

// The file's types, the figures and their comparison need no schema: the rules and `--help` load them
// without zod.
export * from './baseline-file.js';
export * from './baseline-figures.js';

export const BaselineFigureSchema: z.ZodType<BaselineFigure> = z.object({
  value: z.number().nonnegative(),
  unit: z.string(),
  /** What the figure was measured on (path and method, endpoint, image): only like is compared with like. */
  context: z.string().optional(),
});

export const BaselineSchema: z.ZodType<Baseline> = z.object({
  format: z.literal(BASELINE_FORMAT),
  version: z.literal(BASELINE_VERSION),
  createdAt: z.string(),
  tool: z.object({ name: z.string(), version: z.string() }),
  host: z.object({ hostname: z.string(), kernel: z.string().optional(), os: z.string().optional() }),
  figures: z.record(z.string(), BaselineFigureSchema),
});

export function makeBaseline(o: {
  measurements: Measurements;
  createdAt: string;
  tool: { name: string; version: string };
  host: { hostname: string; kernel?: string; os?: string };
}): Baseline {
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: o.createdAt,
    tool: o.tool,
    host: o.host,
    figures: figuresOf(o.measurements),
  };
}

/** A baseline file's text → the baseline, or a message naming what is wrong and where. */
export function parseBaseline(text: string): { ok: true; baseline: Baseline } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not valid JSON (${(e as Error).message})` };
  }
  const fmt = (raw as { format?: unknown } | null)?.format;
  if (fmt !== BASELINE_FORMAT)
    return {
      ok: false,
      message: `not a dfdoctor baseline (format is ${JSON.stringify(fmt)}, expected "${BASELINE_FORMAT}"); write one with \`dfdoctor baseline save FILE\``,
    };
  const version = (raw as { version?: unknown }).version;
  if (typeof version === 'number' && version > BASELINE_VERSION) {
    return {
      ok: false,
      message: `baseline version ${version} is newer than this dfdoctor reads (${BASELINE_VERSION}); upgrade dfdoctor`,
    };
  }
  const r = BaselineSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    return {
      ok: false,
      message: `invalid baseline: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, baseline: r.data };
}
