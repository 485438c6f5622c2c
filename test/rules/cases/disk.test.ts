import { slowMedium } from '../../../src/rules/disk/slow-medium.js';
import { type DiskScenario, diskBundle } from '../../helpers/disk-bundle.js';
import { RuleTester } from '../../helpers/rule-tester.js';

// The disk probe's files and measurement for a cache dir on /dev/sdb (test/helpers/disk-bundle.ts).
const bundle = (s: DiskScenario) => {
  const b = diskBundle(s);
  return { files: b.files, ...b.opts };
};

new RuleTester().run(slowMedium, {
  fires: [
    {
      name: 'sequential read 80 MB/s, under the floor',
      ...bundle({ measurement: { seqReadMBps: 80 } }),
      severity: 'warning',
      cause: 'disk-slow-medium',
      impactSeconds: 'none',
    },
    {
      name: 'sequential read 20 MB/s, far under it',
      ...bundle({ measurement: { seqReadMBps: 20 } }),
      severity: 'critical',
      cause: 'disk-slow-medium',
    },
    {
      name: '140 MB/s under a floor raised to 200',
      ...bundle({ measurement: { seqReadMBps: 140 } }),
      settings: { diskFloorMBps: 200 },
      severity: 'warning',
    },
  ],
  silent: [
    { name: 'sequential read 140 MB/s', ...bundle({ measurement: { seqReadMBps: 140 } }) },
    {
      name: '60 MB/s with the floor lowered to 50',
      ...bundle({ measurement: { seqReadMBps: 60 } }),
      settings: { diskFloorMBps: 50 },
    },
  ],
});
