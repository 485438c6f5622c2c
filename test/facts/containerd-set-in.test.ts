// Which file sets each containerd setting: containerd merges each file of `imports` over config.toml in
// order, the last to set a key winning (v2.2.3 cmd/containerd/server/config/config.go:289-331, mergeConfig
// :429), so a setting an import sets is cited, and changed, there.
import { describe, expect, it } from 'vitest';
import { buildReadSettings } from '../../src/report/read-settings.js';
import {
  configPathSnippet,
  downloadsSnippet,
  legacyMirrorSnippet,
  progressTimeoutSnippet,
  snapshotterSnippet,
} from '../../src/rules/snippets/containerd.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { unpackBound } from '../../src/rules/containerd/unpack-bound.js';
import { factsFrom } from '../helpers/bundle.js';

// Talos (siderolabs/talos@ad882317 hack/cri-containerd.toml, the CRI parts it generates under /etc/cri/conf.d):
// the main file only imports; its CRI settings live in the imports
const TALOS_MAIN = 'version = 3\n\nimports = [\n    "/etc/cri/conf.d/cri.toml",\n]\n\n[debug]\nlevel = "info"\n';
const TALOS_BASE =
  'version = 3\n\n[plugins."io.containerd.cri.v1.images"]\n  discard_unpacked_layers = true\n  use_local_image_pull = true\n';
const TALOS_REGISTRIES =
  "[plugins]\n  [plugins.'io.containerd.cri.v1.images']\n    [plugins.'io.containerd.cri.v1.images'.registry]\n      config_path = '/etc/cri/conf.d/hosts'\n\n      [plugins.'io.containerd.cri.v1.images'.registry.configs]\n        [plugins.'io.containerd.cri.v1.images'.registry.configs.'some.host:123']\n          [plugins.'io.containerd.cri.v1.images'.registry.configs.'some.host:123'.auth]\n            username = 'root'\n";

describe('where each containerd setting is set', () => {
  it('names the import and line for the settings Talos sets in its CRI parts', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': TALOS_MAIN,
      'raw/containerd/imports/00-base.part.toml': TALOS_BASE,
      'raw/containerd/imports/01-registries.toml': TALOS_REGISTRIES,
    });
    const s = f.containerd!.setIn;
    expect(s.discardUnpackedLayers).toEqual({ file: 'raw/containerd/imports/00-base.part.toml', line: 4 });
    expect(s.useLocalImagePull).toEqual({ file: 'raw/containerd/imports/00-base.part.toml', line: 5 });
    expect(s.configPath).toEqual({ file: 'raw/containerd/imports/01-registries.toml', line: 4 });
    expect(s.configs['some.host:123']).toMatchObject({ file: 'raw/containerd/imports/01-registries.toml' });
    // set in no file: nothing is cited
    expect(s.snapshotter).toBeUndefined();
    // the note on discard_unpacked_layers cites the import that sets it
    const note = f.notes.find((n) => n.text.includes('discard_unpacked_layers'));
    expect(note?.source).toBe('raw/containerd/imports/00-base.part.toml:4');
  });

  it('the last file to set a key wins: an import over config.toml, a later import over an earlier one', async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.0.4 abc\n',
      'raw/containerd/config.toml':
        "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'overlayfs'\n  max_concurrent_downloads = 4\n  image_pull_progress_timeout = '1m'\n",
      'raw/containerd/imports/10-a.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n  max_concurrent_downloads = 6\n",
      'raw/containerd/imports/20-b.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images']\n\n  snapshotter = 'native'\n",
    });
    const c = f.containerd!;
    expect(c.snapshotter).toBe('native');
    expect(c.setIn.snapshotter).toEqual({ file: 'raw/containerd/imports/20-b.toml', line: 4 });
    expect(c.setIn.downloads).toEqual({ file: 'raw/containerd/imports/10-a.toml', line: 4 });
    // set only in config.toml: its line there
    expect(c.setIn.imagePullProgressTimeout).toEqual({ file: 'raw/containerd/config.toml', line: 6 });
    expect(buildReadSettings(f).find((r) => r.setting.endsWith('max_concurrent_downloads'))?.from).toBe(
      'raw/containerd/imports/10-a.toml:4',
    );
  });

  it('finds the line of a version 2 import read through the images table under its own CRI table', async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
      // a version 2 file that holds the images table: 2.x reads it, with the CRI table's settings copied over it
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.cri.v1.images"]\n  max_concurrent_downloads = 3\n',
      'raw/containerd/imports/50-old.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n',
    });
    expect(f.containerd!.snapshotter).toBe('native');
    expect(f.containerd!.setIn.snapshotter).toEqual({ file: 'raw/containerd/imports/50-old.toml', line: 3 });
  });

  it('cites the import that sets a legacy mirror in its route and misconfig', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml':
        'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
      'raw/containerd/imports/mirrors.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:65001"]\n',
    });
    const c = f.containerd!;
    expect(c.setIn.mirrors['docker.io']).toEqual({ file: 'raw/containerd/imports/mirrors.toml', line: 3 });
    expect(c.misconfigs.find((m) => m.kind === 'legacy-with-config-path')).toMatchObject({
      file: 'raw/containerd/imports/mirrors.toml',
      line: 3,
    });
    // the fix removes the mirrors from the import, not from config.toml
    const d = evaluate(f, RULES).diagnoses.find((x) => x.rule === 'containerd.mirror-misconfigured');
    const steps = JSON.stringify(d?.remediation ?? d);
    expect(steps).toContain('registry.configs.*.tls tables from raw/containerd/imports/mirrors.toml (an import of');
  });
});

describe('a rule on a setting an import sets', () => {
  it('unpack-bound cites the import with snapshotter = "native" and has it changed there', async () => {
    const f = await factsFrom(
      {
        'raw/containerd/config.toml':
          'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"\n',
        'raw/containerd/imports/zz.toml':
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n',
      },
      { manifest: { sources: { 'raw/containerd/imports/zz.toml': '/etc/containerd/conf.d/zz.toml' } } },
    );
    const m = unpackBound.when(f);
    expect(m?.evidence[0]).toMatch(/^snapshotter = "native" \(raw\/containerd\/imports\/zz\.toml:3\)/);
    expect(m?.remediation.steps.find((s) => s.kind === 'snippet')).toMatchObject({
      file: '/etc/containerd/conf.d/zz.toml',
    });
  });
});

describe('the file a fix step edits', () => {
  const files = {
    'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.0.4 abc\n',
    'raw/containerd/config.toml': "version = 3\nimports = ['/etc/containerd/conf.d/*.toml']\n",
    'raw/containerd/imports/10-cri.toml':
      "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n  max_concurrent_downloads = 2\n  image_pull_progress_timeout = '30s'\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
  };
  const fileOf = (s: ReturnType<typeof snapshotterSnippet>) => (s.kind === 'snippet' ? s.file : s.kind);

  it('is the import that sets the key, at its node path when the bundle records it', async () => {
    const f = await factsFrom(files, {
      manifest: {
        sources: {
          'raw/containerd/config.toml': '/etc/containerd/config.toml',
          'raw/containerd/imports/10-cri.toml': '/etc/containerd/conf.d/10-cri.toml',
        },
      },
    });
    const c = f.containerd!;
    for (const s of [
      snapshotterSnippet(c, 'overlayfs'),
      downloadsSnippet(c, 6),
      progressTimeoutSnippet(c),
      configPathSnippet(c),
    ])
      expect(fileOf(s)).toBe('/etc/containerd/conf.d/10-cri.toml');
    // a key no file sets goes in config.toml
    expect(fileOf(legacyMirrorSnippet(c, 'docker.io', ['http://127.0.0.1:4001']))).toBe('/etc/containerd/config.toml');
  });

  it('names the import as the bundle holds it when its node path is not recorded', async () => {
    const c = (await factsFrom(files)).containerd!;
    expect(fileOf(snapshotterSnippet(c, 'overlayfs'))).toBe(
      'raw/containerd/imports/10-cri.toml (an import of /etc/containerd/config.toml; its path on the node is not recorded)',
    );
  });

  it('stays with the distribution that writes the config (k3s), whose own advice says where a change goes', async () => {
    const c = (
      await factsFrom({
        ...files,
        'raw/containerd/config.toml': `# File generated by k3s. DO NOT EDIT. Use config.toml.tmpl instead.\n${files['raw/containerd/config.toml']}`,
      })
    ).containerd!;
    expect(c.generatedBy).toBe('k3s');
    expect(fileOf(snapshotterSnippet(c, 'overlayfs'))).toBe('/etc/containerd/config.toml');
  });
});

describe("an import's own version", () => {
  // containerd merges each file's Version like any field (mergo.WithOverride): the last import to declare one
  // sets the merged config's (v1.7.20 services/server/config/config.go:219, :299; 2.0–2.2 only 2 or later,
  // v2.2.3 cmd/containerd/server/config/config.go:312-321); the files are read in its layout (containerd-load.test.ts)
  const main = 'version = 3\nimports = ["/etc/containerd/conf.d/*.toml"]\n';
  const note = async (files: Record<string, string>) =>
    (await factsFrom({ 'raw/containerd/config.toml': main, ...files })).notes.find((n) =>
      n.text.includes('declares version'),
    );

  it('is said to change how containerd reads every file when it differs from config.toml', async () => {
    const n = await note({
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
      'raw/containerd/imports/50-old.toml':
        '# an old drop-in\nversion = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n',
    });
    expect(n?.source).toBe('raw/containerd/imports/50-old.toml:2');
    expect(n?.text).toMatch(/^raw\/containerd\/imports\/50-old\.toml declares version = 2, config\.toml version = 3/);
  });

  it('is silent when the import declares the same version, or a version 1 that 2.x migrates first', async () => {
    expect(await note({ 'raw/containerd/imports/a.toml': 'version = 3\n' })).toBeUndefined();
    expect(
      await note({
        'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
        'raw/containerd/imports/a.toml': 'version = 1\n',
      }),
    ).toBeUndefined();
    // an import without a version line changes nothing
    expect(await note({ 'raw/containerd/imports/a.toml': '[debug]\n  level = "info"\n' })).toBeUndefined();
  });
});
