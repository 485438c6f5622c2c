// dfdaemon.proxy-request-limit: the Rust proxy's 429s over proxy.server.requestRateLimit (client v1.4.1+)
import { describe, expect, it } from 'vitest';
import { parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';
import { proxyRequestLimit } from '../../src/rules/dfdaemon/proxy-request-limit.js';
import { factsFrom } from '../helpers/bundle.js';
import { rustCompact, rustProxy } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2026, 10, 20, 7, 50, 0);
const URL = 'https://index.docker.io/v2/library/nginx/manifests/1.4';
// the client's own line: `error!("proxy request rate limit exceeded")` in the proxy's handler span
const refused = (ms: number) =>
  rustCompact(ms, 'ERROR', 'handler', 'dragonfly-client/src/proxy/mod.rs:305', 'proxy request rate limit exceeded');

describe('dfdaemon.proxy-request-limit', () => {
  const bundle = (log: string[], config = 'proxy:\n  server:\n    port: 4001\n    requestRateLimit: 50\n') =>
    factsFrom({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/version.txt': 'v1.5.1\n',
      'raw/dfdaemon/config/dfdaemon.yaml': config,
      'raw/dfdaemon/logs/dfdaemon.log': `${log.join('\n')}\n`,
    });

  it('fires on refused requests, with their count, the first line and the limit in effect', async () => {
    const f = await bundle([
      rustProxy(T0, URL, false),
      refused(T0 + 5),
      refused(T0 + 9),
      rustProxy(T0 + 20, URL, false),
    ]);
    const m = proxyRequestLimit.when(f);
    expect(m?.severity).toBe('warning');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain('2 proxy request(s) refused with 429 Too Many Requests');
    expect(ev).toContain('first raw/dfdaemon/logs/dfdaemon.log:2');
    expect(ev).toContain('proxy.server.requestRateLimit: 50 req/s (raw/dfdaemon/config/dfdaemon.yaml:4)');
  });

  it('is silent on a proxy log without refusals', async () => {
    expect(proxyRequestLimit.when(await bundle([rustProxy(T0, URL, false)]))).toBeNull();
  });

  it('reads proxy.server.requestRateLimit only from v1.4.1, with the code default 4000', () => {
    const cfg = (text: string, v?: string) => {
      const r = parseDfdaemonConfig(text, 'rust', v);
      if (!r.ok) throw new Error('config did not parse');
      return r.config.proxyRequestRateLimit;
    };
    expect(cfg('proxy:\n  server:\n    requestRateLimit: 50\n', 'v1.5.1')).toMatchObject({ value: 50, from: 'config' });
    expect(cfg('proxy: {}\n', 'v1.4.1')).toMatchObject({ value: 4000, from: 'default' });
    expect(cfg('proxy:\n  server:\n    requestRateLimit: 50\n', 'v1.4.0')).toBeUndefined();
  });
});
