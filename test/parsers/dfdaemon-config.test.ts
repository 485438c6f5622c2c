import { describe, expect, it } from 'vitest';
import { parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';

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
