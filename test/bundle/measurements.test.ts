import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  type LoopbackMeasurement,
  type Measurements,
  MeasurementsSchema,
  storedMeasurements,
} from '../../src/bundle/measurements.js';
import { openBundle } from '../../src/bundle/open.js';
import { redactor } from '../../src/bundle/redact.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import { renderJson } from '../../src/report/json.js';
import type { Report } from '../../src/report/model.js';

const HOST = { hostname: 'n', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 };

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

describe('measurements as written out', () => {
  // what dfdoctor required of loopback.baseline before the throughput was optional: a reader of that
  // version refuses the whole measurements.json without it
  const earlierReader = z.object({
    rttP50Ms: z.number(),
    rttP99Ms: z.number(),
    throughputMBps: z.number().nonnegative(),
  });
  const full: Measurements = {
    loopback: { baseline: { ...rtt, throughput: { MBps: 2100, bytes: 1 << 25, unixMBps: 3900 } } },
  };

  it('keeps the flat throughput fields of earlier versions when a transfer completed, and reads back the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-measured-'));
    try {
      const w = new BundleWriter(dir, redactor);
      w.setMeasurement('loopback', full.loopback as LoopbackMeasurement);
      await w.finish({ tool: { name: 'dfdoctor', version: '0' }, host: HOST, createdAt: '2026-01-01T00:00:00Z' });
      const stored = JSON.parse(readFileSync(join(dir, 'measurements.json'), 'utf8')) as {
        loopback: { baseline: Record<string, unknown> };
      };
      expect(earlierReader.safeParse(stored.loopback.baseline).success).toBe(true);
      expect(stored.loopback.baseline).toMatchObject({ throughputBytes: 1 << 25, unixThroughputMBps: 3900 });
      expect(stored.loopback.baseline.throughput).toBeUndefined();
      const b = await openBundle(dir);
      expect(b.measurements).toEqual(full);
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes the same in the JSON report, and a baseline without a throughput as it is', () => {
    const report = { measurements: full } as unknown as Report;
    const out = JSON.parse(renderJson(report)) as { measurements: { loopback: { baseline: unknown } } };
    expect(earlierReader.safeParse(out.measurements.loopback.baseline).success).toBe(true);
    expect(MeasurementsSchema.parse(out.measurements)).toEqual(full);
    const rttOnly: Measurements = { loopback: { baseline: rtt }, disk: undefined };
    expect(storedMeasurements(rttOnly)).toBe(rttOnly);
  });
});
