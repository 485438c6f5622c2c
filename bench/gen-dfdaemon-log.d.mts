// Types of gen-dfdaemon-log.mjs for the TypeScript tests that import it.
/** Writes about `bytes` of Go dfdaemon core.log to `path`; returns the bytes, lines and tasks written. */
export function writeDfdaemonLog(
  path: string,
  bytes: number,
  opts?: { startMs?: number },
): { bytes: number; lines: number; tasks: number };
