// Partial permissions (issue 9 §4): the whole CLI run as an unprivileged user (nobody, via setpriv)
// completes with exit 0 or 1 and lists every probe with its status, a skipped or failed one with its
// reason; a dfdaemon log it may not read is named, not fatal. Runs the built CLI.
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBE_NAMES } from '../../src/causes.js';
import { BIN, runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';

const NOBODY = 65534;
const why = labUnavailable(['setpriv']) ?? readableBy(NOBODY);
if (why) announceSkip('hardening-permissions', why);

/** The built tree must be readable by the user we switch to, or the test measures nothing. */
function readableBy(uid: number): string | null {
  try {
    execFileSync(
      'setpriv',
      [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, BIN, '--version'],
      { stdio: 'ignore', cwd: '/' },
    );
    return null;
  } catch {
    return `the built CLI (${BIN}) is not readable by uid ${uid}`;
  }
}

interface ProbeRecord {
  status: string;
  reason?: string;
}

let work: string;
beforeAll(async () => {
  if (why) return;
  work = await mkdtemp(join(tmpdir(), 'dfdoctor-h9-perm-'));
  await chmod(work, 0o755);
  const logs = join(work, 'daemon');
  await mkdir(logs);
  await chmod(logs, 0o755);
  const line =
    '{"level":"info","ts":"2026-11-25 10:00:00.000","caller":"peer/peertask_reuse.go:91","msg":"reuse from peer task: p1, total size: 7459","peer":"p1","task":"t1","component":"reuseStreamPeerTask"}\n';
  await writeFile(join(logs, 'core.log'), line.repeat(100));
  await chmod(join(logs, 'core.log'), 0o644);
  // root's and unreadable: what a log rotated by a root logrotate with a strict umask looks like
  await writeFile(join(logs, 'core.log.1'), line.repeat(100));
  await chmod(join(logs, 'core.log.1'), 0o600);
  const tmp = join(work, 'tmp');
  await mkdir(tmp);
  await chown(tmp, NOBODY, NOBODY);
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the CLI as an unprivileged user', () => {
  it.skipIf(why)(
    'diagnose completes, exit 0 or 1, every probe listed and each one not run says why',
    async () => {
      const r = await runCli(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '20',
          '--dfdaemon-log-dir',
          join(work, 'daemon'),
          '--disk-bytes',
          '16MiB',
        ],
        {
          command: ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN],
          env: { HOME: join(work, 'tmp'), TMPDIR: join(work, 'tmp') },
          cwd: '/',
          timeoutMs: 90_000,
        },
      );
      expect(r.signal, r.stderr).toBeNull();
      expect([0, 1], r.stderr).toContain(r.code);
      const report = JSON.parse(r.stdout) as { probes: Record<string, ProbeRecord> };
      expect(Object.keys(report.probes).sort()).toEqual([...PROBE_NAMES].sort());
      const lines: string[] = [];
      for (const [name, p] of Object.entries(report.probes)) {
        expect(['ok', 'skipped', 'failed'], name).toContain(p.status);
        if (p.status !== 'ok') expect(p.reason, `${name} is ${p.status} without a reason`).toBeTruthy();
        lines.push(`  ${name.padEnd(11)} ${p.status}${p.reason ? `: ${p.reason.slice(0, 160)}` : ''}`);
      }
      console.log(`as uid ${NOBODY} (${(r.ms / 1000).toFixed(1)} s, exit ${r.code}):\n${lines.join('\n')}`);
      // the readable log was read, the unreadable one named with why
      const dfd = report.probes.dfdaemon as ProbeRecord;
      expect(dfd.status).toBe('ok');
      expect(dfd.reason ?? '').toMatch(/core\.log\.1[^;]*permission denied/i);
      expect(await readdir(join(work, 'tmp')), 'the bundle temp dir was left behind').toEqual([]);
    },
    120_000,
  );

  it.skipIf(why)(
    'collect and analyze work as that user too',
    async () => {
      const out = join(work, 'tmp', 'node.tar.gz');
      const as = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, BIN];
      const env = { HOME: join(work, 'tmp'), TMPDIR: join(work, 'tmp') };
      const c = await runCli(['collect', '-o', out, '--timeout', '20', '--skip', 'disk,loopback'], {
        command: as,
        env,
        cwd: '/',
        timeoutMs: 90_000,
      });
      expect(c.code, c.stderr).toBe(0);
      const a = await runCli(['analyze', out, '--format', 'json'], { command: as, env, cwd: '/', timeoutMs: 60_000 });
      expect([0, 1], a.stderr).toContain(a.code);
      expect(Object.keys(JSON.parse(a.stdout).probes).sort()).toEqual([...PROBE_NAMES].sort());
      await rm(out, { force: true });
      expect(await readdir(join(work, 'tmp'))).toEqual([]);
    },
    120_000,
  );
});
