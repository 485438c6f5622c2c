/** Progress on stderr, only when stderr is a terminal; stdout stays clean for the report. */
export interface Progress {
  (message: string): void;
  done(): void;
}

export function makeProgress(enabled: boolean): Progress {
  const start = performance.now();
  let shown = false;
  const fn = ((message: string) => {
    if (!enabled) return;
    const s = ((performance.now() - start) / 1000).toFixed(1);
    process.stderr.write(`\r\x1b[K[${s}s] ${message}`);
    shown = true;
  }) as Progress;
  fn.done = () => {
    if (enabled && shown) process.stderr.write('\r\x1b[K');
    shown = false;
  };
  return fn;
}
