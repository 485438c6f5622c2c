// Redaction must not change a diagnosis: every fixture bundle, passed file by file through the
// redactor, analyses to the same rules, causes, severities and order as the original.
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { createRedactor } from '../../src/bundle/redact.js';
import { reportOrigin } from '../../src/commands/analysis.js';
import { analyse } from '../../src/pipeline.js';
import { parseBaseline } from '../../src/facts/baseline.js';

const ROOT = new URL('../../fixtures/', import.meta.url).pathname;
const dirs = (root: string) => readdirSync(join(ROOT, root)).filter((d) => statSync(join(ROOT, root, d)).isDirectory());
// the real-world corpus (fixtures/real/<case>) too: pasted text is what redaction sees most
const scenarios = [...dirs('').filter((d) => d !== 'real'), ...dirs('real').map((d) => `real/${d}`)].sort();
const work = await mkdtemp(join(tmpdir(), 'dfdoctor-redact-fixtures-'));

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

async function diagnoses(dir: string, scenario: string) {
  const exp = JSON.parse(readFileSync(join(ROOT, scenario, 'expected.json'), 'utf8')) as { baseline?: string };
  const p = exp.baseline ? parseBaseline(readFileSync(join(ROOT, scenario, exp.baseline), 'utf8')) : undefined;
  const b = await openBundle(dir);
  try {
    const r = await analyse(b.reader, b, p?.ok ? { baseline: p.baseline } : {}, reportOrigin({ kind: 'bundle' }));
    return {
      diagnoses: r.diagnoses.map((d) => `${d.rank} ${d.rule} ${d.cause} ${d.severity}`),
      problems: r.notes.length,
    };
  } finally {
    await b.close();
  }
}

/** Cases where redaction still changes the diagnosis today, each with why; the test fails once one is fixed. */
const REDACTION_CHANGES: Record<string, string> = {};

describe('redaction keeps every fixture diagnosis', () => {
  afterAll(() => rm(work, { recursive: true, force: true }));
  it.each(scenarios)('%s', async (scenario) => {
    const src = join(ROOT, scenario);
    const dst = join(work, scenario);
    await cp(src, dst, { recursive: true });
    const redact = createRedactor();
    for (const f of await files(dst)) {
      const rel = relative(dst, f);
      // manifest.json and measurements.json are written by BundleWriter itself, not through the redactor
      if (rel === 'manifest.json' || rel === 'measurements.json' || rel === 'expected.json' || rel === 'baseline.json')
        continue;
      const buf = await readFile(f);
      if (buf.includes(0)) continue; // binary: never written as text
      await writeFile(f, redact(rel, buf.toString('utf8')).text);
    }
    const [a, b] = [await diagnoses(src, scenario), await diagnoses(dst, scenario)];
    if (REDACTION_CHANGES[scenario]) {
      expect(b.diagnoses, `${scenario}: redaction no longer changes it — drop it from REDACTION_CHANGES`).not.toEqual(
        a.diagnoses,
      );
      return;
    }
    expect(b.diagnoses).toEqual(a.diagnoses);
    expect(b.problems).toBe(a.problems);
  });
});
