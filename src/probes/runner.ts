import type { ProbeName } from '../causes.js';
import type { BundleWriter } from '../bundle/writer.js';
import {
  type Cleanup,
  type Discovery,
  type Probe,
  type ProbeOptions,
  type ProbeSchedule,
  rootedPath,
} from './context.js';
import { ProbeScheduler } from './scheduler.js';

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

interface Milestone {
  promise: Promise<void>;
  resolve(): void;
}

function milestone(): Milestone {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Runs the probes side by side within the whole run's --timeout; each ends ok, skipped or failed with a
 * reason. A probe starts once the probes it names in `after` have published their discovery (or ended);
 * the parts that measure run alone (see ProbeScheduler).
 */
export async function runProbes(o: RunProbesOptions): Promise<Discovery> {
  const now = o.now ?? (() => performance.now());
  const start = now();
  const totalMs = o.options.timeoutSeconds * 1000;
  // keep a little of the run for analysis and reporting
  const deadline = start + Math.max(1000, totalMs - 1000);
  const discovery: Discovery = {};
  const scheduler = new ProbeScheduler(o.progress, () => now() - start);
  // recorded in the probes' order once all have ended, whatever order they end in
  const records = new Map<ProbeName, Parameters<BundleWriter['recordProbe']>[1]>();
  const record = (name: ProbeName, r: Parameters<BundleWriter['recordProbe']>[1]) => records.set(name, r);
  const published = new Map<ProbeName, Milestone>();
  const ended = new Map<ProbeName, Milestone>();
  for (const p of o.probes) {
    published.set(p.name, milestone());
    ended.set(p.name, milestone());
  }
  const finish = (name: ProbeName) => {
    scheduler.end(name);
    published.get(name)?.resolve();
    ended.get(name)?.resolve();
  };

  const runOne = async (probe: Probe): Promise<void> => {
    for (const [name, until] of Object.entries(probe.after ?? {}) as [ProbeName, 'discovery' | 'end'][]) {
      await (until === 'end' ? ended : published).get(name)?.promise;
    }
    const t0 = now();
    if (o.signal.aborted) {
      record(probe.name, { status: 'skipped', reason: 'interrupted', durationMs: 0 });
      return;
    }
    const left = deadline - t0;
    if (left < 200) {
      record(probe.name, {
        status: 'skipped',
        reason: `no time left within --timeout ${o.options.timeoutSeconds}`,
        durationMs: 0,
      });
      return;
    }
    const probeMs = Math.max(1000, Math.min(left, Math.max(probe.budget * totalMs, 3000)));
    let probeDeadline = t0 + probeMs;
    const ac = new AbortController();
    const onAbort = () => ac.abort(o.signal.reason);
    o.signal.addEventListener('abort', onAbort);
    const expire = () => ac.abort(new Error(`timed out after ${((probeDeadline - t0) / 1000).toFixed(1)} s`));
    let timer = setTimeout(expire, probeMs);
    // time spent waiting for another probe (its milestone, its measurement) is not this probe's: the
    // deadline stops meanwhile, and moves by as much, within the run's (the other probe's own deadline
    // bounds the wait)
    let waits = 0;
    let waitedFrom = 0;
    const waitFor = async (p: Promise<void>): Promise<void> => {
      if (waits++ === 0) {
        waitedFrom = now();
        clearTimeout(timer);
      }
      try {
        await p;
      } finally {
        if (--waits === 0 && !ac.signal.aborted) {
          probeDeadline = Math.min(deadline, probeDeadline + (now() - waitedFrom));
          timer = setTimeout(expire, Math.max(0, probeDeadline - now()));
        }
      }
    };
    scheduler.start(probe.name);
    const others = o.probes.filter((p) => p !== probe).map((p) => ended.get(p.name)?.promise);
    const schedule: ProbeSchedule = {
      measuring: () => waitFor(scheduler.measuring(probe.name)),
      measured: () => scheduler.measured(probe.name),
      idle: (p) => scheduler.idle(probe.name, p),
      background: () => scheduler.background(probe.name),
      publish: () => published.get(probe.name)?.resolve(),
      othersDone: () => Promise.all(others).then(() => {}),
      reached: (name, milestone) =>
        waitFor((milestone === 'end' ? ended : published).get(name)?.promise ?? Promise.resolve()),
    };
    const timing = () => ({
      durationMs: Math.round(now() - t0),
      startMs: Math.round(t0 - start),
      steps: scheduler.timeline(probe.name),
    });
    let abandon: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race([
        probe.run({
          options: o.options,
          out: o.out,
          signal: ac.signal,
          remainingMs: () => Math.max(0, probeDeadline - now()),
          progress: (m) => scheduler.note(probe.name, m),
          discovery,
          cleanup: o.cleanup,
          nodePath: (p) => rootedPath(o.options.root, p),
          schedule,
        }),
        new Promise<never>((_, reject) => {
          const onTimeout = () => {
            abandon = setTimeout(() => reject(ac.signal.reason), GRACE_MS);
          };
          ac.signal.addEventListener('abort', onTimeout, { once: true });
        }),
      ]);
      const { details, ...rest } = outcome;
      record(probe.name, { ...details, ...rest, ...timing() });
    } catch (e) {
      const reason = ac.signal.aborted
        ? o.signal.aborted
          ? 'interrupted'
          : `${(ac.signal.reason as Error)?.message ?? 'timed out'}`
        : `error: ${(e as Error).message}`;
      record(probe.name, { status: 'failed', reason, ...timing() });
    } finally {
      clearTimeout(timer);
      // what the probe left pending (a bounding sleep, a lookup's timer) ends with it, and cannot keep the process alive
      if (!ac.signal.aborted) ac.abort(new Error('probe ended'));
      if (abandon) clearTimeout(abandon);
      o.signal.removeEventListener('abort', onAbort);
    }
  };

  const running: Promise<void>[] = [];
  for (const probe of o.probes) {
    const why = o.deselected.get(probe.name);
    if (why !== undefined) {
      record(probe.name, { status: 'skipped', reason: why, durationMs: 0 });
      finish(probe.name);
      continue;
    }
    running.push(runOne(probe).finally(() => finish(probe.name)));
  }
  await Promise.all(running);
  for (const p of o.probes) {
    const r = records.get(p.name);
    if (r) o.out.recordProbe(p.name, r);
  }
  return discovery;
}
