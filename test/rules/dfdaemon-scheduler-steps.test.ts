// What the scheduler's back-to-source diagnosis tells an SRE to do, on the real logs and the fixture
// that fire it: a step about applying a config change only where a step changes the config, and each
// task named once.
import { describe, expect, it } from 'vitest';
import { fixtureDiagnosis } from '../helpers/fixture-diagnosis.js';

async function diagnosis(fixture: string, rule: string) {
  const d = await fixtureDiagnosis(fixture, rule);
  return { evidence: d.evidence, steps: d.stepTexts };
}

const APPLY = /set the key under/;

describe('dfdaemon.scheduler-back-source remediation', () => {
  it.each(['real/dfdaemon-go-5001-reschedule', 'real/dfdaemon-go-sched-back-source'])(
    '%s: the scheduler alone ordered it: steps to check the scheduler and preheat, no config to apply',
    async (fixture) => {
      const { steps } = await diagnosis(fixture, 'dfdaemon.scheduler-back-source');
      expect(steps.some((s) => /preheat/i.test(s))).toBe(true);
      expect(steps.some((s) => APPLY.test(s))).toBe(false);
    },
  );

  it('a blob fetched again with multiplex on: checks, and no config to apply', async () => {
    const { steps } = await diagnosis('dfdaemon-go-sched-back-source', 'dfdaemon.scheduler-back-source');
    expect(steps.some((s) => /still in the cache/.test(s))).toBe(true);
    expect(steps.some((s) => APPLY.test(s))).toBe(false);
  });

  it('an ordered task whose origin request then failed is not said to have come from the registry alone', async () => {
    // the origin refused the request (a registry URL without a scheme, dragonflyoss/dragonfly#4006)
    const { evidence } = await diagnosis('dfdaemon-go-mirror-url-no-scheme', 'dfdaemon.scheduler-back-source');
    expect(evidence.join('\n')).toContain(
      '1 of the ordered task(s) failed at the origin instead (dfdaemon.origin-failed)',
    );
    const { evidence: fine } = await diagnosis('real/dfdaemon-go-sched-back-source', 'dfdaemon.scheduler-back-source');
    expect(fine.join('\n')).not.toContain('failed at the origin');
  });

  it('a task without a URL is named by its id, once and whole', async () => {
    const { evidence } = await diagnosis('real/dfdaemon-go-5001-reschedule', 'dfdaemon.scheduler-back-source');
    const id = '10.50.0.2-1-9e7c5a3b-1d2f-4e6a-8b0c-3d5f7a9c1e2b';
    const line = evidence.find((e) => e.startsWith('task '));
    expect(line).toBe(`task ${id}: size not logged, duration not logged, served by back-to-source`);
  });
});
