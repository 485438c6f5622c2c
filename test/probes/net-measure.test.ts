import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConnect, endpointsToTry, timedGet } from '../../src/probes/net-endpoints.js';
import { bulkThroughput, freshConnRtt, keepAliveRtt, startBaselineServer } from '../../src/probes/net-measure.js';

// Real sockets on 127.0.0.1: the measurement code against its own worker-thread server and a real HTTP server.

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

async function httpServer(body: Buffer): Promise<{ url: string; port: number }> {
  const s: Server = createServer((_q, r) => r.end(body));
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  closers.push(() => new Promise((res) => s.close(() => res())));
  const port = (s.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/metrics`, port };
}

async function closedPort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((res) => s.close(() => res()));
  return port;
}

describe('loopback baseline measurement', () => {
  it('measures RTTs, fresh connections and bulk throughput against its own server, bounded by samples and bytes', async () => {
    const srv = await startBaselineServer();
    closers.push(() => srv.stop());
    const keep = await keepAliveRtt(srv.port, { maxSamples: 300, budgetMs: 5000 });
    expect(keep.samples).toHaveLength(300);
    expect(keep.censored).toBe(0);
    expect(Math.min(...keep.samples)).toBeGreaterThan(0);
    const fresh = await freshConnRtt(srv.port, { maxSamples: 50, budgetMs: 5000 });
    expect(fresh.samples).toHaveLength(50);
    const bulk = await bulkThroughput(srv.port, { maxBytes: 8 << 20, budgetMs: 5000 });
    expect(bulk.bytes).toBe(8 << 20);
    expect(bulk.MBps).toBeGreaterThan(0);
    expect(srv.unixPath).toMatch(/^\0dfdoctor-/);
    const unix = await bulkThroughput(srv.unixPath as string, { maxBytes: 4 << 20, budgetMs: 5000 });
    expect(unix.bytes).toBe(4 << 20);
  });

  it('with a settle rule, stops once the median holds, long before its sample bound', async () => {
    const srv = await startBaselineServer();
    closers.push(() => srv.stop());
    const settle = { minSamples: 300, every: 100, within: 0.1 };
    let t0 = performance.now();
    const keep = await keepAliveRtt(srv.port, { maxSamples: 100_000, budgetMs: 20_000, settle });
    // stopped by the rule (checked every 100 samples from 300 on), neither by the sample bound nor by the time bound
    expect(keep.samples.length).toBeGreaterThanOrEqual(300);
    expect(keep.samples.length % 100).toBe(0);
    expect(keep.samples.length).toBeLessThan(100_000);
    expect(performance.now() - t0).toBeLessThan(20_000);
    t0 = performance.now();
    const fresh = await freshConnRtt(srv.port, {
      maxSamples: 100_000,
      budgetMs: 20_000,
      settle: { minSamples: 100, every: 50, within: 0.1 },
    });
    expect(fresh.samples.length).toBeGreaterThanOrEqual(100);
    expect(fresh.samples.length % 50).toBe(0);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });

  it('stops a phase at its time budget', async () => {
    const srv = await startBaselineServer();
    closers.push(() => srv.stop());
    const t0 = performance.now();
    const keep = await keepAliveRtt(srv.port, { maxSamples: 10_000_000, budgetMs: 200 });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(keep.samples.length).toBeLessThan(10_000_000);
  });
});

describe("dfdaemon's endpoints", () => {
  it("lists --dfdaemon-proxy first, then both generations' defaults", () => {
    const e = endpointsToTry('http://localhost:4001', undefined);
    expect(e[0]).toMatchObject({ url: 'http://localhost:4001', role: 'proxy', port: 4001, from: 'flag' });
    expect(e.map((x) => x.port)).toEqual(expect.arrayContaining([65001, 65002, 4001, 4000, 4002]));
    const rust = endpointsToTry(undefined, {
      generation: 'rust',
      cacheDir: '/var/lib/dragonfly',
      ports: [4000, 4001],
      proxyUrl: 'http://127.0.0.1:4001',
    });
    expect(rust.map((x) => x.port)).not.toContain(65001);
  });

  it('times connect, first byte and the body of a real HTTP response', async () => {
    const { url, port } = await httpServer(Buffer.alloc(256 * 1024, 0x41));
    const c = await checkConnect({ url, role: 'metrics', port, from: 'default', get: true }, 1000, 20);
    expect(c.tcp).toBe('open');
    expect(c.connectMs.length).toBeGreaterThan(1);
    const r = await timedGet(url, { budgetMs: 3000, maxBytes: 1 << 30 });
    expect('error' in r).toBe(false);
    if (!('error' in r)) {
      expect(r.status).toBe(200);
      expect(r.bodyBytes).toBe(256 * 1024);
      expect(r.ttfbMs).toBeGreaterThan(0);
    }
  });

  it('says "refused" for a port nothing listens on', async () => {
    const port = await closedPort();
    const c = await checkConnect({ url: `http://127.0.0.1:${port}`, role: 'proxy', port, from: 'default' }, 500, 5);
    expect(c.tcp).toBe('refused');
    expect(c.connectMs).toEqual([]);
  });
});
