// config.toml and its imports as each containerd release line loads them (src/facts/containerd-load.ts):
// 1.x merges the versions and replaces each plugin table whole (v1.7.20 services/server/config/config.go:
// 196-243, :298-308); 2.0–2.2 rename a version 0/1 file, merge, and migrate the merged config only below
// version 3 (v2.2.3 cmd/containerd/server/config/config.go:312-319, cmd/containerd/server/server.go:133-140,
// :266-279); 2.3+ migrates each file from its own version before merging (v2.3.0 config.go:451-526).
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { snapshotterSnippet } from '../../src/rules/snippets/containerd.js';

const at = (v: string) => ({
  'raw/containerd/version.txt': `containerd github.com/containerd/containerd${v.startsWith('v1') ? '' : '/v2'} ${v} abc\n`,
});
const MAIN_V2 =
  'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n';
const SNAPSHOTTER_V2 =
  'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n';

describe('1.x: a plugin table of an import replaces the one before it whole', () => {
  it('loses config.toml config_path when an import sets another key of the CRI table (1.7.20), keeps it on 2.1', async () => {
    const files = { 'raw/containerd/config.toml': MAIN_V2, 'raw/containerd/imports/10-snap.toml': SNAPSHOTTER_V2 };
    const old = (await factsFrom({ ...files, ...at('v1.7.20') })).containerd!;
    expect(old.snapshotter).toBe('native');
    expect(old.config.cri.configPath).toBeUndefined();
    expect(old.setIn.configPath).toBeUndefined();
    const now = (await factsFrom({ ...files, ...at('v2.1.4') })).containerd!;
    expect(now.config.cri.configPath).toBe('/etc/containerd/certs.d');
    expect(now.setIn.configPath).toEqual({ file: 'raw/containerd/config.toml', line: 4 });
  });

  it("reads every file in the layout of an import's version (a version-less config.toml, an import of version 2)", async () => {
    const f = await factsFrom({
      ...at('v1.7.20'),
      'raw/containerd/config.toml':
        'imports = ["/etc/containerd/conf.d/*.toml"]\n[grpc]\n  address = "/run/containerd/containerd.sock"\n',
      'raw/containerd/imports/10-reg.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    });
    const c = f.containerd!;
    expect(c.config.layout).toBe(2);
    expect(c.config.cri.configPath).toBe('/etc/containerd/certs.d');
    expect(c.setIn.configPath).toEqual({ file: 'raw/containerd/imports/10-reg.toml', line: 3 });
    expect(f.notes.find((n) => n.text.includes('declares version'))?.source).toBe(
      'raw/containerd/imports/10-reg.toml:1',
    );
  });

  it('says containerd does not start when an import makes a version 1 file with [plugins.cri] version 2', async () => {
    const f = await factsFrom({
      ...at('v1.6.20'),
      'raw/containerd/config.toml': '[plugins.cri.registry]\n  config_path = "/etc/containerd/certs.d"\n',
      'raw/containerd/imports/10-v2.toml': 'version = 2\n',
    });
    expect(f.containerd!.configSource).toBe('invalid');
    expect(f.problems.find((p) => p.message.includes('invalid plugin key URI'))).toMatchObject({
      file: 'raw/containerd/config.toml',
      line: 1,
    });
  });
});

describe("2.0–2.2: the merged config's version decides whether it is migrated", () => {
  const MAIN_V3 =
    "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n";
  const OLD_V2 =
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/dfdaemon/certs.d"\n';

  it("an import of version 2 makes the merged config version 2: its CRI table is copied over config.toml's images table", async () => {
    const f = await factsFrom({
      ...at('v2.1.4'),
      'raw/containerd/config.toml': MAIN_V3,
      'raw/containerd/imports/50-old.toml': OLD_V2,
    });
    const c = f.containerd!;
    expect(c.config.cri.configPath).toBe('/etc/dfdaemon/certs.d');
    expect(c.setIn.configPath).toEqual({ file: 'raw/containerd/imports/50-old.toml', line: 3 });
  });

  it("an import of version 3 over a version 2 config.toml: config.toml's CRI table is not migrated", async () => {
    const f = await factsFrom({
      ...at('v2.1.4'),
      'raw/containerd/config.toml': MAIN_V2,
      'raw/containerd/imports/10-v3.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  max_concurrent_downloads = 5\n",
    });
    const c = f.containerd!;
    expect(c.config.layout).toBe(3);
    expect(c.config.cri.maxConcurrentDownloads).toBe(5);
    expect(c.config.cri.configPath).toBeUndefined();
  });

  it('a config.toml without a version is read as version 3 after its [plugins.cri] is renamed: 2.2 ignores that table, 1.7 and 2.3 read it (2.3 without its snapshotter, having no runtimes table)', async () => {
    const files = {
      'raw/containerd/config.toml':
        '[plugins.cri.registry]\n  config_path = "/etc/dfdaemon/certs.d"\n[plugins.cri.containerd]\n  snapshotter = "native"\n',
    };
    const v22 = await factsFrom({ ...files, ...at('v2.2.3') });
    expect(v22.containerd!.config.cri.configPath).toBeUndefined();
    expect(v22.containerd!.configPathFrom).toBe('default');
    expect(v22.containerd!.snapshotter).toBe('overlayfs');
    expect(v22.notes.find((n) => n.text.includes('renames its [plugins.cri]'))?.source).toBe(
      'raw/containerd/config.toml',
    );
    // a fix step writes the key where 2.2 reads it
    const step = snapshotterSnippet(v22.containerd!, 'overlayfs');
    expect(step.kind === 'snippet' && step.text).toContain("plugins.'io.containerd.cri.v1.images'");
    for (const v of ['v1.7.20', 'v2.3.4']) {
      const c = (await factsFrom({ ...files, ...at(v) })).containerd!;
      expect(c.config.cri.configPath).toBe('/etc/dfdaemon/certs.d');
      // 2.3 migrates the file, and its .containerd table has no runtimes: the snapshotter is left behind
      expect(c.snapshotter).toBe(v === 'v1.7.20' ? 'native' : 'overlayfs');
    }
  });
});

describe('a config.toml without a version whose CRI table is already named io.containerd.grpc.v1.cri', () => {
  // v1Migrate renames only a plugin id without a dot (v2.0.0 cmd/containerd/server/config/config.go:152-207):
  // the table keeps its name, and the merged version 3 config is not migrated
  it('is said to be read under that name, not renamed, on 2.0, 2.1 and 2.2', async () => {
    const files = {
      'raw/containerd/config.toml':
        '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    };
    for (const v of ['v2.0.0', 'v2.1.0', 'v2.2.0']) {
      const f = await factsFrom({ ...files, ...at(v) });
      expect(f.containerd!.config.cri.configPath).toBeUndefined();
      const note = f.notes.find((n) => n.text.includes('has no version line'))?.text ?? '';
      expect(note).toContain(
        'reads its [plugins."io.containerd.grpc.v1.cri"] under that name as part of a version 3 config',
      );
      expect(note).not.toContain('renames');
    }
  });
});

describe("2.x moves a version 1 or 2 file's snapshotter keys only from a .containerd table with runtimes", () => {
  // plugins/cri/images/plugin.go migrateConfig returns before them without runtimes (v2.0.0 :206-243, v2.3.0 :224-261)
  const NO_RUNTIMES =
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  discard_unpacked_layers = true\n';

  it('leaves them unused on 2.1 and 2.3, with a note at their line; 1.7 reads them', async () => {
    for (const v of ['v2.1.4', 'v2.3.4']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': NO_RUNTIMES });
      const c = f.containerd!;
      expect(c.snapshotter).toBe('overlayfs');
      expect(c.discardUnpackedLayers).toBe(false);
      const note = f.notes.find((n) => n.text.includes('has no runtimes table'));
      expect(note?.source).toBe('raw/containerd/config.toml:3');
      expect(note?.text).toContain('snapshotter, discard_unpacked_layers');
    }
    const old = await factsFrom({ ...at('v1.7.20'), 'raw/containerd/config.toml': NO_RUNTIMES });
    expect(old.containerd!.snapshotter).toBe('native');
    expect(old.notes.some((n) => n.text.includes('has no runtimes table'))).toBe(false);
  });

  it('says nothing of keys left behind at the value that holds without them', async () => {
    const f = await factsFrom({
      ...at('v2.1.4'),
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n  discard_unpacked_layers = false\n',
    });
    expect(f.containerd!.snapshotter).toBe('overlayfs');
    expect(f.notes.some((n) => n.text.includes('has no runtimes table'))).toBe(false);
  });

  it('moves them with a runtimes table', async () => {
    const f = await factsFrom({ ...at('v2.1.4'), 'raw/containerd/config.toml': SNAPSHOTTER_V2 });
    expect(f.containerd!.snapshotter).toBe('native');
    expect(f.notes.some((n) => n.text.includes('has no runtimes table'))).toBe(false);
  });

  it("2.0–2.2 migrate the merged config: an import's runtimes table lets config.toml's keys through; 2.3 migrates each file alone", async () => {
    const files = {
      'raw/containerd/config.toml': NO_RUNTIMES.replace(
        'version = 2\n',
        'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
      ),
      'raw/containerd/imports/10-runc.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  runtime_type = "io.containerd.runc.v2"\n',
    };
    expect((await factsFrom({ ...files, ...at('v2.2.3') })).containerd!.snapshotter).toBe('native');
    expect((await factsFrom({ ...files, ...at('v2.3.4') })).containerd!.snapshotter).toBe('overlayfs');
  });

  it('a version 2 file with an images table: the images table keeps its snapshotter', async () => {
    const f = await factsFrom({
      ...at('v2.1.4'),
      'raw/containerd/config.toml': `${NO_RUNTIMES}[plugins."io.containerd.cri.v1.images"]\n  snapshotter = "zfs"\n`,
    });
    expect(f.containerd!.snapshotter).toBe('zfs');
    expect(f.notes.some((n) => n.text.includes('has no runtimes table'))).toBe(true);
  });
});

describe('2.3+: each file is migrated from its own version before the merge', () => {
  it('an import of version 2 under a version 3 config.toml is read through its CRI table', async () => {
    const f = await factsFrom({
      ...at('v2.3.4'),
      'raw/containerd/config.toml':
        "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
      'raw/containerd/imports/50-old.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/dfdaemon/certs.d"\n',
    });
    expect(f.containerd!.config.cri.configPath).toBe('/etc/dfdaemon/certs.d');
    expect(f.containerd!.setIn.configPath).toEqual({ file: 'raw/containerd/imports/50-old.toml', line: 3 });
    expect(f.notes.some((n) => n.text.includes('declares version'))).toBe(false);
  });

  it('says containerd does not start when an import declares a higher version than config.toml', async () => {
    const f = await factsFrom({
      ...at('v2.3.4'),
      'raw/containerd/config.toml': MAIN_V2,
      'raw/containerd/imports/10-v3.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  max_concurrent_downloads = 5\n",
    });
    expect(f.containerd!.configSource).toBe('invalid');
    expect(f.problems.find((p) => p.message.includes('higher than root config version'))).toMatchObject({
      file: 'raw/containerd/imports/10-v3.toml',
      line: 1,
    });
  });
});

describe('a config version above what the release knows', () => {
  const V3 =
    "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n";
  const refusal = (f: Awaited<ReturnType<typeof factsFrom>>) =>
    f.problems.find((p) => p.message.includes('does not start with this config'));

  it('1.6.32+ and 1.7.17+ do not start with version 3, and say what containerd prints', async () => {
    for (const v of ['v1.6.32', 'v1.6.39', 'v1.7.17', 'v1.7.34']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': V3 });
      expect(f.containerd!.configSource).toBe('invalid');
      expect(f.containerd!.config.cri.configPath).toBeUndefined();
      const p = refusal(f);
      expect(p).toMatchObject({ file: 'raw/containerd/config.toml', line: 1 });
      // services/server/config/config.go:106-111 at v1.6.32 and v1.7.17, cmd/containerd/main.go:40
      expect(p?.message).toContain(
        '"containerd config version `3` is not supported, the max version is `2`, use `containerd config default` to generate a new config or manually revert to version `2`"',
      );
      expect(p?.message).toContain(
        '"containerd: failed to load TOML from /etc/containerd/config.toml: unsupported config version `3`"',
      );
    }
  });

  it('names the last file loaded in the error, as LoadConfig does, and the import whose version wins', async () => {
    const f = await factsFrom(
      {
        ...at('v1.7.20'),
        'raw/containerd/config.toml': MAIN_V2,
        'raw/containerd/imports/10-v3.toml': "version = 3\n[plugins.'io.containerd.cri.v1.images']\n",
      },
      { manifest: { sources: { 'raw/containerd/imports/10-v3.toml': '/etc/containerd/conf.d/10-v3.toml' } } },
    );
    const p = refusal(f);
    expect(p).toMatchObject({ file: 'raw/containerd/imports/10-v3.toml', line: 1 });
    expect(p?.message).toContain('failed to load TOML from /etc/containerd/conf.d/10-v3.toml: unsupported');
  });

  it('1.6.31 and 1.7.16 start and read it as version 2: the images table is not used', async () => {
    for (const v of ['v1.6.31', 'v1.7.16']) {
      const f = await factsFrom({
        ...at(v),
        'raw/containerd/config.toml': `${V3}[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n`,
      });
      expect(refusal(f)).toBeUndefined();
      const c = f.containerd!;
      expect(c.configSource).toBe('file');
      expect(c.config.cri.configPath).toBeUndefined();
      expect(c.snapshotter).toBe('native');
      expect(f.notes.find((n) => n.text.includes('reads each plugin'))?.text).toContain('1.6.32+ and 1.7.17+ refuse');
    }
  });

  it('2.0–2.2 do not start with version 4; 2.1 reads version 3 and 2.3 version 4', async () => {
    const V4 = V3.replace('version = 3', 'version = 4');
    const f = await factsFrom({ ...at('v2.1.4'), 'raw/containerd/config.toml': V4 });
    expect(refusal(f)?.message).toContain(
      '"containerd: failed to load TOML from /etc/containerd/config.toml: expected containerd config version equal to or less than `3`, got `4`"',
    );
    for (const [v, text] of [
      ['v2.1.4', V3],
      ['v2.3.4', V4],
    ] as const) {
      const ok = await factsFrom({ ...at(v), 'raw/containerd/config.toml': text });
      expect(refusal(ok)).toBeUndefined();
      expect(ok.containerd!.config.cri.configPath).toBe('/etc/containerd/certs.d');
    }
  });

  it('a version 2 file on 1.7.17 and a version unknown with version 3 start', async () => {
    expect(refusal(await factsFrom({ ...at('v1.7.17'), 'raw/containerd/config.toml': MAIN_V2 }))).toBeUndefined();
    const u = await factsFrom({ 'raw/containerd/config.toml': V3 });
    expect(refusal(u)).toBeUndefined();
    expect(u.containerd!.versionAssumptions.map((a) => a.fact)).toContain('containerd.config.version-ceiling');
  });
});

describe('imports of imports, in the order containerd loads them', () => {
  // LoadConfig queues each file's imports after the files already queued, and loads a file once
  // (v1.7.17 services/server/config/config.go:205-231; v2.2.0 cmd/containerd/server/config/config.go:303, :331)
  const files = {
    ...at('v2.1.4'),
    'raw/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/z.toml"]\n',
    // z.toml loads first and imports a.toml, which imports z.toml back: a.toml loads after it, once
    'raw/containerd/imports/z.toml':
      'version = 2\nimports = ["a.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 5\n',
    'raw/containerd/imports/a.toml':
      'version = 2\nimports = ["/etc/containerd/z.toml"]\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 7\n',
  };
  const sources = {
    'raw/containerd/imports/z.toml': '/etc/containerd/z.toml',
    'raw/containerd/imports/a.toml': '/etc/containerd/a.toml',
  };

  it('the import an import names loads after it and wins, a cycle ending there', async () => {
    const f = await factsFrom(files, {
      manifest: {
        sources,
        probes: { containerd: { status: 'ok', durationMs: 1, config: '/etc/containerd/config.toml' } },
      },
    });
    expect(f.containerd!.config.cri.maxConcurrentDownloads).toBe(7);
    expect(f.containerd!.setIn.downloads).toEqual({ file: 'raw/containerd/imports/a.toml', line: 4 });
  });

  it('without the node paths, the bundle order', async () => {
    const f = await factsFrom(files);
    expect(f.containerd!.config.cri.maxConcurrentDownloads).toBe(5);
  });
});

describe('a version unknown', () => {
  it('assumes nothing about the import merge when every release line reads the files alike', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': MAIN_V2,
      'raw/containerd/imports/10-mirror.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n',
    });
    // 1.x replaces the CRI table whole: the release lines differ, so the assumption is said
    expect(f.containerd!.versionAssumptions.map((a) => a.fact)).toContain('containerd.config.import-merge');
    const one = await factsFrom({ 'raw/containerd/config.toml': MAIN_V2 });
    expect(one.containerd!.versionAssumptions.map((a) => a.fact)).not.toContain('containerd.config.import-merge');
    // the 2.3+ merge and the pre-2.1 pull path are each assumed on their own: the note says no release has both
    const note = (x: typeof f) => x.notes.map((n) => n.text).find((t) => t.startsWith('containerd version unknown'));
    expect(note(f)).toMatch(
      /before the merge \(≥ 2\.3\.0\).*local path \(< 2\.1\.0\).* — each assumed on its own: no one release has them all/,
    );
    expect(note(one)).not.toMatch(/no one release has them all/);
  });

  it('assumes, for a config.toml without imports or version, what every 2.x does with it, and says each range once', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': '[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n',
    });
    const note = f.notes.map((n) => n.text).find((t) => t.startsWith('containerd version unknown'));
    expect(note).toContain('config.toml migrated from its version to the current layout (≥ 2.0.0)');
    expect(note).toContain('config_path has no default (< 2.2.0);');
    expect(note).not.toMatch(/merge|no one release/);
  });
});

describe("1.x's check that plugin names are URIs, by release (ValidateV2)", () => {
  const problem = (f: Awaited<ReturnType<typeof factsFrom>>, text: string) =>
    f.problems.find((p) => p.message.includes(text));
  const V3_V1_NAMES =
    'version = 3\ndisabled_plugins = ["cri"]\n[plugins.cri.registry]\n  config_path = "/etc/containerd/certs.d"\n';

  it('1.3/1.4 check only version 2: a version 3 file with v1 names starts, read by URI (the CRI plugin stays on); 1.5+ refuse it', async () => {
    for (const v of ['v1.3.10', 'v1.4.13']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': V3_V1_NAMES });
      expect(f.problems).toEqual([]);
      const c = f.containerd!;
      expect(c.configSource).toBe('file');
      expect(c.config.cri.configPath).toBeUndefined();
      expect(f.notes.some((n) => n.text.startsWith("containerd's CRI plugin is disabled"))).toBe(false);
      const note = f.notes.find((n) => n.text.includes('the version 1 name'));
      expect(note?.text).toContain(
        `containerd ${v.slice(1)} reads a version 3 config's plugin tables by their URI, so [plugins.cri] belongs to no plugin and is ignored whole (it sets registry); write it as [plugins."io.containerd.grpc.v1.cri"]`,
      );
      expect(note?.source).toBe('raw/containerd/config.toml:3');
      // at version 2 they check it
      const v2 = await factsFrom({
        ...at(v),
        'raw/containerd/config.toml': V3_V1_NAMES.replace('version = 3', 'version = 2'),
      });
      expect(problem(v2, 'invalid disabled plugin URI \\"cri\\"')).toBeDefined();
    }
    // 1.5+ check any version from 2: the disabled id first
    for (const v of ['v1.5.18', 'v1.6.31']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': V3_V1_NAMES });
      expect(f.containerd!.configSource).toBe('invalid');
      expect(problem(f, 'invalid disabled plugin URI \\"cri\\"')).toMatchObject({ line: 2 });
    }
  });

  it('1.7 wants a plugin table under io.containerd., 1.6 four dotted parts only', async () => {
    const text = 'version = 2\n[plugins."containerd.snapshotter.v1.zfs"]\n  root_path = "/zfs"\n';
    const f = await factsFrom({ ...at('v1.7.20'), 'raw/containerd/config.toml': text });
    expect(f.containerd!.configSource).toBe('invalid');
    expect(problem(f, 'invalid plugin key URI')).toMatchObject({
      file: 'raw/containerd/config.toml',
      line: 2,
      message:
        '[plugins."containerd.snapshotter.v1.zfs"] is no plugin URI (containerd 1.7 wants one under io.containerd.), and the merged config is version 2: containerd 1.x exits with "invalid plugin key URI \\"containerd.snapshotter.v1.zfs\\" expect io.containerd.x.vx"',
    });
    const old = await factsFrom({ ...at('v1.6.20'), 'raw/containerd/config.toml': text });
    expect(old.problems).toEqual([]);
    expect(old.containerd!.configSource).toBe('file');
    // with the version unknown, the releases read it differently: the reading says what it assumed
    const u = await factsFrom({ 'raw/containerd/config.toml': text });
    expect(u.containerd!.versionAssumptions.map((a) => a.fact)).toContain('containerd.config.import-merge');
  });

  it('required_plugins is checked as disabled_plugins is, on 1.x and 2.x; a version 1 id is not', async () => {
    const text = 'version = 2\nrequired_plugins = ["cri"]\n';
    for (const v of ['v1.4.13', 'v1.6.20', 'v1.7.20', 'v2.1.4']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': text });
      expect(f.containerd!.configSource).toBe('invalid');
      expect(problem(f, 'invalid required plugin URI')?.message).toBe(
        'required_plugins names "cri", which is no plugin URI, in a config read as version 2: containerd does not start ("invalid required plugin URI \\"cri\\" expect io.containerd.x.vx"); only a version 1 config names a plugin by its id, and the CRI plugin is io.containerd.grpc.v1.cri from version 2',
      );
    }
    for (const v of ['v1.6.20', 'v2.1.4']) {
      const f = await factsFrom({ ...at(v), 'raw/containerd/config.toml': 'required_plugins = ["cri"]\n' });
      expect(f.problems).toEqual([]);
    }
  });
});
