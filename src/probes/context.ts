import { isAbsolute, join } from 'node:path';
import type { ProbeName } from '../causes.js';
import type { BundleWriter } from '../bundle/writer.js';

export const DISK_METHODS = ['o_direct', 'fio'] as const;
export type DiskMethod = (typeof DISK_METHODS)[number];

/** Every flag a probe may read; set by the CLI, defaults applied there. */
export interface ProbeOptions {
  /** Re-roots every node path the probes read (a DaemonSet mounts the host at /host). */
  root: string;
  timeoutSeconds: number;
  cacheDir?: string;
  dfdaemonConfig?: string;
  dfdaemonLogDir?: string;
  dfdaemonMetrics?: string;
  dfdaemonProxy?: string;
  scrapeIntervalSeconds: number;
  /** Only log lines newer than this many ms before now. */
  sinceMs?: number;
  diskBytes: number;
  diskMethod: DiskMethod;
  containerdConfig?: string;
  containerdAddress?: string;
  kubeletConfig?: string;
  /** A saved `kubectl get events -o json` (its Pulled events time the kubelet's pull queue). */
  kubeletEvents?: string;
  /** True for `collect`: the bundle leaves the node, so it is redacted and capped. */
  forBundle: boolean;
}

/** What one probe learns that later probes need (probes run in a fixed order). */
export interface Discovery {
  dfdaemon?: {
    generation: 'go' | 'rust' | null;
    /** The cache dir as dfdaemon names it. */
    cacheDir: string;
    /** Where that dir is on this node (re-rooted, or through /proc/<pid>/root for a daemon in a pod): used as is. */
    cacheDirOnNode?: string;
    /** Whether the cache dir came from dfdaemon's config, its generation's default, or --cache-dir. */
    cacheDirFrom?: 'config' | 'default' | 'flag';
    proxyUrl?: string;
    metricsUrl?: string;
    /** TCP ports dfdaemon listens on (proxy, upload, metrics…). */
    ports: number[];
  };
  containerd?: {
    /** host[:port] of every mirror containerd is configured to try. */
    mirrorHosts: string[];
    pid?: number;
  };
}

export interface Cleanup {
  /** Registers an undo step run on every exit path (done, error, timeout, SIGINT); returns its remover. */
  add(fn: () => Promise<void> | void): () => void;
}

export interface ProbeContext {
  options: ProbeOptions;
  out: BundleWriter;
  /** Aborts on the probe's deadline, on --timeout and on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Milliseconds this probe may still use. */
  remainingMs(): number;
  progress(message: string): void;
  discovery: Discovery;
  cleanup: Cleanup;
  /** A node path under --root. */
  nodePath(p: string): string;
  /** Set when the probe runs beside others (`runProbes`); absent when a probe runs alone (tests, bench). */
  schedule?: ProbeSchedule;
}

/**
 * How a probe shares the run with the others. Probes that only read run side by side; a probe that
 * measures (disk read, loopback throughput, gunzip/sha256) asks for the run to itself, so that no
 * figure carries another probe's load.
 */
export interface ProbeSchedule {
  /**
   * Resolves when nothing else of dfdoctor is busy; from then until this probe ends or calls `measured`,
   * nothing else starts work.
   */
  measuring(): Promise<void>;
  /** This probe's measurement is over: it reads on beside the others, and another probe may measure. */
  measured(): void;
  /** Awaits `p` without counting as busy (a wait the kernel or a daemon fills), then waits until no probe measures. */
  idle<T>(p: Promise<T>): Promise<T>;
  /** The rest of this probe only waits and reads a figure or two: it never counts as busy, nor waits for a measurement. */
  background(): void;
  /** What this probe found for the others is in `discovery` now; probes waiting for it may start. */
  publish(): void;
  /** Resolves when every other probe of the run has ended. */
  othersDone(): Promise<void>;
  /** Resolves when another probe has published its discovery (`discovery`) or ended (`end`); at once if it does not run. */
  reached(name: ProbeName, milestone: 'discovery' | 'end'): Promise<void>;
}

export type ProbeOutcome =
  | { status: 'ok'; /** what was partial */ reason?: string; details?: Record<string, unknown> }
  | { status: 'skipped' | 'failed'; reason: string; details?: Record<string, unknown> };

export interface Probe {
  name: ProbeName;
  description: string;
  /** Share of the run's --timeout this probe may take at most (0–1). */
  budget: number;
  /**
   * Probes whose findings this one needs before it starts: `discovery` once the other has published
   * what it discovered (or ended), `end` once it has ended.
   */
  after?: Partial<Record<ProbeName, 'discovery' | 'end'>>;
  run(ctx: ProbeContext): Promise<ProbeOutcome>;
}

export function defineProbe(p: Probe): Probe {
  return p;
}

/**
 * What a probe's module holds: its work. What the probe is and when it runs (name, budget, order) is in
 * the catalogue (index.ts), which loads the module only when the probe runs.
 */
export interface ProbeModule {
  run(ctx: ProbeContext): Promise<ProbeOutcome>;
}

export function rootedPath(root: string, p: string): string {
  if (root === '/' || root === '') return p;
  return isAbsolute(p) ? join(root, p) : join(root, p);
}

/** A path read under --root as the node itself names it (/host/var/log/x → /var/log/x): the inverse of rootedPath. */
export function nodeOwnPath(root: string, p: string): string {
  if (root === '/' || root === '') return p;
  const r = root.endsWith('/') ? root.slice(0, -1) : root;
  return p.startsWith(`${r}/`) ? p.slice(r.length) : p;
}
