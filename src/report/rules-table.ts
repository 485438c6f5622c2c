// The rule catalogue (`dfdoctor rules`) as a table that fits the terminal. Pure.
import Table from 'cli-table3';
import type { Rule } from '../rules/rule.js';
import { breakLongWords, fitColumns, longestWord } from './columns.js';
import { DEFAULT_WIDTH } from './options.js';

/**
 * Two columns, so that ids, causes and severities are never cut: the rule's id, cause and severities
 * stacked in the first, what fires it and the fix in the second, which takes the rest of the width.
 */
export function renderRulesTable(rules: readonly Rule[], opts: { width?: number } = {}): string {
  const first = rules.map((r) => [r.id, `→ ${r.cause}`, r.severities.join(', ')]);
  const widths = fitColumns(opts.width ?? DEFAULT_WIDTH, [
    { width: longestWord(first.flat()) },
    { width: 0, flex: true, min: 30 },
  ]);
  const t = new Table({
    head: ['rule → cause, severities', 'fires when · fix'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: widths,
  });
  const text = (s: string) => breakLongWords(s, (widths[1] as number) - 2);
  rules.forEach((r, i) =>
    t.push([(first[i] as string[]).join('\n'), text(`${r.description}\n\nFix: ${r.remediationSummary}`)]),
  );
  return `${t.toString()}\n${rules.length} rules\n`;
}
