import { describe, expect, it } from 'vitest';
import { type LoopbackMeasurement, MeasurementsSchema } from '../../src/bundle/measurements.js';
import { openBundle } from '../../src/bundle/open.js';

const rtt = { rttP50Ms: 0.05, rttP99Ms: 310, samples: 300 };

describe('measurements.loopback.baseline', () => {
  it('reads the flat shape of earlier bundles, throughput and all, into the current one', async () => {
    // fixtures/net-lo-tbf holds measurements.json as dfdoctor wrote it before the throughput was optional
    const b = await openBundle('fixtures/net-lo-tbf');
    expect(b.measurements.loopback?.baseline).toEqual({
      rttP50Ms: 0.061,
      rttP99Ms: 0.98,
      freshConnRttP50Ms: 0.18,
      freshConnRttP99Ms: 0.9,
      samples: 2000,
      freshSamples: 500,
      throughput: { MBps: 24.79, bytes: 67108864, unixMBps: 1843.2 },
    });
    await b.close();
    // the oldest ones recorded neither the bytes nor the UNIX socket
    const old = MeasurementsSchema.parse({ loopback: { baseline: { ...rtt, throughputMBps: 900 } } });
    expect(old.loopback?.baseline).toEqual({ ...rtt, throughput: { MBps: 900 } });
  });

  it('keeps the round trips of a run whose bulk transfer never completed, and reads back what it wrote', () => {
    const written: LoopbackMeasurement = { baseline: rtt };
    const again = MeasurementsSchema.parse(JSON.parse(JSON.stringify({ loopback: written })));
    expect(again.loopback).toEqual(written);
    const full: LoopbackMeasurement = { baseline: { ...rtt, throughput: { MBps: 2100, bytes: 1 << 25 } } };
    expect(MeasurementsSchema.parse({ loopback: full }).loopback).toEqual(full);
    // a throughput is taken only as a whole: no bytes without the rate they gave
    const half = { loopback: { baseline: { ...rtt, throughput: { bytes: 5 } } } };
    expect(MeasurementsSchema.safeParse(half).success).toBe(false);
  });
});
