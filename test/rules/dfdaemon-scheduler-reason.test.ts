// Why the scheduler sent a peer to the origin: read from the scheduler's log (given with dfdaemon's or
// alone) and from the response a Rust daemon logged, and named in the diagnosis with steps that fit it.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { dfdaemonRules } from '../../src/rules/dfdaemon/index.js';
import { stepText } from '../../src/report/steps-render.js';
import { factsFrom } from '../helpers/bundle.js';
import { goTaskLines, hex64, rustTaskLines } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2025, 0, 11, 2, 43, 0);
const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;
const RULE = 'dfdaemon.scheduler-back-source';

async function backSource(files: Record<string, string>) {
  const d = evaluate(await factsFrom(files), dfdaemonRules).diagnoses.find((x) => x.rule === RULE);
  return d && { ...d, stepsText: d.remediation.steps.map(stepText).join('\n'), text: d.evidence.join('\n') };
}

/** A v2.2.0 scheduler's console line (scheduler/scheduling/scheduling.go:136), as dragonfly#3758 shows it. */
const schedulerLine = (msg: string, peer: string, task: string, caller = 'scheduling/scheduling.go:136') =>
  `2025-01-11T02:43:06.956Z\tINFO\t${caller}\t${msg}\t{"hostID": "192.168.100.5-server-1", "taskID": "${task}", "peerID": "${peer}"}`;
const RETRY = 'send NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit 5';
const NEEDS = "send Code_SchedNeedBackSource to peer, because of peer's NeedBackToSource is true";

describe("the scheduler's reason for a back-to-source order", () => {
  it("names the retry limit from a scheduler's log given alone, with its settings and the peer to grep", async () => {
    const peer = '192.168.100.5-server-1-677912b8-c0a4-4181-ba1c-83e2cd3c6af0';
    const log = [
      schedulerLine(
        'scheduling failed in 1 times, because of candidate parents not found',
        peer,
        't1',
        'scheduling/scheduling.go:173',
      ),
      schedulerLine(RETRY, peer, 't1'),
      schedulerLine('peer state is BackToSource', peer, 't1', 'standard/peer.go:274'),
    ];
    const d = await backSource({ 'raw/dfdaemon/logs/scheduler.log': `${log.join('\n')}\n` });
    expect(d?.severity).toBe('warning');
    expect(d?.title).toBe('The scheduler sent peers to the origin registry');
    expect(d?.text).toContain('found no candidate parent for the peer in 5 tries (its retryBackToSourceLimit)');
    expect(d?.text).toContain('raw/dfdaemon/logs/scheduler.log:2:');
    expect(d?.text).toContain('1 failed tries to find a parent');
    expect(d?.remediation.summary).toMatch(
      /^The scheduler found no parent for these peers within its retryBackToSourceLimit tries/,
    );
    expect(d?.stepsText).toContain(
      'scheduler.retryBackToSourceLimit (scheduler.yaml; chart value scheduler.config.scheduler.retryBackToSourceLimit',
    );
    expect(d?.stepsText).toContain('code default 4 from v2.1.35');
    expect(d?.stepsText).toContain(
      `grep -F -- '${peer}' | grep -E 'candidate parents not found|is not selected|can not add edge'`,
    );
  });

  it('says nothing of a scheduler log with no order in it', async () => {
    const log = schedulerLine('peer state is Succeeded', 'p', 't', 'standard/peer.go:274');
    expect(await backSource({ 'raw/dfdaemon/logs/scheduler.log': `${log}\n` })).toBeUndefined();
  });

  it("ties the Go daemon's order to the scheduler's line for its peer, and gives the seed-peer steps", async () => {
    const peer = '10.0.0.5-1-0f3c5d2e-9b1a-4c8e-a1d2-3e4f5a6b7c8d';
    const task = hex64(7);
    const core = goTaskLines({ startMs: T0, peer, task, url: blob(1), size: 50e6, mode: 'source', costMs: 900 });
    const files = {
      'raw/dfdaemon/generation.txt': 'go\n',
      'raw/dfdaemon/logs/core.log': `${core.join('\n')}\n`,
      'raw/dfdaemon/logs/scheduler.log': `${[schedulerLine(RETRY, 'another-peer', task), schedulerLine(NEEDS, peer, task, 'scheduling/scheduling.go:246')].join('\n')}\n`,
    };
    const d = await backSource(files);
    expect(d?.severity).toBe('info');
    expect(d?.text).toContain(`marked the peer for the origin when it registered ("peer's NeedBackToSource is true")`);
    expect(d?.text).not.toContain('RetryBackToSourceLimit');
    expect(d?.stepsText).toContain(
      'scheduler.yaml `seedPeer.enable` (chart scheduler.config.seedPeer.enable, true by default)',
    );
    // without the scheduler's log the same order has no reason: the Go finding as before
    const alone = await backSource({ ...files, 'raw/dfdaemon/logs/scheduler.log': '' });
    expect(alone?.text).not.toContain('NeedBackToSource');
    expect(alone?.remediation.summary).toMatch(/^The scheduler found no peer to serve these blobs/);
  });

  it("reads the reason a Rust client logged with the response (v0.1.0–v1.4.0), and none from a later one's bare line", async () => {
    const t = {
      startMs: T0,
      host: 'h1',
      peer: 'h1-aa',
      task: hex64(9),
      url: blob(2),
      size: 80e6,
      mode: 'source' as const,
      costMs: 1200,
      series: 'v1' as const,
    };
    const said = rustTaskLines(t).map((l) =>
      l.replace(
        'need back to source response host_id',
        'need back to source response: NeedBackToSourceResponse { description: Some("scheduling exceeded RetryBackToSourceLimit") } host_id',
      ),
    );
    const d = await backSource({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/logs/dfdaemon.log': `${said.join('\n')}\n`,
    });
    expect(d?.severity).toBe('warning');
    expect(d?.text).toContain("from the scheduler's response dfdaemon logged");
    expect(d?.text).toContain('as many tries as its retryBackToSourceLimit');
    // v1.4.1 onwards logs "need back to source response" alone: a Rust client's first pull, no finding
    const bare = await backSource({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/logs/dfdaemon.log': `${rustTaskLines(t).join('\n')}\n`,
    });
    expect(bare).toBeUndefined();
  });

  it('names the reason of an order that came after a long wait (dfdaemon.scheduler-wait)', async () => {
    const peer = '10.0.0.5-1-0f3c5d2e-9b1a-4c8e-a1d2-3e4f5a6b7c8d';
    const task = hex64(8);
    const core = goTaskLines({
      startMs: T0,
      peer,
      task,
      url: blob(3),
      size: 50e6,
      mode: 'source',
      costMs: 9000,
      registerMs: 3000,
    });
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'go\n',
      'raw/dfdaemon/logs/core.log': `${core.join('\n')}\n`,
      'raw/dfdaemon/logs/scheduler.log': `${schedulerLine(RETRY.replace('NeedBackToSourceResponse', 'Code_SchedNeedBackSource to peer'), peer, task, 'scheduling/scheduling.go:279')}\n`,
    });
    const d = evaluate(f, dfdaemonRules).diagnoses.find((x) => x.rule === 'dfdaemon.scheduler-wait');
    expect(d?.evidence.join('\n')).toContain(
      'found no candidate parent for the peer in 5 tries (its retryBackToSourceLimit)',
    );
    expect(d?.remediation.steps.map(stepText).join('\n')).toContain(
      'scheduler.retryInterval (chart scheduler.config.scheduler.retryInterval)',
    );
  });
});
