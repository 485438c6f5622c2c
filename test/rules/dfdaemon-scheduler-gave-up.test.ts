// dfdaemon.scheduler-gave-up: the scheduler's log shows peers given up past retryLimit, with no order
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { dfdaemonRules } from '../../src/rules/dfdaemon/index.js';
import { stepText } from '../../src/report/steps-render.js';
import { factsFrom } from '../helpers/bundle.js';

const RULE = 'dfdaemon.scheduler-gave-up';
const PEER = '10.0.0.5-1-0f3c5d2e-9b1a-4c8e-a1d2-3e4f5a6b7c8d';

/** A v2.2.0 scheduler's console line (scheduler/scheduling/scheduling.go). */
const line = (level: string, caller: string, msg: string, peer = PEER) =>
  `2025-01-11T02:43:06.956Z\t${level}\tscheduling/scheduling.go:${caller}\t${msg}\t{"hostID": "h", "taskID": "t1", "peerID": "${peer}"}`;
const tries = (n: number, caller: string) =>
  Array.from({ length: n }, (_, i) =>
    line('INFO', caller, `scheduling failed in ${i + 1} times, because of candidate parents not found`),
  );

async function gaveUp(log: string[]) {
  const f = await factsFrom({ 'raw/dfdaemon/logs/scheduler.log': `${log.join('\n')}\n` });
  const d = evaluate(f, dfdaemonRules).diagnoses.find((x) => x.rule === RULE);
  return d && { ...d, text: d.evidence.join('\n'), stepsText: d.remediation.steps.map(stepText).join('\n') };
}

describe('dfdaemon.scheduler-gave-up', () => {
  it('Go peers (v1): critical, the task ended with 5006 and the request through the proxy failed', async () => {
    const d = await gaveUp([
      ...tries(5, '335'),
      line('ERROR', '315', 'send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit 5'),
    ]);
    expect(d?.severity).toBe('critical');
    expect(d?.cause).toBe('dfdaemon-scheduler');
    expect(d?.text).toContain('the scheduler gave up on 1 peer(s) with no parent after 5 tries (its retryLimit)');
    expect(d?.text).toContain('raw/dfdaemon/logs/scheduler.log:6:');
    expect(d?.text).toContain('1 of them were Go dfdaemon peers (v1 API)');
    expect(d?.text).not.toContain('Rust client peers');
    expect(d?.stepsText).toContain('code default 200 from v2.1.31, 3 in v2.0.5–v2.1.30');
    expect(d?.stepsText).toContain(`grep -F -- '${PEER}'`);
  });

  it('Rust peers (v2): a warning, the client went to the origin itself after the tries', async () => {
    const d = await gaveUp([
      ...tries(5, '173'),
      line('ERROR', '157', 'scheduling failed, because of scheduling exceeded RetryLimit 5'),
    ]);
    expect(d?.severity).toBe('warning');
    expect(d?.text).toContain('1 of them were Rust client peers (v2 API)');
  });

  it('reads the v2.0.2–v2.0.8 wording as a Go give-up', async () => {
    const d = await gaveUp([line('ERROR', '133', 'peer scheduling exceeds the limit 10 times and return code 5006')]);
    expect(d?.severity).toBe('critical');
  });

  it('says nothing of back-to-source orders, whose v1 wording of v2.0.9–v2.1.30 also says "exceeded RetryLimit"', async () => {
    expect(
      await gaveUp([
        line('INFO', '273', 'send Code_SchedNeedBackSource to peer, because of scheduling exceeded RetryLimit 10'),
      ]),
    ).toBeUndefined();
    expect(await gaveUp(tries(3, '173'))).toBeUndefined();
  });
});
