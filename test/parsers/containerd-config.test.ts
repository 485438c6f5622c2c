import { describe, expect, it } from 'vitest';
import {
  leftoverCriKeys,
  mergeTomlTables,
  migrateLeftoverCri,
  readContainerdConfig,
  splitConfigPath,
} from '../../src/parsers/containerd-config.js';
import { parseTomlLocated } from '../../src/parsers/containerd-toml.js';

function read(text: string) {
  const p = parseTomlLocated(text);
  if (!p.ok) throw new Error(p.message);
  return readContainerdConfig(p.value, text);
}

describe('readContainerdConfig', () => {
  it('reads the v2 (1.x) layout', () => {
    const { config, problems } = read(`version = 2
[plugins."io.containerd.grpc.v1.cri"]
  max_concurrent_downloads = 6
  image_pull_progress_timeout = "5m0s"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    discard_unpacked_layers = true
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "/etc/containerd/certs.d:/etc/docker/certs.d"
    [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
      endpoint = ["http://127.0.0.1:4001"]
    [plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".tls]
      insecure_skip_verify = true
`);
    expect(problems).toEqual([]);
    expect(config.layout).toBe(2);
    expect(config.cri).toMatchObject({
      maxConcurrentDownloads: 6,
      imagePullProgressTimeout: '5m0s',
      snapshotter: 'native',
      discardUnpackedLayers: true,
      configPath: '/etc/containerd/certs.d:/etc/docker/certs.d',
      mirrors: { 'docker.io': ['http://127.0.0.1:4001'] },
      configsTls: ['r.example.com'],
    });
  });

  it("reads registry.headers' X-Dragonfly-Registry and the legacy mirrors written with a header table containerd ignores", () => {
    const { config } = read(`version = 2
[plugins."io.containerd.grpc.v1.cri".registry.headers]
  x-dragonfly-registry = ["https://harbor.example.com", "https://other.example.com"]
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor.example.com"]
  endpoint = ["http://127.0.0.1:4001", "https://harbor.example.com"]
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor.example.com".header]
  X-Dragonfly-Registry = "https://harbor.example.com"
[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
  endpoint = ["http://127.0.0.1:4001"]
`);
    expect(config.cri.registryHeader).toBe('https://harbor.example.com');
    expect(config.cri.mirrorHeaderTables).toEqual(['harbor.example.com']);
    expect(read('version = 2\n').config.cri).toMatchObject({ mirrorHeaderTables: [] });
    expect(read('version = 2\n').config.cri.registryHeader).toBeUndefined();
  });

  it('reads the v3 (2.x) layout and the transfer service', () => {
    const { config } = read(`version = 3
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'overlayfs'
  use_local_image_pull = true
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '/etc/containerd/certs.d'
[plugins.'io.containerd.transfer.v1.local']
  max_concurrent_downloads = 8
  max_concurrent_unpacks = 2
  concurrent_layer_fetch_buffer = 8388608
`);
    expect(config.layout).toBe(3);
    expect(config.criPluginId).toBe('io.containerd.cri.v1.images');
    expect(config.cri).toMatchObject({
      snapshotter: 'overlayfs',
      useLocalImagePull: true,
      configPath: '/etc/containerd/certs.d',
    });
    expect(config.transfer).toEqual({
      maxConcurrentDownloads: 8,
      maxConcurrentUnpacks: 2,
      concurrentLayerFetchBuffer: 8388608,
    });
  });

  // containerd 2.3+ (ConfigVersion 4): the CRI tables of v3; the socket moved into a server plugin
  it('reads the v4 (2.3+) layout: the CRI tables of v3, the socket from the grpc server plugin', () => {
    const { config, problems } = read(`version = 4
[grpc]
  address = '/ignored/in/v4.sock'
[plugins.'io.containerd.server.v1.grpc']
  address = '/run/k3s/containerd/containerd.sock'
[plugins.'io.containerd.cri.v1.images']
  snapshotter = 'stargz'
  max_concurrent_downloads = 5
  [plugins.'io.containerd.cri.v1.images'.registry]
    config_path = '/etc/containerd/hosts'
[plugins.'io.containerd.transfer.v1.local']
  max_concurrent_downloads = 6
`);
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      layout: 4,
      criPluginId: 'io.containerd.cri.v1.images',
      grpcAddress: '/run/k3s/containerd/containerd.sock',
      cri: { snapshotter: 'stargz', maxConcurrentDownloads: 5, configPath: '/etc/containerd/hosts' },
      transfer: { maxConcurrentDownloads: 6 },
    });
    // v3 and older keep the socket in the top-level [grpc] table
    expect(read("version = 3\n[grpc]\n  address = '/a.sock'\n").config.grpcAddress).toBe('/a.sock');
  });

  it('reads the v1 layout when no version is declared', () => {
    const { config } = read(
      '[plugins.cri]\n  max_concurrent_downloads = 2\n[plugins.cri.containerd]\n  snapshotter = "native"\n',
    );
    expect(config).toMatchObject({
      layout: 1,
      versionDeclared: false,
      cri: { maxConcurrentDownloads: 2, snapshotter: 'native' },
    });
  });

  it('ignores unknown keys and locates wrongly typed values', () => {
    const { config, problems } = read(
      'version = 2\nfoo = 1\n[plugins."io.containerd.grpc.v1.cri"]\n  bar = true\n  max_concurrent_downloads = "6"\n',
    );
    expect(config.cri.maxConcurrentDownloads).toBeUndefined();
    expect(problems).toEqual([
      { line: 5, message: expect.stringMatching(/max_concurrent_downloads must be an integer/) },
    ]);
  });

  it('flags an unsupported version', () => {
    expect(read('version = 9\n').problems[0]?.line).toBe(1);
  });
});

describe('a version 3 file with a leftover version 2 CRI table (what containerd 2.3+ migrates)', () => {
  const toml = (text: string) => {
    const p = parseTomlLocated(text);
    if (!p.ok) throw new Error(p.message);
    return p.value;
  };
  const TOML_V3 = [
    'version = 3',
    "[plugins.'io.containerd.cri.v1.images']",
    "  snapshotter = 'overlayfs'",
    '  max_concurrent_downloads = 3',
    "  [plugins.'io.containerd.cri.v1.images'.registry]",
    "    config_path = '/etc/containerd/certs.d'",
    '[plugins."io.containerd.grpc.v1.cri"]',
    '  max_concurrent_downloads = 10',
    '  sandbox_image = "registry.k8s.io/pause:3.9"',
    '  [plugins."io.containerd.grpc.v1.cri".containerd]',
    '    snapshotter = "native"',
    '  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]',
    '    endpoint = ["https://mirror.gcr.io"]',
  ].join('\n');
  const v3 = toml(TOML_V3);

  // the .containerd keys move only from a table that has runtimes (v2.3.0 plugins/cri/images/plugin.go:224-261)
  const withRuntimes = toml(
    `${TOML_V3}\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n`,
  );

  it('names the keys that would move, and none for a version 2 file, whose CRI table is its own', () => {
    expect(leftoverCriKeys(v3)).toEqual(['registry', 'max_concurrent_downloads']);
    expect(leftoverCriKeys(withRuntimes)).toEqual(['registry', 'max_concurrent_downloads', 'containerd.snapshotter']);
    expect(leftoverCriKeys({ ...v3, version: 2 })).toEqual([]);
    expect(
      leftoverCriKeys(toml("version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'x'\n")),
    ).toEqual([]);
  });

  it('copies them over the images table, the registry table whole, and leaves its other keys', () => {
    const c = readContainerdConfig(migrateLeftoverCri(v3)).config;
    expect(c.layout).toBe(3);
    expect(c.cri.configPath).toBeUndefined();
    expect(c.cri.mirrors).toEqual({ 'docker.io': ['https://mirror.gcr.io'] });
    expect(c.cri.maxConcurrentDownloads).toBe(10);
    // no runtimes table: the images table's snapshotter stays
    expect(c.cri.snapshotter).toBe('overlayfs');
    expect(readContainerdConfig(migrateLeftoverCri(withRuntimes)).config.cri.snapshotter).toBe('native');
    // the file as written, untouched
    expect(readContainerdConfig(v3).config.cri.configPath).toBe('/etc/containerd/certs.d');
  });
});

describe('imports and config_path', () => {
  it('merges imports: scalars override, tables merge, arrays append', () => {
    const m = mergeTomlTables({ a: 1, t: { x: 1, arr: ['a'] } }, { a: 2, t: { y: 2, arr: ['b', 'a'] } });
    expect(m).toEqual({ a: 2, t: { x: 1, y: 2, arr: ['a', 'b'] } });
  });
  it('splits config_path on ":"', () => {
    expect(splitConfigPath('/a: /b ::')).toEqual(['/a', '/b']);
    expect(splitConfigPath(undefined)).toEqual([]);
  });
  it('locates invalid TOML', () => {
    const p = parseTomlLocated('version = 2\n[plugins\n');
    expect(p).toMatchObject({ ok: false, line: 2 });
  });
});

describe('parseContainerdVersion bounds', () => {
  it('refuses a component too long to be a version instead of returning Infinity', async () => {
    const { parseContainerdVersion } = await import('../../src/parsers/containerd-version.js');
    expect(parseContainerdVersion(`containerd x ${'9'.repeat(3000)}.1.2\n`)).toBeNull();
    expect(
      parseContainerdVersion('containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1\n'),
    ).toMatchObject({ major: 1, minor: 6, patch: 20 });
  });
});
