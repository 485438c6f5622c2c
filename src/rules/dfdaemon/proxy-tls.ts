// dfdaemon's proxy terminates the TLS of the CONNECTs it intercepts: it answers the client with a cert of
// its own and makes the request to the registry itself. Either side failing fails the request through
// it (there is no fallback for a client that uses dfdaemon as its HTTPS proxy), and the log says which:
// - the client refused dfdaemon's cert: Go "handshake failed for <host>: remote error: tls: …" (the
//   client's alert; v2.0.3 client/daemon/proxy/proxy_sni.go:105, proxy.go:446), Rust "server io error:
//   received fatal alert: …" (dragonflyoss/client v0.1.122 dragonfly-client/src/proxy/mod.rs:440);
// - Go could not make the hijacked request to the registry: the hijack's ReverseProxy has no
//   ErrorHandler (v2.0.3 proxy_sni.go:110-125, proxy.go:459-476), so Go's default logs "http: proxy error:
//   …" on the std logger and answers 502; "x509: …" there means dfdaemon does not trust the registry's
//   cert: the proxy.hijackHTTPS.hosts entry that matched it (remoteConfig, proxy.go:529-540@v2.0.3) has
//   neither `certs` nor `insecure: true` (HijackHost, client/config/peerhost.go:787-792@v2.0.3);
// - Rust without proxy.server.caCert answers every CONNECT with a self-signed cert ("generate simple
//   self-signed certificate", mod.rs:478@v0.1.122, :608@v1.5.1), which only a client set not to verify
//   accepts (dragonfly-client-config/src/dfdaemon.rs:925-929@v0.1.122). Alone the line fails nothing:
//   a client set insecure is served; with a client's refusal beside it, that is the refusal's cause.
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import type { Step } from '../../report/model.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { configAt } from './pull.js';
import { defineRule } from '../rule.js';
import { quote, refCount } from './text.js';

interface ProxyTlsFinding {
  gen: 'go' | 'rust' | null;
  refused: LineRef[];
  upstream: LineRef[];
  selfSigned?: LineRef;
  config: ConfigAt;
}

const X509 = /\bx509: /;
/** The host of Go's "handshake failed for <host>: …" (SNI: the server name; CONNECT: host:port). */
const hostOf = (r: LineRef) => /handshake failed for (\S+?):? /.exec(r.text)?.[1];

export const proxyTls = defineRule<ProxyTlsFinding>({
  meta: {
    id: 'dfdaemon.proxy-tls',
    // dfdaemon is on the pull's path and fails its requests (no fallback through an HTTPS proxy)
    cause: 'mirror-fallback',
    title: "HTTPS requests through dfdaemon's proxy fail on TLS trust",
    description:
      'Go: a client refused the HTTPS hijack\'s cert ("handshake failed for …: remote error: tls: …"), or a hijacked request could not reach the registry ("http: proxy error: …", answered 502; x509 = dfdaemon does not trust the registry\'s cert); Rust: a client refused the proxy\'s cert ("server io error: received fatal alert: …"). Warning. Rust "generate simple self-signed certificate" (proxy.server.caCert unset) alone is info: only a client set not to verify is served',
    severities: ['warning', 'info'],
    remediationSummary:
      "Make both sides of dfdaemon's TLS trusted: the clients trust the CA dfdaemon signs its certs with, and dfdaemon trusts the registry's.",
  },

  detect(f) {
    const d = f.dfdaemon;
    const s = d?.logs?.summary;
    if (!s) return null;
    const refused = s.proxyTlsRefused;
    const upstream = s.proxyUpstreamErrors;
    const selfSigned = s.proxySelfSigned;
    if (refused.length === 0 && upstream.length === 0 && !selfSigned) return null;
    const gen = d?.logs?.generation ?? d?.generation ?? null;
    const failing = refused.length > 0 || upstream.length > 0;
    return {
      severity: failing ? 'warning' : 'info',
      confidence: failing ? 0.9 : 0.6,
      ...(failing
        ? {}
        : {
            title:
              "dfdaemon's proxy answers HTTPS CONNECTs with a self-signed cert (no proxy.server.caCert): clients that verify it fail",
          }),
      data: {
        gen,
        refused,
        upstream,
        ...(selfSigned ? { selfSigned } : {}),
        config: gen === 'go' || gen === 'rust' ? forGen(configAt(f), gen) : configAt(f),
      },
    };
  },

  evidence({ gen, refused, upstream, selfSigned }) {
    const out: string[] = [];
    if (refused.length > 0) {
      out.push(
        `${refCount(refused)} client(s) refused the certificate dfdaemon's proxy answered their TLS with, first ${quote(refused[0]!)}`,
      );
      out.push(
        gen === 'rust' || selfSigned
          ? `the client's TLS alert ends the tunnel: it does not trust the proxy's cert (${selfSigned ? 'self-signed: proxy.server.caCert is unset' : 'signed by proxy.server.caCert, or self-signed without it'}), and its request through dfdaemon fails`
          : "the client's TLS alert (remote error): it does not trust the CA dfdaemon signs its HTTPS-hijack certs with (proxy.hijackHTTPS.cert), and its request through dfdaemon fails",
      );
    }
    if (upstream.length > 0) {
      const x509 = upstream.find((r) => X509.test(r.text));
      out.push(
        `${refCount(upstream)} hijacked HTTPS request(s) failed at the registry and were answered 502 Bad Gateway (Go's ReverseProxy default), first ${quote(x509 ?? upstream[0]!)}`,
      );
      if (x509)
        out.push(
          "x509: dfdaemon does not trust the registry's certificate: the proxy.hijackHTTPS.hosts entry that matches it has neither `certs` (the registry's CA) nor `insecure: true`",
        );
    }
    if (selfSigned) {
      out.push(quote(selfSigned));
      out.push(
        'proxy.server.caCert is unset: each CONNECT is answered with a self-signed cert, which a client that verifies (docker, containerd through HTTPS_PROXY, singularity) refuses with "x509: certificate signed by unknown authority"',
      );
      if (refused.length === 0)
        out.push('the log shows no client refusing it: a client set not to verify (insecure) is served');
    }
    return out;
  },

  summary({ refused, upstream, selfSigned }) {
    const parts: string[] = [];
    if (refused.length > 0 || selfSigned)
      parts.push('make the clients trust the CA dfdaemon signs the certs it answers CONNECTs with');
    if (upstream.length > 0) parts.push("make dfdaemon trust the registry's certificate for the hosts it hijacks");
    const text = parts.join(', and ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  },

  steps({ gen, refused, upstream, selfSigned, config }) {
    const steps: Step[] = [];
    const hosts = [...new Set(refused.map(hostOf).filter((h): h is string => h !== undefined))];
    if (upstream.some((r) => X509.test(r.text)))
      steps.push(
        configSnippet(
          config,
          "proxy:\n  hijackHTTPS:\n    hosts:\n      - regx: <the registry host>\n        certs: [<the registry's CA file, PEM>]   # or: insecure: true",
        ),
      );
    if (selfSigned)
      steps.push(
        configSnippet(
          config,
          'proxy:\n  server:\n    caCert: <a CA cert, PEM>   # dfdaemon signs the certs it answers CONNECTs with\n    caKey: <its key, PEM>',
        ),
      );
    if (refused.length > 0 || selfSigned)
      steps.push(
        prose(
          `Add the CA dfdaemon signs with (${gen === 'rust' || selfSigned ? 'proxy.server.caCert' : 'proxy.hijackHTTPS.cert'}) to the trust store of each client that uses dfdaemon as its HTTPS proxy${hosts.length > 0 ? ` for ${hosts.slice(0, 3).join(', ')}` : ''}, or set those clients not to verify it, and restart them.`,
        ),
      );
    if (steps.some((s) => s.kind === 'snippet')) steps.push(...applySteps(config));
    return steps;
  },
});
