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
  it('string steps are read as prose', async () => {
    const r = await fixtureReport('cpu-saturated', 'old-node', '2026-11-25T00:00:00Z');
    const legacy = JSON.parse(JSON.stringify(r));
    for (const d of legacy.diagnoses) d.remediation.steps = ['top -b -n1 | head', 'Give dfdaemon CPU headroom.'];
    delete legacy.read;
    const file = join(dir, 'old.json');
    await writeFile(file, JSON.stringify(legacy));
    const got = await readReport(file);
    expect(got.ok, JSON.stringify(got)).toBe(true);
    if (got.ok)
      expect(got.input.report.diagnoses[0]?.remediation.steps[0]).toEqual({ kind: 'prose', text: 'top -b -n1 | head' });
  });
});
