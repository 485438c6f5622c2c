import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { MirrorCheck } from '../facts/containerd-routes.js';

export interface MirrorTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number;
}

/**
 * TCP connect, then `GET /v2/` straight to the host (never through HTTP(S)_PROXY: the point is what
 * containerd reaches on loopback). Refused, timed out and answered are told apart.
 */
export async function checkMirror(t: MirrorTarget, timeoutMs: number): Promise<MirrorCheck> {
  const hp = t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  const url = `${t.scheme}://${hp}`;
  const t0 = performance.now();
  const tcp = await new Promise<{ tcp: MirrorCheck['tcp']; error?: string }>((resolve) => {
    const s = connect({ host: t.host === 'localhost' ? '127.0.0.1' : t.host, port: t.port });
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ tcp: 'timeout', error: `no answer within ${timeoutMs} ms` });
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.destroy();
      resolve({ tcp: 'open' });
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ tcp: e.code === 'ECONNREFUSED' ? 'refused' : 'error', error: e.code ?? e.message });
    });
  });
  const connectMs = tcp.tcp === 'open' || tcp.tcp === 'refused' ? performance.now() - t0 : null;
  const base: MirrorCheck = {
    host: hp,
    url,
    tcp: tcp.tcp,
    connectMs,
    v2Status: null,
    ...(tcp.error ? { error: tcp.error } : {}),
  };
  if (tcp.tcp !== 'open') return base;
  const status = await new Promise<{ status: number | null; error?: string }>((resolve) => {
    const req = (t.scheme === 'https' ? httpsRequest : httpRequest)(
      {
        host: t.host === 'localhost' ? '127.0.0.1' : t.host,
        port: t.port,
        path: '/v2/',
        method: 'GET',
        agent: false,
        timeout: timeoutMs,
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? null });
      },
    );
    req.once('timeout', () => {
      req.destroy();
      resolve({ status: null, error: `GET /v2/ timed out after ${timeoutMs} ms` });
    });
    req.once('error', (e: NodeJS.ErrnoException) =>
      resolve({ status: null, error: `GET /v2/: ${e.code ?? e.message}` }),
    );
    req.end();
  });
  return { ...base, v2Status: status.status, ...(status.error ? { error: status.error } : {}) };
}
