// A Dragonfly scheduler's zap log told from the Go dfdaemon's by the callers its lines name
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { schedulerCallers } from '../../src/parsers/scheduler-log.js';

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

  it("takes no dfdaemon log of the corpus for the scheduler's", () => {
    const logs = execFileSync('find', ['fixtures', '-path', '*/raw/dfdaemon/logs/*', '-type', 'f'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter((f) => !f.endsWith('.gz'));
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
