// One diagnosis of a fixture bundle as the report gives it: its evidence and its steps as text.
import { openBundle } from '../../src/bundle/open.js';
import { reportOrigin } from '../../src/commands/analysis.js';
import { analyse } from '../../src/pipeline.js';
import type { Step } from '../../src/report/model.js';
import { stepText } from '../../src/report/steps-render.js';

export async function fixtureDiagnosis(
  fixture: string,
  rule: string,
): Promise<{ evidence: string[]; steps: Step[]; stepTexts: string[] }> {
  const b = await openBundle(new URL(`../../fixtures/${fixture}/`, import.meta.url).pathname);
  try {
    const r = await analyse(b.reader, b, {}, reportOrigin({ kind: 'bundle' }));
    const d = r.diagnoses.find((x) => x.rule === rule);
    if (!d) throw new Error(`${fixture}: no ${rule}`);
    return { evidence: d.evidence, steps: d.remediation.steps, stepTexts: d.remediation.steps.map(stepText) };
  } finally {
    await b.close();
  }
}
