import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirBundle } from '../../src/bundle/dir-bundle.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { buildFacts } from '../../src/facts/index.js';
import { containerdProbe } from '../../src/probes/containerd.js';
import { rootedPath, type Discovery, type ProbeContext } from '../../src/probes/context.js';
import { manifest } from '../helpers/bundle.js';

// The probe against a node tree re-rooted with --root (as in a DaemonSet): real files, a real
// listener on loopback for the live mirror check; no containerd binary is run under --root. The config
// is named explicitly: other containerd instances (labs) may run on the test machine.
const temps: string[] = [];
const servers: Server[] = [];
const sockets = new Set<Socket>();
afterAll(async () => {
  for (const c of sockets) c.destroy();
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function tmp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

async function node(files: Record<string, string>): Promise<string> {
  const root = await tmp('dfdoctor-cd-root-');
  for (const [p, text] of Object.entries(files)) {
    await mkdir(join(root, p, '..'), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

async function probe(root: string, extra: Partial<ProbeContext['options']> = {}) {
  const dir = await tmp('dfdoctor-cd-out-');
  const out = new BundleWriter(dir);
  const discovery: Discovery = {};
  const ctx: ProbeContext = {
    options: {
      root,
      timeoutSeconds: 30,
      scrapeIntervalSeconds: 1,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle: false,
      containerdConfig: '/etc/containerd/config.toml',
      ...extra,
    },
    out,
    signal: new AbortController().signal,
    remainingMs: () => 6000,
    progress: () => undefined,
    discovery,
    cleanup: { add: () => () => undefined },
    nodePath: (p) => rootedPath(root, p),
  };
  const outcome = await containerdProbe.run(ctx);
  return { dir, outcome, discovery, out };
}

async function listen(): Promise<number> {
  const s = createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    // the probe's bare TCP check hangs up at once: a reset is expected
    c.on('error', () => undefined);
    c.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}');
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
}

describe('containerd probe on a re-rooted node', () => {
  it('copies config, imports, hosts dirs (also stray ones), checks mirrors live, strips proxy credentials', async () => {
    const port = await listen();
    const root = await node({
      'etc/containerd/config.toml': `version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/k3s/certs.d"\n`,
      // the import's CRI table is whole: 1.x (the containerd on PATH may be one) replaces config.toml's with it
      'etc/containerd/conf.d/10-a.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 5\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/k3s/certs.d"\n',
      'etc/containerd/conf.d/notes.txt': 'not an import',
      // an import's own import, relative to it, and one back to config.toml: containerd loads each once
      'etc/containerd/conf.d/20-b.toml': 'version = 2\nimports = ["nested/30-c.toml", "../config.toml"]\n',
      'etc/containerd/conf.d/nested/30-c.toml':
        'version = 2\nimports = ["/etc/containerd/conf.d/20-b.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 6\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/k3s/certs.d"\n',
      'etc/k3s/certs.d/docker.io/hosts.toml': `server = "https://index.docker.io"\n[host."http://127.0.0.1:${port}"]\n  capabilities = ["pull", "resolve"]\n`,
      'etc/containerd/certs.d/ghcr.io/hosts.toml': '[host."http://127.0.0.1:4001"]\n',
      'etc/systemd/system/containerd.service.d/http-proxy.conf':
        '[Service]\nEnvironment="HTTPS_PROXY=http://alice:pw@proxy.corp:3128" "NO_PROXY=localhost"\n',
    });
    const { dir, outcome, discovery, out } = await probe(root);
    expect(outcome.status).toBe('ok');
    expect(discovery.containerd?.mirrorHosts).toEqual([`127.0.0.1:${port}`]);
    expect(await readFile(join(dir, 'raw/containerd/imports/10-a.toml'), 'utf8')).toContain(
      'max_concurrent_downloads = 5',
    );
    const dropIn = await readFile(join(dir, 'raw/containerd/systemd/http-proxy.conf'), 'utf8');
    expect(dropIn).toContain('HTTPS_PROXY=http://proxy.corp:3128');
    expect(dropIn).not.toContain('alice');
    const dirs = JSON.parse(await readFile(join(dir, 'raw/containerd/hosts-dirs.json'), 'utf8'));
    expect(dirs).toEqual([
      { path: '/etc/k3s/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/stray-1', inConfigPath: false },
    ]);
    const checks = JSON.parse(await readFile(join(dir, 'raw/containerd/mirror-check.json'), 'utf8'));
    expect(checks).toEqual([expect.objectContaining({ host: `127.0.0.1:${port}`, tcp: 'open', v2Status: 200 })]);
    expect(out.getMeasurement('cpu')?.gunzipMBps).toBeGreaterThan(0);

    const facts = await buildFacts(new DirBundle(dir), manifest(), {});
    expect(await readFile(join(dir, 'raw/containerd/imports/30-c.toml'), 'utf8')).toContain(
      'max_concurrent_downloads = 6',
    );
    // 30-c.toml loads last: its value holds
    expect(facts.containerd?.pull.downloads.limit).toBe(6);
    expect(facts.containerd?.routes.map((r) => r.registry)).toEqual(['docker.io']);
    expect(facts.containerd?.misconfigs.map((m) => m.kind)).toContain('wrong-dir');
  });

  it('keeps two imports of the same file name apart, and the one loaded last holds', async () => {
    const cri = (n: number) =>
      `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = ${n}\n`;
    const root = await node({
      'etc/containerd/config.toml': `version = 2\nimports = ["/etc/containerd/conf.d/cri.toml", "/etc/containerd/site/cri.toml"]\n`,
      'etc/containerd/conf.d/cri.toml': cri(5),
      'etc/containerd/site/cri.toml': cri(7),
    });
    const { dir, outcome, out } = await probe(root);
    expect(await readFile(join(dir, 'raw/containerd/imports/cri.toml'), 'utf8')).toContain('= 5');
    expect(await readFile(join(dir, 'raw/containerd/imports/cri.2.toml'), 'utf8')).toContain('= 7');
    // the manifest as collect writes it: the node path of config.toml and of each copy
    out.recordProbe('containerd', { status: outcome.status, durationMs: 0, ...outcome.details });
    const m = await out.finish({ tool: manifest().tool, host: manifest().host, createdAt: manifest().createdAt });
    const facts = await buildFacts(new DirBundle(dir), m, {});
    expect(facts.containerd?.pull.downloads.limit).toBe(7);
  });

  it('records an import named without a glob that is missing, and containerd is read as not starting', async () => {
    const root = await node({
      'etc/containerd/config.toml':
        'version = 2\nimports = ["/etc/containerd/none/*.toml", "/etc/containerd/conf.d/gone.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    });
    const { dir, outcome, out } = await probe(root);
    expect(outcome.details?.missingImports).toEqual([
      { path: '/etc/containerd/conf.d/gone.toml', importedBy: '/etc/containerd/config.toml' },
    ]);
    out.recordProbe('containerd', { status: outcome.status, durationMs: 0, ...outcome.details });
    const m = await out.finish({ tool: manifest().tool, host: manifest().host, createdAt: manifest().createdAt });
    const facts = await buildFacts(new DirBundle(dir), m, {});
    expect(facts.containerd?.configSource).toBe('invalid');
    const p = facts.problems.find((x) => x.message.includes('gone.toml'));
    expect(p).toMatchObject({ file: 'raw/containerd/config.toml', line: 2 });
    expect(p?.message).toContain('"containerd: open /etc/containerd/conf.d/gone.toml: no such file or directory"');
  });

  it('records nothing for an import glob that matches no file: containerd starts', async () => {
    const root = await node({
      'etc/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/none/*.toml"]\n',
    });
    const { outcome } = await probe(root);
    expect(outcome.details?.missingImports).toBeUndefined();
  });

  it("reads a version 2 config's images table as containerd 2.x does, and as 1.x does (AKS Ubuntu 24.04)", async () => {
    const port = await listen();
    const root = await node({
      'etc/containerd/config.toml': `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 4\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n`,
      'etc/containerd/certs.d/docker.io/hosts.toml': `server = "https://index.docker.io"\n[host."http://127.0.0.1:${port}"]\n  capabilities = ["pull", "resolve"]\n`,
    });
    // the probe asks `containerd --version` on PATH: a stand-in prints what that release prints
    const bin = await tmp('dfdoctor-cd-bin-');
    const probeAs = async (versionLine: string) => {
      await writeFile(join(bin, 'containerd'), `#!/bin/sh\necho "${versionLine}"\n`, { mode: 0o755 });
      const path = process.env.PATH;
      process.env.PATH = `${bin}:${path}`;
      try {
        return await probe(root);
      } finally {
        process.env.PATH = path;
      }
    };
    const v2 = await probeAs(
      'containerd github.com/containerd/containerd/v2 v2.1.6 d6ac1ba2b73bab1ce3e3fbe5c2d2e9ac1e6cb71b',
    );
    expect(await readFile(join(v2.dir, 'raw/containerd/version.txt'), 'utf8')).toContain('v2.1.6');
    const dirs = JSON.parse(await readFile(join(v2.dir, 'raw/containerd/hosts-dirs.json'), 'utf8'));
    expect(dirs).toEqual([
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
    ]);
    expect(v2.discovery.containerd?.mirrorHosts).toEqual([`127.0.0.1:${port}`]);
    // 1.x has no images plugin: the same directory is not containerd's
    const v1 = await probeAs(
      'containerd github.com/containerd/containerd v1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da',
    );
    const old = JSON.parse(await readFile(join(v1.dir, 'raw/containerd/hosts-dirs.json'), 'utf8'));
    expect(old).toEqual([
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/stray-1', inConfigPath: false },
    ]);
  });

  it('records registry directories without hosts.toml (never their certificates): containerd stops at them before _default', async () => {
    const port = await listen();
    const root = await node({
      'etc/containerd/config.toml': `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n`,
      // dfdaemon's default proxy port: with no dfdaemon on this node, the facts know it by that port
      'etc/containerd/certs.d/_default/hosts.toml':
        '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
      'etc/containerd/certs.d/docker.io/ca.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
      'etc/containerd/certs.d/ghcr.io/hosts.toml': `[host."http://127.0.0.1:${port}"]\n`,
      'etc/containerd/certs.d/README': 'a file, not a registry directory',
    });
    const { dir, outcome } = await probe(root);
    expect(outcome.status).toBe('ok');
    const dirs = JSON.parse(await readFile(join(dir, 'raw/containerd/hosts-dirs.json'), 'utf8'));
    expect(dirs[0]).toEqual({
      path: '/etc/containerd/certs.d',
      bundleDir: 'raw/containerd/certs.d',
      inConfigPath: true,
      withoutHostsToml: ['docker.io'],
    });
    await expect(readFile(join(dir, 'raw/containerd/certs.d/docker.io/ca.crt'), 'utf8')).rejects.toThrow(/ENOENT/);
    const c = (await buildFacts(new DirBundle(dir), manifest(), {})).containerd!;
    const docker = c.routes.find((r) => r.registry === 'docker.io');
    expect(docker).toMatchObject({ source: 'certs-dir', nodeFile: '/etc/containerd/certs.d/docker.io/' });
    expect(docker?.hosts.map((h) => h.role)).toEqual(['origin']);
    expect(c.misconfigs.map((m) => [m.kind, m.registry])).toContainEqual(['certs-dir-shadows-default', 'docker.io']);
  });

  it('says containerd runs on defaults when config.toml is absent, and names bad TOML by line', async () => {
    const empty = await probe(await node({ 'etc/hostname': 'x' }), { containerdAddress: '/run/nothing.sock' });
    expect(empty.outcome.reason).toMatch(/config\.toml not found: containerd runs on its defaults/);
    expect(empty.outcome.reason).toMatch(/\/run\/nothing\.sock: not a reachable socket/);
    const bad = await probe(await node({ 'etc/containerd/config.toml': 'version = 2\n[plugins\n' }));
    expect(bad.outcome.reason).toMatch(/\/etc\/containerd\/config\.toml:2:\d+: invalid TOML/);
    expect(await readFile(join(bad.dir, 'raw/containerd/config.toml'), 'utf8')).toContain('[plugins');
  });

  it("records EKS nodeadm's boot-time service, which writes config.toml again at every boot", async () => {
    const config = { 'etc/containerd/config.toml': 'version = 2\n' };
    // the unit as the AL2023 EKS AMI installs it (awslabs/amazon-eks-ami templates/al2023/runtime/rootfs)
    const unit = '[Service]\nType=oneshot\nExecStart=/usr/bin/nodeadm init --skip run\n';
    const eks = await probe(await node({ ...config, 'etc/systemd/system/nodeadm-config.service': unit }), {
      containerdAddress: '/run/nothing.sock',
    });
    expect(eks.outcome.details).toMatchObject({
      bootWriter: { by: 'nodeadm', unit: '/etc/systemd/system/nodeadm-config.service' },
    });
    const other = await probe(await node(config), { containerdAddress: '/run/nothing.sock' });
    expect(other.outcome.details?.bootWriter).toBeUndefined();
  });
});
