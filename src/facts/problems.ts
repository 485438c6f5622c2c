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
