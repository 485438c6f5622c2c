import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';

// The fault lab for the disk probe (docs/architecture.md#lab): an ext4 filesystem on a loop device, reads throttled
// for the probe's own process with the cgroup v1 blkio.throttle.read_bps_device (Documentation/cgroup-v1/blkio-controller.rst).

const BLKIO = '/sys/fs/cgroup/blkio';
const RATE_BPS = 20 * 1024 * 1024; // 20 MiB/s = 20.97 MB/s
const RATE_MBPS = RATE_BPS / 1e6;
const ENV = { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin`, NO_COLOR: '1', CI: 'true' };

function why(): string | null {
  const tools = labUnavailable(['losetup', 'mkfs.ext4', 'mount', 'umount']);
  if (tools) return tools;
  if (!existsSync('/dev/loop-control')) return 'no /dev/loop-control: loop devices unavailable here';
  if (!existsSync(join(BLKIO, 'blkio.throttle.read_bps_device')))
    return 'no cgroup v1 blkio hierarchy with throttling at /sys/fs/cgroup/blkio';
  return null;
}
const skip = (() => {
  // labUnavailable looks up tools on PATH; the sbin dirs may be missing from a non-login PATH
  process.env.PATH = ENV.PATH;
  return why();
})();
if (skip) announceSkip('disk lab', skip);

const sh = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { env: ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI, optionally placed in the throttled cgroup before exec (so every thread is in it). */
function runProbe(mnt: string, cgroup: string | null, onSpawn?: (pid: number) => void): Promise<Run> {
  const cli = [
    process.execPath,
    BIN,
    'diagnose',
    '--probes',
    'disk',
    '--cache-dir',
    mnt,
    '--format',
    'json',
    '--fail-on',
    'never',
  ];
  const quoted = cli.map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const script = cgroup ? `echo $$ > '${cgroup}/cgroup.procs' && exec ${quoted}` : `exec ${quoted}`;
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (child.pid !== undefined) onSpawn?.(child.pid);
  });
}

const leftovers = (mnt: string) => readdirSync(mnt).filter((f) => f.startsWith('.dfdoctor-disk-'));

describe.skipIf(skip !== null)('disk probe on a throttled loop device (lab)', () => {
  const id = `dfdoctor-disk-lab-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let tmp = '';
  let mnt = '';
  let loop = '';
  let mounted = false;
  let roMounted = false;
  let ro = '';
  const cgroup = join(BLKIO, id);

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), `${id}-`));
    mnt = join(tmp, 'mnt');
    mkdirSync(mnt);
    const img = join(tmp, 'disk.img');
    // sparse 3 GiB: room for the probe's 256 MiB file without nearing its free-space guard
    writeFileSync(img, '');
    sh('truncate', ['-s', '3G', img]);
    loop = sh('losetup', ['-f', '--show', img]);
    sh('mkfs.ext4', ['-q', '-F', '-L', id.slice(0, 16), loop]);
    sh('mount', [loop, mnt]);
    mounted = true;
    const rdev = statSync(loop).rdev;
    const majMin = `${Math.floor(rdev / 256)}:${rdev % 256}`;
    mkdirSync(cgroup);
    writeFileSync(join(cgroup, 'blkio.throttle.read_bps_device'), `${majMin} ${RATE_BPS}\n`);
  });

  afterAll(() => {
    // every step on its own: one failing must not leave the others undone
    const tryDo = (f: () => void) => {
      try {
        f();
      } catch (e) {
        console.warn(`[lab] disk cleanup: ${(e as Error).message}`);
      }
    };
    if (roMounted) tryDo(() => sh('umount', [ro]));
    if (mounted) {
      tryDo(() => {
        try {
          sh('umount', [mnt]);
        } catch {
          // busy (a child still holding a file): detach now, the kernel finishes when it lets go
          sh('umount', ['-l', mnt]);
        }
      });
    }
    if (loop) tryDo(() => sh('losetup', ['-d', loop]));
    if (existsSync(cgroup)) tryDo(() => rmdirSync(cgroup));
    if (tmp) tryDo(() => rmSync(tmp, { recursive: true, force: true }));
  });

  it('measures the throttled rate within ±15 % and fires disk.slow-medium', async () => {
    const r = await runProbe(mnt, cgroup);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const m = report.measurements.disk;
    console.log(
      `[lab] throttled ${RATE_MBPS.toFixed(2)} MB/s: probe measured ${m.seqReadMBps?.toFixed(2)} MB/s (${m.method}), 4 KiB p50 ${m.randReadP50Ms?.toFixed(3)} ms, probe ${report.probes.disk.durationMs} ms`,
    );
    expect(m.method).toBe('o_direct');
    expect(m.device).toMatch(/^loop\d+$/);
    expect(m.seqReadMBps).toBeGreaterThan(RATE_MBPS * 0.85);
    expect(m.seqReadMBps).toBeLessThan(RATE_MBPS * 1.15);
    const rules = report.diagnoses.map((d: { rule: string }) => d.rule);
    expect(rules).toContain('disk.slow-medium');
    expect(leftovers(mnt)).toEqual([]);
  });

  it('does not fire disk.slow-medium unthrottled', async () => {
    const r = await runProbe(mnt, null);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const m = report.measurements.disk;
    console.log(
      `[lab] unthrottled loop device: ${m.seqReadMBps?.toFixed(0)} MB/s, probe ${report.probes.disk.durationMs} ms`,
    );
    expect(m.seqReadMBps).toBeGreaterThan(100);
    expect(report.diagnoses.map((d: { rule: string }) => d.rule)).not.toContain('disk.slow-medium');
    expect(leftovers(mnt)).toEqual([]);
  });

  it('removes the temp file and exits 130 on SIGINT during the measurement', async () => {
    let pid = 0;
    const done = runProbe(mnt, cgroup, (p) => (pid = p));
    // wait for the temp file: from then on the probe is writing or reading it
    const t0 = Date.now();
    while (leftovers(mnt).length === 0 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 10));
    if (leftovers(mnt).length === 0) {
      const r = await done;
      expect.fail(
        `the probe never created its temp file (exit ${r.code}): ${r.stderr.slice(0, 500)} ${r.stdout.slice(0, 1500)}`,
      );
    }
    // into the throttled read phase (the write phase lasts at most 300 ms)
    await new Promise((r) => setTimeout(r, 450));
    expect(leftovers(mnt).length, 'the probe finished before the signal could be sent').toBe(1);
    process.kill(pid, 'SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(leftovers(mnt)).toEqual([]);
  });

  it("reads dfdaemon's cached files, changing nothing, when the cache dir is read-only", async () => {
    const cached = join(mnt, 'content', 'tasks', '3f2');
    mkdirSync(cached, { recursive: true });
    sh('dd', ['if=/dev/urandom', `of=${join(cached, 'task-a')}`, 'bs=1M', 'count=24', 'status=none']);
    ro = join(tmp, 'ro');
    mkdirSync(ro);
    sh('mount', ['--bind', mnt, ro]);
    roMounted = true;
    sh('mount', ['-o', 'remount,bind,ro', ro]);
    const before = sh('sh', ['-c', `ls -laR --time-style=full-iso '${ro}' | sha256sum`]);
    const r = await runProbe(ro, cgroup);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    const m = report.measurements.disk;
    console.log(`[lab] read-only cache dir, throttled: ${m.seqReadMBps?.toFixed(2)} MB/s (${m.method})`);
    expect(m.method).toBe('existing_files');
    expect(m.seqReadMBps).toBeGreaterThan(RATE_MBPS * 0.85);
    expect(m.seqReadMBps).toBeLessThan(RATE_MBPS * 1.15);
    expect(report.probes.disk.readTest.method).toMatch(/not writable \(EROFS\)/);
    expect(sh('sh', ['-c', `ls -laR --time-style=full-iso '${ro}' | sha256sum`])).toBe(before);
  });
});
