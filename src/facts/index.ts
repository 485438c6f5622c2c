import type { Manifest } from '../bundle/manifest.js';
import type { Measurements } from '../bundle/measurements.js';
import type { BundleReader } from '../bundle/reader.js';
import { containerdFacts } from './containerd.js';
import type { FactsBuilder } from './context.js';
import { dfdaemonFacts } from './dfdaemon.js';
import { diskFacts } from './disk.js';
import { kubeletFacts } from './kubelet.js';
import { netFacts } from './net.js';
import { systemFacts } from './system.js';
import { type AnalysisSettings, type AreaKey, DEFAULT_SETTINGS, type Facts } from './types.js';

// Order matters: later areas may read earlier ones (the cache dir from dfdaemon, mirror hosts from containerd).
const BUILDERS: FactsBuilder<AreaKey>[] = [
  systemFacts,
  dfdaemonFacts,
  diskFacts,
  containerdFacts,
  kubeletFacts,
  netFacts,
] as FactsBuilder<AreaKey>[];

/** Bundle → Facts. A builder that throws becomes a problem for its area; the others still run. */
export async function buildFacts(
  bundle: BundleReader,
  manifest: Manifest,
  measurements: Measurements,
  settings: Partial<AnalysisSettings> = {},
): Promise<Facts> {
  const facts: Facts = {
    manifest,
    measurements,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    problems: [],
    notes: [],
  };
  for (const b of BUILDERS) {
    try {
      const value = await b.build({
        bundle,
        facts,
        problem: (p) => facts.problems.push(p),
        note: (text, source) => facts.notes.push(source === undefined ? { text } : { text, source }),
      });
      if (value !== undefined) (facts as unknown as Record<string, unknown>)[b.area] = value;
    } catch (e) {
      facts.problems.push({
        file: `(facts:${b.area})`,
        message: `could not build ${b.area} facts: ${(e as Error).message}`,
      });
    }
  }
  return facts;
}
