import type { ProbeName } from '../causes.js';
import type { BundleWriter } from '../bundle/writer.js';
import { type Cleanup, type Discovery, type Probe, type ProbeOptions, rootedPath } from './context.js';

export interface RunProbesOptions {
  probes: readonly Probe[];
  /** Probes not selected by --probes/--skip: recorded as skipped, never run. */
  deselected: Map<ProbeName, string>;
  options: ProbeOptions;
  out: BundleWriter;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  cleanup: Cleanup;
  progress(message: string): void;
  /** Monotonic clock in ms; injectable for tests. */
  now?: () => number;
}

/** After a probe's deadline, how long it gets to notice the abort and clean up before it is abandoned. */
const GRACE_MS = 1500;

/** Runs the probes in order within the whole run's --timeout; each ends ok, skipped or failed with a reason. */
export async function runProbes(o: RunProbesOptions): Promise<Discovery> {
  const now = o.now ?? (() => performance.now());
  const start = now();
  const totalMs = o.options.timeoutSeconds * 1000;
  // keep a little of the run for analysis and reporting
  const deadline = start + Math.max(1000, totalMs - 1000);
  const discovery: Discovery = {};
  for (const probe of o.probes) {
    const why = o.deselected.get(probe.name);
    if (why !== undefined) {
      o.out.recordProbe(probe.name, { status: 'skipped', reason: why, durationMs: 0 });
      continue;
    }
    const t0 = now();
    if (o.signal.aborted) {
      o.out.recordProbe(probe.name, { status: 'skipped', reason: 'interrupted', durationMs: 0 });
      continue;
    }
    const left = deadline - t0;
    if (left < 200) {
      o.out.recordProbe(probe.name, { status: 'skipped', reason: `no time left within --timeout ${o.options.timeoutSeconds}`, durationMs: 0 });
      continue;
    }
    const probeMs = Math.max(1000, Math.min(left, Math.max(probe.budget * totalMs, 3000)));
    const probeDeadline = t0 + probeMs;
    const ac = new AbortController();
    const onAbort = () => ac.abort(o.signal.reason);
    o.signal.addEventListener('abort', onAbort);
    const timer = setTimeout(() => ac.abort(new Error(`timed out after ${(probeMs / 1000).toFixed(1)} s`)), probeMs);
    o.progress(`probe ${probe.name}…`);
    let abandon: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        probe.run({
          options: o.options,
          out: o.out,
          signal: ac.signal,
          remainingMs: () => Math.max(0, probeDeadline - now()),
          progress: (m) => o.progress(`probe ${probe.name}: ${m}`),
          discovery,
          cleanup: o.cleanup,
          nodePath: (p) => rootedPath(o.options.root, p),
        }),
        new Promise<never>((_, reject) => {
          const onTimeout = () => {
            abandon = setTimeout(() => reject(ac.signal.reason), GRACE_MS);
          };
          ac.signal.addEventListener('abort', onTimeout, { once: true });
        }),
      ]);
      const durationMs = Math.round(now() - t0);
      const { details, ...rest } = outcome;
      o.out.recordProbe(probe.name, { ...details, ...rest, durationMs });
    } catch (e) {
      const durationMs = Math.round(now() - t0);
      const reason = ac.signal.aborted
        ? o.signal.aborted
          ? 'interrupted'
          : `${(ac.signal.reason as Error)?.message ?? 'timed out'}`
        : `error: ${(e as Error).message}`;
      o.out.recordProbe(probe.name, { status: 'failed', reason, durationMs });
    } finally {
      clearTimeout(timer);
      if (abandon) clearTimeout(abandon);
      o.signal.removeEventListener('abort', onAbort);
    }
  }
  return discovery;
}
