// dfdaemon.proxy-tls: requests through dfdaemon's proxy failing on TLS trust, both generations
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyTls } from '../../src/rules/dfdaemon/proxy-tls.js';
import { factsFrom } from '../helpers/bundle.js';
import { goConsole, goJson, rustCompact } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2024, 11, 2, 8, 16, 17);
const REAL = (c: string, log: string) =>
  readFileSync(new URL(`../../fixtures/real/${c}/raw/dfdaemon/logs/${log}`, import.meta.url), 'utf8');
const PROXY = 'dragonfly-client/src/proxy/mod.rs';
const selfSigned = (ms: number) =>
  rustCompact(ms, 'INFO', 'upgraded_tunnel', `${PROXY}:478`, 'generate simple self-signed certificate');
const alert = (ms: number) =>
  rustCompact(ms, 'ERROR', 'handler', `${PROXY}:440`, 'server io error: received fatal alert: BadCertificate');

const bundle = (gen: 'go' | 'rust', log: string) =>
  factsFrom({ 'raw/dfdaemon/generation.txt': `${gen}\n`, 'raw/dfdaemon/logs/dfdaemon.log': log });

describe('dfdaemon.proxy-tls', () => {
  it("Go: the client refusing the hijack's cert and the registry's cert not trusted, a warning (dragonfly#1733)", async () => {
    const m = proxyTls.when(await bundle('go', REAL('dfdaemon-go-hijack-bad-certificate', 'core.log')));
    expect(m?.severity).toBe('warning');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain(
      "1 client(s) refused the certificate dfdaemon's proxy answered their TLS with, first raw/dfdaemon/logs/dfdaemon.log:4",
    );
    expect(ev).toContain('proxy.hijackHTTPS.cert');
    expect(ev).toContain('answered 502 Bad Gateway');
    expect(ev).toContain(
      'raw/dfdaemon/logs/dfdaemon.log:7: "http: proxy error: x509: certificate signed by unknown authority"',
    );
    expect(ev).toContain("dfdaemon does not trust the registry's certificate");
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain('insecure: true');
    expect(steps).toContain('for harbor.test.cn');
  });

  it('Go: a registry that cannot be reached through the hijack is no x509 finding', async () => {
    const log = `2022/10/10 03:11:10 http: proxy error: dial tcp 10.0.0.9:443: connect: connection refused\n`;
    const m = proxyTls.when(await bundle('go', log));
    expect(m?.severity).toBe('warning');
    expect(m?.evidence.join('\n')).not.toContain('x509');
    expect(JSON.stringify(m?.remediation.steps)).not.toContain('hijackHTTPS');
    // the ReverseProxy's transport dials directly too (no Proxy: transport.go:490-505@v2.3.4): a route, not trust
    expect(m?.title).toContain('cannot connect to the registry');
    expect(m?.remediation.summary).toBe(
      'Make the registry reachable from dfdaemon directly, without an upstream proxy.',
    );
    expect(JSON.stringify(m?.remediation.steps)).toContain('https://<the registry host:port>/v2/');
  });

  // the hijack's check of the registry (tls.Dial, v2.3.4 client/daemon/proxy/proxy.go:532-534): the
  // client's CONNECT and TLS were accepted, then its connection is closed with no HTTP response
  const dial = (err: string) =>
    goJson(T0, 'error', 'proxy/proxy.go:534', `dial failed for harbor.example.com:443: ${err}`);

  it('Go: a hijacked CONNECT whose registry dfdaemon cannot connect to is a reachability warning, not trust', async () => {
    const refused = dial('dial tcp 10.20.0.7:443: connect: connection refused');
    const dns = dial('dial tcp: lookup harbor.example.com on 10.96.0.10:53: no such host');
    const m = proxyTls.when(await bundle('go', `${refused}\n${dns}\n`));
    expect(m?.severity).toBe('warning');
    expect(m?.title).toBe("dfdaemon's HTTPS proxy cannot connect to the registry it hijacks: requests through it fail");
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain(
      '2 hijacked CONNECT(s) for which dfdaemon\'s own connection to the registry failed, first raw/dfdaemon/logs/dfdaemon.log:1: "dial failed for harbor.example.com:443: dial tcp 10.20.0.7:443: connect: connection refused"',
    );
    expect(ev).toContain('closed the connection without an HTTP response');
    expect(ev).toContain('HTTPS_PROXY is not read');
    expect(ev).not.toContain('x509');
    expect(m?.remediation.summary).toBe(
      'Make the registry reachable from dfdaemon directly, without an upstream proxy.',
    );
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain(
      "curl --noproxy '*' -sS -m 10 -o /dev/null -w '%{http_code}\\\\n' https://harbor.example.com:443/v2/",
    );
    expect(steps).not.toContain('hijackHTTPS');
  });

  it("Go: a hijacked CONNECT failing on the registry's cert asks for hijackHTTPS certs, not a route", async () => {
    const m = proxyTls.when(
      await bundle(
        'go',
        `${dial('tls: failed to verify certificate: x509: certificate signed by unknown authority')}\n`,
      ),
    );
    expect(m?.severity).toBe('warning');
    expect(m?.title).toBeUndefined(); // the rule's own: "… fail on TLS trust"
    expect(m?.evidence.join('\n')).toContain("x509: dfdaemon does not trust the registry's certificate");
    expect(m?.evidence.join('\n')).not.toContain('dial tcp:');
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain('insecure: true');
    expect(steps).not.toContain('curl');
  });

  it('Go: a CONNECT tunneled or hijacked without a failure is no finding', async () => {
    const lines = [
      goJson(T0, 'debug', 'proxy/proxy.go:480', 'hijackHTTPS hosts not match, tunneling https request for ghcr.io:443'),
      goJson(T0, 'debug', 'proxy/proxy.go:485', 'hijack https request to harbor.example.com:443'),
    ];
    expect(proxyTls.when(await bundle('go', `${lines.join('\n')}\n`))).toBeNull();
  });

  it('Rust: the self-signed line alone is info, the title says so (dragonfly#3678)', async () => {
    const m = proxyTls.when(await bundle('rust', REAL('dfdaemon-rust-proxy-self-signed', 'dfdaemon.log')));
    expect(m?.severity).toBe('info');
    expect(m?.title).toContain('self-signed');
    expect(m?.evidence.join('\n')).toContain('the log shows no client refusing it');
    expect(JSON.stringify(m?.remediation.steps)).toContain('caCert');
  });

  it("Rust: a client's refusal beside it is a warning", async () => {
    const m = proxyTls.when(await bundle('rust', `${selfSigned(T0)}\n${alert(T0 + 1)}\n`));
    expect(m?.severity).toBe('warning');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain('self-signed: proxy.server.caCert is unset');
    expect(ev).not.toContain('the log shows no client refusing it');
  });

  it('is silent on the healthy fixtures of both generations, and on a client hanging up', async () => {
    const file = (p: string) => readFileSync(new URL(`../../fixtures/${p}`, import.meta.url), 'utf8');
    const go = file('dfdaemon-go-healthy/raw/dfdaemon/logs/core.log');
    const rust = file('dfdaemon-rust-healthy/raw/dfdaemon/logs/dfdaemon.log');
    expect(proxyTls.when(await bundle('go', go))).toBeNull();
    expect(proxyTls.when(await bundle('rust', rust))).toBeNull();
    // a handshake that ended without the client's alert refused nothing
    const eof = goConsole(T0, 'error', 'proxy/proxy_sni.go:105', 'handshake failed for harbor.test.cn: EOF');
    expect(proxyTls.when(await bundle('go', `${eof}\n`))).toBeNull();
  });
});
