import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BenchMeasurement } from '../../src/bundle/measurements.js';
import type { Report } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, type Containerd, type ContainerdLab, withContainerdLab } from './containerd-lab.js';
import { startStandin, type Standin } from './standin/standin.js';

const BUILT = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const why = labUnavailable(CONTAINERD_LAB_TOOLS) ?? (existsSync(BUILT) ? null : 'dfdoctor is not built (npx tsc -p .)');
if (why) announceSkip('bench bad input and cleanup', why);

interface Setup {
  ref: string;
  cd: Containerd;
  standin: Standin;
  hosts: string;
  args: string[];
}

async function setup(lab: ContainerdLab, o: { rateLimit?: string; layers?: number[] } = {}): Promise<Setup> {
  const reg = await lab.startRegistry();
  const img = await lab.buildImage({ layers: (o.layers ?? [4, 3, 2]).map((m) => ({ bytes: m << 20 })) });
  const ref = await lab.push(img, reg, 'lab/input:v1');
  const cfg = lab.path('dfdaemon.yaml');
  await writeFile(
    cfg,
    `${o.rateLimit ? `download:\n  bandwidthLimit: ${o.rateLimit}\n` : ''}proxy:\n  rules:\n    - regex: blobs/sha256.*\n`,
  );
  const standin = await startStandin({
    cacheDir: lab.path('cache'),
    logDir: lab.path('log'),
    originUrl: reg.url,
    configPath: cfg,
  });
  const hosts = await lab.writeHostsToml(reg.host, { server: reg.url, hosts: [{ url: standin.proxyUrl }] });
  const cd = await lab.startContainerd({ configVersion: 2, configPath: hosts, disableCri: true });
  const args = [
    '--containerd-address',
    cd.address,
    '--containerd-config',
    cd.configFile,
    '--dfdaemon-proxy',
    standin.proxyUrl,
    '--cache-dir',
    lab.path('cache'),
    '--probes',
    'system',
    '--timeout',
    '20',
  ];
  return { ref, cd, standin, hosts, args };
}

const namespaces = (cd: Containerd) =>
  execFileSync('ctr', ['--address', cd.address, 'namespaces', 'ls', '-q'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);

describe('dfdoctor bench pull: bad input and cleanup', () => {
  it('says in one line that the containerd socket is absent, exit 2', async () => {
    const r = await runCli(['bench', 'pull', 'lab/app:v1', '--containerd-address', '/nonexistent/containerd.sock']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/containerd socket .*nonexistent.*not found/);
  });

  it('rejects something that is not an image reference, exit 2', async () => {
    const r = await runCli(['bench', 'pull', 'Not An Image']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an image reference/);
  });

  it.skipIf(why)('an image that does not exist: one clear line, exit 2, nothing left in containerd', async () => {
    await withContainerdLab(async (lab) => {
      const s = await setup(lab);
      try {
        const missing = s.ref.replace(':v1', ':no-such-tag');
        const r = await runCli(['bench', 'pull', missing, ...s.args], { timeoutMs: 120_000 });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/pull of .*no-such-tag through containerd failed: .*not found/);
        expect(namespaces(s.cd).filter((n) => n.startsWith('dfdoctor-bench-'))).toEqual([]);
      } finally {
        await s.standin.stop();
      }
    });
  });

  it.skipIf(why)('SIGINT in the middle of a pull removes the bench namespace and exits 130', async () => {
    await withContainerdLab(async (lab) => {
      // 24 MB at 4 MB/s: the pull takes seconds, long enough to interrupt
      const s = await setup(lab, { rateLimit: '4MB', layers: [8, 8, 8] });
      try {
        const child = spawn(
          process.execPath,
          [BUILT.replace(/dist\/cli\.js$/, 'bin/dfdoctor.js'), 'bench', 'pull', s.ref, ...s.args],
          { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true' } },
        );
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        const closed = new Promise<number | null>((r) => child.on('close', r));
        const until = Date.now() + 60_000;
        while (!namespaces(s.cd).some((n) => n.startsWith('dfdoctor-bench-')) && Date.now() < until)
          await new Promise((r) => setTimeout(r, 100));
        expect(namespaces(s.cd).some((n) => n.startsWith('dfdoctor-bench-'))).toBe(true);
        await new Promise((r) => setTimeout(r, 700));
        child.kill('SIGINT');
        expect(await closed, err).toBe(130);
        expect(err).toMatch(/SIGINT: cleaning up/);
        expect(namespaces(s.cd).filter((n) => n.startsWith('dfdoctor-bench-'))).toEqual([]);
      } finally {
        await s.standin.stop();
      }
    });
  });

  it.skipIf(why)('honours --root: containerd config, hosts.toml and socket are read under it', async () => {
    await withContainerdLab(async (lab) => {
      const s = await setup(lab);
      try {
        const root = lab.path('hostroot');
        const reg = s.ref.split('/')[0] as string;
        await mkdir(join(root, 'etc/containerd/certs.d', reg), { recursive: true });
        await mkdir(join(root, 'run/containerd'), { recursive: true });
        await writeFile(
          join(root, 'etc/containerd/config.toml'),
          'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 2\n  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "/etc/containerd/certs.d"\n',
        );
        await writeFile(
          join(root, 'etc/containerd/certs.d', reg, 'hosts.toml'),
          `server = "http://${reg}"\n\n[host."${s.standin.proxyUrl}"]\n  capabilities = ["pull", "resolve"]\n`,
        );
        await symlink(s.cd.address, join(root, 'run/containerd/containerd.sock'));
        const r = await runCli(
          [
            'bench',
            'pull',
            s.ref,
            '--root',
            root,
            '--dfdaemon-proxy',
            s.standin.proxyUrl,
            '--probes',
            'system',
            '--format',
            'json',
            '--fail-on',
            'never',
          ],
          { timeoutMs: 120_000 },
        );
        expect(r.code, r.stderr).toBe(0);
        const b = (JSON.parse(r.stdout) as Report).measurements.bench as BenchMeasurement;
        expect(b.maxConcurrentDownloads).toBe(2);
        expect(b.mirror).toBe(s.standin.proxyUrl);
        expect(b.viaDfdaemon).toBe(true);
        expect(b.notes?.join(' ')).toContain(
          `${root}/var/lib/containerd/io.containerd.content.v1.content/blobs/sha256 is not readable`,
        );
        expect(namespaces(s.cd).filter((n) => n.startsWith('dfdoctor-bench-'))).toEqual([]);
      } finally {
        await s.standin.stop();
      }
    });
  });

  it.skipIf(why)(
    'layers the node already holds in k8s.io: timed through the mirror instead, and k8s.io is left as it was',
    async () => {
      await withContainerdLab(async (lab) => {
        const s = await setup(lab);
        try {
          const pre = await lab.pull(s.cd, s.ref, { hostsDir: s.hosts, namespace: 'k8s.io' });
          expect(pre.ok, pre.output).toBe(true);
          const before = execFileSync('ctr', ['--address', s.cd.address, '-n', 'k8s.io', 'content', 'ls', '-q'], {
            encoding: 'utf8',
          });
          const bundle = lab.path('bench.tar.gz');
          const r = await runCli(
            ['bench', 'pull', s.ref, ...s.args, '--format', 'json', '--fail-on', 'never', '--bundle', bundle],
            { timeoutMs: 120_000 },
          );
          expect(r.code, r.stderr).toBe(0);
          const b = (JSON.parse(r.stdout) as Report).measurements.bench as BenchMeasurement;
          // the bundle carries the same measurements to `analyze` anywhere
          const again = await runCli(['analyze', bundle, '--format', 'json', '--fail-on', 'never']);
          expect(again.code, again.stderr).toBe(0);
          expect((JSON.parse(again.stdout) as Report).measurements.bench).toEqual(b);
          for (const p of b.pulls) {
            expect(p.layers.map((l) => l.fetchMeasured)).toEqual([
              'mirror-request',
              'mirror-request',
              'mirror-request',
            ]);
            for (const l of p.layers) expect(l.fetchSeconds).toBeGreaterThan(0);
          }
          expect(b.notes?.join(' ')).toMatch(/3 of 3 layers were already in containerd's content store/);
          expect(
            execFileSync('ctr', ['--address', s.cd.address, '-n', 'k8s.io', 'image', 'ls', '-q'], { encoding: 'utf8' }),
          ).toContain(s.ref);
          expect(
            execFileSync('ctr', ['--address', s.cd.address, '-n', 'k8s.io', 'content', 'ls', '-q'], {
              encoding: 'utf8',
            }),
          ).toBe(before);
          expect(namespaces(s.cd).filter((n) => n.startsWith('dfdoctor-bench-'))).toEqual([]);
        } finally {
          await s.standin.stop();
        }
      });
    },
  );
});
