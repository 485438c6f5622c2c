import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { AnalysisSettings } from '../facts/types.js';
import type { ReportOrigin } from '../report/build.js';
import type { Report } from '../report/model.js';
import type { AnalysisFlags } from './options.js';
import { toolInfo } from './tool-info.js';

/** What the pure analysis (src/pipeline.ts) is told from outside: this build's name and version, and now. */
export function reportOrigin(source: Report['source']): ReportOrigin {
  return { tool: toolInfo(), createdAt: new Date().toISOString(), source };
}

export async function settingsFrom(flags: AnalysisFlags): Promise<Partial<AnalysisSettings>> {
  const s: Partial<AnalysisSettings> = { diskFloorMBps: flags.diskFloorMbps, tolerance: flags.tolerance };
  if (flags.baseline) {
    let text: string;
    try {
      text = await readFile(flags.baseline, 'utf8');
    } catch (e) {
      throw new UsageError(
        `--baseline ${flags.baseline}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`,
      );
    }
    // loaded only here: the baseline's schema is built when the module loads
    const { parseBaseline } = await import('../facts/baseline.js');
    const parsed = parseBaseline(text);
    if (!parsed.ok) throw new UsageError(`--baseline ${flags.baseline}: ${parsed.message}`);
    s.baseline = parsed.baseline;
  }
  return s;
}
