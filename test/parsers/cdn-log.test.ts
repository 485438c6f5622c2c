// A Dragonfly v2.0 CDN's zap log told from the Go dfdaemon's by the callers its lines name
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cdnCallers } from '../../src/parsers/cdn-log.js';
import { schedulerCallers } from '../../src/parsers/scheduler-log.js';
import { sniffKind } from '../../src/bundle/sniff.js';
import { factsFrom } from '../helpers/bundle.js';

const CASE = 'fixtures/real/cdn-2.0.1-seed-log-1193';
// dragonflyoss/dragonfly#1193 (a v2.0.1 CDN's JSON log, as the issue posted it)
const CDN_1193 = readFileSync(new URL(`../../${CASE}/raw/dfdaemon/logs/core.log`, import.meta.url), 'utf8');

describe('cdnCallers', () => {
  it('knows a v2.0.1 CDN by its callers, though half its lines name files other components share (dragonfly#1193)', () => {
    expect(cdnCallers(CDN_1193)).toEqual(['task/manager_util.go']);
    expect(schedulerCallers(CDN_1193)).toBeNull();
    // cdn/supervisor/cdn/cache_detector.go (v2.0.2), console layout
    expect(
      cdnCallers(
        '2022-01-10T08:00:00.000Z\tINFO\tcdn/cache_detector.go:76\tfinish detect cache, result: nil\t{"taskId": "t"}\n',
      ),
    ).toEqual(['cdn/cache_detector.go']);
  });

  it('wants more lines naming a CDN source than naming another: a dfdaemon log with one is not', () => {
    const daemon =
      '{"level":"info","ts":"2022-03-24 11:51:33.439","caller":"peer/peertask_conductor.go:1393","msg":"peer task done, cost: 12ms"}';
    const cdn =
      '{"level":"debug","ts":"2022-03-24 11:51:33.439","caller":"task/manager_util.go:80","msg":"get new task for taskID: t"}';
    expect(cdnCallers([daemon, daemon, cdn].join('\n'))).toBeNull();
    expect(cdnCallers([daemon, cdn, cdn].join('\n'))).toEqual(['task/manager_util.go']);
  });

  it("takes no dfdaemon or scheduler log of the corpus for the CDN's", () => {
    const logs = execFileSync('find', ['fixtures', '-path', '*/raw/dfdaemon/logs/*', '-type', 'f'], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .filter((f) => !f.endsWith('.gz') && !f.startsWith(CASE));
    expect(logs.length).toBeGreaterThan(50);
    for (const f of logs) expect(cdnCallers(readFileSync(f, 'utf8')), f).toBeNull();
  });
});

describe("a Dragonfly CDN's log handed over as dfdaemon's", () => {
  it('is left out with a note, so nothing of dfdaemon (generation, tasks) is drawn from it', async () => {
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': CDN_1193 });
    expect(f.dfdaemon?.logs).toBeUndefined();
    expect(f.dfdaemon?.generation ?? null).toBeNull();
    expect(f.notes.map((n) => n.text).join('\n')).toContain(
      "raw/dfdaemon/logs/core.log: this is the Dragonfly CDN's log (the v2.0 `cdn` component), not dfdaemon's (its lines' callers, such as `task/manager_util.go`, are CDN sources)",
    );
  });

  it('is sniffed as a Go log whose callers are the CDN’s', () => {
    expect(sniffKind('cdn.log', CDN_1193)?.why).toMatch(/, whose callers are the Dragonfly CDN's$/);
  });
});
