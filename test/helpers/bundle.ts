import type { Manifest } from '../../src/bundle/manifest.js';
import type { Measurements } from '../../src/bundle/measurements.js';
import { MemoryBundle } from '../../src/bundle/memory-bundle.js';
import { buildFacts } from '../../src/facts/index.js';
import type { AnalysisSettings, Facts } from '../../src/facts/types.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';

export function manifest(over: Partial<Manifest> = {}): Manifest {
  return {
    format: 'dfdoctor-bundle',
    version: 1,
    createdAt: '2026-11-25T10:00:00.000Z',
    tool: { name: 'dfdoctor', version: '0.1.0' },
    host: {
      hostname: 'node-1',
      kernel: '6.1.0',
      os: 'Debian GNU/Linux 12 (bookworm)',
      cpus: 4,
      memoryBytes: 16 * 2 ** 30,
    },
    probes: {},
    ...over,
  };
}

/** Builds facts from in-memory files, the way `analyze` would from a bundle. */
export async function factsFrom(
  files: Record<string, string | Uint8Array>,
  opts: { manifest?: Partial<Manifest>; measurements?: Measurements; settings?: Partial<AnalysisSettings> } = {},
): Promise<Facts> {
  const m = manifest(opts.manifest);
  return buildFacts(new MemoryBundle(files), m, opts.measurements ?? {}, opts.settings);
}

/** The rule ids that fire for these files. */
export async function firingRules(...args: Parameters<typeof factsFrom>): Promise<string[]> {
  const facts = await factsFrom(...args);
  return evaluate(facts, RULES).diagnoses.map((d) => d.rule);
}
