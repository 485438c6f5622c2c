// Real reports for fleet tests: the fixtures analysed through the same path as `analyze`, each under a
// node name of its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBundle } from '../../src/bundle/open.js';
import { reportOrigin } from '../../src/commands/analysis.js';
import { analyse } from '../../src/pipeline.js';
import { parseBaseline } from '../../src/facts/baseline.js';
import type { Report } from '../../src/report/model.js';

const FIXTURES = new URL('../../fixtures/', import.meta.url).pathname;

export async function fixtureReport(scenario: string, hostname: string, createdAt: string): Promise<Report> {
  const dir = join(FIXTURES, scenario);
  const exp = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { baseline?: string };
  const settings: Parameters<typeof analyse>[2] = {};
  if (exp.baseline) {
    const p = parseBaseline(readFileSync(join(dir, exp.baseline), 'utf8'));
    if (p.ok) settings.baseline = p.baseline;
  }
  const b = await openBundle(dir);
  try {
    const r = await analyse(b.reader, b, settings, reportOrigin({ kind: 'live' }));
    return { ...r, createdAt, host: { ...r.host, hostname } };
  } finally {
    await b.close();
  }
}

/** 24 nodes: 8 regressed against their baseline, 6 CPU-saturated, 10 healthy (4 of them with a steady baseline). */
export const FLEET_PLAN: { scenario: string; count: number }[] = [
  { scenario: 'baseline-regressed', count: 8 },
  { scenario: 'cpu-saturated', count: 6 },
  { scenario: 'healthy', count: 6 },
  { scenario: 'baseline-steady', count: 4 },
];

export async function fleetReports(): Promise<Report[]> {
  const out: Report[] = [];
  let i = 0;
  for (const { scenario, count } of FLEET_PLAN) {
    for (let k = 0; k < count; k++, i++) {
      out.push(
        await fixtureReport(
          scenario,
          `node-${String(i).padStart(2, '0')}`,
          `2026-11-25T10:${String(i).padStart(2, '0')}:00.000Z`,
        ),
      );
    }
  }
  return out;
}
