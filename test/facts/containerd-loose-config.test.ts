// Files given to `analyze` without containerd's config say nothing of it: a hosts.toml given alone is
// read as containerd reads its config_path, and no finding rests on a config nobody gave. The real
// case is fixtures/real/containerd-k3s-hosts-toml-given-alone (dragonfly#4815).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

const HOSTS = readFileSync(
  new URL(
    '../../fixtures/real/containerd-k3s-hosts-toml-given-alone/raw/containerd/certs.d/docker.io/hosts.toml',
    import.meta.url,
  ),
  'utf8',
);
const tool = { name: 'dfdoctor', version: '0' };

async function analyzed(inputs: { path: string; text: string }[]) {
  const a = assembleLooseFiles(inputs, '2026-01-01T00:00:00Z', tool);
  const facts = await factsFrom(a.files, { manifest: a.manifest });
  return {
    a,
    facts,
    misconfigured: evaluate(facts, RULES).diagnoses.find((d) => d.rule === 'containerd.mirror-misconfigured'),
  };
}

describe('containerd files given without its config', () => {
  it('reads a hosts.toml given alone as containerd would, and says the config is not known', async () => {
    const { a, facts, misconfigured } = await analyzed([{ path: 'certs.d/docker.io/hosts.toml', text: HOSTS }]);
    expect(a.manifest.probes.containerd).toMatchObject({ configGiven: false });
    expect(facts.containerd).toMatchObject({ configSource: 'not-given', configPathFrom: 'assumed', misconfigs: [] });
    expect(facts.containerd?.routes[0]).toMatchObject({ registry: 'docker.io', firstIsDfdaemon: true });
    expect(facts.notes.map((n) => n.text)).toContain(
      'containerd: no config.toml given — the hosts.toml files given are read as containerd reads them from its config_path; whether its config_path names their directory is not known',
    );
    expect(misconfigured).toBeUndefined();
  });

  it('still finds the hosts.toml that a config given with it does not read', async () => {
    const { a, misconfigured } = await analyzed([
      { path: 'certs.d/docker.io/hosts.toml', text: HOSTS },
      {
        path: 'config.toml',
        text: 'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "pause:3.9"\n',
      },
    ]);
    expect(a.manifest.probes.containerd?.configGiven).toBeUndefined();
    expect(misconfigured?.severity).toBe('critical');
    expect(misconfigured?.evidence[0]).toMatch(/which is not in config_path \(unset\): containerd ignores them/);
  });
});

describe('containerd config.toml that does not parse, given with hosts.toml files', () => {
  // containerd/containerd#11647: the config.toml as posted, parts elided with "...", and the hosts.toml
  const ELIDED = '...\n[plugins."io.containerd.grpc.v1.cri".registry]\nconfig_path = "/etc/containerd/certs.d"\n...\n';
  const REPO_HOMES =
    'server = "http://repo.homes"\n\n[host."http://repo.homes"]\n  capabilities = ["pull", "resolve", "push"]\n  skip_verify = true\n';

  it('does not take its config_path for unset: the hosts.toml given are read, and no finding rests on the file', async () => {
    const { facts, misconfigured } = await analyzed([
      { path: 'config.toml', text: ELIDED },
      { path: 'certs.d/repo.homes/hosts.toml', text: REPO_HOMES },
    ]);
    expect(facts.containerd).toMatchObject({ configSource: 'invalid', configPathFrom: 'assumed', misconfigs: [] });
    expect(facts.containerd?.routes[0]).toMatchObject({ registry: 'repo.homes' });
    expect(misconfigured).toBeUndefined();
    expect(facts.notes.map((n) => n.text)).toContain(
      'containerd: config.toml is an excerpt (lines of dots mark what the paste leaves out), so its config_path is not known — the hosts.toml files given are read as containerd reads them from its config_path',
    );
  });

  it('says an excerpt is one, and claims nothing of what it leaves out (containerd#11647, #11478)', async () => {
    const { facts } = await analyzed([
      { path: 'config.toml', text: ELIDED },
      { path: 'certs.d/repo.homes/hosts.toml', text: REPO_HOMES },
    ]);
    expect(facts.containerd?.configExcerpt).toBe(true);
    const p = facts.problems.find((x) => x.file === 'raw/containerd/config.toml');
    expect(p).toMatchObject({ line: 1 });
    expect(p?.message).toContain('an excerpt: lines of dots (line 1, line 4) mark lines the paste leaves out');
    // the marks are the paste's: no parse error of theirs is said to stop containerd
    expect(p?.message).not.toMatch(/refuses to start|invalid TOML/);
  });

  it('keeps a real parse error for a file that elides nothing', async () => {
    const { facts } = await analyzed([{ path: 'config.toml', text: 'version = 2\n[plugins\n' }]);
    expect(facts.containerd?.configExcerpt).toBe(false);
    const p = facts.problems.find((x) => x.file === 'raw/containerd/config.toml');
    expect(p?.message).toContain('(containerd refuses to start with this file)');
  });
});

describe('containerd config given without its hosts.toml files', () => {
  const DFGET = readFileSync(
    new URL('../../fixtures/real/package-go-dfget-v2.1.49/raw/dfdaemon/config/dfget.yaml', import.meta.url),
    'utf8',
  );
  // dragonflyoss/dragonfly#2728: an EKS node's config.toml, config_path set, pasted without its certs.d
  const CONFIG =
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n';

  it('does not take the directories config_path names for empty, and says they were not given', async () => {
    const { a, facts, misconfigured } = await analyzed([
      { path: 'config.toml', text: CONFIG },
      { path: 'dfget.yaml', text: DFGET },
    ]);
    expect(a.manifest.probes.containerd).toMatchObject({ hostsGiven: false });
    expect(misconfigured).toBeUndefined();
    expect(facts.notes.map((n) => n.text)).toContainEqual(
      expect.stringMatching(
        /^containerd: config_path names \/etc\/containerd\/certs\.d, but no hosts\.toml from there was given/,
      ),
    );
  });

  it('judges the routes again when hosts files are given with the config', async () => {
    const other = 'server = "https://quay.io"\n[host."https://quay.io"]\n  capabilities = ["pull", "resolve"]\n';
    const { a, misconfigured } = await analyzed([
      { path: 'config.toml', text: CONFIG },
      { path: 'dfget.yaml', text: DFGET },
      { path: 'certs.d/quay.io/hosts.toml', text: other },
    ]);
    expect(a.manifest.probes.containerd?.hostsGiven).toBeUndefined();
    expect(misconfigured?.evidence[0]).toMatch(/^no registry's first host is dfdaemon's proxy/);
  });
});

describe('containerd --version given to analyze', () => {
  it('is read as the version: a real 2.2.1 case given loose gets the finding its bundle gets', async () => {
    const dir = new URL('../../fixtures/real/containerd-2.2.1-default-style-mirrors/raw/containerd/', import.meta.url);
    const inputs = ['version.txt', 'config.toml'].map((n) => ({
      path: n,
      text: readFileSync(new URL(n, dir), 'utf8'),
    }));
    const { a, facts, misconfigured } = await analyzed(inputs);
    expect(a.taken.map((t) => [t.path, t.kind])).toEqual([
      ['version.txt', 'containerd-version'],
      ['config.toml', 'containerd-config'],
    ]);
    expect(facts.containerd?.version).toMatchObject({ major: 2, minor: 2, patch: 1 });
    // 2.2.0–2.2.1 refuse the default-style mirrors beside their own default config_path
    expect(misconfigured?.severity).toBe('critical');
    // without the version, 2.2 is only assumed not to be there: no finding
    expect((await analyzed(inputs.slice(1))).misconfigured).toBeUndefined();
  });
});
