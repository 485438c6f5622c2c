import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stepText } from '../../src/report/steps-render.js';
import { evaluate } from '../../src/engine.js';
import { parseContainerdLogLine } from '../../src/parsers/containerd-log.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

/** A fixture bundle's raw files, analysed through the facts as `analyze` would. */
function fixtureFiles(name: string): Record<string, string> {
  const root = new URL(`../../fixtures/${name}/`, import.meta.url).pathname;
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.includes('/raw/')) out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

async function containerdOf(name: string) {
  const f = await factsFrom(fixtureFiles(name));
  return { c: f.containerd!, notes: f.notes.map((n) => n.text) };
}

const kinds = (c: { misconfigs: { kind: string }[] }) => c.misconfigs.map((m) => m.kind);

describe('containerd behaviour by release (fixtures per version)', () => {
  it('2.2.1 refuses registry.mirrors next to its default config_path; 2.2.2 and 2.1 take the mirrors', async () => {
    const refused = await containerdOf('containerd-2.2.1-mirrors-refused');
    expect(kinds(refused.c)).toEqual(['mirrors-refused']);
    expect(refused.c.configPathFrom).toBe('default');
    expect(refused.c.misconfigs[0]!.message).toMatch(
      /2\.2\.1 sets config_path = "\/etc\/containerd\/certs\.d:\/etc\/docker\/certs\.d" by default/,
    );
    for (const ok of ['containerd-2.2.2-mirrors-legacy', 'containerd-2.1-mirrors-legacy']) {
      const { c } = await containerdOf(ok);
      expect(kinds(c), ok).toEqual([]);
      expect(c.configPathFrom).toBe('none');
      expect(c.routes[0]).toMatchObject({ source: 'legacy-mirrors', firstIsDfdaemon: true });
      // mirrors force the local pull on 2.1+
      expect(c.pull).toMatchObject({
        mode: 'local',
        defaultPath: 'transfer',
        localReasons: ['registry.mirrors is set'],
      });
    }
  });

  it('2.2 reads /etc/containerd/certs.d without a config_path (no "no mirror" verdict); 2.1 does not read it', async () => {
    const dflt = await containerdOf('containerd-2.2-default-config-path');
    expect(dflt.c.configPathFrom).toBe('default');
    expect(dflt.c.configPath).toEqual(['/etc/containerd/certs.d', '/etc/docker/certs.d']);
    expect(dflt.c.hostsDirs[0]).toMatchObject({ path: '/etc/containerd/certs.d', inConfigPath: true });
    expect(dflt.c.routes[0]).toMatchObject({ registry: 'docker.io', firstIsDfdaemon: true });
    expect(kinds(dflt.c)).toEqual([]);
    expect(dflt.notes.join('\n')).not.toMatch(/version unknown/);
    const old = await containerdOf('containerd-2.1-no-config-path');
    expect(kinds(old.c)).toEqual(['wrong-dir', 'no-routing']);
    expect(old.c.configPathFrom).toBe('none');
  });

  it('2.2 with its default (two-directory) config_path and transfer pulls uses no hosts.toml (containerd#12415, #12636)', async () => {
    const { c } = await containerdOf('containerd-2.2-default-config-path-transfer');
    expect(c.pull.mode).toBe('transfer');
    expect(kinds(c)).toEqual(['config-path-list-transfer']);
    expect(c.misconfigs[0]!.message).toMatch(/containerd's default.*does not split the list/);
  });

  it('a stock 2.2 node (no config, no hosts.toml) gets no misconfig, with or without dfdaemon', async () => {
    for (const listeners of [
      undefined,
      'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n',
    ]) {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.2.2 y\n',
        'raw/containerd/hosts-dirs.json': '[]',
        ...(listeners ? { 'raw/net/listeners.txt': listeners } : {}),
      });
      const c = f.containerd!;
      expect(c.configPathFrom).toBe('default');
      // with dfdaemon running and no hosts.toml, containerd indeed never uses it
      expect(kinds(c)).toEqual(listeners ? ['config-path-without-hosts'] : []);
    }
  });

  it('a multi-directory config_path fires on 2.1 transfer pulls, not on 2.0 (local pull splits it)', async () => {
    expect(kinds((await containerdOf('containerd-2.1-transfer-multi-dir')).c)).toEqual(['config-path-list-transfer']);
    const local = (await containerdOf('containerd-2.0-local-multi-dir')).c;
    expect(local.pull.mode).toBe('local');
    expect(kinds(local)).toEqual([]);
    // single directory on 2.1 transfer: fine
    expect(kinds((await containerdOf('containerd-v3-transfer-concurrency')).c)).toEqual([]);
  });

  it('a hosts.toml with only `server` is rejected up to 1.7.31 and used from 1.7.32', async () => {
    const old = await containerdOf('containerd-1.7.31-server-only-hosts');
    expect(kinds(old.c)).toEqual(['rejected']);
    expect(old.c.misconfigs[0]!.message).toMatch(/invalid `host` tree/);
    const fixed = (await containerdOf('containerd-1.7.32-server-only-hosts')).c;
    expect(kinds(fixed)).toEqual([]);
    expect(fixed.routes[0]!.hosts).toMatchObject([{ role: 'server', isDfdaemon: true, url: 'http://127.0.0.1:4001' }]);
    expect(fixed.mirrorHosts).toEqual(['127.0.0.1:4001']);
  });

  it('dfdaemon written as an inline-table host is tried by 1.x and never by 2.0+, which says so', async () => {
    const v1 = (await containerdOf('containerd-1.7.32-inline-dfdaemon-host')).c;
    expect(kinds(v1)).toEqual([]);
    expect(v1.routes[0]!.hosts.map((h) => [h.role, h.url])).toEqual([
      ['mirror', 'http://127.0.0.1:4001'],
      // a server naming Docker Hub's own host is the origin
      ['origin', 'https://registry-1.docker.io:443'],
    ]);
    expect(v1.routes[0]!.untried).toBeUndefined();
    const v2 = (await containerdOf('containerd-2.0-inline-dfdaemon-host')).c;
    expect(kinds(v2)).toEqual(['host-without-header']);
    expect(v2.routes[0]!.hosts.map((h) => h.role)).toEqual(['origin']);
    expect(v2.routes[0]!.untried).toEqual([{ url: 'http://127.0.0.1:4001', isDfdaemon: true, line: 6 }]);
    expect(v2.misconfigs[0]).toMatchObject({ line: 6, file: 'raw/containerd/certs.d/docker.io/hosts.toml' });
    expect(v2.misconfigs[0]!.message).toMatch(/containerd 2\.0\.5 takes hosts only from those headers/);
    // version unknown: the newer behaviour, and the note names it
    const files = fixtureFiles('containerd-2.0-inline-dfdaemon-host');
    delete files['raw/containerd/version.txt'];
    const f = await factsFrom(files);
    expect(kinds(f.containerd!)).toEqual(['host-without-header']);
    expect(f.notes.map((n) => n.text).join('\n')).toMatch(
      /a hosts\.toml host without a \[host\."…"\] header of its own is never tried \(≥ 2\.0\.0\)/,
    );
  });

  it('a registry directory without hosts.toml keeps its registry off a _default through dfdaemon, unless an earlier directory matches first', async () => {
    const before = (await containerdOf('containerd-1.7-certs-dir-before-default')).c;
    expect(kinds(before)).toEqual(['certs-dir-shadows-default']);
    expect(before.misconfigs[0]!.message).toMatch(
      /\/etc\/containerd\/certs\.d\/docker\.io\/ holds no hosts\.toml .* docker\.io is pulled from the registry directly/,
    );
    expect(kinds((await containerdOf('containerd-1.7-certs-dir-with-hosts-toml')).c)).toEqual([]);
    // behind an earlier directory's _default the certificate directory is never reached: nothing to say
    const files = fixtureFiles('containerd-1.7-certs-dir-before-default');
    files['raw/containerd/config.toml'] = files['raw/containerd/config.toml']!.replace(
      'config_path = "/etc/containerd/certs.d"',
      'config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"',
    );
    files['raw/containerd/hosts-dirs.json'] = JSON.stringify([
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
      {
        path: '/etc/docker/certs.d',
        bundleDir: 'raw/containerd/certs.d-2',
        inConfigPath: true,
        withoutHostsToml: ['docker.io'],
      },
    ]);
    const behind = (await factsFrom(files)).containerd!;
    expect(behind.routes.find((r) => r.source === 'certs-dir')?.shadowedBy).toBe('/etc/containerd/certs.d');
    expect(kinds(behind)).toEqual([]);
    // a bundle of an earlier dfdoctor release does not list such directories: _default serves docker.io
    const old = fixtureFiles('containerd-1.7-certs-dir-before-default');
    old['raw/containerd/hosts-dirs.json'] = old['raw/containerd/hosts-dirs.json']!.replace(
      /,\s*"withoutHostsToml": \[[^\]]*\]/,
      '',
    );
    expect(kinds((await factsFrom(old)).containerd!)).toEqual([]);
  });

  it('a version 2 registry table left in a version 3 config replaces the images one on 2.3+ and is ignored before', async () => {
    const v23 = await containerdOf('containerd-2.3-v3-leftover-cri-registry');
    expect(kinds(v23.c)).toEqual(['leftover-cri-registry']);
    expect(v23.c.config.cri.configPath).toBeUndefined();
    expect(v23.c.config.cri.mirrors).toEqual({
      'docker.io': ['https://mirror.gcr.io', 'https://registry-1.docker.io'],
    });
    expect(v23.c.misconfigs[0]!.message).toMatch(/config_path = "\/etc\/containerd\/certs\.d" there is dropped/);
    expect(v23.notes.join('\n')).toMatch(/containerd 2\.3\.1 migrates a version 3 file when it loads it/);
    const v22 = await containerdOf('containerd-2.2-v3-leftover-cri-registry');
    expect(kinds(v22.c)).toEqual([]);
    expect(v22.c.config.cri.configPath).toBe('/etc/containerd/certs.d');
    expect(v22.notes.join('\n')).toMatch(/containerd 2\.2\.2 ignores that table in a version 3 file/);
    // version unknown: the newer behaviour, named in the assumptions
    const files = fixtureFiles('containerd-2.3-v3-leftover-cri-registry');
    delete files['raw/containerd/version.txt'];
    const f = await factsFrom(files);
    expect(kinds(f.containerd!)).toEqual(['leftover-cri-registry']);
    expect(f.notes.map((n) => n.text).join('\n')).toMatch(/table in a version 3 config is migrated \(≥ 2\.3\.0\)/);
  });

  it("a version 2 config's images table is read by 2.x, with the CRI table's keys over it, and ignored by 1.x (AKS Ubuntu 24.04)", async () => {
    const files = fixtureFiles('real/containerd-aks-ubuntu2404-v2-images-table');
    const v2 = await factsFrom(files);
    expect(v2.containerd!.config.cri.configPath).toBe('/etc/containerd/certs.d');
    expect(v2.containerd!.hostsDirs[0]).toMatchObject({ path: '/etc/containerd/certs.d', inConfigPath: true });
    expect(v2.containerd!.routes[0]).toMatchObject({ registry: 'docker.io', firstIsDfdaemon: true });
    expect(kinds(v2.containerd!)).toEqual([]);
    expect(v2.notes.map((n) => n.text).join('\n')).toMatch(
      /containerd 2\.1\.6 reads that table whatever the file's version/,
    );
    // 1.x has no images plugin: the hosts.toml is not read
    const v17 = await factsFrom({
      ...files,
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd v1.7.27\n',
    });
    expect(v17.containerd!.config.cri.configPath).toBeUndefined();
    expect(kinds(v17.containerd!)).toEqual(['wrong-dir']);
    expect(v17.notes.map((n) => n.text).join('\n')).toMatch(
      /containerd 1\.7\.27 has no such plugin and ignores that table/,
    );
    // version unknown: 2.x's reading, named in the assumptions
    const { 'raw/containerd/version.txt': _v, ...unknown } = files;
    const u = await factsFrom(unknown);
    expect(u.containerd!.config.cri.configPath).toBe('/etc/containerd/certs.d');
    expect(u.notes.map((n) => n.text).join('\n')).toMatch(
      /images\.v1\.images"\] table in a version 2 config is read \(≥ 2\.0\.0\)|table in a version 2 config is read \(≥ 2\.0\.0\)/,
    );
    // what the version 2 CRI table sets is copied over the images table (v2.1.6 plugin.go migrateConfig);
    // the images table's own snapshot settings hold where it sets none (AKS's Teleport variant)
    const both = `${files['raw/containerd/config.toml']}
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/other.d"
[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "stargz"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
`.replace(
      '[plugins."io.containerd.cri.v1.images"]\n',
      '[plugins."io.containerd.cri.v1.images"]\n  disable_snapshot_annotations = false\n',
    );
    const m = await factsFrom({ ...files, 'raw/containerd/config.toml': both });
    expect(m.containerd!.config.cri.configPath).toBe('/etc/containerd/other.d');
    expect(m.containerd!.config.cri.snapshotter).toBe('stargz');
    expect(m.containerd!.config.cri.disableSnapshotAnnotations).toBe(false);
    expect(m.containerd!.pull).toMatchObject({ mode: 'local', localReasons: ['disable_snapshot_annotations = false'] });
  });

  it('max_concurrent_downloads does nothing on 1.4.0–1.5.11 (containerd#6054) and says so; 1.5.12 honours it', async () => {
    const old = await containerdOf('containerd-1.5.11-downloads-unlimited');
    expect(old.c.pull.downloads.ignored?.range).toBe('1.4.0–1.5.11');
    expect(old.notes.join('\n')).toMatch(/has no effect on CRI pulls .*containerd#6054/);
    const fixed = await containerdOf('containerd-1.5.12-low-concurrency');
    expect(fixed.c.pull.downloads.ignored).toBeUndefined();
    expect(fixed.notes.join('\n')).not.toMatch(/6054/);
  });

  it('says which release it assumed when the version is unknown', async () => {
    const files = fixtureFiles('containerd-1.7.32-server-only-hosts');
    delete files['raw/containerd/version.txt'];
    const f = await factsFrom(files);
    expect(f.containerd!.version).toBeNull();
    // newest behaviour assumed: the server-only file is taken, and the note names the assumption and its range
    expect(kinds(f.containerd!)).toEqual([]);
    const note = f.notes.map((n) => n.text).find((t) => t.startsWith('containerd version unknown'));
    expect(note).toMatch(/a hosts\.toml without \[host\] tables is accepted \(≥ 1\.7\.32\)/);
    expect(note).toMatch(/CRI pulls take the local path \(< 2\.1\.0\)/);
    expect(note).toMatch(/config_path has no default/);
  });

  it('registry.configs.*.tls next to config_path breaks 1.x only', async () => {
    const cfg =
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example".tls]\n  insecure_skip_verify = true\n';
    const v1 = await factsFrom({
      'raw/containerd/config.toml': cfg,
      'raw/containerd/version.txt': 'containerd containerd.io 1.7.27 x\n',
    });
    expect(kinds(v1.containerd!)).toContain('legacy-with-config-path');
    const v2 = await factsFrom({
      'raw/containerd/config.toml': cfg,
      'raw/containerd/version.txt': 'containerd x v2.1.0 y\n',
    });
    expect(kinds(v2.containerd!)).not.toContain('legacy-with-config-path');
  });
});

describe('containerd log wording by release', () => {
  it('matches 2.x "failed to decode <dir>/hosts.toml" as well as 1.x "failed to decode hosts.toml"', () => {
    const v2 =
      'time="2026-11-20T08:00:00Z" level=error msg="failed to decode /etc/containerd/certs.d/docker.io/hosts.toml" error="unknown capability mirror"';
    expect(parseContainerdLogLine(v2, 3)).toMatchObject({
      kind: 'hosts-toml-decode',
      error: 'unknown capability mirror',
      line: 3,
    });
    expect(
      parseContainerdLogLine('level=error msg="failed to decode hosts.toml" error="invalid `host` tree"', 1)?.kind,
    ).toBe('hosts-toml-decode');
    expect(parseContainerdLogLine('level=error msg="failed to decode config.toml"', 1)).toBeNull();
  });

  it('reads which gzip tool containerd used: pigz (1.x), igzip or unpigz (2.x)', () => {
    expect(parseContainerdLogLine('level=debug msg="using pigz for decompression"', 1)).toMatchObject({
      kind: 'decompressor-used',
      tool: 'pigz',
    });
    expect(parseContainerdLogLine('level=debug msg="using igzip for decompression"', 1)).toMatchObject({
      kind: 'decompressor-used',
      tool: 'igzip',
    });
    expect(parseContainerdLogLine('level=debug msg="using unpigz for decompression"', 1)).toMatchObject({
      kind: 'decompressor-used',
      tool: 'unpigz',
    });
    expect(parseContainerdLogLine('level=debug msg="using zstd for decompression"', 1)).toBeNull();
  });

  it('keeps the decompressor containerd said it used (a debug-level journal)', async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd x v2.1.0 y\n',
      'raw/containerd/decompressors.json':
        '{"unpigz": "/usr/bin/unpigz", "igzip": "/usr/bin/igzip", "pathFrom": "process"}',
      'raw/containerd/journal.txt': 'time="2026-11-20T08:00:00Z" level=debug msg="using igzip for decompression"\n',
    });
    expect(f.containerd!.decompression).toMatchObject({
      effective: 'igzip',
      logged: { tool: 'igzip', file: 'raw/containerd/journal.txt', line: 1 },
    });
  });

  it('takes the journal line a 2.x rejected hosts.toml leaves as a rejected mirror', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
      'raw/containerd/version.txt': 'containerd x v2.1.0 y\n',
      'raw/containerd/journal.txt':
        'time="2026-11-20T08:00:00Z" level=error msg="failed to decode /etc/containerd/certs.d/docker.io/hosts.toml" error="unknown capability mirror"\n',
    });
    const m = f.containerd!.misconfigs.find((x) => x.kind === 'rejected');
    expect(m).toMatchObject({ file: 'raw/containerd/journal.txt', line: 1 });
    expect(m!.message).toMatch(/failed to decode \/etc\/containerd\/certs\.d\/docker\.io\/hosts\.toml/);
  });
});

describe('what the rules advise by release', () => {
  const diagnosis = async (name: string, rule: string) => {
    const measurements = JSON.parse(
      readFileSync(new URL(`../../fixtures/${name}/measurements.json`, import.meta.url), 'utf8'),
    );
    return evaluate(await factsFrom(fixtureFiles(name), { measurements }), RULES).diagnoses.find(
      (x) => x.rule === rule,
    );
  };

  it('2.2.1 with mirrors: critical, move the mirrors to hosts.toml or upgrade — no mirror setting advised', async () => {
    const d = await diagnosis('containerd-2.2.1-mirrors-refused', 'containerd.mirror-misconfigured');
    expect(d?.severity).toBe('critical');
    const steps = d!.remediation.steps.map(stepText).join('\n');
    expect(steps).toMatch(/Move each registry\.mirrors entry into a hosts\.toml/);
    expect(steps).toMatch(/≥ 2\.2\.2/);
    expect(steps).not.toMatch(/endpoint =/);
  });

  it('a config_path list on transfer pulls: critical, with a one-directory config_path in the v3 layout', async () => {
    const d = await diagnosis('containerd-2.2-default-config-path-transfer', 'containerd.mirror-misconfigured');
    expect(d?.severity).toBe('critical');
    expect(d!.remediation.steps.map(stepText).join('\n')).toContain("config_path = '/etc/containerd/certs.d'\n");
    expect(d!.evidence.join('\n')).toMatch(/containerd#12415/);
  });

  it('1.5.11: no concurrency advice (the knob does nothing there); 1.5.12: the CRI key is advised', async () => {
    expect(
      await diagnosis('containerd-1.5.11-downloads-unlimited', 'containerd.low-download-concurrency'),
    ).toBeUndefined();
    const d = await diagnosis('containerd-1.5.12-low-concurrency', 'containerd.low-download-concurrency');
    expect(d!.remediation.steps.map(stepText).join('\n')).toMatch(
      /\[plugins\."io\.containerd\.grpc\.v1\.cri"\]\n {2}max_concurrent_downloads = \d+/,
    );
  });
});

describe('the _default hosts directory by release (containerd PR #7607; containerd#8053)', () => {
  const bundle = (version?: string) => ({
    'raw/containerd/config.toml':
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    'raw/containerd/hosts-dirs.json': JSON.stringify([
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
    ]),
    'raw/containerd/certs.d/_default/hosts.toml':
      '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
    ...(version ? { 'raw/containerd/version.txt': `containerd github.com/containerd/containerd ${version}\n` } : {}),
  });

  it('1.5 and 1.6 before 1.6.17 never read it: the file is named as unread, with the release that reads it', async () => {
    for (const v of ['1.5.9-0ubuntu3.1', 'v1.6.16']) {
      const c = (await factsFrom(bundle(v))).containerd!;
      expect(kinds(c), v).toEqual(['default-dir-unread']);
      expect(c.misconfigs[0]!.message).toMatch(
        /^\/etc\/containerd\/certs\.d\/_default\/hosts\.toml is never read: containerd 1\.[56]\.\d+ looks only in <config_path>\/<registry>\/: the _default directory came in 1\.6\.17 and 1\.7\.0/,
      );
    }
  });

  it('an unread _default covers no registry: a Docker Hub mirror keyed on index.docker.io is still named', async () => {
    const withAlias = (v: string) => ({
      ...bundle(v),
      'raw/containerd/certs.d/index.docker.io/hosts.toml':
        '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
    });
    expect(kinds((await factsFrom(withAlias('1.5.9'))).containerd!)).toEqual(['default-dir-unread', 'wrong-name']);
    expect(kinds((await factsFrom(withAlias('v1.6.17'))).containerd!)).toEqual([]);
  });

  it('an unread _default in an earlier directory shadows nothing in a later one', async () => {
    const twoDirs = (v: string) => ({
      ...bundle(v),
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"\n',
      'raw/containerd/hosts-dirs.json': JSON.stringify([
        { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
        { path: '/etc/docker/certs.d', bundleDir: 'raw/containerd/docker-certs.d', inConfigPath: true },
      ]),
      'raw/containerd/docker-certs.d/docker.io/hosts.toml':
        '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
    });
    const old = (await factsFrom(twoDirs('1.5.9'))).containerd!;
    expect(old.routes.find((r) => r.registry === 'docker.io')?.shadowedBy).toBeUndefined();
    const reads = (await factsFrom(twoDirs('v1.7.0'))).containerd!;
    expect(reads.routes.find((r) => r.registry === 'docker.io')?.shadowedBy).toBe('/etc/containerd/certs.d');
  });

  it('1.6.17, 1.7 and 2.x read it, and an unknown version is assumed to (no finding either way)', async () => {
    for (const v of ['v1.6.17', '1.7.0', 'v2.1.4', undefined]) {
      const c = (await factsFrom(bundle(v))).containerd!;
      expect(kinds(c), String(v)).toEqual([]);
      expect(
        c.routes.map((r) => [r.registry, r.firstIsDfdaemon]),
        String(v),
      ).toEqual([['_default', true]]);
    }
  });
});
