// Issue 15 item 3: tables fit the terminal (its width, COLUMNS, or 100 columns when not a TTY) and
// wrap instead of cutting.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAUSES } from '../../src/causes.js';
import { terminalWidth } from '../../src/commands/options.js';
import type { Report } from '../../src/report/model.js';
import { renderRulesTable } from '../../src/report/rules-table.js';
import { renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/index.js';
import { runCli } from '../helpers/cli.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

const TABLE_LINE = /^\s*[┌│├└]/;
const tableLines = (text: string) => text.split('\n').filter((l) => TABLE_LINE.test(l));
const widest = (lines: string[]) => Math.max(...lines.map((l) => [...l].length));

let seed: Report;
let dir: string;
beforeAll(async () => {
  seed = await fixtureReport('seed-cache-hit-slow', 'node-seed', '2026-11-25T00:00:00Z');
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-width-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('terminal width', () => {
  it('comes from COLUMNS, else the TTY, else 100', () => {
    expect(terminalWidth({ isTTY: true, columns: 80 }, {})).toBe(80);
    expect(terminalWidth({ isTTY: true, columns: 80 }, { COLUMNS: '132' })).toBe(132);
    expect(terminalWidth({ isTTY: false }, {})).toBe(100);
    expect(terminalWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 0 }, {})).toBe(100);
  });

  it.each([100, 80])('the diagnoses table fits %i columns and cuts no title', (w) => {
    const t = renderTable(seed, { color: false, failOn: 'critical', width: w });
    expect(widest(tableLines(t))).toBeLessThanOrEqual(w);
    const rows = tableLines(t).join('\n');
    for (const d of seed.diagnoses) expect(rows).toContain(d.cause);
    expect(rows).not.toContain('…');
    // the bars fit too
    for (const l of t.split('\n').filter((x) => x.includes('█'))) expect([...l].length).toBeLessThanOrEqual(w);
  });

  it.each([false, true])('a diagnosis heading wraps at 70 columns under itself (colour: %s)', (color) => {
    const t = renderTable(seed, { color, failOn: 'critical', width: 70 });
    const plain = t.replace(/\x1b\[[0-9;]*m/g, '').split('\n');
    for (const d of seed.diagnoses) {
      const at = plain.findIndex((l) => l.startsWith(`#${d.rank} `));
      const heading = [plain[at] as string];
      for (let i = at + 1; plain[i]?.startsWith('    '); i++) heading.push(plain[i] as string);
      for (const l of heading) expect([...l].length, l).toBeLessThanOrEqual(70);
      // every word of it kept, the rule and its confidence last
      expect(heading.map((l) => l.trim()).join(' ')).toBe(
        `#${d.rank} ${d.severity.toUpperCase()} ${d.title} [${d.rule} → ${d.cause}, confidence ${d.confidence.toFixed(2)}]`,
      );
    }
  });

  it('the header wraps at the width too, every word kept', () => {
    const long = {
      ...seed,
      host: { ...seed.host, os: 'Debian GNU/Linux 12 (bookworm)', kernel: '6.18.44-fc-v1300-a-long-build-name' },
    };
    const head = renderTable(long, { color: false, failOn: 'critical', width: 60 }).split('\n\nProbes')[0] as string;
    for (const l of head.split('\n')) expect([...l].length, l).toBeLessThanOrEqual(60);
    expect(head).toContain('6.18.44-fc-v1300-a-long-build-name');
  });

  it('colour takes no column: a coloured report wraps where a plain one does', () => {
    const plain = renderTable(seed, { color: false, failOn: 'critical', width: 70 });
    const coloured = renderTable(seed, { color: true, failOn: 'critical', width: 70 });
    const headings = (t: string) =>
      t
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split(/\n(?=#\d )/)
        .slice(1)
        .map((h) => h.split('\n').slice(0, 3));
    expect(headings(coloured)).toEqual(headings(plain));
  });

  it.each([100, 80])('the notes wrap at %i columns under their dash, every word kept', (w) => {
    const t = renderTable(seed, { color: false, failOn: 'critical', width: w });
    const notes = t
      .slice(t.indexOf('\nNotes\n') + 7)
      .split('\n')
      .filter((l) => l !== '');
    expect(seed.notes.length).toBeGreaterThan(0);
    expect(notes.filter((l) => l.startsWith('  - '))).toHaveLength(seed.notes.length);
    for (const l of notes) {
      expect(l).toMatch(/^ {2}- \S|^ {4}\S/);
      // a word longer than the line stands alone on it
      if ([...l].length > w) expect(l.trim().replace(/^- /, '')).not.toContain(' ');
    }
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    expect(words(notes.join(' ').replace(/(^|\s)- /g, ' '))).toEqual(seed.notes.flatMap((n) => words(n.text)));
  });

  it.each([100, 80])('the rules table fits %i columns with every severity and cause in full', (w) => {
    const t = renderRulesTable(RULES, { width: w });
    expect(widest(tableLines(t))).toBeLessThanOrEqual(w);
    // the only ellipses are the rules' own: no cell is cut
    const own =
      RULES.map((r) => `${r.description}${r.remediationSummary}`)
        .join('')
        .split('…').length - 1;
    expect(t.split('…').length - 1).toBe(own);
    for (const r of RULES) {
      expect(t).toContain(r.id);
      expect(t).toContain(r.cause);
    }
    expect(t).toContain('critical');
  });
});

describe('CLI tables at COLUMNS=100 (not a TTY)', () => {
  it('analyze, rules and fleet summarize print no table line wider than 100', async () => {
    const env = { COLUMNS: '100' };
    const a = await runCli(['analyze', 'fixtures/seed-cache-hit-slow', '--fail-on', 'never'], { env });
    expect(a.code, a.stderr).toBe(0);
    expect(widest(tableLines(a.stdout))).toBeLessThanOrEqual(100);
    const r = await runCli(['rules'], { env });
    expect(widest(tableLines(r.stdout))).toBeLessThanOrEqual(100);
    for (const c of new Set(RULES.map((x) => x.cause))) expect(r.stdout).toContain(c);
    const reports = await Promise.all(
      ['seed-cache-hit-slow', 'cpu-saturated', 'disk-slow-medium', 'net-reject-mirror-port'].map((s, i) =>
        fixtureReport(s, `node-${i}`, '2026-11-25T00:00:00Z'),
      ),
    );
    for (const [i, rep] of reports.entries()) await writeFile(join(dir, `r${i}.json`), JSON.stringify(rep));
    const f = await runCli(['fleet', 'summarize', dir], { env });
    expect(f.code, f.stderr).toBe(0);
    expect(widest(tableLines(f.stdout))).toBeLessThanOrEqual(100);
    expect(tableLines(f.stdout).join('\n')).not.toContain('…');
    // without COLUMNS and not a TTY: 100 as well
    const plain = await runCli(['rules'], { env: { COLUMNS: '' } });
    expect(widest(tableLines(plain.stdout))).toBeLessThanOrEqual(100);
    expect(CAUSES.length).toBeGreaterThan(0);
  }, 120_000);
});
