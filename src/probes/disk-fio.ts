import { execa } from 'execa';
import type { Cleanup } from './context.js';

// `--disk-method fio`: the same two tests run by fio (fio(1)) on the one temporary file.

export interface FioRead {
  bytes: number;
  /** Bytes per second as fio reports it (bw_bytes). */
  bwBytes: number;
  runtimeMs: number;
  clatP50Ms: number | null;
  clatP99Ms: number | null;
  ios: number;
}

/** Reads jobs[0].read from fio's --output-format=json (fio may print warnings before the JSON). */
export function parseFioJson(stdout: string): FioRead | { error: string } {
  const start = stdout.indexOf('{');
  if (start < 0) return { error: 'fio printed no JSON' };
  let j: unknown;
  try {
    j = JSON.parse(stdout.slice(start));
  } catch (e) {
    return { error: `fio JSON: ${(e as Error).message}` };
  }
  const job = (j as { jobs?: { error?: number; read?: Record<string, unknown> }[] }).jobs?.[0];
  const r = job?.read as
    | {
        io_bytes?: number;
        bw_bytes?: number;
        runtime?: number;
        total_ios?: number;
        clat_ns?: { percentile?: Record<string, number> };
      }
    | undefined;
  if (!job || !r) return { error: 'fio JSON has no jobs[0].read' };
  if (job.error) return { error: `fio job error ${job.error}` };
  const pct = r.clat_ns?.percentile ?? {};
  const ms = (k: string) => (typeof pct[k] === 'number' ? (pct[k] as number) / 1e6 : null);
  return {
    bytes: r.io_bytes ?? 0,
    bwBytes: r.bw_bytes ?? 0,
    runtimeMs: r.runtime ?? 0,
    clatP50Ms: ms('50.000000'),
    clatP99Ms: ms('99.000000'),
    ios: r.total_ios ?? 0,
  };
}

/** fio's arguments for one read test on `file`; shared with bench/disk.bench.mjs so both run the same job. */
export function fioArgs(file: string, kind: 'seq' | 'rand', sizeBytes: number, runtimeMs: number): string[] {
  return [
    `--name=dfdoctor-${kind}`,
    `--filename=${file}`,
    `--size=${sizeBytes}`,
    '--direct=1',
    `--rw=${kind === 'seq' ? 'read' : 'randread'}`,
    `--bs=${kind === 'seq' ? '1M' : '4k'}`,
    '--ioengine=psync',
    '--iodepth=1',
    '--numjobs=1',
    `--runtime=${Math.max(1, Math.round(runtimeMs))}ms`,
    ...(kind === 'rand' ? ['--time_based'] : []),
    '--output-format=json',
  ];
}

export type FioOutcome = { kind: 'ok'; read: FioRead } | { kind: 'missing' | 'failed'; reason: string };

/**
 * Runs fio, killing it on abort; a cleanup step waits for fio to be gone so that the temp file cannot
 * be re-created by a fio still laying it out after the file was removed.
 */
export async function runFio(
  args: string[],
  timeoutMs: number,
  signal: AbortSignal,
  cleanup: Cleanup,
): Promise<FioOutcome> {
  const child = execa('fio', args, {
    reject: false,
    timeout: timeoutMs,
    cancelSignal: signal,
    forceKillAfterDelay: 500,
    stdin: 'ignore',
  });
  const remove = cleanup.add(async () => {
    child.kill('SIGKILL');
    await Promise.race([child.catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
  });
  try {
    const r = await child;
    const code = (r as { code?: string }).code;
    if (code === 'ENOENT') return { kind: 'missing', reason: 'fio not found on PATH' };
    if (r.isCanceled) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
    if (r.timedOut) return { kind: 'failed', reason: `fio timed out after ${timeoutMs} ms` };
    if (r.exitCode !== 0)
      return { kind: 'failed', reason: `fio exited ${r.exitCode}: ${String(r.stderr).split('\n')[0] ?? ''}` };
    const p = parseFioJson(String(r.stdout));
    return 'error' in p ? { kind: 'failed', reason: p.error } : { kind: 'ok', read: p };
  } finally {
    remove();
  }
}
