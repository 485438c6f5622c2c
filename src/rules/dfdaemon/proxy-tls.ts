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
// - Go could not even connect to the registry for a CONNECT it hijacks: after answering the CONNECT "200 OK"
//   and the client's TLS (handshake(), proxy.go:524-529, :770@v2.3.4) it checks the registry with
//   tls.Dial("tcp", r.Host, cConfig) and on failure logs "dial failed for <host:port>: …" and closes the
//   client's connection with no HTTP response (proxy.go:532-535@v2.3.4, :452-455@v2.0.3). The dialer is a
//   plain one: no timeout, no HTTPS_PROXY; the registry must be reachable from dfdaemon's own network.
//   The upstream proxy dfdaemon knows, D7Y_SOURCE_PROXY, is its back-to-source transport's only
//   (pkg/source/transport_option.go:32, :123-145@v2.3.4); the direct ReverseProxy transport sets no Proxy
//   either (client/daemon/transport/transport.go:490-505@v2.3.4, :319@v2.0.3).
//   "dial tcp …" there is the connection or its DNS lookup (net.OpError), "x509: …" the registry's cert;
// - Rust without proxy.server.caCert answers every CONNECT with a self-signed cert ("generate simple
//   self-signed certificate", mod.rs:478@v0.1.122, :608@v1.5.1), which only a client set not to verify
//   accepts (dragonfly-client-config/src/dfdaemon.rs:925-929@v0.1.122). Alone the line fails nothing:
//   a client set insecure is served; with a client's refusal beside it, that is the refusal's cause.
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import type { Step } from '../../report/model.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { configAt } from './pull.js';
import { defineRule } from '../rule.js';
import { quote, refCount } from './text.js';

interface ProxyTlsFinding {
  gen: 'go' | 'rust' | null;
  refused: LineRef[];
  upstream: LineRef[];
  dialFailed: LineRef[];
  selfSigned?: LineRef;
  config: ConfigAt;
}

const X509 = /\bx509: /;
/** A Go net.OpError of the dial itself ("dial tcp 10.0.0.9:443: connect: …", "dial tcp: lookup …"). */
const UNREACHABLE = /\bdial tcp[46]?[ :]/;
/** The CONNECT's host:port of Go's "dial failed for <host:port>: …". */
const dialHostOf = (r: LineRef) => /^dial failed for (\S+?): /.exec(r.text)?.[1];
/** The host of Go's "handshake failed for <host>: …" (SNI: the server name; CONNECT: host:port). */
const hostOf = (r: LineRef) => /handshake failed for (\S+?):? /.exec(r.text)?.[1];

export const proxyTls = defineRule<ProxyTlsFinding>({
  meta: {
    id: 'dfdaemon.proxy-tls',
    // dfdaemon is on the pull's path and fails its requests (no fallback through an HTTPS proxy)
    cause: 'mirror-fallback',
    title: "HTTPS requests through dfdaemon's proxy fail on TLS trust",
    description:
      'Go: a client refused the HTTPS hijack\'s cert ("handshake failed for …: remote error: tls: …"), a hijacked CONNECT could not reach the registry ("dial failed for <host:port>: …", the client\'s connection closed with no answer), or a hijacked request failed at the registry ("http: proxy error: …", answered 502); x509 = dfdaemon does not trust the registry\'s cert, "dial tcp …" = dfdaemon (no upstream proxy) cannot connect to it; Rust: a client refused the proxy\'s cert ("server io error: received fatal alert: …"). Warning. Rust "generate simple self-signed certificate" (proxy.server.caCert unset) alone is info: only a client set not to verify is served',
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
    const dialFailed = s.proxyHijackDialFailed;
    const selfSigned = s.proxySelfSigned;
    if (refused.length === 0 && upstream.length === 0 && dialFailed.length === 0 && !selfSigned) return null;
    const gen = d?.logs?.generation ?? d?.generation ?? null;
    const failing = refused.length > 0 || upstream.length > 0 || dialFailed.length > 0;
    const registry = [...upstream, ...dialFailed];
    // the registry is not reached at all, and no trust is in question: the title says that instead
    const unreachableOnly =
      !selfSigned &&
      refused.length === 0 &&
      registry.some((r) => UNREACHABLE.test(r.text)) &&
      !registry.some((r) => X509.test(r.text));
    return {
      severity: failing ? 'warning' : 'info',
      confidence: failing ? 0.9 : 0.6,
      ...(failing
        ? unreachableOnly
          ? {
              title: "dfdaemon's HTTPS proxy cannot connect to the registry it hijacks: requests through it fail",
            }
          : {}
        : {
            title:
              "dfdaemon's proxy answers HTTPS CONNECTs with a self-signed cert (no proxy.server.caCert): clients that verify it fail",
          }),
      data: {
        gen,
        refused,
        upstream,
        dialFailed,
        ...(selfSigned ? { selfSigned } : {}),
        config: gen === 'go' || gen === 'rust' ? forGen(configAt(f), gen) : configAt(f),
      },
    };
  },

  evidence({ gen, refused, upstream, dialFailed, selfSigned }) {
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
    if (dialFailed.length > 0) {
      const x509 = dialFailed.find((r) => X509.test(r.text));
      out.push(
        `${refCount(dialFailed)} hijacked CONNECT(s) for which dfdaemon's own connection to the registry failed, first ${quote(x509 ?? dialFailed[0]!)}`,
      );
      out.push(
        "dfdaemon had answered the client's CONNECT (200) and its TLS, then closed the connection without an HTTP response: the client sees it closed, no status, and its request through dfdaemon fails",
      );
    }
    if (upstream.length > 0) {
      const x509 = upstream.find((r) => X509.test(r.text));
      out.push(
        `${refCount(upstream)} hijacked HTTPS request(s) failed at the registry and were answered 502 Bad Gateway (Go's ReverseProxy default), first ${quote(x509 ?? upstream[0]!)}`,
      );
    }
    const registry = [...dialFailed, ...upstream];
    if (registry.some((r) => X509.test(r.text)))
      out.push(
        "x509: dfdaemon does not trust the registry's certificate: the proxy.hijackHTTPS.hosts entry that matches it has neither `certs` (the registry's CA) nor `insecure: true`",
      );
    if (registry.some((r) => UNREACHABLE.test(r.text)))
      out.push(
        `dial tcp: dfdaemon cannot open a connection to the registry (or resolve its name) from its own network; it connects directly, HTTPS_PROXY is not read for these connections${dialFailed.some((r) => UNREACHABLE.test(r.text)) ? ", and the hijack's check of the registry sets no timeout of its own: a dropped connection waits for the kernel to give up" : ''}`,
      );
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

  summary({ refused, upstream, dialFailed, selfSigned }) {
    const parts: string[] = [];
    if (refused.length > 0 || selfSigned)
      parts.push('make the clients trust the CA dfdaemon signs the certs it answers CONNECTs with');
    const registry = [...dialFailed, ...upstream];
    if (registry.some((r) => X509.test(r.text)) || upstream.some((r) => !UNREACHABLE.test(r.text)))
      parts.push("make dfdaemon trust the registry's certificate for the hosts it hijacks");
    if (registry.some((r) => UNREACHABLE.test(r.text)))
      parts.push('make the registry reachable from dfdaemon directly, without an upstream proxy');
    if (dialFailed.some((r) => !X509.test(r.text) && !UNREACHABLE.test(r.text)))
      parts.push("find why the registry's TLS handshake with dfdaemon fails");
    const text = parts.join(', and ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  },

  steps({ gen, refused, upstream, dialFailed, selfSigned, config }) {
    const steps: Step[] = [];
    const hosts = [...new Set(refused.map(hostOf).filter((h): h is string => h !== undefined))];
    const registry = [...dialFailed, ...upstream];
    if (registry.some((r) => UNREACHABLE.test(r.text) || (!X509.test(r.text) && dialFailed.includes(r)))) {
      const targets = [
        ...new Set(
          dialFailed.filter((r) => !X509.test(r.text)).map((r) => dialHostOf(r) ?? '<the registry host:port>'),
        ),
      ];
      for (const t of (targets.length > 0 ? targets : ['<the registry host:port>']).slice(0, 3))
        steps.push(
          cmd(
            `curl --noproxy '*' -sS -m 10 -o /dev/null -w '%{http_code}\\n' https://${t}/v2/    # as dfdaemon connects: directly; any code, 401 included, means it reaches the registry`,
          ),
        );
      steps.push(
        prose(
          "Run it on this node (inside the dfdaemon pod if that pod is not on the host network). A DNS error, a refusal or a timeout there is what dfdaemon met: open the route from the node to the registry (DNS, firewall, egress). A registry reached only through an upstream proxy is out of reach for dfdaemon's HTTPS proxy: it connects directly, and neither HTTPS_PROXY nor D7Y_SOURCE_PROXY (read by its back-to-source downloads only) applies here. A TLS error there is the registry's certificate or protocol on that port.",
        ),
      );
    }
    if (registry.some((r) => X509.test(r.text)))
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
