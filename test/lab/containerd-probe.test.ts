import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirBundle } from '../../src/bundle/dir-bundle.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { evaluate } from '../../src/engine.js';
import { buildFacts } from '../../src/facts/index.js';
import { containerdProbe } from '../../src/probes/containerd.js';
import type { Discovery, ProbeContext, ProbeOptions } from '../../src/probes/context.js';
import { RULES } from '../../src/rules/index.js';
import { manifest } from '../helpers/bundle.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { runCli } from '../helpers/cli.js';
import {
  CONTAINERD_LAB_TOOLS,
  createContainerdLab,
  startWithConfigPath,
  freeLoopbackPort,
  type ContainerdLab,
} from './containerd-lab.js';

/** A legacy mirror for docker.io, which containerd refuses beside config_path. */
const LEGACY_MIRROR =
  '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:4001"]\n';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('containerd probe lab', why);

const temps: string[] = [];
let lab: ContainerdLab | undefined;
afterAll(async () => {
  await lab?.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function runProbe(
  opts: Partial<ProbeOptions>,
): Promise<{ dir: string; outcome: Awaited<ReturnType<typeof containerdProbe.run>>; discovery: Discovery }> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-cd-bundle-'));
  temps.push(dir);
  const out = new BundleWriter(dir);
  const discovery: Discovery = {};
  const deadline = performance.now() + 15_000;
  const ctx: ProbeContext = {
    options: {
      root: '/',
      timeoutSeconds: 30,
      scrapeIntervalSeconds: 1,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle: false,
      ...opts,
    },
    out,
    signal: new AbortController().signal,
    remainingMs: () => Math.max(0, deadline - performance.now()),
    progress: () => undefined,
    discovery,
    cleanup: { add: () => () => undefined },
    nodePath: (p) => p,
  };
  const t0 = performance.now();
  const outcome = await containerdProbe.run(ctx);
  console.log(
    `[lab] containerd probe: ${outcome.status} in ${(performance.now() - t0).toFixed(0)} ms${outcome.reason ? ` (${outcome.reason})` : ''}`,
  );
  const measurements = { cpu: out.getMeasurement('cpu') };
  await writeFile(join(dir, 'measurements.json'), JSON.stringify(measurements));
  return { dir, outcome, discovery };
}

async function analyse(dir: string) {
  const m = JSON.parse(await readFile(join(dir, 'measurements.json'), 'utf8'));
  const facts = await buildFacts(new DirBundle(dir), manifest(), m);
  return { facts, rules: evaluate(facts, RULES).diagnoses.map((d) => d.rule) };
}

describe('containerd probe against a real containerd', () => {
  it.skipIf(why)(
    'default v2 config: version, max_concurrent_downloads 3, cpu rates; a dead mirror is misconfigured and the pull falls back',
    async () => {
      lab = await createContainerdLab({ name: 'dfdoctor-cd-probe' });
      const reg = await lab.startRegistry();
      const img = await lab.buildImage({
        layers: [
          { bytes: 4 << 20 },
          { bytes: 4 << 20, content: 'mixed' },
          { bytes: 2 << 20, content: 'text' },
          { bytes: 2 << 20 },
        ],
      });
      const ref = await lab.push(img, reg, 'lab/probe:v1');
      const dead = await freeLoopbackPort();
      const hostsDir = await lab.writeHostsToml(reg.host, {
        server: reg.url,
        hosts: [{ url: `http://127.0.0.1:${dead}`, capabilities: ['pull', 'resolve'] }],
      });
      const cd = await lab.startContainerd({ configVersion: 2, configPath: hostsDir });

      const { dir, outcome, discovery } = await runProbe({
        containerdConfig: cd.configFile,
        containerdAddress: cd.address,
      });
      expect(outcome.status, JSON.stringify(outcome)).toBe('ok');
      // the origin here is on loopback too, so it is checked like a mirror (remote servers never are)
      expect(discovery.containerd?.mirrorHosts).toEqual([`127.0.0.1:${dead}`, reg.host]);
      expect(discovery.containerd?.pid).toBe(cd.pid);

      const { facts, rules } = await analyse(dir);
      const c = facts.containerd!;
      expect(c.version?.major).toBe(1);
      expect(c.version?.minor).toBe(6);
      expect(c.configSource).toBe('dump');
      expect(c.config.layout).toBe(2);
      expect(c.pull.downloads).toMatchObject({ limit: 3, scope: 'per-pull', fromDefault: false });
      expect(c.snapshotter).toBe('overlayfs');
      expect(c.routes).toHaveLength(1);
      expect(c.routes[0]!.registry).toBe(reg.host);
      expect(c.routes[0]!.hosts.map((h) => h.port)).toEqual([dead, reg.port]);
      expect(c.routes[0]!.hosts[0]!.check?.tcp).toBe('refused');
      expect(c.misconfigs.map((m) => m.kind)).toContain('not-listening');
      expect(rules).toContain('containerd.mirror-misconfigured');
      const cpu = facts.measurements.cpu!;
      expect(cpu.gunzipMBps).toBeGreaterThan(1);
      expect(cpu.sha256MBps).toBeGreaterThan(1);
      console.log(
        `[lab] ${cd.version}; cpu: gunzip ${cpu.gunzipMBps?.toFixed(0)} MB/s (compressed input), sha256 ${cpu.sha256MBps?.toFixed(0)} MB/s`,
      );

      // the timed pull: containerd tries the dead mirror, then falls back to the origin
      const pull = await lab.pull(cd, ref, { hostsDir, debug: true });
      expect(pull.ok, pull.output).toBe(true);
      expect(pull.output).toMatch(new RegExp(`trying next host.*127\\.0\\.0\\.1:${dead}`));
      expect(pull.output).toMatch(new RegExp(`host="?${reg.host.replace(/\./g, '\\.')}`));
      console.log(
        `[lab] pull via a dead mirror with origin fallback: ${pull.wallSeconds.toFixed(2)} s for ${(img.compressedBytes / 1e6).toFixed(1)} MB`,
      );

      // a live mirror (the registry itself as the [host]) is not misconfigured
      await lab.writeHostsToml(
        reg.host,
        { server: reg.url, hosts: [{ url: reg.url, capabilities: ['pull', 'resolve'] }] },
        hostsDir,
      );
      const healthy = await runProbe({ containerdConfig: cd.configFile, containerdAddress: cd.address });
      const h = await analyse(healthy.dir);
      expect(h.facts.containerd!.routes[0]!.hosts[0]!.check?.tcp).toBe('open');
      expect(h.facts.containerd!.routes[0]!.hosts[0]!.check?.v2Status).toBe(200);
      expect(h.facts.containerd!.misconfigs.map((m) => m.kind)).not.toContain('not-listening');
    },
  );

  it.skipIf(why)(
    'legacy mirrors together with config_path: the real CRI plugin fails to load, and the probe shows it',
    async () => {
      lab ??= await createContainerdLab({ name: 'dfdoctor-cd-probe' });
      const cd = await startWithConfigPath(lab, LEGACY_MIRROR);
      expect(cd.log()).toContain('`mirrors` cannot be set when `config_path` is provided');
      const { dir } = await runProbe({ containerdConfig: cd.configFile, containerdAddress: cd.address });
      const { facts, rules } = await analyse(dir);
      expect(facts.containerd?.criPlugin?.status).toBe('error');
      const m = facts.containerd?.misconfigs.find((x) => x.kind === 'legacy-with-config-path');
      expect(m?.message).toMatch(/confirmed: `ctr plugins ls` shows it in error/);
      expect(rules).toContain('containerd.mirror-misconfigured');
      await cd.stop();
    },
  );

  it.skipIf(why)(
    'containerd\'s log in JSON ([debug] format = "json") is read as its text format is: the CRI plugin\'s refusal',
    async () => {
      lab ??= await createContainerdLab({ name: 'dfdoctor-cd-probe' });
      const cd = await startWithConfigPath(lab, LEGACY_MIRROR, { logFormat: 'json' });
      await cd.stop();
      // the daemon's own lines, as its journal holds them
      const lines = cd
        .log()
        .split('\n')
        .filter((l) => l.startsWith('{'));
      const refusal = lines.find((l) => l.includes('`mirrors` cannot be set when `config_path` is provided'));
      expect(refusal, cd.log()).toMatch(
        /^\{"error":"[^"]*","level":"\w+","msg":"failed to load plugin io\.containerd\.grpc\.v1\.cri","time":"/,
      );
      const log = lab.path('containerd-json.log');
      await writeFile(log, `${lines.join('\n')}\n`);
      console.log(`[lab] containerd ${cd.version.split(' ').slice(-2).join(' ')} in JSON: ${refusal}`);
      // given alone, it is known for containerd's log by its lines, and the refusal is read from it
      const r = await runCli(['analyze', log, '--format', 'json', '--fail-on', 'never']);
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as {
        diagnoses: { rule: string; evidence: string[] }[];
        notes: { text: string }[];
      };
      const notes = report.notes.map((n) => n.text).join('\n');
      expect(notes).toMatch(/containerd-json\.log: read as containerd log \(logrus JSON lines/);
      expect(notes).not.toMatch(/not recognised as containerd log lines/);
      const m = report.diagnoses.find((d) => d.rule === 'containerd.mirror-misconfigured');
      expect(m?.evidence[0]).toMatch(
        /^containerd logged "`mirrors` cannot be set when `config_path` is provided": the CRI plugin did not load \(raw\/containerd\/journal\.txt:\d+\)/,
      );
    },
  );

  it.skipIf(why)('a v3 config is read as the containerd on the node reads it', async () => {
    lab ??= await createContainerdLab({ name: 'dfdoctor-cd-probe' });
    const hostsDir = await lab.writeHostsToml('docker.io', {
      server: 'https://index.docker.io',
      hosts: [{ url: 'http://127.0.0.1:4001', capabilities: ['pull'] }],
    });
    const cfg = lab.path('v3-config.toml');
    await writeFile(
      cfg,
      [
        'version = 3',
        `root = "${lab.path('v3root')}"`,
        "[plugins.'io.containerd.cri.v1.images']",
        "  snapshotter = 'native'",
        '  max_concurrent_downloads = 3',
        "  image_pull_progress_timeout = '2m0s'",
        "  [plugins.'io.containerd.cri.v1.images'.registry]",
        `    config_path = '${hostsDir}'`,
        "[plugins.'io.containerd.transfer.v1.local']",
        '  max_concurrent_downloads = 7',
        '  max_concurrent_unpacks = 2',
        '',
      ].join('\n'),
    );
    const { dir } = await runProbe({ containerdConfig: cfg });
    const { facts } = await analyse(dir);
    const c = facts.containerd!;
    const v = c.version!;
    expect(v).toBeDefined();
    if (v.major >= 2) {
      expect(c.config.layout).toBe(3);
      expect(c.configSource).toBe('file');
      expect(c.snapshotter).toBe('native');
      expect(c.imagePullProgressTimeout).toBe('2m0s');
      expect(c.config.transfer).toMatchObject({ maxConcurrentDownloads: 7, maxConcurrentUnpacks: 2 });
      expect(c.configPath).toEqual([hostsDir]);
      expect(c.routes[0]!.registry).toBe('docker.io');
      expect(c.routes[0]!.hosts[0]).toMatchObject({ port: 4001, capabilities: ['pull'], scheme: 'http' });
      expect(c.routes[0]!.hosts[1]!.url).toBe('https://index.docker.io:443');
      return;
    }
    if ((v.minor === 6 && v.patch >= 32) || (v.minor === 7 && v.patch >= 17) || v.minor > 7) return;
    // 1.6.0–1.6.31 and 1.7.0–1.7.16 check no version: the file is read as version 2, and the version 3
    // tables name plugins these releases do not have. containerd's own dump of the file says the same
    // (this is the Debian 1.6.20 of the lab: version = 2, config_path = "", the default snapshotter)
    const dump = await readFile(join(dir, 'raw/containerd/config-dump.toml'), 'utf8');
    expect(dump).toMatch(/^version = 2$/m);
    expect(dump).toMatch(/^\s*config_path = ""$/m);
    expect(c.config.layout).toBe(2);
    expect(c.configPath).toEqual([]);
    expect(c.snapshotter).not.toBe('native');
  });
});
