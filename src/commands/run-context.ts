import { CleanupStack } from './cleanup.js';
import { makeProgress, type Progress } from './progress.js';

/** What every command gets from the CLI: interruption, undo steps, progress. */
export interface RunContext {
  signal: AbortSignal;
  cleanup: CleanupStack;
  progress: Progress;
}

export function makeRunContext(signal: AbortSignal, cleanup: CleanupStack): RunContext {
  const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
  return { signal, cleanup, progress: makeProgress(interactive) };
}
