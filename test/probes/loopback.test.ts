import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LoopbackMeasurementSchema } from '../../src/bundle/measurements.js';
import { loopbackProbe } from '../../src/probes/loopback.js';
import { probeContext } from '../helpers/probe-context.js';

const temps: string[] = [];
let server: Server | null = null;
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

describe('loopback probe (real sockets on this host)', () => {
  it('writes the raw files and a schema-valid measurement, and times a given --dfdaemon-proxy', async () => {
    server = createServer((_q, r) => r.end('ok'));
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-loopback-'));
    temps.push(dir);
    const cleanups: (() => unknown)[] = [];
    const ctx = probeContext(dir, {
      options: { dfdaemonProxy: `http://127.0.0.1:${port}` },
      budgetMs: 6000,
      cleanup: { add: (fn) => (cleanups.push(fn), () => cleanups.splice(cleanups.indexOf(fn), 1)) },
    });
    const outcome = await loopbackProbe.run(ctx);
    expect(outcome.status).toBe('ok');
    // the baseline server was stopped and its cleanup step removed again
    expect(cleanups).toEqual([]);
    const m = LoopbackMeasurementSchema.parse(ctx.out.getMeasurement('loopback'));
    expect(m.baseline?.samples).toBeGreaterThanOrEqual(200);
    expect(m.baseline?.throughput?.MBps).toBeGreaterThan(0);
    expect(m.baseline?.throughput?.bytes).toBeGreaterThan(0);
    expect(m.dfdaemon?.endpoint).toBe(`http://127.0.0.1:${port}`);
    expect(m.dfdaemon?.connectP50Ms).toBeGreaterThan(0);
    const files = await readdir(join(dir, 'raw/net'));
    expect(files).toEqual(
      expect.arrayContaining(['listeners.txt', 'qdisc.txt', 'hosts', 'resolve.json', 'endpoints.json']),
    );
    const resolved = JSON.parse(await readFile(join(dir, 'raw/net/resolve.json'), 'utf8')) as Record<
      string,
      { addresses: string[] }
    >;
    expect(resolved['127.0.0.1']?.addresses).toEqual(['127.0.0.1']);
    const eps = JSON.parse(await readFile(join(dir, 'raw/net/endpoints.json'), 'utf8')) as {
      dfdaemon: { url: string; tcp: string; from: string }[];
    };
    expect(eps.dfdaemon[0]).toMatchObject({ url: `http://127.0.0.1:${port}`, tcp: 'open', from: 'flag' });
  });
});
