export type CommandResult =
  | { kind: 'ok'; stdout: string; stderr: string }
  | { kind: 'missing'; reason: string }
  | { kind: 'timeout'; reason: string }
  | { kind: 'failed'; reason: string; exitCode: number | undefined; stdout: string; stderr: string };

export interface RunOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bytes of stdout kept at most; more is an error rather than unbounded memory. */
  maxBuffer?: number;
  env?: Record<string, string>;
  input?: string;
}

/** Runs a command with a timeout, never throwing: a missing tool or a hang comes back as a reason. */
export async function runCommand(cmd: string, args: string[], opts: RunOptions): Promise<CommandResult> {
  const shown = [cmd, ...args].join(' ');
  try {
    // loaded on the first command: a run whose probes only read files starts without it (~12 ms)
    const { execa } = await import('execa');
    const r = await execa(cmd, args, {
      reject: false,
      timeout: opts.timeoutMs,
      ...(opts.signal ? { cancelSignal: opts.signal } : {}),
      maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
      stdin: opts.input === undefined ? 'ignore' : 'pipe',
      ...(opts.input === undefined ? {} : { input: opts.input }),
      ...(opts.env ? { env: opts.env, extendEnv: true } : {}),
      forceKillAfterDelay: 1000,
      stripFinalNewline: false,
    });
    const stdout = String(r.stdout ?? '');
    const stderr = String(r.stderr ?? '');
    const code = (r as { code?: string }).code;
    if (code === 'ENOENT') return { kind: 'missing', reason: `${cmd} not found on PATH` };
    if (r.timedOut) return { kind: 'timeout', reason: `${shown} timed out after ${opts.timeoutMs} ms` };
    if (r.isCanceled) return { kind: 'timeout', reason: `${shown} cancelled` };
    if (r.failed || r.exitCode !== 0) {
      const why = firstLine(stderr) || (r as { shortMessage?: string }).shortMessage || `exit ${r.exitCode}`;
      return { kind: 'failed', reason: `${shown}: ${why}`, exitCode: r.exitCode, stdout, stderr };
    }
    return { kind: 'ok', stdout, stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') return { kind: 'missing', reason: `${cmd} not found on PATH` };
    return { kind: 'failed', reason: `${shown}: ${err.message}`, exitCode: undefined, stdout: '', stderr: '' };
  }
}

function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}
