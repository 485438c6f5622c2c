import type { Socket } from 'node:net';
import type { Discovery } from './context.js';
import { connectWithin, quantile } from './net-measure.js';

// dfdaemon's endpoints as seen over loopback: TCP connect time on each, and time to first byte and
// throughput of a real response. The proxy itself would forward an arbitrary request upstream (WAN
// traffic, not loopback), so the "real response" comes from dfdaemon's own metrics or health
// endpoint, which the same process serves over the same path. Raw sockets: no proxy variable applies.

export interface Endpoint {
  url: string;
  role: 'proxy' | 'upload' | 'metrics' | 'health';
  port: number;
  from: 'flag' | 'discovery' | 'default';
  /** For HTTP endpoints that answer GET with a local body. */
  get?: boolean;
}

function ep(url: string, role: Endpoint['role'], from: Endpoint['from'], get = false): Endpoint | null {
  try {
    const u = new URL(url);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    return get ? { url, role, port, from, get } : { url, role, port, from };
  } catch {
    return null;
  }
}

/** The endpoints to try: --dfdaemon-proxy, what the dfdaemon probe found, and both generations' defaults (docs/dfdaemon.md). */
export function endpointsToTry(proxyFlag: string | undefined, d: Discovery['dfdaemon']): Endpoint[] {
  const out: (Endpoint | null)[] = [];
  if (proxyFlag) out.push(ep(proxyFlag, 'proxy', 'flag'));
  if (d?.proxyUrl) out.push(ep(d.proxyUrl, 'proxy', 'discovery'));
  if (d?.metricsUrl) out.push(ep(d.metricsUrl, 'metrics', 'discovery', true));
  const go = d?.generation !== 'rust';
  const rust = d?.generation !== 'go';
  if (go) {
    out.push(ep('http://127.0.0.1:65001', 'proxy', 'default'), ep('http://127.0.0.1:65002', 'upload', 'default'));
    out.push(ep('http://127.0.0.1:40901/server/ping', 'health', 'default', true));
  }
  if (rust) {
    out.push(ep('http://127.0.0.1:4001', 'proxy', 'default'), ep('http://127.0.0.1:4000', 'upload', 'default'));
    out.push(
      ep('http://127.0.0.1:4002/metrics', 'metrics', 'default', true),
      ep('http://127.0.0.1:4003/healthy', 'health', 'default', true),
    );
  }
  const seen = new Set<string>();
  return out.filter((e): e is Endpoint => {
    if (!e) return false;
    const k = `${e.role}:${new URL(e.url).host}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export interface EndpointCheck extends Endpoint {
  tcp: 'open' | 'refused' | 'timeout' | 'error';
  connectMs: number[];
  get?: boolean;
}

export async function checkConnect(e: Endpoint, budgetMs: number, maxSamples: number): Promise<EndpointCheck> {
  const u = new URL(e.url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const deadline = performance.now() + budgetMs;
  const first = await connectWithin(host, e.port, Math.min(500, budgetMs));
  if ('error' in first) return { ...e, tcp: first.error, connectMs: [] };
  first.socket.destroy();
  const connectMs = [first.ms];
  while (connectMs.length < maxSamples && performance.now() < deadline) {
    const c = await connectWithin(host, e.port, Math.max(1, deadline - performance.now()));
    if ('error' in c) break;
    connectMs.push(c.ms);
    c.socket.destroy();
  }
  return { ...e, tcp: 'open', connectMs };
}

export interface ResponseTiming {
  status: number | null;
  ttfbMs: number;
  bodyBytes: number;
  /** Body bytes per second after the first byte, MB/s. */
  MBps: number | null;
}

/** One GET with Connection: close over a raw socket; bounded by bytes and time. */
export async function timedGet(
  url: string,
  opts: { budgetMs: number; maxBytes: number },
): Promise<ResponseTiming | { error: string }> {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = Number(u.port || 80);
  const t0 = performance.now();
  const c = await connectWithin(host, port, opts.budgetMs);
  if ('error' in c) return { error: c.detail };
  const s: Socket = c.socket;
  return new Promise((resolve) => {
    let head = Buffer.alloc(0);
    let headerDone = false;
    let status: number | null = null;
    let body = 0;
    let firstByte: number | null = null;
    let last = t0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      s.destroy();
      if (firstByte === null) return resolve({ error: `no response within ${opts.budgetMs} ms` });
      const secs = (last - firstByte) / 1000;
      resolve({
        status,
        ttfbMs: firstByte - t0,
        bodyBytes: body,
        MBps: secs > 0 && body > 0 ? body / 1e6 / secs : null,
      });
    };
    const timer = setTimeout(finish, opts.budgetMs);
    s.on('data', (d: Buffer) => {
      if (firstByte === null) firstByte = performance.now();
      last = performance.now();
      if (!headerDone) {
        head = Buffer.concat([head, d]);
        const at = head.indexOf('\r\n\r\n');
        if (at < 0) {
          if (head.length > 64 * 1024) finish();
          return;
        }
        headerDone = true;
        const m = /^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, Math.min(at, 200)).toString('latin1'));
        status = m ? Number(m[1]) : null;
        body += head.length - at - 4;
      } else body += d.length;
      if (body >= opts.maxBytes) finish();
    });
    s.on('end', finish);
    s.on('close', finish);
    s.on('error', finish);
    s.write(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUser-Agent: dfdoctor\r\nAccept: */*\r\nConnection: close\r\n\r\n`,
    );
  });
}

export function p50(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
}

export function p99(xs: number[]): number | null {
  if (xs.length === 0) return null;
  return quantile(
    [...xs].sort((a, b) => a - b),
    0.99,
  );
}
