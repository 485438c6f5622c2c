// A baseline file's content, as `dfdoctor baseline save` writes it and the comparison reads it. Plain
// types, so that the figures (baseline-figures.ts) and the rules use them without loading zod; the
// schema that checks a file against them is in baseline.ts.
export const BASELINE_FORMAT = 'dfdoctor-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineFigure {
  value: number;
  unit: string;
  /** What the figure was measured on (path and method, endpoint, image): only like is compared with like. */
  context?: string;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  createdAt: string;
  tool: { name: string; version: string };
  host: { hostname: string; kernel?: string; os?: string };
  figures: Record<string, BaselineFigure>;
}
