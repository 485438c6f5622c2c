// dfdaemon as the Helm chart runs it: in a pod, i.e. its own mount namespace, with its config from a
// ConfigMap volume, its logs and its data dir on volumes under /var/lib/kubelet/pods/<uid>/volumes/.
// The node has none of /etc/dragonfly, /var/log/dragonfly or /var/lib/dragonfly: only a probe that
// reads through /proc/<pid>/root finds them, and only the daemon's own mount table tells an emptyDir
// from a hostPath. A real mount namespace (unshare), real bind mounts and a chroot stand for the pod;
// the "daemon" is a script named dfget, run as `dfget daemon --config …` like the chart's container.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { goTaskLines } from '../facts/dfdaemon-loggen.js';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, withContainerdLab } from './containerd-lab.js';
import { stepText } from '../../src/report/steps-render.js';
import type { Step } from '../../src/report/model.js';

const why =
  labUnavailable(['unshare', 'chroot', 'mount']) ??
  (existsSync('/etc/dragonfly') || existsSync('/var/lib/dragonfly')
    ? 'this machine has a real /etc/dragonfly or /var/lib/dragonfly: the test needs a node without them'
    : null);
if (why) announceSkip('dfdaemon in a pod', why);

const whyImage = why ?? labUnavailable(CONTAINERD_LAB_TOOLS);
if (whyImage && !why) announceSkip('dfdaemon in a pod: its image from containerd', whyImage);

interface Report {
  probes: Record<
    string,
    {
      status: string;
      reason?: string;
      pid?: number;
      daemonRoot?: string;
      configPath?: string;
      configRead?: string;
      cacheDir?: unknown;
      logFiles?: { bundled: string; bytes: number }[];
      version?: string;
      versionFrom?: string;
      container?: { id: string; image?: string; tag?: string; labels?: Record<string, string> };
    }
  >;
  diagnoses: { rule: string; evidence: string[]; remediation: { steps: Step[] } }[];
}

let work: string;
const pods: ChildProcess[] = [];

beforeAll(async () => {
  // /var/tmp, not a tmpfs /tmp: the volumes must sit on a disk filesystem, as kubelet's do
  work = await mkdtemp('/var/tmp/dfdoctor-pod-');
});

afterAll(async () => {
  // the mount namespace, and with it every bind mount, goes with its last process
  for (const p of pods) killGroup(p);
  await new Promise((r) => setTimeout(r, 200));
  await rm(work, { recursive: true, force: true });
});

/** `diagnose --probes dfdaemon` of this node, which must have found the daemon `pid` in its pod. */
async function diagnoseDaemon(pid: number): Promise<Report> {
  const r = await runCli(
    ['diagnose', '--probes', 'dfdaemon', '--format', 'json', '--fail-on', 'never', '--timeout', '20'],
    { timeoutMs: 60_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  const rep = JSON.parse(r.stdout) as Report;
  expect(rep.probes.dfdaemon?.daemonRoot).toBe(`/proc/${pid}/root`);
  return rep;
}

/** Starts a "pod" whose data dir is an emptyDir or a hostPath-like node dir; resolves with the daemon's pid. */
async function startPod(
  name: string,
  data: 'emptyDir' | 'hostPath',
  keepStorage = true,
): Promise<{ pid: number; dataOnNode: string; pod: ChildProcess }> {
  const uid = `5f1c2b7e-8a4d-4c3e-9b2a-${name.padEnd(12, '0').slice(0, 12)}`;
  const vols = join(work, name, 'kubelet/pods', uid, 'volumes');
  const cfg = join(vols, 'kubernetes.io~configmap/config');
  const logs = join(vols, 'kubernetes.io~empty-dir/logs');
  const dataOnNode =
    data === 'emptyDir' ? join(vols, 'kubernetes.io~empty-dir/data') : join(work, name, 'node/var/lib/dragonfly');
  const root = join(work, name, 'rootfs');
  for (const d of [
    cfg,
    logs,
    dataOnNode,
    ...['usr', 'etc/dragonfly', 'var/lib/dragonfly', 'var/log/dragonfly/daemon', 'tmp'].map((x) => join(root, x)),
  ])
    await mkdir(d, { recursive: true });
  for (const l of ['bin', 'lib', 'lib64', 'sbin']) await symlink(`usr/${l}`, join(root, l));
  // chart 1.1.65-like config: the cache is kept on exit, so only the volume can lose it
  await writeFile(
    join(cfg, 'dfget.yaml'),
    `keepStorage: ${keepStorage}\ndataDir: /var/lib/dragonfly\nstorage:\n  multiplex: true\nproxy:\n  tcpListen:\n    port: 65001\n  proxies:\n    - regx: blobs/sha256.*\n`,
  );
  const t0 = Date.parse('2026-11-25T09:00:00Z');
  const lines = goTaskLines({
    startMs: t0,
    peer: '10.0.0.5-1-0f3c5d2e-9b1a-4c8e-a1d2-3e4f5a6b7c8d',
    task: 'a'.repeat(64),
    url: `https://index.docker.io/v2/library/app/blobs/sha256:${'b'.repeat(64)}`,
    size: 64 << 20,
    mode: 'hit',
    costMs: 500,
  });
  await writeFile(join(logs, 'core.log'), `${lines.join('\n')}\n`);
  const daemon = join(root, 'dfget');
  await writeFile(daemon, '#!/bin/sh\nwhile :; do sleep 1; done\n');
  await chmod(daemon, 0o755);
  const script = [
    'set -e',
    `mount --bind /usr '${root}/usr'`,
    `mount --bind '${cfg}' '${root}/etc/dragonfly'`,
    `mount --bind '${dataOnNode}' '${root}/var/lib/dragonfly'`,
    `mount --bind '${logs}' '${root}/var/log/dragonfly/daemon'`,
    `exec chroot '${root}' /dfget daemon --config /etc/dragonfly/dfget.yaml`,
  ].join('\n');
  const p = spawn('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', script], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  pods.push(p);
  let err = '';
  p.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  // the pid whose comm is dfget and whose root is this pod's, once its data dir is mounted
  for (let i = 0; i < 100; i++) {
    for (const e of await readdir('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      if ((await readFile(`/proc/${e}/comm`, 'utf8').catch(() => '')).trim() !== 'dfget') continue;
      if ((await readlink(`/proc/${e}/root`).catch(() => '')) !== root) continue;
      const mi = await readFile(`/proc/${e}/mountinfo`, 'utf8').catch(() => '');
      if (mi.includes(' /var/lib/dragonfly ')) return { pid: Number(e), dataOnNode, pod: p };
    }
    if (p.exitCode !== null) throw new Error(`the pod did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the pod's daemon never showed up: ${err}`);
}

/** The pod's whole process group; gone already is fine (its exit may not have been reaped yet). */
function killGroup(p: ChildProcess): void {
  try {
    if (p.pid) process.kill(-p.pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left
  }
}

async function stop(pod: ChildProcess, pid: number): Promise<void> {
  killGroup(pod);
  for (let i = 0; i < 40 && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('dfdaemon in a pod (own mount namespace)', () => {
  it.skipIf(why)(
    'reads its config and logs through /proc/<pid>/root, measures its cache dir, and names the emptyDir',
    async () => {
      const { pid, dataOnNode, pod } = await startPod('emptydir', 'emptyDir');
      try {
        const r = await runCli(
          [
            'diagnose',
            '--probes',
            'dfdaemon,disk',
            '--disk-bytes',
            String(8 << 20),
            '--format',
            'json',
            '--fail-on',
            'never',
            '--timeout',
            '40',
          ],
          { timeoutMs: 90_000 },
        );
        expect(r.code, r.stderr).toBe(0);
        const rep = JSON.parse(r.stdout) as Report;
        const dfd = rep.probes.dfdaemon;
        expect(dfd?.status, JSON.stringify(dfd)).toBe('ok');
        expect(dfd?.pid).toBe(pid);
        expect(dfd?.daemonRoot).toBe(`/proc/${pid}/root`);
        expect(dfd?.configPath).toBe('/etc/dragonfly/dfget.yaml');
        expect(dfd?.configRead).toBe(`/proc/${pid}/root/etc/dragonfly/dfget.yaml`);
        expect(dfd?.logFiles?.find((f) => f.bundled === 'raw/dfdaemon/logs/core.log')?.bytes ?? 0).toBeGreaterThan(0);
        // the disk test ran inside the pod's data dir, and left nothing there
        const disk = rep.probes.disk as { status: string; reason?: string; cacheDir?: string };
        expect(disk.status, JSON.stringify(disk)).toBe('ok');
        expect(disk.cacheDir).toBe(`/proc/${pid}/root/var/lib/dragonfly`);
        expect(await readdir(dataOnNode)).toEqual([]);
        // keepStorage is true: only the daemon's mount table can say the cache dies with the pod
        const kept = rep.diagnoses.find((d) => d.rule === 'dfdaemon.cache-not-kept');
        expect(kept, JSON.stringify(rep.diagnoses.map((d) => d.rule))).toBeDefined();
        expect(kept?.evidence.join('\n')).toMatch(
          /raw\/dfdaemon\/mountinfo\.txt:\d+: \/var\/lib\/dragonfly is on an emptyDir.*kubernetes\.io~empty-dir\/data/,
        );
        expect(kept?.remediation.steps.map(stepText).join('\n')).toMatch(/mountDataDirAsHostPath: true/);
        console.log(`[lab] pod ${pid}: ${kept?.evidence[0]}`);
      } finally {
        await stop(pod, pid);
      }
    },
    120_000,
  );

  it.skipIf(why)(
    'a config step names the ConfigMap volume the pod mounts at /etc/dragonfly, not a file to edit in the container',
    async () => {
      const { pid, pod } = await startPod('configmap', 'hostPath', false);
      try {
        const rep = await diagnoseDaemon(pid);
        const kept = rep.diagnoses.find((d) => d.rule === 'dfdaemon.cache-not-kept');
        expect(kept, JSON.stringify(rep.diagnoses.map((d) => d.rule))).toBeDefined();
        const steps = kept?.remediation.steps.map(stepText).join('\n') ?? '';
        expect(steps).toContain(`the daemon reads /etc/dragonfly/dfget.yaml from its pod's ConfigMap volume "config"`);
        expect(steps).not.toContain('edit /etc/dragonfly/dfget.yaml');
        expect(steps).not.toContain('systemctl restart dfget-daemon');
      } finally {
        await stop(pod, pid);
      }
    },
    60_000,
  );

  it.skipIf(why)(
    'a data dir bound from a node dir (hostPath) is not blamed',
    async () => {
      const { pid, pod } = await startPod('hostpath', 'hostPath');
      try {
        const rep = await diagnoseDaemon(pid);
        expect(rep.diagnoses.map((d) => d.rule)).not.toContain('dfdaemon.cache-not-kept');
      } finally {
        await stop(pod, pid);
      }
    },
    90_000,
  );

  it.skipIf(whyImage)(
    'names its container, image and pod from containerd, and takes the version from the image tag',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 256 << 10 }] });
        const ref = await lab.push(img, reg, 'dragonflyoss/dfdaemon:v2.1.49');
        const cd = await lab.startContainerd({ disableCri: true });
        const pulled = await lab.pull(cd, ref, { namespace: 'k8s.io' });
        expect(pulled.ok, pulled.output).toBe(true);
        // the container record the CRI plugin would have made for the chart's pod (metadata only, no task),
        // with a secret in its environment that must not reach the bundle
        const id = 'c0ffee'.padEnd(64, '0123456789abcdef');
        const ctr = (...a: string[]) =>
          execFileSync('ctr', ['--address', cd.address, '-n', 'k8s.io', ...a], { encoding: 'utf8', timeout: 30_000 });
        ctr(
          'containers',
          'create',
          '--env',
          'DFDAEMON_TOKEN=s3cr3t-t0ken-value',
          '--label',
          'io.kubernetes.pod.name=dragonfly-dfdaemon-x7k2p',
          '--label',
          'io.kubernetes.pod.namespace=dragonfly-system',
          '--label',
          'io.kubernetes.container.name=dfdaemon',
          ref,
          id,
          '/dfget',
          'daemon',
        );
        const { pid, pod } = await startPod('image', 'hostPath');
        // the cgroup kubelet + containerd give that container (cgroupfs driver: …/pod<uid>/<id>)
        const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
        const base = v2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/pids';
        const top = join(base, `dfdoctor-lab-${process.pid}`);
        const cg = join(top, 'kubepods/besteffort/pod5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c', id);
        await mkdir(cg, { recursive: true });
        try {
          await writeFile(join(cg, 'cgroup.procs'), String(pid));
          expect(await readFile(`/proc/${pid}/cgroup`, 'utf8')).toContain(id);
          const out = join(lab.dir, 'bundle.tar.gz');
          const r = await runCli(
            ['collect', '--probes', 'dfdaemon', '--containerd-address', cd.address, '--output', out, '--timeout', '20'],
            { timeoutMs: 60_000 },
          );
          expect(r.code, r.stderr).toBe(0);
          const a = await runCli(['analyze', out, '--format', 'json', '--fail-on', 'never'], { timeoutMs: 60_000 });
          const rep = JSON.parse(a.stdout) as Report;
          const dfd = rep.probes.dfdaemon;
          expect(dfd?.container).toMatchObject({
            id,
            image: ref,
            tag: 'v2.1.49',
            labels: {
              'io.kubernetes.pod.name': 'dragonfly-dfdaemon-x7k2p',
              'io.kubernetes.pod.namespace': 'dragonfly-system',
            },
          });
          expect(dfd?.version).toBe('v2.1.49');
          expect(dfd?.versionFrom).toBe('container image');
          const table = await runCli(['analyze', out, '--no-color', '--fail-on', 'never'], { timeoutMs: 60_000 });
          // the table wraps at the terminal's width: compare the text with its line breaks folded
          expect(table.stdout.replace(/\s+/g, ' ')).toContain(
            'Go dfdaemon v2.1.49 (container image), pod dragonfly-system/dragonfly-dfdaemon-x7k2p',
          );
          // the container's environment stays on the node
          const files = execFileSync('tar', ['-xzOf', out], { encoding: 'utf8', maxBuffer: 64 << 20 });
          expect(files).toContain('dragonfly-dfdaemon-x7k2p');
          expect(files).not.toContain('s3cr3t-t0ken-value');
          console.log(`[lab] pod image: ${table.stdout.split('\n').find((l) => l.includes('dfdaemon ')) ?? ''}`);
        } finally {
          await stop(pod, pid);
          // a cgroup dir goes with rmdir (its control files cannot be unlinked), deepest first
          for (let d = cg; d.startsWith(top); d = join(d, '..')) await rmdir(d).catch(() => undefined);
        }
      });
    },
    240_000,
  );
});
