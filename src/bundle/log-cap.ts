// Logs in a bundle are bounded: a log over the cap keeps its warnings and errors first (they name the
// causes), then its newest lines, in their original order, with one marker line saying what was left out.
// The probe states the cap with BundleWriter.noteCap(`log ${file}`, describeLogCap(...)).

/** Default per-file cap for log tails in a bundle. */
export const LOG_CAP_BYTES = 16 * 1024 * 1024;

// zap JSON ("level":"error"), zap console / Rust tracing (TAB or spaces around ERROR/WARN),
// logrus (containerd: level=error / level=warning), and the levels above error.
const IMPORTANT =
  /"level":"(?:warn|error|dpanic|panic|fatal)"|\blevel=(?:warn|warning|error|fatal|panic)\b|(?:^|[\s\]])(?:WARN|ERROR|FATAL|PANIC)(?:[\s:]|$)/;

export function isImportantLogLine(line: string): boolean {
  return IMPORTANT.test(line);
}

export interface CappedLog {
  text: string;
  /** Lines left out (0 when the log fit). */
  omittedLines: number;
  omittedBytes: number;
}

/**
 * At most `maxBytes` (UTF-16 length as a close proxy for bytes of log text) of `text`. Half the budget
 * goes to warnings and errors (newest first), the rest to the newest lines of any kind.
 */
export function capLog(text: string, maxBytes: number = LOG_CAP_BYTES): CappedLog {
  if (text.length <= maxBytes) return { text, omittedLines: 0, omittedBytes: 0 };
  const lines = text.split('\n');
  const keep = new Uint8Array(lines.length);
  let budget = maxBytes - 200; // room for the marker line
  let important = Math.floor(budget / 2);
  for (let i = lines.length - 1; i >= 0 && important > 0; i--) {
    const l = lines[i] as string;
    if (l.length + 1 > important || !isImportantLogLine(l)) continue;
    keep[i] = 1;
    important -= l.length + 1;
    budget -= l.length + 1;
  }
  for (let i = lines.length - 1; i >= 0 && budget > 0; i--) {
    if (keep[i]) continue;
    const l = lines[i] as string;
    if (l.length + 1 > budget) break; // the newest lines stay contiguous
    keep[i] = 1;
    budget -= l.length + 1;
  }
  const out: string[] = [];
  let omittedLines = 0;
  let omittedBytes = 0;
  let first = -1;
  for (let i = 0; i < lines.length; i++) {
    if (keep[i]) {
      out.push(lines[i] as string);
      continue;
    }
    if (first < 0) first = out.length;
    omittedLines++;
    omittedBytes += (lines[i] as string).length + 1;
  }
  const marker = `[dfdoctor: ${omittedLines} older lines (${omittedBytes} bytes) left out to keep this log under ${maxBytes} bytes; warnings and errors were kept]`;
  out.splice(Math.max(0, first), 0, marker);
  return { text: out.join('\n'), omittedLines, omittedBytes };
}

/** The sentence for BundleWriter.noteCap. */
export function describeLogCap(maxBytes: number, c: CappedLog): string {
  return c.omittedLines === 0
    ? `at most ${maxBytes} bytes per log, warnings and errors first; nothing left out`
    : `at most ${maxBytes} bytes per log, warnings and errors first, then the newest lines; ${c.omittedLines} lines (${c.omittedBytes} bytes) left out`;
}
