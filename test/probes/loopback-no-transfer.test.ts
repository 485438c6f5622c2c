import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LoopbackMeasurementSchema } from '../../src/bundle/measurements.js';
import { loopbackProbe } from '../../src/probes/loopback.js';
import { probeContext } from '../helpers/probe-context.js';

// Every bulk transfer fails, as on a lo that drops segments (a reset, or a stall past its budget);
// the round trips still run over real sockets on this host.
vi.mock('../../src/probes/net-measure.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../src/probes/net-measure.js')>()),
  bulkThroughput: () => Promise.reject(new Error('read ECONNRESET')),
}));

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

describe('loopback probe when no bulk transfer completes', () => {
  it('keeps the round trips it measured, with no throughput figure, and says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-loopback-'));
    temps.push(dir);
    // no dfdaemon here: its endpoints are refused at once
    const ctx = probeContext(dir, { options: { dfdaemonProxy: 'http://127.0.0.1:1' }, budgetMs: 4000 });
    const outcome = await loopbackProbe.run(ctx);
    expect(outcome.status).toBe('ok');
    expect(outcome.reason).toMatch(/no bulk transfer on loopback completed \(read ECONNRESET\): RTT measured/);
    const m = LoopbackMeasurementSchema.parse(ctx.out.getMeasurement('loopback'));
    const b = m.baseline;
    expect(b?.samples).toBeGreaterThan(0);
    expect(b?.rttP50Ms).toBeGreaterThan(0);
    expect(b?.rttP99Ms).toBeGreaterThanOrEqual(b?.rttP50Ms ?? Infinity);
    expect(b?.freshSamples).toBeGreaterThan(0);
    expect(b?.freshConnRttP50Ms).toBeGreaterThan(0);
    expect(b).not.toHaveProperty('throughput');
  });
});
