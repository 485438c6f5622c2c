import type { Measurements } from '../../../src/bundle/measurements.js';
import { makeBaseline } from '../../../src/facts/baseline.js';
import { baselineRules } from '../../../src/rules/baseline.js';
import { RuleTester } from '../../helpers/rule-tester.js';

const diskRegression = baselineRules.find((r) => r.id === 'baseline.disk-regression');
if (!diskRegression) throw new Error('baseline.disk-regression is not in baselineRules');

const disk = (seqReadMBps: number): Measurements => ({
  disk: {
    path: '/var/lib/dragonfly',
    device: '/dev/sda',
    fsType: 'ext4',
    rotational: false,
    seqReadMBps,
    randReadP50Ms: 0.2,
    randReadP99Ms: 2,
    method: 'o_direct',
    bytesRead: 1,
    freeBytes: 1,
    totalBytes: 2,
  },
});
// Saved when the cache disk read 400 MB/s.
const baseline = makeBaseline({
  measurements: disk(400),
  createdAt: '2026-11-01T00:00:00.000Z',
  tool: { name: 'dfdoctor', version: '0.1.0' },
  host: { hostname: 'node-1' },
});

new RuleTester().run(diskRegression, {
  fires: [
    {
      name: '400 → 290 MB/s, beyond the 25 % tolerance',
      measurements: disk(290),
      settings: { baseline, tolerance: 0.25 },
      severity: 'warning',
      cause: 'disk-slow-medium',
    },
  ],
  silent: [
    { name: '400 → 310 MB/s, within the tolerance', measurements: disk(310), settings: { baseline, tolerance: 0.25 } },
    { name: '400 → 290 MB/s with a 30 % tolerance', measurements: disk(290), settings: { baseline, tolerance: 0.3 } },
    { name: 'no baseline given', measurements: disk(290) },
  ],
});
