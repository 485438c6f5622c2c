// Fleet summaries mix reports of several dfdoctor versions: one written before typed remediation
// steps (plain strings) still counts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readReport } from '../../src/commands/fleet-read.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-legacy-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fleet reads reports with untyped steps', () => {
  it('a report with string steps and no `read` counts', async () => {
    const r = await fixtureReport('cpu-saturated', 'old-node', '2026-11-25T00:00:00Z');
    const legacy = JSON.parse(JSON.stringify(r));
    for (const d of legacy.diagnoses) d.remediation.steps = ['top -b -n1 | head', 'Give dfdaemon CPU headroom.'];
    delete legacy.read;
    const file = join(dir, 'old.json');
    await writeFile(file, JSON.stringify(legacy));
    const got = readReport(file);
    expect(got.ok, JSON.stringify(got)).toBe(true);
    // the summary reads causes and severities, not the steps: the old report counts in full
    if (got.ok)
      expect(got.input.report.diagnoses.map((d) => [d.cause, d.severity])).toEqual(
        r.diagnoses.map((d) => [d.cause, d.severity]),
      );
  });
});

describe('fleet names a report it cannot count', () => {
  it('a cause this version does not know, or a negative count: skipped with the field named', async () => {
    const r = await fixtureReport('cpu-saturated', 'new-node', '2026-11-25T00:00:00Z');
    expect(r.diagnoses.length).toBeGreaterThan(0);
    const newer = JSON.parse(JSON.stringify(r));
    newer.diagnoses[0].cause = 'cause-of-a-later-version';
    await writeFile(join(dir, 'newer.json'), JSON.stringify(newer));
    const got = readReport(join(dir, 'newer.json'));
    expect(got).toMatchObject({ ok: false, source: join(dir, 'newer.json') });
    if (!got.ok) expect(got.reason).toMatch(/^not a dfdoctor report: diagnoses\.0\.cause: /);

    const negative = JSON.parse(JSON.stringify(r));
    negative.summary.warning = -1;
    await writeFile(join(dir, 'negative.json'), JSON.stringify(negative));
    const neg = readReport(join(dir, 'negative.json'));
    if (neg.ok) expect.fail('a negative count was read');
    expect(neg.reason).toMatch(/^not a dfdoctor report: summary\.warning: /);
  });
});
