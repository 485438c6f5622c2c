// Interruption during `bench pull` (issue 9 §5): a real containerd, a real docker-registry and the
// dfdaemon stand-in as its mirror (the bench lab's setup); SIGINT to the CLI's process group, or
// SIGTERM to the CLI, while its `ctr image pull` runs. The CLI must exit 130/143, leave no ctr process, and leave no
// dfdoctor-bench-* namespace (images, content, snapshots, leases) in containerd.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, type Containerd, type ContainerdLab, createContainerdLab } from './containerd-lab.js';
import { type Standin, startStandin } from './standin/standin.js';

const why = process.platform !== 'linux' ? 'needs Linux /proc' : labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('hardening-interrupt-bench', why);

let lab: ContainerdLab;
let cd: Containerd;
let standin: Standin;
let args: string[];

beforeAll(async () => {
  if (why) return;
  lab = await createContainerdLab({ name: 'dfdoctor-h9-bench' });
  const reg = await lab.startRegistry();
  const img = await lab.buildImage({
    layers: [48, 40, 32, 24].map((mb) => ({ bytes: mb << 20, content: 'random' as const })),
  });
  const ref = await lab.push(img, reg, 'lab/h9:v1');
  const cacheDir = lab.path('dfdaemon-cache');
  const logDir = lab.path('dfdaemon-log');
  await mkdir(cacheDir, { recursive: true });
  const configPath = lab.path('dfdaemon.yaml');
  await writeFile(configPath, `storage:\n  dir: ${cacheDir}\nproxy:\n  rules:\n    - regex: blobs/sha256.*\n`);
  // a per-request delay keeps the pull running long enough to be caught in the act
  standin = await startStandin({ cacheDir, logDir, configPath, originUrl: reg.url, requestDelayMs: 400 });
  await writeFile(
    configPath,
    `storage:\n  dir: ${cacheDir}\nproxy:\n  server:\n    port: ${standin.ports.proxy}\n  rules:\n    - regex: blobs/sha256.*\nmetrics:\n  server:\n    port: ${standin.ports.metrics}\n`,
  );
  const hosts = await lab.writeHostsToml(reg.host, {
    server: reg.url,
    hosts: [{ url: standin.proxyUrl, capabilities: ['pull', 'resolve'] }],
  });
  cd = await lab.startContainerd({ configVersion: 2, configPath: hosts });
  args = [
    'bench',
    'pull',
    ref,
    '--containerd-address',
    cd.address,
    '--containerd-config',
    cd.configFile,
    '--dfdaemon-config',
    configPath,
    '--dfdaemon-log-dir',
    logDir,
    '--dfdaemon-proxy',
    standin.proxyUrl,
    '--dfdaemon-metrics',
    standin.metricsUrl,
    '--cache-dir',
    cacheDir,
    '--disk-bytes',
    '16MiB',
    '--timeout',
    '120',
    '--format',
    'json',
  ];
}, 240_000);

afterAll(async () => {
  if (why) return;
  await standin?.stop().catch(() => {});
  await lab?.close();
}, 120_000);

function descendants(pid: number): { pid: number; cmd: string }[] {
  const all: { pid: number; ppid: number; cmd: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      all.push({ pid: Number(d), ppid, cmd: readFileSync(`/proc/${d}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // gone
    }
  }
  const out: { pid: number; cmd: string }[] = [];
  const walk = (p: number) => {
    for (const c of all) {
      if (c.ppid === p) {
        out.push({ pid: c.pid, cmd: c.cmd });
        walk(c.pid);
      }
    }
  };
  walk(pid);
  return out;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const benchNamespaces = () =>
  execFileSync('ctr', ['--address', cd.address, 'namespaces', 'ls', '-q'], { encoding: 'utf8' })
    .split('\n')
    .filter((n) => n.startsWith('dfdoctor-bench-'));

const EXPECTED = { SIGINT: 130, SIGTERM: 143 } as const;

describe.each([['SIGINT'], ['SIGTERM']] as const)('%s during bench pull', (sig) => {
  it.skipIf(why)(
    `exits ${EXPECTED[sig]}, no ctr left running, no dfdoctor-bench namespace left in containerd`,
    async () => {
      const tmp = lab.path(`tmp-${sig}`);
      // only this run's namespace counts: a leftover of the other signal's run is that run's failure
      const before = benchNamespaces();
      await mkdir(tmp);
      const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, NO_COLOR: '1', CI: 'true', TMPDIR: tmp },
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      });
      let stderr = '';
      child.stderr?.on('data', (d) => (stderr += d));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
        child.on('exit', (code, signal) => r({ code, signal })),
      );
      let done = false;
      void exited.then(() => (done = true));
      const pid = child.pid as number;
      const t0 = performance.now();
      let pulling: { pid: number; cmd: string }[] = [];
      while (!done && performance.now() - t0 < 120_000) {
        pulling = descendants(pid).filter((p) => /\bctr\b.* pull /.test(p.cmd));
        if (pulling.length > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(done, `the bench ended before its pull was caught: ${stderr}`).toBe(false);
      expect(pulling.length, 'no ctr pull seen').toBeGreaterThan(0);
      const children = descendants(pid);
      // containerd makes a namespace on the first thing put in it: a ctr just started may not have yet
      let mine: string[] = [];
      for (const t1 = performance.now(); !done && performance.now() - t1 < 10_000;) {
        mine = benchNamespaces().filter((n) => !before.includes(n));
        if (mine.length > 0) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(mine.length, 'the bench namespace should exist during the pull').toBeGreaterThan(0);
      // Ctrl-C reaches the whole process group (ctr too); a supervisor's SIGTERM only the CLI
      if (sig === 'SIGINT') process.kill(-pid, 'SIGINT');
      else process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => process.kill(-pid, 'SIGKILL'), 90_000);
      const { code, signal } = await exited;
      clearTimeout(killer);
      await new Promise((r) => setTimeout(r, 300));
      console.log(
        `bench pull ${sig}: exit ${code ?? signal} after ${Math.round(performance.now() - t0)} ms; children then: ${children.map((c) => c.cmd.split(' ')[0]).join(', ')}`,
      );
      expect(signal, stderr).toBeNull();
      expect(code, stderr).toBe(EXPECTED[sig]);
      expect(
        children.filter((c) => alive(c.pid)).map((c) => c.cmd),
        'child processes outlived the CLI',
      ).toEqual([]);
      expect(
        benchNamespaces().filter((n) => !before.includes(n)),
        `the bench namespace is left in containerd; stderr: ${stderr}`,
      ).toEqual([]);
      expect(await readdir(tmp)).toEqual([]);
    },
    240_000,
  );
});
