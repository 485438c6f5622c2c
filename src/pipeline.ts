// The analysis every command shares — bundle → facts → rules → ranked report — as one pure
// function: it reads only through BundleReader, and the clock reading and tool version come in with
// `origin`, so the same bundle gives the same report anywhere (docs/architecture.md#flow).
import type { Manifest } from './bundle/manifest.js';
import type { Measurements } from './bundle/measurements.js';
import type { BundleReader } from './bundle/reader.js';
import { evaluate } from './engine.js';
import { buildFacts } from './facts/index.js';
import type { AnalysisSettings } from './facts/types.js';
import { buildReport, type ReportOrigin } from './report/build.js';
import type { Report } from './report/model.js';
import { RULES } from './rules/index.js';

export async function analyse(
  reader: BundleReader,
  head: { manifest: Manifest; measurements: Measurements },
  settings: Partial<AnalysisSettings>,
  origin: ReportOrigin,
): Promise<Report> {
  const facts = await buildFacts(reader, head.manifest, head.measurements, settings);
  return buildReport(facts, evaluate(facts, RULES), origin);
}
