import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defaultServerFor,
  hostDirCandidates,
  parseHostsToml,
  registryOfHostDir,
} from '../../src/parsers/hosts-toml.js';

describe('parseHostsToml', () => {
  it('reads hosts in file order, then server, as containerd tries them', () => {
    const r = parseHostsToml(
      [
        'server = "https://registry-1.docker.io"',
        '[host."http://127.0.0.1:4001"]',
        '  capabilities = ["pull", "resolve"]',
        '  [host."http://127.0.0.1:4001".header]',
        '    X-Dragonfly-Registry = "https://index.docker.io"',
        '[host."https://mirror.example.com/v2/x"]',
        '  capabilities = ["pull"]',
        '  skip_verify = true',
        '  override_path = true',
        '  dial_timeout = "1s"',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.file.hosts.map((h) => [h.scheme, h.host, h.port, h.line])).toEqual([
      ['http', '127.0.0.1', 4001, 2],
      ['https', 'mirror.example.com', 443, 6],
    ]);
    expect(r.file.hosts[1]).toMatchObject({
      capabilities: ['pull'],
      skipVerify: true,
      overridePath: true,
      dialTimeout: '1s',
      path: '/v2/x',
    });
    expect(r.file.server).toMatchObject({
      scheme: 'https',
      host: 'registry-1.docker.io',
      port: 443,
      isServer: true,
      line: 1,
    });
  });

  it('tells the hosts named by a [host."…"] header (all 2.0+ tries) from inline and dotted ones, with their lines', () => {
    const r = parseHostsToml(
      [
        'host."http://dotted:1".capabilities = ["pull"]',
        'host."http://dotted:2" = { capabilities = ["pull", "resolve"] }',
        '[host."https://headed:3"]',
        '  capabilities = ["pull"]',
        '[host."http://dotted:1".header]',
        '  X-Note = "a sub-table header names its host: 2.x tries it, after headed:3"',
        '[host.bare]',
      ].join('\n'),
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    // 1.x: every key of the host table, in the order written
    expect(r.file.hosts.map((h) => [h.raw, h.line])).toEqual([
      ['http://dotted:1', 1],
      ['http://dotted:2', 2],
      ['https://headed:3', 3],
      ['bare', 7],
    ]);
    // 2.0+: those with a header of their own, in the order of their first header
    expect(r.file.headed.map((h) => h.raw)).toEqual(['https://headed:3', 'http://dotted:1', 'bare']);
    // inline tables under [host], and a host table written inline at the top level: no header at all
    for (const text of [
      '[host]\n  "http://127.0.0.1:4001" = { capabilities = ["pull"] }\n',
      'host = { "http://127.0.0.1:4001" = { capabilities = ["pull"] } }\n',
    ]) {
      const inline = parseHostsToml(text);
      expect(inline.ok && inline.file.hosts.map((h) => [h.raw, h.line])).toEqual([
        ['http://127.0.0.1:4001', text.startsWith('[') ? 2 : 1],
      ]);
      expect(inline.ok && inline.file.headed).toEqual([]);
    }
  });

  it('treats a host without a scheme as https and no capabilities as all three', () => {
    const r = parseHostsToml('[host."127.0.0.1:4001"]\n');
    expect(r.ok && r.file.hosts[0]).toMatchObject({
      scheme: 'https',
      port: 4001,
      capabilities: ['pull', 'resolve', 'push'],
    });
  });

  it('parses a file without [host] tables and marks it: whether containerd takes it depends on the release', () => {
    const onlyServer = parseHostsToml('server = "http://127.0.0.1:4001"\n');
    expect(onlyServer.ok && onlyServer.file).toMatchObject({
      withoutHostTable: true,
      hosts: [],
      server: { host: '127.0.0.1', port: 4001, isServer: true },
    });
    // an empty [host] table is a host tree: every release takes it
    const emptyTree = parseHostsToml('server = "https://ghcr.io"\n[host]\n');
    expect(emptyTree.ok && emptyTree.file.withoutHostTable).toBeUndefined();
  });

  // 2.2.0 added it (v2.2.0 core/remotes/docker/config/hosts.go:461-462); older releases reject it: the facts decide by release
  it('reads the referrers capability and marks the file for a release check', () => {
    const r = parseHostsToml('[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve", "referrers"]\n');
    expect(r).toMatchObject({
      ok: true,
      file: {
        hosts: [{ capabilities: ['pull', 'resolve', 'referrers'] }],
        referrers: { raw: 'http://127.0.0.1:4001', line: 1 },
      },
    });
    // no capabilities: pull, resolve and push, as every release reads it (no referrers mark)
    const plain = parseHostsToml('[host."http://127.0.0.1:4001"]\n');
    expect(plain.ok && plain.file.hosts[0]?.capabilities).toEqual(['pull', 'resolve', 'push']);
    expect(plain.ok && plain.file.referrers).toBeUndefined();
  });

  it("reads the X-Dragonfly-Registry header each host is sent (any case, a list's first value), and the server's", () => {
    const r = parseHostsToml(
      [
        'server = "https://harbor.example.com"',
        '[header]',
        '  X-Dragonfly-Registry = "https://server.example.com"',
        '[host."http://127.0.0.1:4001"]',
        '  [host."http://127.0.0.1:4001".header]',
        '    x-dragonfly-registry = ["https://harbor.example.com", "https://second.example.com"]',
        '[host."http://127.0.0.1:65001"]',
        '  capabilities = ["pull"]',
      ].join('\n'),
    );
    expect(r.ok && r.file.hosts.map((h) => h.registryHeader)).toEqual(['https://harbor.example.com', undefined]);
    expect(r.ok && r.file.server?.registryHeader).toBe('https://server.example.com');
  });

  it('rejects a header of another type, and marks a dial_timeout that is no duration', () => {
    const badHeader = parseHostsToml(
      '[host."http://127.0.0.1:4001"]\n  [host."http://127.0.0.1:4001".header]\n    X-A = 1\n',
    );
    expect(badHeader).toMatchObject({ ok: false, line: 1 });
    expect(!badHeader.ok && badHeader.message).toMatch(/invalid type for header "X-A"/);
    const list = parseHostsToml(
      '[host."http://127.0.0.1:4001"]\n  [host."http://127.0.0.1:4001".header]\n    X-A = ["a", "b"]\n',
    );
    expect(list.ok).toBe(true);
    const dial = parseHostsToml('[host."http://127.0.0.1:4001"]\n  dial_timeout = "1"\n');
    expect(dial.ok && dial.file.badDialTimeout).toEqual({ raw: 'http://127.0.0.1:4001', value: '1', line: 1 });
    for (const ok of ['1s', '500ms', '-1s'])
      expect(
        ((p) => p.ok && p.file.badDialTimeout)(parseHostsToml(`[host."http://x:1"]\n  dial_timeout = "${ok}"\n`)),
      ).toBeUndefined();
  });

  it('marks the keys containerd decodes in no release, which it drops without a word (dragonflyoss/dragonfly#3981)', () => {
    const proxyOnly = readFileSync(
      new URL(
        '../../fixtures/real/containerd-hosts-toml-proxy-keys-3981/raw/containerd/certs.d/docker.io/hosts.toml',
        import.meta.url,
      ),
      'utf8',
    );
    const r = parseHostsToml(proxyOnly);
    if (!r.ok) throw new Error(r.message);
    expect(r.file.ignored).toEqual([
      { path: ['host', 'https://index.docker.io', 'proxy'], line: 1 },
      { path: ['host', 'https://auth.docker.io', 'proxy'], line: 4 },
      { path: ['host', 'https://registry-1.docker.io', 'proxy'], line: 8 },
    ]);
    // named by the ignored tables only: tried all the same, with the default capabilities
    expect(r.file.onlyIgnored).toEqual([
      'https://index.docker.io',
      'https://auth.docker.io',
      'https://registry-1.docker.io',
    ]);
    expect(r.file.hosts.map((h) => h.capabilities)).toEqual([
      ['pull', 'resolve', 'push'],
      ['pull', 'resolve', 'push'],
      ['pull', 'resolve', 'push'],
    ]);
    // every key containerd reads, at the top and in a host: nothing ignored
    const every = parseHostsToml(
      [
        'server = "https://registry-1.docker.io"',
        'capabilities = ["pull", "resolve"]',
        'skip_verify = false',
        'ca = "/etc/ca.pem"',
        'client = ["/etc/client.pem"]',
        'override_path = false',
        'dial_timeout = "5s"',
        '[header]',
        '  X-Dragonfly-Registry = "https://index.docker.io"',
        '[host."http://127.0.0.1:4001"]',
        '  capabilities = ["pull", "resolve"]',
        '  skip_verify = true',
        '  ca = ["/etc/a.pem"]',
        '  client = [["/etc/c.pem", "/etc/c.key"]]',
        '  override_path = true',
        '  dial_timeout = "1s"',
        '  [host."http://127.0.0.1:4001".header]',
        '    X-Dragonfly-Use-P2P = "true"',
      ].join('\n'),
    );
    expect(every.ok && every.file.ignored).toBeUndefined();
    expect(every.ok && every.file.onlyIgnored).toBeUndefined();
    // a host with a key containerd reads is not "named by ignored keys only"
    const mixed = parseHostsToml(
      '[host."http://127.0.0.1:65001"]\n  capabilities = ["pull"]\n  timeout = "3s"\nmirror = true\n',
    );
    expect(mixed.ok && mixed.file.ignored).toEqual([
      { path: ['host', 'http://127.0.0.1:65001', 'timeout'], line: 3 },
      { path: ['host', 'http://127.0.0.1:65001', 'mirror'], line: 4 },
    ]);
    expect(mixed.ok && mixed.file.onlyIgnored).toBeUndefined();
  });

  it('rejects what containerd rejects, with the line', () => {
    const badCap = parseHostsToml(
      'server = "https://ghcr.io"\n\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "mirror"]\n',
    );
    expect(badCap).toMatchObject({ ok: false, line: 3 });
    expect(!badCap.ok && badCap.message).toMatch(/unknown capability "mirror"/);
    const badToml = parseHostsToml('server = "x"\n[host."http://127.0.0.1:4001"\n');
    expect(badToml).toMatchObject({ ok: false, line: 2 });
    expect(!badToml.ok && badToml.column).toBeGreaterThan(0);
    expect(parseHostsToml('host = "x"\n')).toMatchObject({ ok: false, line: 1 });
  });

  it("takes a bracketed host Go's url.Parse takes, such as a paste's redaction, and rejects one Go rejects (goharbor/harbor#18530)", () => {
    const redacted = parseHostsToml(
      'server = "https://docker.io"\n\n[host."https://[REDACTED_HARBOR_REGISTRY_URL]/v2/docker.io"]\n  capabilities = ["pull", "resolve"]\n',
    );
    expect(redacted.ok).toBe(true);
    expect(redacted.ok && redacted.file.hosts[0]).toMatchObject({
      scheme: 'https',
      host: 'REDACTED_HARBOR_REGISTRY_URL',
      port: 443,
      path: '/v2/docker.io',
      capabilities: ['pull', 'resolve'],
      line: 3,
    });
    const withPort = parseHostsToml('[host."http://[<registry>]:5000"]\n');
    expect(withPort.ok && withPort.file.hosts[0]).toMatchObject({ host: '<registry>', port: 5000, path: '' });
    // Go: "missing ']' in host" and "invalid port" after the bracket
    expect(parseHostsToml('[host."https://[REDACTED"]\n')).toMatchObject({ ok: false, line: 1 });
    expect(parseHostsToml('[host."https://[REDACTED]x/v2"]\n')).toMatchObject({ ok: false, line: 1 });
  });

  it('keeps any order of generated hosts', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 8 }), (ports) => {
        const text = ports.map((p) => `[host."http://10.0.0.1:${p}"]\n  capabilities = ["pull"]\n`).join('');
        const r = parseHostsToml(text);
        return r.ok && r.file.hosts.map((h) => h.port).join() === ports.join();
      }),
    );
  });

  it('names host dirs the way containerd looks them up', () => {
    expect(hostDirCandidates('127.0.0.1:5000')).toEqual(['127.0.0.1_5000_', '127.0.0.1:5000', '_default']);
    expect(hostDirCandidates('docker.io')).toEqual(['docker.io', '_default']);
    expect(registryOfHostDir('127.0.0.1_5000_')).toBe('127.0.0.1:5000');
    expect(defaultServerFor('docker.io')).toBe('https://registry-1.docker.io');
  });
});
