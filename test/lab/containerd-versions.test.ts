/**
 * Version-dependent containerd behaviour, proved on the real containerd installed here (Debian
 * 1.6.20): the entries of src/knowledge/containerd.ts that hold for 1.6.x, and what the probe and
 * facts make of them. The releases this machine cannot run are covered by fixtures.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DirBundle } from '../../src/bundle/dir-bundle.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { buildFacts } from '../../src/facts/index.js';
import {
  configsTlsWithConfigPath,
  hostsWithoutHostTable,
  hostsWithoutOwnHeader,
} from '../../src/knowledge/containerd.js';
import { pick } from '../../src/knowledge/versioned.js';
import { parseContainerdVersion } from '../../src/parsers/containerd-version.js';
import { containerdProbe } from '../../src/probes/containerd.js';
import type { ProbeContext } from '../../src/probes/context.js';
import { manifest } from '../helpers/bundle.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import {
  CONTAINERD_LAB_TOOLS,
  createContainerdLab,
  startWithConfigPath,
  freeLoopbackPort,
  type ContainerdLab,
} from './containerd-lab.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('containerd versions lab', why);

const temps: string[] = [];
let lab: ContainerdLab | undefined;
afterAll(async () => {
  await lab?.close();
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function probeFacts(configFile: string, address: string) {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-cd-versions-'));
  temps.push(dir);
  const out = new BundleWriter(dir);
  const deadline = performance.now() + 15_000;
  const ctx: ProbeContext = {
    options: {
      root: '/',
      timeoutSeconds: 30,
      scrapeIntervalSeconds: 1,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle: false,
      containerdConfig: configFile,
      containerdAddress: address,
    },
    out,
    signal: new AbortController().signal,
    remainingMs: () => Math.max(0, deadline - performance.now()),
    progress: () => undefined,
    discovery: {},
    cleanup: { add: () => () => undefined },
    nodePath: (p) => p,
  };
  await containerdProbe.run(ctx);
  await writeFile(join(dir, 'measurements.json'), '{}');
  const facts = await buildFacts(
    new DirBundle(dir),
    manifest(),
    JSON.parse(await readFile(join(dir, 'measurements.json'), 'utf8')),
  );
  return facts.containerd!;
}

/**
 * The lab, a registry holding a 1 MiB image pushed as `repo`, and a loopback port nothing listens on:
 * what the tests of hosts.toml lookups set up before writing their hosts directory.
 */
async function pushedImage(repo: string) {
  lab ??= await createContainerdLab({ name: 'dfdoctor-cd-versions' });
  const reg = await lab.startRegistry();
  const img = await lab.buildImage({ layers: [{ bytes: 1 << 20 }] });
  return { lab, reg, ref: await lab.push(img, reg, repo), dead: await freeLoopbackPort() };
}

describe('containerd behaviour by release, on the real 1.6 binary', () => {
  it.skipIf(why)(
    'registry.configs.*.tls next to config_path: the CRI plugin refuses it (the table says so for < 2.0.0)',
    async () => {
      lab ??= await createContainerdLab({ name: 'dfdoctor-cd-versions' });
      const cd = await startWithConfigPath(
        lab,
        '[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example".tls]\n  insecure_skip_verify = true\n',
      );
      try {
        const v = parseContainerdVersion(cd.version);
        expect(pick(configsTlsWithConfigPath, v)).toMatchObject({ kind: 'known', value: 'refused' });
        expect(cd.log()).toContain('`configs.tls` cannot be set when `config_path` is provided');
        const c = await probeFacts(cd.configFile, cd.address);
        expect(c.criPlugin?.status).toBe('error');
        const m = c.misconfigs.find((x) => x.kind === 'legacy-with-config-path');
        expect(m?.message).toMatch(
          /registry\.configs\.\*\.tls are both set.*confirmed: `ctr plugins ls` shows it in error/,
        );
      } finally {
        await cd.stop();
      }
    },
  );

  it.skipIf(why)(
    'a hosts.toml with only `server` is ignored ("invalid `host` tree"): the pull goes to the registry itself, and the facts call it rejected',
    async () => {
      const { lab: running, reg, ref, dead } = await pushedImage('lab/server-only:v1');
      // were this file used, every request would go to a port nothing listens on and the pull would fail
      const hostsDir = await running.writeHostsToml(reg.host, {
        hosts: [],
        raw: `server = "http://127.0.0.1:${dead}"\n`,
      });
      const cd = await running.startContainerd({ configVersion: 2, configPath: hostsDir });
      try {
        const v = parseContainerdVersion(cd.version);
        expect(pick(hostsWithoutHostTable, v)).toMatchObject({ kind: 'known', value: 'rejected' });
        const pull = await running.pull(cd, ref, { hostsDir });
        expect(pull.output).toMatch(/failed to decode hosts\.toml.*invalid `host` tree/);
        expect(pull.ok, pull.output).toBe(true);
        const c = await probeFacts(cd.configFile, cd.address);
        const m = c.misconfigs.find((x) => x.kind === 'rejected');
        expect(m?.message).toMatch(/containerd ≤ 1\.7\.31 rejects the file/);
      } finally {
        await cd.stop();
      }
    },
  );

  it.skipIf(why)(
    'a host written as an inline table under [host] is tried by 1.x: the pull goes through it, and the facts list it first',
    async () => {
      const { lab: running, reg, ref, dead } = await pushedImage('lab/inline-host:v1');
      // `server` is a port nothing listens on: the pull succeeds only through the inline-table host
      const hostsDir = await running.writeHostsToml(reg.host, {
        hosts: [],
        raw: `server = "http://127.0.0.1:${dead}"\n[host]\n  "http://${reg.host}" = { capabilities = ["pull", "resolve"] }\n`,
      });
      const cd = await running.startContainerd({ configVersion: 2, configPath: hostsDir });
      try {
        const v = parseContainerdVersion(cd.version);
        expect(pick(hostsWithoutOwnHeader, v)).toMatchObject({ kind: 'known', value: 'tried' });
        const pull = await running.pull(cd, ref, { hostsDir });
        expect(pull.ok, pull.output).toBe(true);
        const c = await probeFacts(cd.configFile, cd.address);
        const route = c.routes.find((r) => r.source === 'hosts.toml');
        expect(route?.hosts.map((h) => h.url)).toEqual([`http://${reg.host}`, `http://127.0.0.1:${dead}`]);
        expect(route?.untried).toBeUndefined();
        expect(c.misconfigs.map((m) => m.kind)).not.toContain('host-without-header');
      } finally {
        await cd.stop();
      }
    },
  );

  it.skipIf(why)(
    'a registry directory without hosts.toml stops the lookup before _default: the pull goes to the registry itself, and the facts route it there',
    async () => {
      const { lab: running, reg, ref, dead } = await pushedImage('lab/certs-dir:v1');
      // _default sends every registry to a port nothing listens on, and names it as the server too, so
      // that containerd does not fall back to the registry itself
      const hostsDir = await running.writeHostsToml('_default', {
        hosts: [],
        raw: `server = "http://127.0.0.1:${dead}"\n[host."http://127.0.0.1:${dead}"]\n  capabilities = ["pull", "resolve"]\n`,
      });
      const cd = await running.startContainerd({ configVersion: 2, configPath: hostsDir });
      try {
        const through = await running.pull(cd, ref, { hostsDir, timeoutMs: 60_000 });
        expect(through.ok, 'the _default mirror is used while the registry has no directory').toBe(false);
        expect(through.output).toMatch(new RegExp(`127\\.0\\.0\\.1:${dead}.*connection refused`));
        // a Docker-style certificate directory for the registry, without hosts.toml
        await mkdir(join(hostsDir, reg.host), { recursive: true });
        await writeFile(join(hostsDir, reg.host, 'README'), 'certificates would go here\n');
        const direct = await running.pull(cd, ref, { hostsDir });
        expect(direct.ok, direct.output).toBe(true);
        const c = await probeFacts(cd.configFile, cd.address);
        expect(c.hostsDirs[0]?.withoutHostsToml).toEqual([reg.host]);
        const route = c.routes.find((r) => r.registry === reg.host);
        expect(route).toMatchObject({ source: 'certs-dir', nodeFile: `${hostsDir}/${reg.host}/` });
        expect(route?.hosts.map((h) => h.role)).toEqual(['origin']);
      } finally {
        await cd.stop();
      }
    },
  );
});
