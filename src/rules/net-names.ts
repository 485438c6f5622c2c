import type { Severity } from '../causes.js';
import type { NameCheck } from '../facts/net-names.js';
import { NET_FILES } from '../facts/net.js';
import type { Step } from '../report/model.js';
import { defineLegacyRule, type Match } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd, prose, snippet } from './steps.js';

const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

const LOCALHOST = /^(localhost|localhost\.localdomain|.+\.localhost)$/i;

function describeOrder(n: NameCheck): string {
  if (n.live) {
    if (n.live.error)
      return `the node's getaddrinfo("${n.target.host}") failed: ${n.live.error} (${NET_FILES.resolve})`;
    return `the node's getaddrinfo("${n.target.host}") returned ${n.live.addresses.join(', ') || 'nothing'} in that order (${NET_FILES.resolve})`;
  }
  const src = n.modelled.addresses.map((a) => `${a.address} from ${a.from}`).join(', ');
  return `glibc order for "${n.target.host}" from ${NET_FILES.hosts}, ${NET_FILES.nsswitch}, ${NET_FILES.gai}: ${src || 'no address'}${n.modelled.trail.length ? ` (${n.modelled.trail.join('; ')})` : ''}`;
}

function describeListeners(n: NameCheck): string {
  const l = n.listeners.map(
    (x) =>
      `${x.address.includes(':') ? `[${x.address}]` : x.address}:${x.port}${x.process ? ` (${x.process.name})` : ''}`,
  );
  return `listening on port ${n.target.port}: ${l.join(', ')} (${NET_FILES.listeners})`;
}

export const localhostResolution = defineLegacyRule({
  id: 'net.localhost-resolution',
  cause: 'localhost-resolution',
  title: "The mirror's host name resolves first to an address dfdaemon does not listen on",
  description:
    "the mirror host containerd uses (hosts.toml, --dfdaemon-proxy) resolves — by the node's getaddrinfo, or glibc's order from hosts/nsswitch/gai.conf — to addresses none of which, or not the first of which, a listener on that port accepts; or localhost is only answered by DNS",
  severities: ['critical', 'warning', 'info'],
  remediationSummary:
    'Address the mirror as http://127.0.0.1:<port>, or make the name and the listener agree (hosts file, gai.conf, or dfdaemon listening on ::).',
  when(f) {
    const names = f.net?.names ?? [];
    let sev: Severity | null = null;
    const evidence: string[] = [];
    // keyed by content: several names may ask for the same step
    const steps = new Map<string, Step>();
    const add = (s: Step) => steps.set(JSON.stringify(s), s);
    for (const n of names) {
      if (n.modelled.via === 'literal') continue;
      const configured = n.target.source !== 'fallback';
      const where = `${n.target.url} (${n.target.from})`;
      let s: Severity | null = null;
      let why = '';
      if (
        n.listeners.length > 0 &&
        n.order.length === 0 &&
        (n.live?.error || n.modelled.via === 'unresolved') &&
        !(n.viaDns && !n.live)
      ) {
        s = configured ? 'critical' : 'warning';
        why = `"${n.target.host}" does not resolve, so ${where} cannot be reached`;
      } else if (n.listeners.length > 0 && n.order.length > 0 && n.firstAccepted === -1) {
        s = configured ? 'critical' : 'warning';
        why = `no address "${n.target.host}" resolves to is one dfdaemon listens on: connections to ${where} are refused and containerd falls back to the origin registry`;
      } else if (n.listeners.length > 0 && n.firstAccepted > 0 && configured) {
        s = 'info';
        why = `"${n.target.host}" resolves first to ${n.order[0]}, which nothing on port ${n.target.port} accepts: each new connection to ${where} is refused once before ${n.order[n.firstAccepted]} (Go falls back at once on a refusal, after 300 ms if the first address is silently dropped)`;
      }
      if (n.viaDns && LOCALHOST.test(n.target.host) && configured) {
        s = s === null || order['warning'] < order[s] ? 'warning' : s;
        evidence.push(
          `"${n.target.host}" is not in ${NET_FILES.hosts} and no local nss source answers it: it is looked up in DNS (${n.nameservers.join(', ') || 'no nameserver'}) on every new connection`,
        );
      }
      if (s === null) continue;
      if (sev === null || order[s] < order[sev]) sev = s;
      if (why) evidence.push(why);
      evidence.push(describeOrder(n), describeListeners(n));
      if (n.live && n.modelled.addresses.length > 0) {
        const modelled = n.modelled.addresses.map((a) => a.address).join(', ');
        if (modelled !== n.live.addresses.join(', '))
          evidence.push(`(glibc's order from the bundle's files would be ${modelled})`);
      }
      const port = n.target.port;
      add(cmd(`getent ahosts ${n.target.host}                    # the order getaddrinfo returns`));
      add(cmd(`ss -ltn 'sport = :${port}'                        # the addresses dfdaemon listens on`));
      add(
        prose(
          `In hosts.toml use [host."http://127.0.0.1:${port}"] instead of ${n.target.host} (containerd re-reads hosts.toml without a restart)`,
        ),
      );
      if (n.order[0]?.includes(':')) {
        add(prose('Or prefer IPv4 for getaddrinfo:'));
        add(snippet({ file: '/etc/gai.conf', format: 'text', text: 'precedence ::ffff:0:0/96 100' }));
        add(prose('Or let dfdaemon listen on IPv6 too (Rust client: network.enableIPv6: true → listens on ::)'));
      }
      if (n.viaDns)
        add(
          prose(
            'Add "127.0.0.1 localhost" to /etc/hosts (and keep "files" before "dns" on the hosts: line of /etc/nsswitch.conf)',
          ),
        );
    }
    if (sev === null) return null;
    const m: Match = {
      severity: sev,
      confidence: names.some((n) => n.live && n.target.source !== 'fallback') ? 0.9 : 0.7,
      evidence,
      remediation: { summary: this.remediationSummary, steps: [...steps.values()] },
    };
    return m;
  },
});

export const proxyBypass = defineLegacyRule({
  id: 'net.proxy-bypass',
  cause: 'proxy-bypass',
  title: 'containerd sends mirror traffic through an HTTP proxy',
  description: `containerd's environment (${BUNDLE.containerd.env}, or its systemd drop-ins) sets HTTP_PROXY/HTTPS_PROXY and NO_PROXY does not cover a mirror addressed by node IP or host name (Go never proxies localhost or loopback IPs, whatever NO_PROXY says)`,
  severities: ['critical', 'warning'],
  remediationSummary: "Add the mirror host to NO_PROXY in containerd's unit, or address the mirror as 127.0.0.1.",
  when(f) {
    const p = f.net?.proxy;
    if (!p) return null;
    const proxied = p.decisions.filter((d) => d.role === 'mirror' && d.decision.proxy !== null);
    if (proxied.length === 0) return null;
    const src =
      p.source === 'process'
        ? "the running containerd's environment"
        : "containerd's systemd drop-ins (the running process's environment was not readable)";
    const evidence: string[] = [];
    for (const d of proxied) {
      evidence.push(
        `mirror ${d.target.url} (${d.target.from}) goes through proxy ${d.decision.proxy}: ${d.decision.why}`,
      );
    }
    const vars = (['httpProxy', 'httpsProxy', 'noProxy'] as const)
      .filter((k) => p.env[k] !== undefined)
      .map(
        (k) =>
          `${k === 'httpProxy' ? 'HTTP_PROXY' : k === 'httpsProxy' ? 'HTTPS_PROXY' : 'NO_PROXY'}=${p.env[k]} (${p.env.from[k] ?? '?'})`,
      );
    evidence.push(`from ${src}: ${vars.join(', ')}`);
    const originsProxied = p.decisions.filter((d) => d.role === 'origin' && d.decision.proxy !== null);
    if (originsProxied.length > 0)
      evidence.push(
        `the origin fallback (${originsProxied.map((d) => d.target.url).join(', ')}) goes through the proxy too, as intended`,
      );
    if (p.pendingInDropIns.length > 0)
      evidence.push(
        `drop-ins set ${p.pendingInDropIns.join(', ')} differently from the running process: containerd was not restarted after the change`,
      );
    const hosts = [...new Set(proxied.map((d) => d.target.host))];
    return {
      severity: 'critical',
      confidence: p.source === 'process' ? 0.9 : 0.7,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          cmd('systemctl show containerd -p Environment          # the effective variables'),
          prose(`Add ${hosts.join(',')} to NO_PROXY in containerd's proxy drop-in:`),
          snippet({
            file: '/etc/systemd/system/containerd.service.d/http-proxy.conf',
            format: 'ini',
            text: `[Service]\nEnvironment="NO_PROXY=${[p.env.noProxy || 'localhost,127.0.0.1', ...hosts].join(',')}"`,
          }),
          cmd('systemctl daemon-reload && systemctl restart containerd'),
          prose('Or point hosts.toml at http://127.0.0.1:<proxy port>: Go never proxies loopback addresses'),
        ],
      },
    };
  },
});
