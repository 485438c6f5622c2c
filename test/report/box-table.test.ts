import { describe, expect, it } from 'vitest';
import { boxTable } from '../../src/report/box-table.js';

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, 'g');
const visible = (l: string) => [...l.replace(ANSI, '')].length;

describe('boxTable', () => {
  it('draws a head, a rule between rows and cells padded to their columns', () => {
    expect(boxTable(['a', 'bb'], [['1', 'two']], [5, 6])).toBe(
      ['┌─────┬──────┐', '│ a   │ bb   │', '├─────┼──────┤', '│ 1   │ two  │', '└─────┴──────┘'].join('\n'),
    );
  });

  it('wraps prose on spaces, splits a word longer than its column, and keeps every character', () => {
    const prose = 'pulls stall on sha256:0123456789abcdef0123456789 when the mirror falls back';
    const t = boxTable(['#', 'text'], [['1', prose]], [3, 16]);
    const lines = t.split('\n');
    for (const l of lines) expect(visible(l)).toBe(3 + 16 + 3);
    const cells = lines.filter((l) => l.startsWith('│')).slice(1);
    const text = cells.map((l) => (l.split('│')[2] as string).trim()).join(' ');
    expect(text.replaceAll(' ', '')).toBe(prose.replaceAll(' ', ''));
    expect(cells.length).toBeGreaterThan(4);
  });

  it('makes a row as tall as its tallest cell, keeps blank lines and leaves the others blank below', () => {
    const t = boxTable(['x', 'y'], [['one', 'a\n\nb']], [5, 5]);
    expect(t.split('\n').slice(3, 6)).toEqual(['│ one │ a   │', '│     │     │', '│     │ b   │']);
  });

  it('colours a painted cell after wrapping, so colour codes take no width', () => {
    const red = (s: string) => `\u001b[31m${s}\u001b[39m`;
    const t = boxTable(['sev', 'n'], [[{ text: 'critical', paint: red }, '1']], [10, 3]);
    const row = t.split('\n')[3] as string;
    expect(row).toBe(`│ ${red('critical')} │ 1 │`);
    expect(visible(row)).toBe(visible(t.split('\n')[0] as string));
  });
});
