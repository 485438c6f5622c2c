// The real-world corpus (fixtures/real/<case>/): each case is a bundle directory built around an
// artifact a real system produced, with expected.json written from what its public source
// establishes (SOURCE.md). known-wrong.json lists the cases dfdoctor gets wrong today, each with why.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openBundle } from '../../src/bundle/open.js';
import { reportOrigin } from '../../src/commands/analysis.js';
import { analyse } from '../../src/pipeline.js';
import type { Report } from '../../src/report/model.js';
import type { Expected } from './expected.js';
import { judge, type Shortfall } from './judge-expected.js';

export const REAL_ROOT = new URL('../../fixtures/real/', import.meta.url).pathname;

export interface RealCase {
  id: string;
  /** What kind of artifact the case holds (the "kind" column of SOURCES.md). */
  kind: string;
  expected: Expected;
}

/** case id → kind, from the SOURCES.md index (`| \`id\` | kind | source |`). */
function kindsFromIndex(): Map<string, string> {
  const index = readFileSync(join(REAL_ROOT, 'SOURCES.md'), 'utf8');
  const out = new Map<string, string>();
  for (const m of index.matchAll(/^\| `([^`]+)` \| ([^|]+) \|/gm)) out.set(m[1] as string, (m[2] as string).trim());
  return out;
}

export function realCases(): RealCase[] {
  const kinds = kindsFromIndex();
  return readdirSync(REAL_ROOT)
    .filter((d) => statSync(join(REAL_ROOT, d)).isDirectory())
    .sort()
    .map((id) => ({
      id,
      kind: kinds.get(id) ?? 'unindexed',
      expected: JSON.parse(readFileSync(join(REAL_ROOT, id, 'expected.json'), 'utf8')) as Expected,
    }));
}

/** case id → why dfdoctor gets it wrong today. */
export function knownWrong(): Map<string, string> {
  const raw = JSON.parse(readFileSync(join(REAL_ROOT, 'known-wrong.json'), 'utf8')) as Record<string, string>;
  return new Map(Object.entries(raw));
}

export async function runCase(c: RealCase): Promise<{ report: Report; shortfalls: Shortfall[] }> {
  const b = await openBundle(join(REAL_ROOT, c.id));
  try {
    const report = await analyse(b.reader, b, {}, reportOrigin({ kind: 'bundle', path: `fixtures/real/${c.id}` }));
    return { report, shortfalls: judge(report, c.expected) };
  } finally {
    await b.close();
  }
}
