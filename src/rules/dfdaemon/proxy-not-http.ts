// A client that speaks TLS to the Rust dfdaemon's proxy port. The port serves plain HTTP only: each
// accepted connection goes straight to hyper's HTTP/1 server, with no TLS acceptor (dragonflyoss/client
// v1.5.1 dragonfly-client/src/proxy/mod.rs:231-265), and its config has no setting that changes that
// (ProxyServer: ip, port, requestRateLimit, and caCert/caKey, which sign the certs of the CONNECTs it
// intercepts; dragonfly-client-config/src/dfdaemon.rs:1196-1236@v1.5.1). A TLS ClientHello's first byte
// (0x16) is no HTTP token, so hyper fails the connection with "invalid HTTP method parsed" and the
// daemon logs "failed to serve connection from <client>: invalid HTTP method parsed" (knowledge:
// rust.log.proxy-not-http). The client's handshake fails. containerd, for a hosts.toml host written
// https:// (or with no scheme), then tries the next host of the route (the origin, unless none is left):
// the pull bypasses P2P or fails. CRI-O (containers/image) pings a mirror over https first and, only when
// the mirror is `insecure = true`, again over http (containers/image v5.36.1 docker/docker_client.go:936-938,
// the same at v5.0.0 :637-639): the documented CRI-O setup logs one such line per new client and is then
// served, while a mirror without `insecure` is never used. So the line alone is a fault only where a
// containerd host names dfdaemon with https, or where the log shows no request served at all; beside
// requests the proxy did serve, it is the probe of an insecure CRI-O mirror (info).
// dragonflyoss/dragonfly#3807 (cri-o and containerd, default Helm values).
import type { RegistryRoute, RouteHost } from '../../facts/containerd-routes.js';
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { quote, refCount } from './text.js';

interface ProxyNotHttpFinding {
  lines: LineRef[];
  /** The clients' addresses the lines name (distinct, first few). */
  clients: string[];
  /** containerd's hosts that name dfdaemon with https:// (the likely sender), with their file. */
  httpsHosts: { host: RouteHost; route: RegistryRoute }[];
  /** Requests the proxy did serve in the log (P2P or direct). */
  served: number;
}

/** The client's address of "failed to serve connection from <ip:port>: …". */
const clientOf = (r: LineRef) => /failed to serve connection from (\S+?): /.exec(r.text)?.[1];

export const proxyNotHttp = defineRule<ProxyNotHttpFinding>({
  meta: {
    id: 'dfdaemon.proxy-not-http',
    // the runtime's mirror entry is wrong (https:// to a plain-HTTP port): no request reaches dfdaemon
    cause: 'mirror-misconfigured',
    title: "A client speaks TLS to dfdaemon's plain-HTTP proxy port",
    description:
      'Rust "failed to serve connection from <client>: invalid HTTP method parsed": a connection to the proxy port began with bytes that are no HTTP request (hyper Parse::Method; a TLS ClientHello starts with 0x16), i.e. a runtime configured with https:// for dfdaemon\'s proxy (containerd hosts.toml host "https://…:4001", CRI-O registries.conf mirror without insecure = true). The proxy serves plain HTTP only. Warning when a containerd host names dfdaemon with https, or when the log shows no proxy request served; info beside served requests (CRI-O pings an insecure mirror over https first, then http)',
    severities: ['warning', 'info'],
    remediationSummary:
      'Point the runtime at dfdaemon\'s proxy with http:// (containerd hosts.toml [host."http://127.0.0.1:4001"]; CRI-O registries.conf mirror with insecure = true): the proxy port does not serve TLS.',
  },

  detect(f) {
    const lines = f.dfdaemon?.logs?.summary.proxyNotHttp ?? [];
    if (lines.length === 0) return null;
    const clients = [...new Set(lines.flatMap((r) => clientOf(r)?.replace(/:\d+$/, '') ?? []))].slice(0, 3);
    const httpsHosts = (f.containerd?.routes ?? []).flatMap((route) =>
      route.hosts.filter((h) => h.isDfdaemon && h.scheme === 'https').map((host) => ({ host, route })),
    );
    const served = f.dfdaemon?.logs?.summary.proxy.length ?? 0;
    const fault = httpsHosts.length > 0 || served === 0;
    return {
      severity: fault ? 'warning' : 'info',
      confidence: fault ? 0.8 : 0.5,
      data: { lines, clients, httpsHosts, served },
    };
  },

  evidence({ lines, clients, httpsHosts, served }) {
    const first = lines[0] as LineRef;
    return [
      `${refCount(lines)} connection(s) to dfdaemon's proxy${clients.length > 0 ? ` from ${clients.join(', ')}` : ''} began with bytes that are no HTTP request, first ${quote(first)}`,
      "hyper reads a connection's first token as the HTTP method; a TLS ClientHello starts with byte 0x16, which is no token character: the client spoke TLS (https://) to the proxy's plain-HTTP port and its handshake failed",
      served > 0 && httpsHosts.length === 0
        ? `the proxy served ${served} request(s) in the same log: a client that retries over http (CRI-O with the mirror insecure = true pings https first) was served after this line; a client that does not went on to its next host (the origin registry, no P2P) or failed`
        : 'no request through the proxy is in the log: the runtime went on to its next host (the origin registry, no P2P) or failed the pull',
      ...httpsHosts
        .slice(0, 3)
        .map(
          ({ host, route }) =>
            `containerd's route for ${route.registry} names dfdaemon as ${host.url} (${route.file ?? route.source}${host.line ? `:${host.line}` : ''}): https to the plain-HTTP port`,
        ),
    ];
  },

  steps({ httpsHosts }) {
    return [
      prose(
        "dfdaemon's proxy port serves plain HTTP only: no setting of the Rust client makes it serve TLS (proxy.server.caCert/caKey only sign the certs of the HTTPS CONNECTs it intercepts). Write the mirror endpoint with http://.",
      ),
      ...(httpsHosts.length > 0
        ? [
            prose(
              `containerd: in ${[...new Set(httpsHosts.map(({ route }) => route.file ?? route.source))].join(', ')}, write the dfdaemon host as [host."http://${httpsHosts[0]?.host.host ?? '127.0.0.1'}:${httpsHosts[0]?.host.port ?? 4001}"] (no restart: containerd reads hosts.toml on each pull).`,
            ),
          ]
        : [
            prose('Find the runtime entry that names the proxy port with https:// (or with no scheme: https to both):'),
            cmd(
              "grep -rnE 'https://(127\\.0\\.0\\.1|localhost)|^\\s*location' /etc/containerd/certs.d /etc/containers/registries.conf /etc/containers/registries.conf.d 2>/dev/null",
            ),
            prose(
              'containerd: write it [host."http://127.0.0.1:4001"] in hosts.toml. CRI-O: a [[registry.mirror]] location = "127.0.0.1:4001" needs insecure = true, or CRI-O speaks TLS to it; then restart CRI-O.',
            ),
          ]),
    ];
  },
});
