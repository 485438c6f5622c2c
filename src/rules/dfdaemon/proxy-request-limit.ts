// The Rust proxy's request-rate limit (proxy.server.requestRateLimit, from client v1.4.1): past it the
// proxy answers 429 and logs "proxy request rate limit exceeded" (dragonflyoss/client v1.5.1
// dragonfly-client/src/proxy/mod.rs:302-311). containerd takes a 4xx from a mirror as a reason to try
// the next host (containerd v2.2.0 core/remotes/docker/resolver.go:331-337, fetcher.go:304-313), so each
// refused request goes to the origin, past the cache. The code default is 4000 req/s; the Helm chart
// sets 50 for the node's client from 1.7.2 (dragonflyoss/helm-charts dragonfly-1.7.4
// charts/dragonfly/values.yaml:1708-1709), which a node starting many pods at once can exceed.
import type { Setting } from '../../parsers/dfdaemon-config.js';
import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { configAt } from './pull.js';
import { defineRule } from '../rule.js';
import { quote, setting } from './text.js';

interface ProxyRequestLimitFinding {
  refused: number;
  first?: LineRef;
  limit?: Setting<number>;
  configFile?: string;
  /** The config the steps change. */
  config: ConfigAt;
}

export const proxyRequestLimit = defineRule<ProxyRequestLimitFinding>({
  meta: {
    id: 'dfdaemon.proxy-request-limit',
    cause: 'dfdaemon-rate-limit',
    title: "dfdaemon's proxy refused requests over its request-rate limit (429): they went past the cache",
    description:
      'The Rust client logged "proxy request rate limit exceeded" (proxy.server.requestRateLimit, v1.4.1+; chart 1.7.2+ sets 50 req/s): each such request was answered 429, and containerd tried the next host, usually the origin registry',
    severities: ['warning'],
    remediationSummary:
      'Raise proxy.server.requestRateLimit (Helm: client.config.proxy.server.requestRateLimit) to the code default of 4000, and restart dfdaemon.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const s = d?.logs?.summary;
    if (!s || s.proxyRateLimited === 0) return null;
    const cfg = d?.config?.generation === 'rust' ? d.config : undefined;
    return {
      severity: 'warning',
      confidence: 0.9,
      data: {
        refused: s.proxyRateLimited,
        ...(s.proxyRateLimitedFirst ? { first: s.proxyRateLimitedFirst } : {}),
        ...(cfg?.proxyRequestRateLimit ? { limit: cfg.proxyRequestRateLimit, configFile: cfg.file } : {}),
        config: forGen(configAt(f), 'rust'),
      },
    };
  },

  evidence({ refused, first, limit, configFile }) {
    const out = [
      `${refused} proxy request(s) refused with 429 Too Many Requests ("proxy request rate limit exceeded")${first ? `, first ${quote(first)}` : ''}`,
      'containerd takes a 4xx from a mirror as a reason to try the next host: each refused request went to the next host in hosts.toml, usually the origin registry, past the cache and P2P',
    ];
    if (limit)
      out.push(
        `${setting(limit, configFile, (v) => `${v} req/s`)}${limit.from === 'default' ? '' : '; the code default is 4000 req/s, Helm chart 1.7.2 and later set 50'}`,
      );
    return out;
  },

  steps({ config }) {
    return [
      configSnippet(config, 'proxy:\n  server:\n    requestRateLimit: 4000   # requests per second; the code default'),
      ...applySteps(config),
    ];
  },
});
