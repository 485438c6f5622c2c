// dfdaemon.proxy-not-http: a client speaking TLS to the Rust dfdaemon's plain-HTTP proxy port
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyNotHttp } from '../../src/rules/dfdaemon/proxy-not-http.js';
import { factsFrom } from '../helpers/bundle.js';
import { rustCompact, rustProxy } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2025, 1, 3, 18, 13, 1);
// dragonflyoss/dragonfly#3807, as posted
const REAL = readFileSync(
  new URL('../../fixtures/real/dfdaemon-rust-proxy-not-http-3807/raw/dfdaemon/logs/dfdaemon.log', import.meta.url),
  'utf8',
);
const serveFailed = (ms: number, err: string) =>
  rustCompact(
    ms,
    'ERROR',
    '',
    'dragonfly-client/src/proxy/mod.rs:265',
    `failed to serve connection from 127.0.0.1:40112: ${err}`,
  );
const BLOB = 'https://index.docker.io/v2/library/nginx/blobs/sha256:' + 'a'.repeat(64);
const bundle = (log: string, extra: Record<string, string> = {}) =>
  factsFrom({ 'raw/dfdaemon/generation.txt': 'rust\n', 'raw/dfdaemon/logs/dfdaemon.log': log, ...extra });

describe('dfdaemon.proxy-not-http', () => {
  it('names a client speaking TLS to the proxy port, a warning when no request was served (dragonfly#3807)', async () => {
    const m = proxyNotHttp.when(await bundle(REAL));
    expect(m?.severity).toBe('warning');
    expect(proxyNotHttp.cause).toBe('mirror-misconfigured');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain(
      "1 connection(s) to dfdaemon's proxy from 127.0.0.1 began with bytes that are no HTTP request",
    );
    expect(ev).toContain('a TLS ClientHello starts with byte 0x16');
    expect(ev).toContain('no request through the proxy is in the log');
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain('[host.\\"http://127.0.0.1:4001\\"]');
    expect(steps).toContain('insecure = true');
    expect(m?.remediation.summary).toContain('http://');
  });

  it('is info beside requests the proxy served: the https probe of an insecure CRI-O mirror', async () => {
    const log = [serveFailed(T0, 'invalid HTTP method parsed'), rustProxy(T0 + 50, BLOB, true)].join('\n');
    const m = proxyNotHttp.when(await bundle(`${log}\n`));
    expect(m?.severity).toBe('info');
    expect(m?.evidence.join('\n')).toContain('the proxy served 1 request(s) in the same log');
  });

  it('names the containerd host written https:// that points at dfdaemon, a warning even with requests served', async () => {
    const log = [serveFailed(T0, 'invalid HTTP method parsed'), rustProxy(T0 + 50, BLOB, true)].join('\n');
    const m = proxyNotHttp.when(
      await bundle(`${log}\n`, {
        'raw/containerd/config.toml':
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        'raw/containerd/certs.d/docker.io/hosts.toml':
          'server = "https://registry-1.docker.io"\n\n[host."https://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
      }),
    );
    expect(m?.severity).toBe('warning');
    expect(m?.evidence.join('\n')).toContain(
      "containerd's route for docker.io names dfdaemon as https://127.0.0.1:4001",
    );
  });

  it('says nothing of other connection errors, nor of a log without the line', async () => {
    expect(
      proxyNotHttp.when(await bundle(`${serveFailed(T0, 'connection closed before message completed')}\n`)),
    ).toBeNull();
    expect(proxyNotHttp.when(await bundle(`${rustProxy(T0, BLOB, true)}\n`))).toBeNull();
  });
});
