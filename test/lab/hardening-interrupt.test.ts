// Interruption (issue 9 §5): SIGINT (Ctrl-C: to the whole process group) and SIGTERM (to the
// process) while the disk read test has its temp file open, while the dfdaemon log scan has the
// log open, and while `collect` writes its tarball. The CLI must exit 130/143, remove its temp file and its bundle dir, and leave no child
// process behind. The moment is found, not guessed: we wait until /proc shows the CLI holding the file.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDfdaemonLog } from '../../bench/gen-dfdaemon-log.mjs';
import { BIN } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';

// /proc is Linux; fio is used for the child-process case
const why = process.platform !== 'linux' ? 'needs Linux /proc' : labUnavailable(['fio']);
if (why) announceSkip('hardening-interrupt', why);

/** Not on tmpfs: the disk probe refuses a memory-backed cache dir, and then there is nothing to interrupt. */
const BASE = '/var/tmp';
let work: string;
let bigLogDir: string;

beforeAll(async () => {
  if (why) return;
  work = await mkdtemp(join(BASE, 'dfdoctor-h9-int-'));
  bigLogDir = join(work, 'daemon');
  await mkdir(bigLogDir);
  // big enough that the scan is still running when we signal it
  writeDfdaemonLog(join(bigLogDir, 'core.log'), 400 * 2 ** 20);
}, 120_000);
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** Pids of every descendant of `pid`, from /proc/<n>/stat's ppid. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) {
      if (pp === p) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether the process (or one of its children) has a file open whose path matches. */
function holds(pid: number, re: RegExp): boolean {
  for (const p of [pid, ...descendants(pid)]) {
    try {
      for (const fd of readdirSync(`/proc/${p}/fd`)) {
        try {
          if (re.test(readlinkSync(`/proc/${p}/fd/${fd}`))) return true;
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // gone
    }
  }
  return false;
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  children: number[];
  msToExit: number;
}

async function interruptWhen(
  args: string[],
  env: Record<string, string>,
  ready: (pid: number) => boolean,
  sig: 'SIGINT' | 'SIGTERM',
): Promise<Interrupted> {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // its own process group, so that SIGINT can go to the group as a terminal's Ctrl-C does
    detached: true,
  });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid as number;
  const t0 = performance.now();
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !ready(pid)) {
    if (performance.now() - t0 > 60_000) {
      process.kill(-pid, 'SIGKILL');
      throw new Error(`the phase never started: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (done) throw new Error(`the CLI ended before the phase was reached: ${stderr}`);
  const children = descendants(pid);
  const ts = performance.now();
  if (sig === 'SIGINT') process.kill(-pid, 'SIGINT');
  else process.kill(pid, 'SIGTERM');
  const killer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 30_000);
  const { code, signal } = await exited;
  clearTimeout(killer);
  const msToExit = performance.now() - ts;
  // give the kernel a moment to reap what was killed with the parent
  await new Promise((r) => setTimeout(r, 300));
  return { code, signal, stderr, children, msToExit };
}

const EXPECTED = { SIGINT: 130, SIGTERM: 143 } as const;
const report: string[] = [];
afterAll(() => {
  if (report.length > 0) console.log(`interruptions:\n${report.join('\n')}`);
});

describe.each([
  ['SIGINT', 'fio'],
  ['SIGTERM', 'o_direct'],
] as const)('%s during the disk read test (--disk-method %s)', (sig, method) => {
  it.skipIf(why)(
    `exits ${EXPECTED[sig]}, removes the temp file and the bundle dir, leaves no child`,
    async () => {
      const cache = join(work, `cache-${sig}`);
      const tmp = join(work, `tmp-disk-${sig}`);
      await mkdir(cache);
      await mkdir(tmp);
      const r = await interruptWhen(
        [
          'diagnose',
          '--probes',
          'disk',
          '--cache-dir',
          cache,
          '--disk-bytes',
          '1GiB',
          '--disk-method',
          method,
          '--timeout',
          '300',
          '--format',
          'json',
        ],
        { TMPDIR: tmp },
        (pid) => holds(pid, /\.dfdoctor-disk-.*\.tmp/),
        sig,
      );
      report.push(
        `  disk (${method}) ${sig}: exit ${r.code} after ${Math.round(r.msToExit)} ms, ${r.children.length} child process(es) at the time`,
      );
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(EXPECTED[sig]);
      expect(await readdir(cache), 'the read-test temp file is left in the cache dir').toEqual([]);
      expect(await readdir(tmp), 'the bundle dir is left in TMPDIR').toEqual([]);
      expect(r.children.filter(alive), 'child processes outlived the CLI').toEqual([]);
      if (method === 'fio') expect(r.children.length, 'fio was expected to be running').toBeGreaterThan(0);
    },
    120_000,
  );
});

describe.each([['SIGINT'], ['SIGTERM']] as const)('%s during the dfdaemon log scan', (sig) => {
  it.skipIf(why)(
    `exits ${EXPECTED[sig]} and removes the bundle dir`,
    async () => {
      const tmp = join(work, `tmp-log-${sig}`);
      await mkdir(tmp);
      const r = await interruptWhen(
        ['diagnose', '--probes', 'dfdaemon', '--dfdaemon-log-dir', bigLogDir, '--timeout', '300', '--format', 'json'],
        { TMPDIR: tmp },
        (pid) => holds(pid, /daemon\/core\.log$/),
        sig,
      );
      report.push(`  log scan ${sig}: exit ${r.code} after ${Math.round(r.msToExit)} ms`);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(EXPECTED[sig]);
      expect(await readdir(tmp), 'the bundle dir is left in TMPDIR').toEqual([]);
      expect(r.children.filter(alive)).toEqual([]);
      expect(existsSync(join(bigLogDir, 'core.log')), 'the log itself must be untouched').toBe(true);
    },
    120_000,
  );
});

describe.each([['SIGINT'], ['SIGTERM']] as const)('%s while collect writes the bundle tarball', (sig) => {
  it.skipIf(why)(
    `exits ${EXPECTED[sig]} and leaves neither a truncated bundle nor its partial file`,
    async () => {
      const tmp = join(work, `tmp-tar-${sig}`);
      const out = join(work, `out-${sig}`);
      await mkdir(tmp);
      await mkdir(out);
      const r = await interruptWhen(
        [
          'collect',
          '--probes',
          'dfdaemon',
          '--dfdaemon-log-dir',
          bigLogDir,
          '--timeout',
          '300',
          '-o',
          join(out, 'node.tar.gz'),
        ],
        { TMPDIR: tmp },
        (pid) => holds(pid, /\.node\.tar\.gz\.\d+\.partial$/),
        sig,
      );
      report.push(`  collect tarball ${sig}: exit ${r.code} after ${Math.round(r.msToExit)} ms`);
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(EXPECTED[sig]);
      expect(await readdir(out), 'a bundle or its partial file is left where the user asked for it').toEqual([]);
      expect(await readdir(tmp), 'the bundle dir is left in TMPDIR').toEqual([]);
    },
    120_000,
  );
});
