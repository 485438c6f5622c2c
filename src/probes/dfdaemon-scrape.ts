// GET /metrics with undici, bounded in time and size: a hung or huge endpoint is a reason, never a hang.

export const MAX_METRICS_BYTES = 16 * 1024 * 1024;

export type Scrape = { ok: true; text: string; at: string } | { ok: false; reason: string };

export async function scrape(url: string, timeoutMs: number, signal: AbortSignal): Promise<Scrape> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => ac.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  try {
    // loaded here, not at start-up: a node without a metrics endpoint never needs it
    const { request } = await import('undici');
    const at = new Date().toISOString();
    const res = await request(url, {
      method: 'GET',
      signal: ac.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: { accept: 'text/plain;version=0.0.4' },
    });
    if (res.statusCode !== 200) {
      await res.body.dump().catch(() => {});
      return { ok: false, reason: `${url}: HTTP ${res.statusCode}` };
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_METRICS_BYTES) {
        ac.abort(new Error('too large'));
        return { ok: false, reason: `${url}: more than ${MAX_METRICS_BYTES / 2 ** 20} MiB, not read` };
      }
      parts.push(chunk as Buffer);
    }
    return { ok: true, text: Buffer.concat(parts).toString('utf8'), at };
  } catch (e) {
    const err = e as Error & { code?: string };
    const why =
      ac.signal.aborted && !signal.aborted
        ? `no answer within ${timeoutMs} ms`
        : err.code === 'ECONNREFUSED'
          ? 'connection refused'
          : err.message;
    return { ok: false, reason: `${url}: ${why}` };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
