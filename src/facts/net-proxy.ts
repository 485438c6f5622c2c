import { Tally } from '../bundle/redact-tally.js';
import { redactUrlCredentials } from '../bundle/redact-text.js';
import type { EnvValue } from '../parsers/containerd-env.js';
import { isLoopback, parseIp, inNet } from '../parsers/net-address.js';

// Go's net/http proxy choice (golang.org/x/net/http/httpproxy, which containerd's registry transport
// uses through http.ProxyFromEnvironment), re-implemented over values read from the bundle:
// upper-case variables win over lower-case, `localhost` and loopback IPs are never proxied whatever
// NO_PROXY says, and NO_PROXY entries match IPs, CIDRs, and domains with their subdomains.

export interface ProxyEnv {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
  /** Which file and line each value came from. */
  from: Partial<Record<'httpProxy' | 'httpsProxy' | 'noProxy', string>>;
}

/** Picks the variables as Go does: HTTP_PROXY before http_proxy, and so on. */
export function proxyEnvFrom(vars: Map<string, EnvValue>): ProxyEnv {
  const pick = (upper: string) => vars.get(upper) ?? vars.get(upper.toLowerCase());
  const out: ProxyEnv = { from: {} };
  const h = pick('HTTP_PROXY');
  const s = pick('HTTPS_PROXY');
  const n = pick('NO_PROXY');
  if (h && h.value !== '') {
    out.httpProxy = h.value;
    out.from.httpProxy = h.from;
  }
  if (s && s.value !== '') {
    out.httpsProxy = s.value;
    out.from.httpsProxy = s.from;
  }
  if (n) {
    out.noProxy = n.value;
    out.from.noProxy = n.from;
  }
  return out;
}

export interface ProxyDecision {
  /** The proxy URL used, or null for a direct connection. */
  proxy: string | null;
  why: string;
}

function splitHostPort(url: URL): { host: string; port: string } {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return { host, port };
}

/** Whether Go would send a request for `target` through a proxy, given these variables. */
export function goProxyFor(target: string, env: ProxyEnv): ProxyDecision {
  let url: URL;
  try {
    url = new URL(target.includes('://') ? target : `https://${target}`);
  } catch {
    return { proxy: null, why: `not a URL: ${target}` };
  }
  const proxy = url.protocol === 'https:' ? env.httpsProxy : url.protocol === 'http:' ? env.httpProxy : undefined;
  const varName = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  if (!proxy) return { proxy: null, why: `${varName} not set` };
  const { host, port } = splitHostPort(url);
  if (host === 'localhost') return { proxy: null, why: 'Go never proxies "localhost"' };
  const ip = parseIp(host);
  if (ip && isLoopback(host)) return { proxy: null, why: 'Go never proxies a loopback address' };
  for (const raw of (env.noProxy ?? '').split(',')) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return { proxy: null, why: 'NO_PROXY=*' };
    if (p.includes('/')) {
      if (ip && inNet(host, p) === true) return { proxy: null, why: `NO_PROXY entry ${p}` };
      continue;
    }
    let phost = p;
    let pport = '';
    const hp = /^\[?([^\]]*?)\]?:(\d+)$/.exec(p);
    if (hp && (p.startsWith('[') || (hp[1] ?? '').split(':').length === 1)) {
      phost = hp[1] as string;
      pport = hp[2] as string;
    }
    if (parseIp(phost)) {
      if (
        ip &&
        parseIp(phost)?.value === ip.value &&
        parseIp(phost)?.family === ip.family &&
        (pport === '' || pport === port)
      ) {
        return { proxy: null, why: `NO_PROXY entry ${p}` };
      }
      continue;
    }
    if (phost === '') continue;
    if (phost.startsWith('*.')) phost = phost.slice(1);
    let matchHost = false;
    if (!phost.startsWith('.')) {
      matchHost = true;
      phost = `.${phost}`;
    }
    if ((host.endsWith(phost) || (matchHost && host === phost.slice(1))) && (pport === '' || pport === port)) {
      return { proxy: null, why: `NO_PROXY entry ${p}` };
    }
  }
  return { proxy, why: env.noProxy === undefined ? 'NO_PROXY not set' : `no NO_PROXY entry covers ${host}` };
}

/** A proxy URL safe to print: its credentials masked by the redactor's own URL rule. */
export function redactUrl(u: string): string {
  return redactUrlCredentials(u, new Tally());
}
