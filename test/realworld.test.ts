import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../src/report/model.js';
import { REAL_ROOT, knownWrong, realCases, runCase } from './helpers/realworld.js';

const cases = realCases();
const wrong = knownWrong();

describe('real-world corpus', () => {
  it('is at least 40 cases, each with its source', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const index = readFileSync(join(REAL_ROOT, 'SOURCES.md'), 'utf8');
    for (const c of cases) {
      const source = readFileSync(join(REAL_ROOT, c.id, 'SOURCE.md'), 'utf8');
      expect(source, `${c.id}/SOURCE.md names a public URL`).toMatch(/https:\/\/github\.com\/\S+/);
      expect(index, `SOURCES.md lists ${c.id}`).toContain(c.id);
    }
  });

  it("SOURCES.md's count of cases by kind is that of its rows", () => {
    const index = readFileSync(join(REAL_ROOT, 'SOURCES.md'), 'utf8');
    const kinds = [...index.matchAll(/^\| `[^`]+` \| ([^|]+?) \|/gm)].map((m) => m[1] as string);
    const byKind = new Map<string, number>();
    for (const k of kinds) byKind.set(k, (byKind.get(k) ?? 0) + 1);
    const counts = [...byKind]
      .sort(([a, x], [b, y]) => y - x || a.toLowerCase().localeCompare(b.toLowerCase()))
      .map(([k, n]) => `${n} ${k}`);
    expect(kinds.length).toBe(cases.length);
    expect(index).toContain(`\n${kinds.length} cases: ${counts.join(', ')}.\n`);
  });

  it('known-wrong.json names only cases that exist, each with a reason', () => {
    for (const [id, why] of wrong) {
      expect(existsSync(join(REAL_ROOT, id)), `${id} in known-wrong.json is no case`).toBe(true);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const { report, shortfalls } = await runCase(c);
    expect(ReportSchema.safeParse(report).success).toBe(true);
    expect(report.notes.filter((n) => n.text.startsWith('internal:'))).toEqual([]);
    if (wrong.has(c.id)) {
      // still wrong is expected; once right, it must leave the list so the bench counts it right
      expect(shortfalls, `${c.id} is right now: remove it from known-wrong.json`).not.toEqual([]);
    } else {
      expect(shortfalls).toEqual([]);
    }
  });
});
