import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, CONTAINERD_FACTS, configKeyKnown, type ConfigKey } from '../../src/knowledge/containerd.js';
import { formatRange, inRange, parseRelease, pick } from '../../src/knowledge/versioned.js';
import { readContainerdConfig } from '../../src/parsers/containerd-config.js';
import { dig, parseTomlLocated, type TomlTable } from '../../src/parsers/containerd-toml.js';
import { readHostsTable } from '../../src/parsers/hosts-toml.js';

/** Wraps a parsed TOML table so that every key the code reads is recorded with its path. */
function recording(t: TomlTable, seen: Set<string>, path: string[] = []): TomlTable {
  return new Proxy(t, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string') return v;
      const p = [...path, prop];
      seen.add(JSON.stringify(p));
      return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)
        ? recording(v as TomlTable, seen, p)
        : v;
    },
  });
}

function readKeys(file: ConfigKey['file'], text: string): string[][] {
  const p = parseTomlLocated(text);
  if (!p.ok) throw new Error(p.message);
  const seen = new Set<string>();
  if (file === 'config.toml') readContainerdConfig(recording(p.value, seen), text);
  else readHostsTable(recording(p.value, seen), text, p);
  return [...seen].map((s) => JSON.parse(s) as string[]);
}

// every key dfdoctor knows, in each layout, so that the parser walks into every table it reads
const CRI_V2 = `
  max_concurrent_downloads = 3
  image_pull_progress_timeout = "5m0s"
  image_pull_with_sync_fs = false
  use_local_image_pull = false
  [P.containerd]
    snapshotter = "overlayfs"
    disable_snapshot_annotations = true
    discard_unpacked_layers = false
  [P.registry]
    config_path = "/etc/containerd/certs.d"
  [P.registry.mirrors."docker.io"]
    endpoint = ["http://127.0.0.1:4001"]
  [P.registry.configs."r.example".tls]
    insecure_skip_verify = true
  [P.registry.auths."https://r.example"]
    username = "u"
`;
const GLOBAL = `root = "/var/lib/containerd"\nstate = "/run/containerd"\nimports = ["/etc/containerd/conf.d/*.toml"]\ndisabled_plugins = []\n[grpc]\n  address = "/run/containerd/containerd.sock"\n`;
const TRANSFER = `[plugins."io.containerd.transfer.v1.local"]\n  max_concurrent_downloads = 3\n  concurrent_layer_fetch_buffer = 0\n  max_concurrent_unpacks = 1\n`;
const layout = (version: number, id: string) => {
  const body = CRI_V2.replace(/P\./g, `plugins."${id}".`);
  // v3 keeps the runtime keys on the images plugin itself
  const v3 = version === 3 ? body.replace(`[plugins."${id}".containerd]\n`, '') : body;
  return `version = ${version}\n${GLOBAL}[plugins."${id}"]\n${v3}${TRANSFER}`;
};
const HOSTS = `server = "https://index.docker.io"\ncapabilities = ["pull"]\nskip_verify = false\noverride_path = false\ndial_timeout = "1s"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = false\n  override_path = false\n  dial_timeout = "1s"\n  [host."http://127.0.0.1:4001".header]\n    X-Dragonfly-Registry = "https://index.docker.io"\n`;

describe('release ranges with an exclusive upper bound (`below`)', () => {
  it('holds up to, not including, the bound, and says so', () => {
    const r = { from: '2.2.0', below: '2.3.0' };
    expect(inRange(parseRelease('2.2.0')!, r)).toBe(true);
    expect(inRange(parseRelease('2.2.99')!, r)).toBe(true);
    expect(inRange(parseRelease('2.3.0')!, r)).toBe(false);
    expect(inRange(parseRelease('2.1.9')!, r)).toBe(false);
    expect(formatRange({ below: '2.2.0' })).toBe('< 2.2.0');
    expect(formatRange(r)).toBe('2.2.0 up to (not incl.) 2.3.0');
  });
});

describe('containerd version table', () => {
  it.each([
    ['config.toml v1', 'config.toml', layout(1, 'cri')],
    ['config.toml v2', 'config.toml', layout(2, 'io.containerd.grpc.v1.cri')],
    ['config.toml v3', 'config.toml', layout(3, 'io.containerd.cri.v1.images')],
    ['config.toml empty', 'config.toml', ''],
    ['hosts.toml', 'hosts.toml', HOSTS],
  ] as const)('has an entry for every key the parser reads (%s)', (_name, file, text) => {
    const read = readKeys(file, text);
    expect(read.length).toBeGreaterThan(file === 'config.toml' && text === '' ? 3 : 10);
    const unknown = read.filter((p) => !configKeyKnown(file, p)).map((p) => p.join(' › '));
    expect(unknown, 'keys read without an entry in src/knowledge/containerd.ts CONFIG_KEYS').toEqual([]);
  });

  it('the check catches a key read without an entry', () => {
    const p = parseTomlLocated('[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_uploaded_layers = 3\n');
    const seen = new Set<string>();
    dig(recording(p.ok ? p.value : {}, seen), 'plugins', 'io.containerd.grpc.v1.cri', 'max_concurrent_uploaded_layers');
    const read = [...seen].map((s) => JSON.parse(s) as string[]);
    expect(read.filter((k) => !configKeyKnown('config.toml', k)).map((k) => k.join('.'))).toEqual([
      'plugins.io.containerd.grpc.v1.cri.max_concurrent_uploaded_layers',
    ]);
  });

  it('every fact has unique id, a containerd source at a tag, parseable bounds, disjoint ranges and a valid assumption', () => {
    const ids = CONTAINERD_FACTS.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(CONFIG_KEYS.length).toBeGreaterThan(40);
    for (const f of CONTAINERD_FACTS) {
      expect(f.entries.length, f.id).toBeGreaterThan(0);
      expect(f.entries[f.assumeWhenUnknown], `${f.id} assumeWhenUnknown`).toBeDefined();
      for (const e of f.entries) {
        expect(e.source, f.id).toMatch(/containerd\/containerd v\d+\.\d+\.\d+ /);
        for (const b of [e.range.from, e.range.to, e.range.below])
          if (b !== undefined) expect(parseRelease(b), `${f.id} bound ${b}`).not.toBeNull();
      }
      // no release falls in two entries of one fact
      for (const probe of [
        '1.3.0',
        '1.4.0',
        '1.5.11',
        '1.5.12',
        '1.6.20',
        '1.7.0',
        '1.7.9',
        '1.7.10',
        '1.7.31',
        '1.7.32',
        '2.0.0',
        '2.1.0',
        '2.1.9',
        '2.2.0',
        '2.2.1',
        '2.2.2',
        '2.3.4',
        '3.0.0',
      ]) {
        const v = parseRelease(probe)!;
        const hits = f.entries.filter((e) => pick({ ...f, entries: [e] }, v).kind === 'known');
        expect(hits.length, `${f.id} at ${probe}`).toBeLessThanOrEqual(1);
      }
    }
  });
});
