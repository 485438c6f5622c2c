import { redactQuoted } from '../bundle/redact-text.js';

/** A located message about bad input: the file, the line when known, and what was wrong. */
export interface InputProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export function formatProblem(p: InputProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  return `${where}: ${p.message}`;
}

/**
 * A line of input quoted in a problem, at most `max` characters. A bundle's files are redacted when
 * collected, but loose files (`analyze core.log`) are read as they are, and a problem is printed in the
 * report an SRE pastes into a ticket: the line goes through the log redactor first, then is cut (cut
 * first, a secret split at the cut could pass a rule that needs its whole value).
 */
export function quotedInput(text: string, max: number): string {
  const clean = redactQuoted(text);
  return clean.length > max ? clean.slice(0, max) : clean;
}
