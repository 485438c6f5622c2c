import { BUNDLE } from '../../bundle/layout.js';
import type { ProxyFacts } from '../../facts/net.js';
import { cmd, prose, snippet } from '../steps.js';
import { defineRule } from '../rule.js';

type Decision = ProxyFacts['decisions'][number];

interface BypassFinding {
  proxy: ProxyFacts;
  /** Mirror targets containerd sends through the proxy. */
  proxied: Decision[];
  /** Origin targets that go through it too (as intended). */
  originsProxied: Decision[];
}

const VAR_NAME = { httpProxy: 'HTTP_PROXY', httpsProxy: 'HTTPS_PROXY', noProxy: 'NO_PROXY' } as const;

export const proxyBypass = defineRule<BypassFinding>({
  meta: {
    id: 'net.proxy-bypass',
    cause: 'proxy-bypass',
    title: 'containerd sends mirror traffic through an HTTP proxy',
    description: `containerd's environment (${BUNDLE.containerd.env}, or its systemd drop-ins) sets HTTP_PROXY/HTTPS_PROXY and NO_PROXY does not cover a mirror addressed by node IP or host name (Go never proxies localhost or loopback IPs, whatever NO_PROXY says)`,
    severities: ['critical', 'warning'],
    remediationSummary: "Add the mirror host to NO_PROXY in containerd's unit, or address the mirror as 127.0.0.1.",
  },

  detect(f) {
    const p = f.net?.proxy;
    if (!p) return null;
    const proxied = p.decisions.filter((d) => d.role === 'mirror' && d.decision.proxy !== null);
    if (proxied.length === 0) return null;
    const originsProxied = p.decisions.filter((d) => d.role === 'origin' && d.decision.proxy !== null);
    return {
      severity: 'critical',
      confidence: p.source === 'process' ? 0.9 : 0.7,
      data: { proxy: p, proxied, originsProxied },
    };
  },

  evidence({ proxy: p, proxied, originsProxied }) {
    const src =
      p.source === 'process'
        ? "the running containerd's environment"
        : "containerd's systemd drop-ins (the running process's environment was not readable)";
    const vars = (['httpProxy', 'httpsProxy', 'noProxy'] as const)
      .filter((k) => p.env[k] !== undefined)
      .map((k) => `${VAR_NAME[k]}=${p.env[k]} (${p.env.from[k] ?? '?'})`);
    const out = proxied.map(
      (d) => `mirror ${d.target.url} (${d.target.from}) goes through proxy ${d.decision.proxy}: ${d.decision.why}`,
    );
    out.push(`from ${src}: ${vars.join(', ')}`);
    if (originsProxied.length > 0)
      out.push(
        `the origin fallback (${originsProxied.map((d) => d.target.url).join(', ')}) goes through the proxy too, as intended`,
      );
    if (p.pendingInDropIns.length > 0)
      out.push(
        `drop-ins set ${p.pendingInDropIns.join(', ')} differently from the running process: containerd was not restarted after the change`,
      );
    return out;
  },

  steps({ proxy: p, proxied }) {
    const hosts = [...new Set(proxied.map((d) => d.target.host))];
    return [
      cmd('systemctl show containerd -p Environment          # the effective variables'),
      prose(`Add ${hosts.join(',')} to NO_PROXY in containerd's proxy drop-in:`),
      snippet({
        file: '/etc/systemd/system/containerd.service.d/http-proxy.conf',
        format: 'ini',
        text: `[Service]\nEnvironment="NO_PROXY=${[p.env.noProxy || 'localhost,127.0.0.1', ...hosts].join(',')}"`,
      }),
      cmd('systemctl daemon-reload && systemctl restart containerd'),
      prose('Or point hosts.toml at http://127.0.0.1:<proxy port>: Go never proxies loopback addresses'),
    ];
  },
});
