// Tables drawn with box characters, for reports that paste into a ticket. Pure.
// cli-table3 drew them before; it measures every line with string-width, whose emoji regex made the rule
// catalogue (36 rows) take 0.9 s to print. Here a line's width is its code points: the tables hold
// ids, prose, host names and figures, none of them double-width.
import { wrapCell } from './columns.js';

/** A cell whose text is coloured after wrapping, so colour codes never count towards its width. */
export interface PaintedCell {
  text: string;
  paint: (line: string) => string;
}

export type Cell = string | PaintedCell;

/**
 * `widths` include one space of padding on each side, as `fitColumns` gives them. Every cell is wrapped
 * to its column; rows are as tall as their tallest cell and are divided by a rule.
 */
export function boxTable(
  head: readonly string[],
  rows: readonly (readonly Cell[])[],
  widths: readonly number[],
): string {
  const rule = (left: string, mid: string, right: string) =>
    `${left}${widths.map((w) => '─'.repeat(w)).join(mid)}${right}`;
  const inner = widths.map((w) => Math.max(0, w - 2));
  const out = [rule('┌', '┬', '┐')];
  [head, ...rows].forEach((row, r) => {
    if (r > 0) out.push(rule('├', '┼', '┤'));
    const cells = inner.map((w, i) => wrapped(row[i] ?? '', w));
    const height = Math.max(...cells.map((c) => c.length));
    for (let l = 0; l < height; l++)
      out.push(`│${cells.map((c, i) => ` ${c[l] ?? ' '.repeat(inner[i] as number)} `).join('│')}│`);
  });
  out.push(rule('└', '┴', '┘'));
  return out.join('\n');
}

/** A cell's lines, each painted and padded to `width`. */
function wrapped(cell: Cell, width: number): string[] {
  const { text, paint } = typeof cell === 'string' ? { text: cell, paint: (s: string) => s } : cell;
  return wrapCell(text, width)
    .split('\n')
    .map((l) => paint(l) + ' '.repeat(Math.max(0, width - [...l].length)));
}
