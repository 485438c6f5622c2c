import { readFileSync } from 'node:fs';
import { stepText } from '../../src/report/steps-render.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { dfdaemonRules } from '../../src/rules/dfdaemon/index.js';
import { factsFrom } from '../helpers/bundle.js';
import { goChartConfig, goMetrics, rustConfig, rustMetrics } from '../facts/dfdaemon-fixture-configs.js';
import {
  goDirect,
  goJson,
  goTaskLines,
  hex64,
  rustCompact,
  rustProxy,
  rustTaskLines,
} from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

/** dfdaemon.scheduler-wait on the log of a real case (fixtures/real/<id>), its steps as text, and the files read. */
async function schedulerWaitOn(id: string) {
  const dir = new URL(`../../fixtures/real/${id}/raw/dfdaemon/`, import.meta.url);
  const generation = readFileSync(new URL('generation.txt', dir), 'utf8');
  const log = generation.trim() === 'go' ? 'core.log' : 'dfdaemon.log';
  const files: Record<string, string> = {
    'raw/dfdaemon/generation.txt': generation,
    [`raw/dfdaemon/logs/${log}`]: readFileSync(new URL(`logs/${log}`, dir), 'utf8'),
  };
  const d = (await diag(files)).find((x) => x.rule === 'dfdaemon.scheduler-wait');
  return { d, steps: d?.remediation.steps.map(stepText).join('\n') ?? '', files };
}
const disk = (seqReadMBps: number) => ({
  disk: {
    path: '/var/lib/dragonfly',
    device: 'nvme0n1',
    fsType: 'ext4',
    rotational: false,
    seqReadMBps,
    randReadP50Ms: 0.1,
    randReadP99Ms: 0.5,
    method: 'o_direct' as const,
    bytesRead: 1,
    freeBytes: 1e12,
    totalBytes: 2e12,
  },
});

async function diag(files: Record<string, string>, measurements = {}) {
  const f = await factsFrom(files, { measurements });
  return evaluate(f, dfdaemonRules).diagnoses;
}
const go = (cfg: string, log: string[]) => ({
  'raw/dfdaemon/generation.txt': 'go\n',
  'raw/dfdaemon/config/dfget.yaml': cfg,
  'raw/dfdaemon/logs/core.log': `${log.join('\n')}\n`,
});

describe('dfdaemon.rate-limit', () => {
  it('estimates the time a limit below the disk adds to the P2P bytes of the last pull', async () => {
    const log = goTaskLines({
      startMs: T0,
      peer: 'a',
      task: 'ta',
      url: blob(1),
      size: 300e6,
      mode: 'p2p',
      costMs: 3100,
    });
    const d = (
      await diag(go(goChartConfig({ totalRateLimit: '100Mi', perPeerRateLimit: '512Mi' }), log), disk(1000))
    ).find((x) => x.rule === 'dfdaemon.rate-limit');
    expect(d?.impactSeconds).toBeCloseTo(300e6 / (100 * 2 ** 20) - 0.3, 2);
    expect(d?.severity).toBe('critical');
    expect(d?.evidence.join('\n')).toContain('download.totalRateLimit: 105 MB/s (raw/dfdaemon/config/dfget.yaml:');
  });

  it('does not blame a limit for a pull served from the local cache, and is silent when the limit is high', async () => {
    const hit = goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'hit', costMs: 0 });
    const low = (await diag(go(goChartConfig({ totalRateLimit: '50Mi' }), hit), disk(1000))).find(
      (x) => x.rule === 'dfdaemon.rate-limit',
    );
    expect(low?.impactSeconds).toBeUndefined();
    expect(low?.severity).toBe('info');
    expect(low?.evidence.join('\n')).toMatch(/not to local reads/);
    const high = await diag(go(goChartConfig(), hit), disk(1000));
    expect(high.map((x) => x.rule)).not.toContain('dfdaemon.rate-limit');
  });
});

describe('dfdaemon.digest-verification', () => {
  it('says digests are computed on download, not on a cache hit', async () => {
    const hit = goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'hit', costMs: 0 });
    const d = (await diag(go(goChartConfig({ calculateDigest: true }), hit))).find(
      (x) => x.rule === 'dfdaemon.digest-verification',
    );
    expect(d).toMatchObject({ severity: 'info' });
    expect(d?.impactSeconds).toBeUndefined();
    expect(d?.evidence.join('\n')).toMatch(/does not explain a slow cache hit/);
  });
});

describe('dfdaemon.digest-verification on the Rust client', () => {
  // the real lines of fixtures/real/dfdaemon-rust-digest-mismatch-from-parent (dragonflyoss/dragonfly#4160)
  const log = readFileSync(
    new URL(
      '../../fixtures/real/dfdaemon-rust-digest-mismatch-from-parent/raw/dfdaemon/logs/dfdaemon.log',
      import.meta.url,
    ),
    'utf8',
  );
  const rust = (text: string) => ({ 'raw/dfdaemon/generation.txt': 'rust\n', 'raw/dfdaemon/logs/dfdaemon.log': text });

  it('takes a piece that failed its CRC from a parent for a digest mismatch, its evidence naming it', async () => {
    const d = (await diag(rust(log))).find((x) => x.rule === 'dfdaemon.digest-verification');
    expect(d?.severity).toBe('warning');
    // the line runs ~200 characters before the error: the evidence leaves out its middle, not the error
    expect(d?.evidence.join('\n')).toContain('…DigestMismatch("crc32:4032120726", "crc32:3910062962")');
  });

  it('names the parent that served the bad piece, and removes the task with dfctl where the release has it', async () => {
    const steps = async (version?: string) => {
      const files = { ...rust(log), ...(version ? { 'raw/dfdaemon/version.txt': `${version}\n` } : {}) };
      const d = (await diag(files)).find((x) => x.rule === 'dfdaemon.digest-verification');
      return d?.remediation.steps.map(stepText).join('\n') ?? '';
    };
    const task = '9c4e1b7a02d85f36e1a07b9d4c2f8e6153ab0d97c8e4f21a6b3d5c07e9f18a24';
    const newer = await steps('v1.5.1');
    expect(newer).toContain('(10.40.1.75-dragonfly-seed-client-2-3f0c9a6e-51d2-4b8e-9e47-c2a1d8b05f63-seed)');
    expect(newer).toContain(`dfctl task rm ${task}`);
    expect(newer).not.toMatch(/version is not known/);
    // the case's own release: dfctl has no task subcommand before v1.3.0
    const older = await steps('v0.2.42');
    expect(older).not.toContain('dfctl task rm 9c4e');
    expect(older).toMatch(
      /this client \(v0\.2\.42\) has no command that removes one task \(`dfctl task rm` comes with v1\.3\.0\)/,
    );
    const unknown = await steps();
    expect(unknown).toContain(`dfctl task rm ${task}`);
    expect(unknown).toMatch(/comes with client v1\.3\.0; this client's version is not known/);
    // a daemon in a container: its own dfctl, run there
    const id = 'a1'.repeat(32);
    const d = (
      await diag({
        ...rust(log),
        'raw/dfdaemon/container.json': JSON.stringify({ id, image: 'dragonflyoss/client:v1.5.1' }),
      })
    ).find((x) => x.rule === 'dfdaemon.digest-verification');
    expect(d?.remediation.steps.map(stepText).join('\n')).toContain(`crictl exec ${id} dfctl task rm ${task}`);
  });

  it("blames no parent for dfget's whole-file digest check, and reads its other errors as no mismatch", async () => {
    // a dfget download from the origin, its output file then hashed against --digest (v1.5.1
    // grpc/dfdaemon_download.rs:632-638, "verify file digest: {}" with DigestMismatch's Display)
    const task = hex64(41);
    const lines = rustTaskLines({
      startMs: T0,
      host: 'h',
      peer: 'p-41',
      task,
      url: 'https://models.example.com/model.safetensors',
      size: 64e6,
      mode: 'source',
      costMs: 3000,
      series: 'v1',
      release: 'v1.5.1',
    });
    const verify = (err: string) =>
      rustCompact(
        T0 + 3100,
        'ERROR',
        'download_task',
        'dragonfly-client/src/grpc/dfdaemon_download.rs:635',
        `verify file digest: ${err}`,
        `host_id="h" task_id="${task}" peer_id="p-41"`,
      );
    const mismatch = verify(`digest mismatch expected: sha256:${hex64(1)}, actual: sha256:${hex64(2)}`);
    const d = (await diag(rust(`${[...lines, mismatch].join('\n')}\n`))).find(
      (x) => x.rule === 'dfdaemon.digest-verification',
    );
    expect(d?.severity).toBe('warning');
    const steps = d?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).not.toMatch(/parent served corrupt pieces|the parent peer/);
    expect(steps).toMatch(/no parent is to blame/);
    expect(steps).toContain(`dfctl task rm ${task}`);
    // the file could not be read: an error, not a digest mismatch (std::io::Error's Display)
    const io = verify('No such file or directory (os error 2)');
    expect((await diag(rust(`${[...lines, io].join('\n')}\n`))).map((x) => x.rule)).not.toContain(
      'dfdaemon.digest-verification',
    );
  });
  it('is silent when a piece fails from a parent for another reason', async () => {
    const other = log.replace('DigestMismatch("crc32:4032120726", "crc32:3910062962")', 'Unknown("connection reset")');
    expect((await diag(rust(other))).map((x) => x.rule)).not.toContain('dfdaemon.digest-verification');
    // still a failed piece of its task
    const tasks = (await factsFrom(rust(other))).dfdaemon?.logs?.summary.tasks;
    expect(tasks?.map((t) => [t.taskId, t.pieces.failed, t.digestFailures.length])).toEqual([
      ['9c4e1b7a02d85f36e1a07b9d4c2f8e6153ab0d97c8e4f21a6b3d5c07e9f18a24', 1, 0],
    ]);
  });
});

describe('dfdaemon.parent-failures', () => {
  const rustLog = readFileSync(
    new URL(
      '../../fixtures/real/dfdaemon-rust-digest-mismatch-from-parent/raw/dfdaemon/logs/dfdaemon.log',
      import.meta.url,
    ),
    'utf8',
  );
  const rust = (text: string, config?: string) => ({
    'raw/dfdaemon/generation.txt': 'rust\n',
    'raw/dfdaemon/logs/dfdaemon.log': text,
    ...(config ? { 'raw/dfdaemon/config/dfdaemon.yaml': config } : {}),
  });
  const find = async (files: Record<string, string>) =>
    (await diag(files)).find((x) => x.rule === 'dfdaemon.parent-failures');

  it('names the parent a Rust piece failed from and tries it on the upload port this node is given', async () => {
    const reset = rustLog.replace(
      'DigestMismatch("crc32:4032120726", "crc32:3910062962")',
      'Unknown("connection reset")',
    );
    const d = await find(rust(reset, rustConfig({ series: 'v1' })));
    expect(d?.severity).toBe('warning');
    expect(d?.evidence[0]).toBe(
      '1 piece of 1 task of the last pull failed from a parent: 10.40.1.75-dragonfly-seed-client-2-3f0c9a6e-51d2-4b8e-9e47-c2a1d8b05f63-seed',
    );
    const steps = d?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain("timeout 5 bash -c '</dev/tcp/10.40.1.75/4000' && echo reachable");
    expect(steps).toContain("(4000, the port this node's config gives, where the line does not say)");
  });

  it('is context only (info) when the failures are of an older pull, not of the last', async () => {
    const failed = goJson(
      T0 + 500,
      'error',
      'peer/piece_manager.go:202',
      'download piece failed, piece num: 2, error: connect with http://10.0.9.41:65002/download/x with error: dial tcp 10.0.9.41:65002: connect: connection refused, from peer: 10.0.9.41-1-p',
      { peer: 'a', task: 'ta', component: 'PeerTask' },
    );
    const log = [
      ...goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 30e6, mode: 'p2p', costMs: 900 }),
      failed,
      ...goTaskLines({
        startMs: T0 + 600_000,
        peer: 'b',
        task: 'tb',
        url: blob(2),
        size: 30e6,
        mode: 'p2p',
        costMs: 700,
      }),
    ];
    const d = (await diag(go(goChartConfig(), log))).find((x) => x.rule === 'dfdaemon.parent-failures');
    expect(d?.severity).toBe('info');
    expect(d?.evidence[0]).toBe(
      '1 piece of 1 task logged (none of the last pull) failed from a parent: 10.0.9.41:65002 (connection refused)',
    );
    expect(d?.remediation.steps.map(stepText).join('\n')).toContain(
      'What the lines say: refused: the host answered, but nothing listened on that port',
    );
  });

  it('shows what went wrong from a real line whose error comes after its first 240 characters', async () => {
    // dragonfly#1677: the cause, "i/o timeout", sits ~430 characters into the message
    const real = new URL('../../fixtures/real/dfdaemon-go-parent-recycled-node/', import.meta.url);
    const files = Object.fromEntries(
      ['raw/dfdaemon/generation.txt', 'raw/dfdaemon/logs/core.log'].map((f) => [
        f,
        readFileSync(new URL(f, real), 'utf8'),
      ]),
    );
    const d = await find(files);
    expect(d?.evidence[0]).toBe(
      '1 piece of 1 task of the last pull failed from a parent: 10.90.0.186:65002 (i/o timeout)',
    );
    expect(d?.evidence[1]).toContain('…dial tcp 10.90.0.186:65002: i/o timeout, from peer: 10.90.0.186-1-');
    expect(d?.remediation.steps.map(stepText).join('\n')).toContain(
      'What the lines say: timed out: no answer came in time',
    );
  });

  it("reads a Rust parent's refused connection from the end of its error", async () => {
    const refused = rustLog.replace(
      'DigestMismatch("crc32:4032120726", "crc32:3910062962")',
      // std::io::Error's Debug of an OS error, inside the client's Error::IO (dragonfly-client-core error/mod.rs:31)
      'IO(Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })',
    );
    const d = await find(rust(refused));
    expect(d?.evidence[0]).toBe(
      '1 piece of 1 task of the last pull failed from a parent: 10.40.1.75-dragonfly-seed-client-2-3f0c9a6e-51d2-4b8e-9e47-c2a1d8b05f63-seed (Connection refused)',
    );
  });

  it("names the Rust client's own errors: a connect past 2 s, a stalled piece, a piece every parent failed", async () => {
    // dragonfly-client-core Error variants as {:?} prints them (v1.5.1 error/mod.rs): tokio's Elapsed(()) of
    // the TCP downloader's connect timeout (storage client/tcp.rs:256-260), the storage's write timeout
    // (storage lib.rs:818), and the error of a piece whose parents all failed (resource/task.rs:1348-1355)
    const cases: [string, string, string][] = [
      ['TokioTimeErrorElapsed(Elapsed(()))', 'TokioTimeErrorElapsed', 'timed out: no answer came in time'],
      [
        'DownloadPieceFinishedTimeout("b3f1c2d4-7")',
        'DownloadPieceFinishedTimeout',
        "stalled: the parent answered, but the piece's bytes did not all come within storage.writePieceTimeout",
      ],
    ];
    const failed = (err: string) => rustLog.replace('DigestMismatch("crc32:4032120726", "crc32:3910062962")', err);
    // then, with none left, "download from parent error: {:?}" (resource/task.rs:877) of that error
    const allFailed = rustLog.replace(
      /download piece \S+ from parent "([^"]+)" error: DigestMismatch\([^)]*\)/,
      'download from parent error: DownloadFromParentFailed(DownloadFromParentFailed { piece_number: 254, parent_id: "$1" })',
    );
    expect(allFailed).toContain('download from parent error: ');
    const logs: [string, string, string][] = [
      ...cases.map(([err, named, meaning]): [string, string, string] => [failed(err), named, meaning]),
      [
        allFailed,
        'DownloadFromParentFailed',
        'every parent failed: each parent the scheduler gave for that piece failed',
      ],
    ];
    for (const [log, named, meaning] of logs) {
      const d = await find(rust(log));
      expect(d?.evidence[0], named).toMatch(new RegExp(`failed from a parent: \\S+ \\(${named}\\)$`));
      expect(d?.remediation.steps.map(stepText).join('\n'), named).toContain(`What the lines say: ${meaning}`);
    }
  });

  it('leaves a digest mismatch to digest-verification', async () => {
    expect(await find(rust(rustLog))).toBeUndefined();
  });
});

describe('dfdaemon.scheduler-wait', () => {
  /** A Go task of the last pull that waited 3.2 s to register (of a 4 s download). */
  const slowRegister = (startMs: number) =>
    goTaskLines({
      startMs,
      peer: 'a',
      task: 'ta',
      url: blob(1),
      size: 30e6,
      mode: 'p2p',
      costMs: 4000,
      registerMs: 3200,
    });

  it('takes the longest register wait of the last pull as its impact', async () => {
    const log = [
      ...slowRegister(T0),
      ...goTaskLines({
        startMs: T0 + 5,
        peer: 'b',
        task: 'tb',
        url: blob(2),
        size: 30e6,
        mode: 'p2p',
        costMs: 2000,
        registerMs: 1500,
      }),
    ];
    const d = (await diag(go(goChartConfig(), log))).find((x) => x.rule === 'dfdaemon.scheduler-wait');
    expect(d?.impactSeconds).toBe(3.2);
    expect(d?.evidence.join('\n')).toContain('start to register');
    const fast = await diag(
      go(
        goChartConfig(),
        goTaskLines({
          startMs: T0,
          peer: 'a',
          task: 'ta',
          url: blob(1),
          size: 30e6,
          mode: 'p2p',
          costMs: 400,
          registerMs: 20,
        }),
      ),
    );
    expect(fast.map((x) => x.rule)).not.toContain('dfdaemon.scheduler-wait');
  });

  it('names a client and scheduler of different releases, not a timeout, when the answers did not decode', async () => {
    // dragonflyoss/client#1008
    const { d, steps, files } = await schedulerWaitOn('dfdaemon-rust-scheduler-undecoded');
    expect(d?.remediation.summary).toMatch(/^Run a client and a scheduler of one Dragonfly release: /);
    expect(steps).toContain('built from different versions of Dragonfly');
    expect(steps).not.toContain('scheduleTimeout');
    // beside a slow register wait (here a Go log's, in the same bundle), both are said, the release first
    const slow = slowRegister(Date.parse('2025-02-28T14:25:00Z'));
    const both = (await diag({ ...files, 'raw/dfdaemon/logs/core.log': `${slow.join('\n')}\n` })).find(
      (x) => x.rule === 'dfdaemon.scheduler-wait',
    );
    const bothSteps = both?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(bothSteps.indexOf('built from different versions of Dragonfly')).toBeGreaterThanOrEqual(0);
    expect(bothSteps.indexOf('scheduleTimeout')).toBeGreaterThan(bothSteps.indexOf('built from different versions'));
  });
});

describe('dfdaemon.scheduler-wait: a scheduler the Go daemon does not reach', () => {
  it('names it as unreached and tries its address from this node', async () => {
    // dragonfly#2993
    const { d, steps } = await schedulerWaitOn('dfdaemon-go-scheduler-unreachable');
    expect(d?.remediation.summary).toMatch(/^Make the schedulers reachable from this node/);
    expect(steps).toContain("timeout 5 bash -c '</dev/tcp/10.20.117.177/8002' && echo reachable");
    expect(steps).not.toContain('scheduleTimeout');
    // the chart runs the scheduler as a StatefulSet of several replicas: every one's log, not a Deployment's
    expect(steps).toContain('logs -l component=scheduler --tail=-1 --prefix | grep -i error');
    expect(steps).not.toContain('deploy/');
  });
});

describe('dfdaemon.scheduler-wait: a scheduler the Go daemon checks and leaves out', () => {
  const check = (msg: string, caller = 'config/dynconfig_manager.go:130') =>
    goJson(T0, 'warn', caller, `${msg}: rpc error: code = Unavailable desc = connection error`, {});
  const fired = async (...lines: string[]) =>
    (await diag(go(goChartConfig(), lines))).find((x) => x.rule === 'dfdaemon.scheduler-wait');
  const stepsOf = (d: Awaited<ReturnType<typeof fired>>) => d?.remediation.steps.map(stepText).join('\n') ?? '';

  it('reads the host name check of v2.0.9–v2.2.1, which follows a failed IP check (dragonfly#4040)', async () => {
    const { d, steps } = await schedulerWaitOn('dfdaemon-go-scheduler-host-unreachable');
    expect(d?.remediation.summary).toMatch(/^Make the schedulers reachable from this node/);
    expect(steps).toContain(
      "timeout 5 bash -c '</dev/tcp/dragonfly-scheduler-2.scheduler.dragonfly.svc.wlcb.in.openbayes.com/8002'",
    );
  });

  it("does not read a failed IP check of v2.0.9–v2.2.1 alone: the host name's check comes after it", async () => {
    expect(
      await fired(check('scheduler ip address 10.0.0.9:8002 is unreachable', 'config/dynconfig_manager.go:127')),
    ).toBe(undefined);
  });

  it('reads the one check of v2.2.2+, for an IPv4 and an IPv6 scheduler', async () => {
    // v2.3.4 client/config/dynconfig_manager.go:130: ip.FormatIP puts an IPv6 address in brackets
    const d = await fired(
      check('scheduler 10.0.0.9:8002 is unreachable'),
      check('scheduler [fd00::9]:8002 is unreachable'),
    );
    expect(d?.severity).toBe('warning');
    expect(d?.remediation.summary).toMatch(/^Make the schedulers reachable from this node/);
    expect(stepsOf(d)).toContain("bash -c '</dev/tcp/10.0.0.9/8002'");
    expect(stepsOf(d)).toContain("bash -c '</dev/tcp/fd00::9/8002'");
  });

  it('reads the check of the schedulers dfget.yaml lists (no manager), and puts no unsafe host into a command', async () => {
    // v2.1.49 client/config/dynconfig_local.go:80: the address is dfget.yaml's, as written there
    const d = await fired(
      check('scheduler address sched.example:8002 is unreachable', 'config/dynconfig_local.go:80'),
      check("scheduler address x';reboot;'y:8002 is unreachable", 'config/dynconfig_local.go:80'),
    );
    expect(d?.remediation.summary).toMatch(/^Make the schedulers reachable from this node/);
    expect(stepsOf(d)).toContain("bash -c '</dev/tcp/sched.example/8002'");
    expect(stepsOf(d)).not.toContain('reboot');
  });
});

describe('dfdaemon.scheduler-wait: a schedule timeout with back-to-source disabled', () => {
  it('says the task failed, and offers the scheduler or back-to-source, not a shorter timeout', async () => {
    // dragonfly#728
    const { d, steps } = await schedulerWaitOn('dfdaemon-go-schedule-timeout-source-disabled');
    expect(d?.evidence[0]).toMatch(/, schedule timeout with back-to-source disabled: the task failed$/);
    expect(d?.remediation.summary).toMatch(/with back-to-source disabled, a schedule timeout fails the task/);
    expect(steps).toContain('set disableAutoBackSource: false');
    expect(steps).not.toContain('scheduleTimeout: 30s');
  });

  it('reads the v2.0.2+ wording the same way', async () => {
    // v2.1.49 peertask_conductor.go:1030-1034: cancel(…, reasonBackSourceDisabled), then "%s, auto back source disabled"
    const log = [
      goJson(T0, 'info', 'peer/peertask_conductor.go:277', 'step 1: peer a start to register', {
        peer: 'a',
        task: 'ta',
      }),
      goJson(
        T0 + 30_000,
        'error',
        'peer/peertask_conductor.go:1033',
        'download from source disabled, auto back source disabled',
        { peer: 'a', task: 'ta', component: 'PeerTask' },
      ),
    ];
    const d = (await diag(go(goChartConfig(), log))).find((x) => x.rule === 'dfdaemon.scheduler-wait');
    expect(d?.evidence[0]).toMatch(/, schedule timeout with back-to-source disabled: the task failed$/);
  });
});

describe('dfdaemon.scheduler-wait: failed health checks', () => {
  it('says the schedulers are not reached, and that Envoy answered for them, not to shorten a timeout', async () => {
    // helm-charts#350
    const { d, steps } = await schedulerWaitOn('dfdaemon-rust-scheduler-health-envoy');
    expect(d?.severity).toBe('warning');
    expect(d?.evidence[0]).toMatch(/: "check scheduler health failed: status: Unavailable/);
    expect(d?.remediation.summary).toMatch(/^Make the schedulers reachable from this node/);
    expect(steps).toContain('the daemon leaves out each such scheduler');
    expect(steps).toContain("The error text is Envoy's");
    expect(steps).not.toContain('scheduleTimeout');
  });
});

describe('dfdaemon.registry-roundtrip', () => {
  it('times the origin round trips before the first blob of the last pull', async () => {
    const log = [
      goDirect(T0, 'HEAD', 'https://index.docker.io/v2/library/app/manifests/1'),
      goDirect(T0 + 700, 'GET', 'https://index.docker.io/v2/library/app/manifests/1'),
      ...goTaskLines({ startMs: T0 + 1300, peer: 'a', task: 'ta', url: blob(1), size: 30e6, mode: 'hit', costMs: 0 }),
    ];
    const d = (await diag(go(goChartConfig({ verbose: true }), log))).find(
      (x) => x.rule === 'dfdaemon.registry-roundtrip',
    );
    expect(d?.impactSeconds).toBe(1.3);
    expect(d?.severity).toBe('warning');
  });
});

describe('dfdaemon.proxy-rules', () => {
  it('checks Go rules against a blob URL and Rust rules for emptiness', async () => {
    const noBlobRule = '    - regx: manifests/.*\n    - regx: blobs/sha256.*\n      direct: true';
    const ok = await diag(go(goChartConfig({ proxies: '    - regx: blobs/sha256.*' }), []));
    // without registryMirror.useProxies the Go mirror path ignores proxies (proxy.go:657-664): not a finding
    const ignored = await diag(go(goChartConfig({ proxies: noBlobRule }), []));
    const bad = await diag(
      go(
        goChartConfig({ proxies: noBlobRule }).replace('    dynamic: true', '    dynamic: true\n    useProxies: true'),
        [],
      ),
    );
    const direct = await diag(
      go(
        goChartConfig({ proxies: '    - regx: blobs/sha256.*' }).replace(
          '    dynamic: true',
          '    dynamic: true\n    direct: true',
        ),
        [],
      ),
    );
    expect(ok.map((x) => x.rule)).not.toContain('dfdaemon.proxy-rules');
    expect(ignored.map((x) => x.rule)).not.toContain('dfdaemon.proxy-rules');
    expect(bad.find((x) => x.rule === 'dfdaemon.proxy-rules')?.severity).toBe('critical');
    expect(direct.find((x) => x.rule === 'dfdaemon.proxy-rules')?.evidence[0]).toMatch(/registryMirror.direct: true/);
    const rs = await diag({ 'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v1', rules: null }) });
    expect(rs.find((x) => x.rule === 'dfdaemon.proxy-rules')?.evidence[0]).toMatch(/proxy.rules: not set/);
  });

  it('takes a Rust daemon without rules for one that proxies via P2P when every containerd route to it sends X-Dragonfly-Use-P2P: true', async () => {
    const route = (registry: string, header: string) => ({
      [`raw/containerd/certs.d/${registry}/hosts.toml`]: `server = "https://${registry}"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n${header}`,
    });
    const sends = (v: string) => `[host."http://127.0.0.1:4001".header]\n  X-Dragonfly-Use-P2P = ${v}\n`;
    const node = (...routes: Record<string, string>[]) =>
      diag(
        Object.assign(
          {
            'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v1', rules: null }),
            'raw/containerd/config.toml':
              'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
            'raw/net/listeners.txt':
              'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n',
          },
          ...routes,
        ),
      );
    const found = async (...routes: Record<string, string>[]) =>
      (await node(...routes)).find((x) => x.rule === 'dfdaemon.proxy-rules');
    // proxy/mod.rs:482-506@v1.5.1: a GET carrying the header goes through P2P when no rule matched
    expect(await found(route('docker.io', sends('"true"')), route('ghcr.io', sends('["TRUE"]')))).toBeUndefined();
    // no header, or "false": every request goes directly
    expect((await found(route('docker.io', '')))?.severity).toBe('critical');
    expect((await found(route('docker.io', sends('"false"'))))?.severity).toBe('critical');
    // one route of two: the other still bypasses P2P, and the evidence says which is which
    const partial = await found(route('docker.io', sends('"true"')), route('ghcr.io', ''));
    expect(partial?.severity).toBe('critical');
    expect(partial?.evidence.join('\n')).toMatch(
      /docker\.io\/hosts\.toml:2 \(http:\/\/127\.0\.0\.1:4001\): containerd sends X-Dragonfly-Use-P2P: true.*\nnot sent by .*ghcr\.io\/hosts\.toml:2/,
    );
    // a release before v0.1.108 does not read the header
    const old = (
      await diag({
        ...route('docker.io', sends('"true"')),
        'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v0', rules: null }),
        'raw/dfdaemon/version.txt': 'v0.1.100\n',
        'raw/containerd/config.toml':
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
      })
    ).find((x) => x.rule === 'dfdaemon.proxy-rules');
    expect(old?.severity).toBe('critical');
    expect(old?.evidence.join('\n')).toMatch(
      /is ignored — the Rust proxy reads that header from v0\.1\.108 \(this one: v0\.1\.100\)/,
    );
  });
});

describe('dfdaemon.version', () => {
  it('fires for a client reading through a 32 KiB buffer by default or by config, not from v0.2.17 on by default', async () => {
    const v0 = await diag({
      'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v0' }),
      'raw/dfdaemon/version.txt': 'v0.1.82\n',
    });
    expect(v0.map((x) => x.rule)).toContain('dfdaemon.version');
    // the default went from 32 KiB to 4 MiB in v0.2.17 (client PR #1021)
    const before = await diag({
      'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v0' }),
      'raw/dfdaemon/version.txt': 'v0.2.16\n',
    });
    const after = await diag({
      'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v0' }),
      'raw/dfdaemon/version.txt': 'v0.2.17\n',
    });
    expect(before.find((x) => x.rule === 'dfdaemon.version')?.evidence.join('\n')).toMatch(
      /default of v0.1.62–v0.2.16/,
    );
    expect(after.map((x) => x.rule)).not.toContain('dfdaemon.version');
    const v1 = await diag({
      'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v1', readBufferSize: 32768 }),
      'raw/dfdaemon/version.txt': 'v1.5.1\n',
    });
    expect(v1.map((x) => x.rule)).not.toContain('dfdaemon.version');
  });
});

describe('dfdaemon.task-id-churn', () => {
  it('fires when one digest is fetched again under a new task id, not when it is reused', async () => {
    const u = blob(3);
    const churn = [
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p1',
        task: 'r1',
        url: `${u}?sig=1`,
        size: 50e6,
        mode: 'source',
        costMs: 900,
        series: 'v1',
      }),
      ...rustTaskLines({
        startMs: T0 + 600_000,
        host: 'h',
        peer: 'p2',
        task: 'r2',
        url: `${u}?sig=2`,
        size: 50e6,
        mode: 'source',
        costMs: 1200,
        series: 'v1',
      }),
    ];
    const d = (await diag({ 'raw/dfdaemon/logs/dfdaemon.log': `${churn.join('\n')}\n` })).find(
      (x) => x.rule === 'dfdaemon.task-id-churn',
    );
    expect(d?.impactSeconds).toBe(1.2);
    expect(d?.remediation.steps.map(stepText)[0]).toMatch(/query parameters/);
    const reuse = [
      rustProxy(T0, u, true),
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p1',
        task: 'r1',
        url: u,
        size: 50e6,
        mode: 'source',
        costMs: 900,
        series: 'v1',
      }),
      ...rustTaskLines({
        startMs: T0 + 600_000,
        host: 'h',
        peer: 'p2',
        task: 'r1',
        url: u,
        size: 50e6,
        mode: 'hit',
        costMs: 90,
        series: 'v1',
      }),
    ];
    expect(
      (await diag({ 'raw/dfdaemon/logs/dfdaemon.log': `${reuse.join('\n')}\n` })).map((x) => x.rule),
    ).not.toContain('dfdaemon.task-id-churn');
  });
});

describe('dfdaemon.resource', () => {
  // the test manifest's node: 4 CPUs, 16 GiB (half of it 8 GiB); the scrapes 2 s apart
  const GiB = 2 ** 30;
  const scrapes = {
    dfdaemon: {
      status: 'ok' as const,
      durationMs: 2000,
      scrapeTimes: ['2026-11-25T10:00:00.000Z', '2026-11-25T10:00:02.000Z'],
    },
  };
  const metrics = (gen: 'go' | 'rust' | null, cores: number, rss: number) => {
    const at = (cpu: number) =>
      gen === 'go'
        ? goMetrics({ tasks: 10, hits: 5, via: 10, direct: 0, getBytes: 1e9, cpu, rss })
        : gen === 'rust'
          ? rustMetrics({ version: 'v1.5.1', local: 1e9, remote: 1e9, source: 0, tasks: 10, proxy: 10, cpu, rss })
          : // only the process_* families: the metrics do not tell the generation
            `# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total ${cpu}\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes ${rss}\n`;
    return {
      ...(gen ? { 'raw/dfdaemon/generation.txt': `${gen}\n` } : {}),
      'raw/dfdaemon/metrics-0.prom': at(1000),
      'raw/dfdaemon/metrics-1.prom': at(1000 + 2 * cores),
    };
  };
  const resource = async (gen: 'go' | 'rust' | null, cores: number, rss: number) => {
    const f = await factsFrom(metrics(gen, cores, rss), { manifest: { probes: scrapes } });
    expect(f.dfdaemon?.generation).toBe(gen);
    return evaluate(f, dfdaemonRules).diagnoses.find((x) => x.rule === 'dfdaemon.resource');
  };

  it("holds a Rust client to the Rust chart's 4 CPU / 8Gi, not the Go chart's 2 / 2Gi", async () => {
    // ~2 cores and 3 GiB: past the Go chart's limits (the rule held every generation to them, and fired),
    // well within the Rust client's
    expect(await resource('rust', 2, 3 * GiB)).toBeUndefined();
    const d = await resource('rust', 3.9, 3 * GiB);
    expect(d?.severity).toBe('warning');
    const ev = d?.evidence.join('\n') ?? '';
    expect(ev).toContain('dfdaemon used 3.90 CPU cores');
    expect(ev).toContain("the Rust client's default limit of 4 CPUs in Helm charts ≥ 1.3.11");
    expect(ev).toContain('chart 1.7.4 charts/dragonfly/values.yaml:1331-1333');
    expect(ev).toContain('charts 1.1.12–1.3.10 set 2 CPUs / 4Gi (chart 1.3.10 charts/dragonfly/values.yaml:1110-1112)');
    expect(ev).not.toMatch(/1\.1\.65|resident memory/);
    const steps = d?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain('client.resources.limits');
    expect(steps).toContain('kubectl top pod -n dragonfly-system -l component=client ');
    expect(steps).not.toContain('component=dfdaemon');
    // memory: near half the node's 16 GiB (8 GiB, the chart's 8Gi too)
    const mem = await resource('rust', 1, 7.5 * GiB);
    expect(mem?.evidence.join('\n')).toMatch(/resident memory 7\.50 GiB .* of 8\.00 GiB: .*default limit of 8Gi/);
    expect(await resource('rust', 1, 7 * GiB)).toBeUndefined();
  });

  it("holds the Go dfdaemon to the Go chart's 2 CPU / 2Gi", async () => {
    const d = await resource('go', 1.9, 1.95 * GiB);
    const ev = d?.evidence.join('\n') ?? '';
    expect(ev).toContain("the Go dfdaemon's default limit of 2 CPUs in Helm charts ≤ 1.1.65");
    expect(ev).toContain('chart 1.1.65 charts/dragonfly/values.yaml:2250-2252');
    expect(ev).toMatch(/resident memory 1\.95 GiB .* of 2\.00 GiB: .*default limit of 2Gi/);
    expect(ev).not.toContain('Rust');
    const steps = d?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain('dfdaemon.resources.limits');
    expect(steps).toContain('-l component=dfdaemon ');
    expect(await resource('go', 1.7, 1.7 * GiB)).toBeUndefined();
    // what a Rust client may use fires for the Go dfdaemon
    expect((await resource('go', 2, 3 * GiB))?.severity).toBe('warning');
  });

  it("assumes the Go chart's limits when the generation is unknown, naming no chart version", async () => {
    const d = await resource(null, 1.9, 1 * GiB);
    const ev = d?.evidence.join('\n') ?? '';
    expect(ev).toContain("the Go chart's default limit of 2 CPUs");
    expect(ev).not.toMatch(/1\.1\.65|1\.3\.11/);
    const steps = d?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain("-l 'component in (dfdaemon,client)'");
    expect(steps).not.toMatch(/1\.1\.65/);
    expect(await resource(null, 1.7, 1 * GiB)).toBeUndefined();
  });
});
