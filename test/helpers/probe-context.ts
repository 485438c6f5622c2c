import { BundleWriter } from '../../src/bundle/writer.js';
import type { ProbeContext, ProbeOptions } from '../../src/probes/context.js';

/** What the runner hands a probe, for running one probe alone: this host's paths, no disk test file, no interruption. */
export function probeContext(
  dir: string,
  o: { options?: Partial<ProbeOptions>; budgetMs?: number; cleanup?: ProbeContext['cleanup'] } = {},
): ProbeContext {
  const deadline = performance.now() + (o.budgetMs ?? 5000);
  return {
    options: {
      root: '/',
      timeoutSeconds: 10,
      scrapeIntervalSeconds: 1,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle: false,
      ...o.options,
    },
    out: new BundleWriter(dir),
    signal: new AbortController().signal,
    remainingMs: () => Math.max(0, deadline - performance.now()),
    progress: () => undefined,
    discovery: {},
    cleanup: o.cleanup ?? { add: () => () => undefined },
    nodePath: (p) => p,
  };
}
