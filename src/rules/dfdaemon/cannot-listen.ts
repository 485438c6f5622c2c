// The Go daemon could not open one of its listeners and exited, so it is not running. Its listeners take a
// port range (ListenWithPortRange, v2.0.2 pkg/rpc/server_listen.go:42-60): a port whose bind fails with
// EADDRINUSE is skipped, and when none is left the error is "no available port to listen, port: <start> -
// <end>". The daemon's Serve returns it (the proxy's listener: "failed to listen for proxy service: …",
// v2.0.2 client/daemon/daemon.go:398-401; the peer and upload listeners, :352, :363), the daemon exits
// (cmd/dfget/cmd/root.go:119-121) and cobra prints "Error: <err>" on its stderr (GO_NO_AVAILABLE_PORT); a
// DaemonSet's pod restarts into the same error (dragonflyoss/dragonfly#1171: a pod that keeps
// restarting). The Helm chart binds the proxy in the node's network namespace (proxy.tcpListen.namespace
// /run/dragonfly/net, chart 0.5.x values.yaml, or hostNetwork), so any process of the node can hold its port.
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { quote, refCount } from './text.js';

interface CannotListenFinding {
  lines: LineRef[];
  /** The port of the range the error names (start = end in every shipped config), when it names one. */
  port?: number;
  /** Whether the listener is the proxy's: its own line, or the port of the proxy the config sets. */
  proxy: boolean;
  /** Seconds the log goes on after the last failure: the daemon started again (a log kept across restarts). */
  ranAfterSeconds?: number;
}

/** Log lines this long after the last failure are a later run's: a crash loop logs its start, then fails. */
const RAN_AFTER_MS = 10_000;

const RANGE = /no available port to listen, port: (\d+) - (\d+)/;
const PROXY_LINE = /^failed to listen for proxy service: /;
/** The ports dfdaemon's listeners take by default (client/config/peerhost_linux.go:83-101@v2.0.2; 65001: chart, packages). */
const ROLE: Readonly<Record<number, string>> = {
  65000: "its peer gRPC port (download.peerGRPC, the code's default)",
  65001: 'the proxy port the Helm chart and the packages give it (proxy.tcpListen)',
  65002: "its upload port (upload.tcpListen, the code's default)",
};

export const cannotListen = defineRule<CannotListenFinding>({
  meta: {
    id: 'dfdaemon.cannot-listen',
    // dfdaemon is on the pull's path and is not running: the mirror's requests fail or fall back
    cause: 'mirror-fallback',
    title: 'dfdaemon cannot open its listening port and exits: it is not running',
    description:
      'Go: "no available port to listen, port: <n> - <n>" (cobra\'s "Error: …" on its stderr as it exits, or its log) or "failed to listen for proxy service: …": another process holds the port, the daemon exits and its pod restarts into the same error, so nothing of dfdaemon answers pulls. Critical; a warning when the log goes on ≥ 10 s after the last failure (the daemon started again)',
    severities: ['critical', 'warning'],
    remediationSummary:
      'Free the port dfdaemon listens on, or give dfdaemon another one: until it starts, pulls through it fail or go to the registry.',
  },

  detect(f) {
    const lines = f.dfdaemon?.logs?.summary.listenFailed ?? [];
    if (lines.length === 0) return null;
    const m = lines.map((r) => RANGE.exec(r.text)).find((x) => x !== null);
    const port = m && m[1] === m[2] ? Number(m[1]) : undefined;
    const proxyPort = f.dfdaemon?.ports?.proxy;
    const proxy = lines.some((r) => PROXY_LINE.test(r.text)) || (port !== undefined && port === proxyPort);
    const failedAt = Math.max(...lines.map((r) => r.tsMs ?? -Infinity));
    const lastAt = f.dfdaemon?.logs?.stats.lastTsMs ?? null;
    const after = lastAt !== null && Number.isFinite(failedAt) ? lastAt - failedAt : 0;
    if (after >= RAN_AFTER_MS)
      return {
        severity: 'warning',
        confidence: 0.7,
        title: `dfdaemon failed to open ${port === undefined ? 'a listening port' : `port ${port}`} at an earlier start, and ran again after it`,
        data: { lines, ...(port === undefined ? {} : { port }), proxy, ranAfterSeconds: Math.round(after / 1000) },
      };
    return {
      severity: 'critical',
      confidence: 0.9,
      ...(port === undefined ? {} : { title: `dfdaemon cannot listen on port ${port} and exits: it is not running` }),
      data: { lines, ...(port === undefined ? {} : { port }), proxy },
    };
  },

  evidence({ lines, port, proxy, ranAfterSeconds }) {
    const out = [
      `${refCount(lines)} line(s) of dfdaemon failing to open a listener, first ${quote(lines[0]!)}`,
      lines.some((r) => RANGE.test(r.text))
        ? 'the port is held by another process: dfdaemon skips a port in use and fails when none of its range is left, then exits; in a pod it restarts into the same error (CrashLoopBackOff)'
        : 'dfdaemon exits when a listener cannot be opened; in a pod it restarts into the same error (CrashLoopBackOff)',
    ];
    if (port !== undefined) {
      const role = proxy ? 'its proxy port' : ROLE[port];
      out.push(`port ${port}${role ? ` is ${role}` : ''}`);
    }
    if (ranAfterSeconds !== undefined)
      out.push(
        `the log goes on for ${ranAfterSeconds} s after the last failure: the daemon started again, so the pulls failed or went to the registry only while it was down`,
      );
    out.push(
      'while dfdaemon is down, nothing of it answers the runtime: a mirror request to its proxy is refused (or answered by whatever holds the port), containerd goes on to the next host in hosts.toml, the registry, and a pull with no such host fails',
    );
    return out;
  },

  steps({ port }) {
    const p = port ?? 65001;
    return [
      cmd(
        `ss -ltnp 'sport = :${p}'    # on the node: the process that holds the port (users:(("<name>",pid=<pid>,…)))`,
      ),
      prose(
        "The Helm chart binds dfdaemon's proxy in the node's network namespace (proxy.tcpListen.namespace /run/dragonfly/net, or hostNetwork), so any process of the node can hold the port: another dfdaemon (`dfget daemon` run by systemd or by hand, a second Dragonfly release's DaemonSet) or another host-network pod. Stop it, or give dfdaemon a free port (proxy.tcpListen.port; the chart's dfdaemon.hostPort) and point containerd's hosts.toml for the registry at it; then restart the dfdaemon pod and check that it logs \"serve proxy at tcp://…\".",
      ),
    ];
  },
});
