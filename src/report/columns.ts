// Column widths that fit a terminal: fixed columns keep their width, the flexible one takes the rest.
// A column's width counts its padding (one space each side), and a table draws one border character
// per column plus one (box-table.ts).

export interface ColumnSpec {
  /** Width including the one-space padding on each side. */
  width: number;
  /** The column that grows and shrinks with the terminal; exactly one should be flexible. */
  flex?: boolean;
  /** A flexible column never gets less than this (the table then overflows a very narrow terminal). */
  min?: number;
}

export function fitColumns(total: number, specs: readonly ColumnSpec[]): number[] {
  const borders = specs.length + 1;
  const fixed = specs.reduce((s, c) => s + (c.flex ? 0 : c.width), 0);
  return specs.map((c) => (c.flex ? Math.max(c.min ?? 12, total - borders - fixed) : c.width));
}

/** The width a cell needs for its longest word (plus padding), so that no word is cut. */
export function longestWord(values: readonly string[]): number {
  return Math.max(0, ...values.flatMap((v) => v.split(/\s+/)).map((w) => [...w].length)) + 2;
}

/** Characters a terminal shows: colour and weight codes (SGR) take no column. */
function shown(s: string): number {
  return [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;
}

/**
 * Word-wraps prose to `width` with `indent` before every line and `hang` before continuation lines;
 * a word longer than the line stays whole (URLs and paths must not be broken).
 */
export function wrapText(text: string, width: number, indent: string, hang = indent): string[] {
  const out: string[] = [];
  let line = indent;
  let empty = true;
  // split on single spaces so runs of spaces (aligned columns) survive
  for (const word of text.split(' ')) {
    const next = empty ? `${line}${word}` : `${line} ${word}`;
    if (!empty && shown(next) > width) {
      out.push(line.trimEnd());
      line = `${hang}${word}`;
    } else {
      line = next;
    }
    empty = false;
  }
  out.push(line);
  return out;
}

/** A table cell's text wrapped to `width` characters a line, words longer than a line split. */
export function wrapCell(text: string, width: number): string {
  return breakLongWords(text, width)
    .split('\n')
    .flatMap((line) => wrapText(line, width, ''))
    .join('\n');
}

/** Splits words longer than `max` characters over several lines, so that a cell never overflows its column. */
function breakLongWords(text: string, max: number): string {
  if (max < 1) return text;
  return text
    .split('\n')
    .map((line) =>
      line
        .split(' ')
        .map((w) => {
          const chars = [...w];
          if (chars.length <= max) return w;
          const parts: string[] = [];
          for (let i = 0; i < chars.length; i += max) parts.push(chars.slice(i, i + max).join(''));
          return parts.join('\n');
        })
        .join(' '),
    )
    .join('\n');
}
