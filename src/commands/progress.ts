/** Progress on stderr, only when stderr is a terminal; stdout stays clean for the report. */
export interface Progress {
  (message: string): void;
  done(): void;
}

export function makeProgress(enabled: boolean): Progress {
  // the clock only when shown: a first use of `performance` loads perf_hooks, which a command that
  // shows no progress (stderr not a terminal) would load for nothing
  const start = enabled ? performance.now() : 0;
  let shown = false;
  const fn = ((message: string) => {
    if (!enabled) return;
    const s = ((performance.now() - start) / 1000).toFixed(1);
    const line = `[${s}s] ${message}`;
    // one terminal line: a wrapped line would not be cleared by the next update
    const width = process.stderr.columns || 80;
    process.stderr.write(`\r\x1b[K${line.length < width ? line : `${line.slice(0, Math.max(10, width - 2))}…`}`);
    shown = true;
  }) as Progress;
  fn.done = () => {
    if (enabled && shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return fn;
}
