import { describe, expect, it } from 'vitest';
import { measurementLines } from '../../src/report/measurements-text.js';

describe('measurement lines', () => {
  it('says the loopback throughput was not measured when no transfer completed, and quotes it when one did', () => {
    const rtt = { rttP50Ms: 0.05, rttP99Ms: 310 };
    expect(measurementLines({ loopback: { baseline: rtt } })).toEqual([
      'loopback baseline: RTT p50 0.050 ms p99 310.000 ms, throughput not measured',
    ]);
    expect(measurementLines({ loopback: { baseline: { ...rtt, throughput: { MBps: 2100 } } } })).toEqual([
      'loopback baseline: RTT p50 0.050 ms p99 310.000 ms, throughput 2100.0 MB/s',
    ]);
  });
});
