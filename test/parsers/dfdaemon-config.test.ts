import { describe, expect, it } from 'vitest';
import { detectConfigGeneration, parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';

describe('parseDfdaemonConfig on hostile shapes', () => {
  it('a mapping with a `toString` key where a scalar belongs is a located problem, not a crash', () => {
    const r = parseDfdaemonConfig('metrics:\n  toString:\n    port: 4002\n', 'go');
    expect(r.problems).toContainEqual({
      line: 2,
      message: 'metrics: cannot read "{"toString":{"port":4002}}" as an address; using the default',
    });
    expect(r.ok ? r.config.metricsAddr?.from : 'no config').toBe('default');
  });
});

describe('parseDfdaemonConfig: the top level of a Go dfget.yaml', () => {
  it('a file whose top level holds no key the Go daemon reads is not read as its defaults', () => {
    // dragonflyoss/dragonfly#959: the proxy section's keys posted without their `proxy:`
    const fragment = parseDfdaemonConfig('registryMirror:\n  url: https://yum.example\nproxies:\n- regx: .*\n', 'go');
    expect(fragment.ok).toBe(false);
    expect(fragment.problems.map((p) => p.line)).toEqual([1, 3, undefined]);
    expect(fragment.problems[0]?.message).toMatch(/^registryMirror: not read at the top level: .* under proxy:/);
    expect(fragment.problems[2]?.message).toMatch(/^none of its top-level keys \(registryMirror, proxies\) is one/);
    // a Dragonfly 1.x dfdaemon.yml (dragonflyoss/dragonfly-archived#1536)
    const v1 = parseDfdaemonConfig(
      'dfget_flags: ["--node","supernode:8002=1"]\nregistry_mirror:\n  remote: r.example\n',
      'go',
    );
    expect(v1.ok).toBe(false);
  });

  it('a proxy key beside keys the daemon reads is named, and the rest is read', () => {
    const r = parseDfdaemonConfig(
      'keepStorage: true\nproxy:\n  tcpListen:\n    port: 65001\nproxies:\n- regx: blobs\n',
      'go',
    );
    expect(r.ok && r.config.keepStorage.value).toBe(true);
    expect(r.ok && r.config.ports.proxy?.value).toBe(65001);
    expect(r.problems.map((p) => p.message)).toEqual([
      'proxies: not read at the top level: the Go dfdaemon reads it under proxy: (client/config/peerhost.go ProxyOption)',
    ]);
  });

  it('an empty file is the code defaults, as before', () => {
    const r = parseDfdaemonConfig('# nothing set\n', 'go');
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([]);
  });
});

describe('parseDfdaemonConfig: a Go dfget.yaml is read the way viper reads it, whatever the keys’ case', () => {
  const capitalised = [
    'DataDir: /data/dragonfly',
    'Storage:',
    '  TaskExpireTime: 3m',
    '  Multiplex: true',
    'Download:',
    '  TotalRateLimit: 2048Mi',
    'Proxy:',
    '  TCPListen:',
    '    Port: {Start: 65001, End: 65010}',
    '  RegistryMirror:',
    '    URL: https://index.docker.io',
    '  Proxies:',
    '    - Regx: blobs/sha256.*',
    '',
  ].join('\n');

  it('capitalised keys at every level of mappings are the daemon’s settings, not its defaults', () => {
    const r = parseDfdaemonConfig(capitalised, 'go', 'v2.1.49');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.problems).toEqual([]);
    expect(r.config.storageDir).toMatchObject({ value: '/data/dragonfly', from: 'config', line: 1 });
    expect(r.config.taskExpireSeconds).toMatchObject({ value: 180, from: 'config', line: 3 });
    expect(r.config.multiplex?.value).toBe(true);
    expect(r.config.downloadRateLimit).toMatchObject({ value: 2048 * 1024 * 1024, from: 'config' });
    expect(r.config.ports.proxy).toMatchObject({ value: 65001, from: 'config', line: 9 });
    expect(r.config.portRanges?.proxy).toEqual({ start: 65001, end: 65010 });
    expect(r.config.registryMirror?.value).toBe('https://index.docker.io');
    expect(r.config.proxyRules.value).toEqual([{ regex: 'blobs/sha256.*', direct: false, line: 13 }]);
    expect(detectConfigGeneration(capitalised)).toBe('go');
    // the Rust client's serde config is still read as written
    const rust = parseDfdaemonConfig('Download:\n  concurrentPieceCount: 32\n', 'rust', 'v1.0.0');
    expect(rust.ok && rust.config.concurrentPieceCount?.from).toBe('default');
  });

  it('before v2.0.7 (viper v1.12.0) the keys of a list item keep their case, so `Regx:` is no rule', () => {
    const r = parseDfdaemonConfig(capitalised, 'go', 'v2.0.6');
    expect(r.ok && r.config.proxyRules.value).toEqual([]);
    expect(r.ok && r.config.ports.proxy?.value).toBe(65001);
  });

  it('two keys that differ only in case are named: viper keeps either one', () => {
    const r = parseDfdaemonConfig('keepStorage: false\nKeepStorage: true\n', 'go', 'v2.1.49');
    expect(r.problems).toEqual([
      {
        line: 2,
        message:
          'KeepStorage: the same key as keepStorage to the daemon, which reads keys whatever their case (viper lowercases them) and keeps one of the two, not always the same: neither value is certain',
      },
    ]);
  });
});
