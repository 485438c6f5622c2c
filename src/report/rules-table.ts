// The rule catalogue (`dfdoctor rules`) as a table that fits the terminal. Pure.
import type { Rule } from '../rules/rule.js';
import { boxTable } from './box-table.js';
import { fitColumns, longestWord } from './columns.js';
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
  const rows = rules.map((r, i) => [
    (first[i] as string[]).join('\n'),
    `${r.description}\n\nFix: ${r.remediationSummary}`,
  ]);
  return `${boxTable(['rule → cause, severities', 'fires when · fix'], rows, widths)}\n${rules.length} rules\n`;
}
