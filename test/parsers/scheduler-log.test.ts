// A Dragonfly scheduler's zap log told from the Go dfdaemon's by the callers its lines name
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  orderDescriptionReason,
  schedulerCallers,
  schedulerGaveUpOf,
  schedulerOrderOf,
} from '../../src/parsers/scheduler-log.js';

// dragonflyoss/dragonfly#3758 (v2.2.0, the scheduler's console log as the issue posted it, tab-separated)
const CONSOLE_3758 = [
  '2025-01-11T02:43:06.956Z\tINFO\tscheduling/scheduling.go:136\tsend NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit 5\t{"hostID": "192.168.100.5-server-1", "taskID": "c4356d4db905467cc4fbe52661a44b746e1f996401e9972888a29a6dedea585a", "peerID": "192.168.100.5-server-1-677912b8-c0a4-4181-ba1c-83e2cd3c6af0"}',
  '',
  '2025-01-11T02:43:06.953Z\tINFO\tstandard/peer.go:274\tpeer state is BackToSource\t{"hostID": "192.168.100.5-server-1", "taskID": "cb40510188c4b553e053fda04ee5fcb2dcc2276a32954b5555922af6cbc9aafa", "peerID": "192.168.100.5-server-1-a6b84a64-b010-497e-ac43-f1f883869f84"}',
].join('\n');
// dragonflyoss/dragonfly#3298 (a comment's scheduler JSON record)
const JSON_3298 =
  '{"level":"info","ts":"2024-05-31 02:08:18.729","caller":"resource/peer.go:291","msg":"peer state is Succeeded","hostID":"890e03447134f7e13b3dc548ed0af47ccb05e033c0309fa02a59cda5fb094b41","taskID":"911e8ac7b222b42f979766cb912d10bb29a49a1425073733e7b9dee610f04320","peerID":"10.222.79.9-16589-e9ccae92-1719-424d-abc4-099715c0c59a"}';

describe('schedulerCallers', () => {
  it('knows the scheduler by its callers, console and JSON (dragonfly#3758, #3298)', () => {
    expect(schedulerCallers(CONSOLE_3758)).toEqual(['scheduling/scheduling.go', 'standard/peer.go']);
    expect(schedulerCallers(`${JSON_3298}\n`)).toEqual(['resource/peer.go']);
  });

  it('knows a v2.0.0–v2.0.1 scheduler by its callers, the console pasted with spaces for tabs (dragonfly#701)', () => {
    const log = readFileSync(
      new URL(
        '../../fixtures/real/scheduler-2.0.0-basic-scheduler-701/raw/dfdaemon/logs/scheduler.log',
        import.meta.url,
      ),
      'utf8',
    );
    expect(log).not.toContain('\t');
    expect(schedulerCallers(log)).toEqual(['basic/basic_scheduler.go']);
    // dragonfly#692's scheduler line of the same releases
    expect(
      schedulerCallers(
        '2021-09-27T15:30:10.949Z        ERROR   core/events.go:94       reScheduleParent: failed to schedule parent to peer 10.1.0.165-1-64790438-7b39-421b-8f3d-55f9a5e22eb8, reschedule it later\n',
      ),
    ).toEqual(['core/events.go']);
  });

  it("takes no dfdaemon log of the corpus for the scheduler's", () => {
    const logs = execFileSync('find', ['fixtures', '-path', '*/raw/dfdaemon/logs/*', '-type', 'f'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      // the scheduler's own logs in the corpus are named so (a case holding one beside or instead of dfdaemon's)
      .filter((f) => !f.endsWith('.gz') && !/\/scheduler[^/]*\.log$/.test(f));
    expect(logs.length).toBeGreaterThan(50);
    for (const f of logs) expect(schedulerCallers(readFileSync(f, 'utf8')), f).toBeNull();
  });

  it('wants most caller lines to be the scheduler’s: a dfdaemon log with one such line is not', () => {
    const daemon =
      '{"level":"info","ts":"2024-05-31 02:08:18.729","caller":"peer/peertask_conductor.go:1393","msg":"peer task done, cost: 12ms"}';
    expect(schedulerCallers(`${daemon}\n${daemon}\n${JSON_3298}\n`)).toBeNull();
    expect(schedulerCallers('no caller here\n')).toBeNull();
  });
});

describe('schedulerOrderOf', () => {
  const console = (msg: string) =>
    `2025-01-11T02:43:06.956Z\tINFO\tscheduling/scheduling.go:136\t${msg}\t{"hostID": "h", "taskID": "t", "peerID": "p"}`;
  const json = (msg: string) =>
    `{"level":"info","ts":"2024-05-31 02:08:18.729","caller":"scheduling/scheduling.go:279","msg":"${msg}","hostID":"h","taskID":"t","peerID":"p"}`;

  it("reads dragonfly#3758's order: the retry limit, the limit in effect and the ids", () => {
    expect(schedulerOrderOf(CONSOLE_3758.split('\n')[0] as string)).toEqual({
      reason: 'retry-limit',
      limit: 5,
      api: 'v2',
      hostId: '192.168.100.5-server-1',
      taskId: 'c4356d4db905467cc4fbe52661a44b746e1f996401e9972888a29a6dedea585a',
      peerId: '192.168.100.5-server-1-677912b8-c0a4-4181-ba1c-83e2cd3c6af0',
    });
  });

  it('reads every wording of v2.0.3–v2.5.1, in both layouts', () => {
    const ids = { hostId: 'h', taskId: 't', peerId: 'p' };
    // v2.1.31+ v1 order
    expect(
      schedulerOrderOf(
        json('send Code_SchedNeedBackSource to peer, because of scheduling exceeded RetryBackToSourceLimit 4'),
      ),
    ).toEqual({ reason: 'retry-limit', limit: 4, api: 'v1', ...ids });
    // v2.0.9–v2.1.30 printed retryLimit's value for the back-to-source limit: no limit is taken from it
    expect(
      schedulerOrderOf(json('send Code_SchedNeedBackSource to peer, because of scheduling exceeded RetryLimit 10')),
    ).toEqual({ reason: 'retry-limit', api: 'v1', ...ids });
    expect(
      schedulerOrderOf(console("send NeedBackToSourceResponse, because of peer's NeedBackToSource is true")),
    ).toEqual({ reason: 'peer-needs-source', api: 'v2', ...ids });
    // v2.1.22–v2.1.28: maxScheduleCount
    expect(
      schedulerOrderOf(
        console(
          "send NeedBackToSourceResponse, because of peer's NeedBackToSource is false and peer's schedule count is 30",
        ),
      ),
    ).toEqual({ reason: 'schedule-count', api: 'v2', ...ids });
    expect(
      schedulerOrderOf(
        console(
          "send NeedBackToSourceResponse, because of peer's NeedBackToSource is true and peer's schedule count is 2",
        ),
      )?.reason,
    ).toBe('peer-needs-source');
    // v2.0.3–v2.0.8
    expect(
      schedulerOrderOf(json('peer downloads back-to-source, scheduling 5 times, peer need back-to-source false')),
    ).toEqual({ reason: 'retry-limit', api: 'v1', ...ids });
    expect(
      schedulerOrderOf(json('peer downloads back-to-source, scheduling 0 times, peer need back-to-source true'))
        ?.reason,
    ).toBe('peer-needs-source');
  });

  it('takes no other line for an order', () => {
    expect(schedulerOrderOf(json('scheduling failed, because of scheduling exceeded RetryLimit 5'))).toBeNull();
    expect(schedulerOrderOf(json('scheduling failed in 3 times, because of candidate parents not found'))).toBeNull();
    expect(schedulerOrderOf(CONSOLE_3758.split('\n')[2] as string)).toBeNull();
    expect(schedulerOrderOf(json('send NormalTaskResponse'))).toBeNull();
  });
});

describe('schedulerGaveUpOf', () => {
  const json = (msg: string) =>
    `{"level":"error","ts":"2024-05-31 02:08:18.729","caller":"scheduling/scheduling.go:315","msg":"${msg}","hostID":"h","taskID":"t","peerID":"p"}`;

  it('reads every wording of a peer given up past retryLimit, with its API and limit (v2.0.2–v2.3.4)', () => {
    // v2 (Rust client): scheduling.go:157@v2.2.0; v1 (Go dfdaemon): :315@v2.2.0; v2.0.2–v2.0.8: scheduler.go:133@v2.0.2
    expect(schedulerGaveUpOf(json('scheduling failed, because of scheduling exceeded RetryLimit 5'))).toEqual({
      api: 'v2',
      limit: 5,
      taskId: 't',
      peerId: 'p',
    });
    expect(
      schedulerGaveUpOf(json('send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit 10')),
    ).toMatchObject({ api: 'v1', limit: 10 });
    expect(schedulerGaveUpOf(json('peer scheduling exceeds the limit 10 times and return code 5006'))).toMatchObject({
      api: 'v1',
      limit: 10,
    });
  });

  it('takes no order for a give-up: the v1 order of v2.0.9–v2.1.30 also says "exceeded RetryLimit"', () => {
    expect(
      schedulerGaveUpOf(json('send Code_SchedNeedBackSource to peer, because of scheduling exceeded RetryLimit 10')),
    ).toBeNull();
    expect(
      schedulerGaveUpOf(json('send NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit 5')),
    ).toBeNull();
    expect(schedulerGaveUpOf(json('scheduling failed in 3 times, because of candidate parents not found'))).toBeNull();
  });
});

describe('orderDescriptionReason', () => {
  it("reads the description a Rust client (v0.1.0–v1.4.0) logged with the scheduler's response", () => {
    expect(
      orderDescriptionReason(
        'need back to source response: NeedBackToSourceResponse { description: Some("scheduling exceeded RetryBackToSourceLimit") }',
      ),
    ).toEqual({ reason: 'retry-limit' });
    expect(
      orderDescriptionReason(
        `need back to source response: NeedBackToSourceResponse { description: Some("peer's NeedBackToSource is true") }`,
      ),
    ).toEqual({ reason: 'peer-needs-source' });
    // v2.1.22–v2.1.28 sent "false" when maxScheduleCount was reached
    expect(
      orderDescriptionReason(
        `need back to source response: NeedBackToSourceResponse { description: Some("peer's NeedBackToSource is false") }`,
      ),
    ).toEqual({ reason: 'schedule-count' });
    expect(
      orderDescriptionReason('need back to source response: NeedBackToSourceResponse { description: None }'),
    ).toBeNull();
    expect(orderDescriptionReason('need back to source response')).toBeNull();
  });
});
