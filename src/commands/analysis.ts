import { readFile } from 'node:fs/promises';
import type { BundleReader } from '../bundle/reader.js';
import type { Manifest } from '../bundle/manifest.js';
import type { Measurements } from '../bundle/measurements.js';
import { evaluate } from '../engine.js';
import { UsageError } from '../errors.js';
import { parseBaseline } from '../facts/baseline.js';
import { buildFacts } from '../facts/index.js';
import type { AnalysisSettings } from '../facts/types.js';
import { buildReport } from '../report/build.js';
import type { Report } from '../report/model.js';
import { RULES } from '../rules/index.js';
import type { AnalysisFlags } from './options.js';
import { toolInfo } from './tool-info.js';

/** The one analysis path shared by diagnose and analyze: bundle → facts → rules → report. */
export async function analyse(
  reader: BundleReader,
  head: { manifest: Manifest; measurements: Measurements },
  settings: Partial<AnalysisSettings>,
  source: Report['source'],
): Promise<Report> {
  const facts = await buildFacts(reader, head.manifest, head.measurements, settings);
  const ev = evaluate(facts, RULES);
  return buildReport(facts, ev, { tool: toolInfo(), createdAt: new Date().toISOString(), source });
}

export async function settingsFrom(flags: AnalysisFlags): Promise<Partial<AnalysisSettings>> {
  const s: Partial<AnalysisSettings> = { diskFloorMBps: flags.diskFloorMbps, tolerance: flags.tolerance };
  if (flags.baseline) {
    let text: string;
    try {
      text = await readFile(flags.baseline, 'utf8');
    } catch (e) {
      throw new UsageError(`--baseline ${flags.baseline}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`);
    }
    const parsed = parseBaseline(text);
    if (!parsed.ok) throw new UsageError(`--baseline ${flags.baseline}: ${parsed.message}`);
    s.baseline = parsed.baseline;
  }
  return s;
}
