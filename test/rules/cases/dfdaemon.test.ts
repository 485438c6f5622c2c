import { rateLimit } from '../../../src/rules/dfdaemon/rate-limit.js';
import { goChartConfig } from '../../facts/dfdaemon-fixture-configs.js';
import { goTaskLines, hex64 } from '../../facts/dfdaemon-loggen.js';
import { RuleTester } from '../../helpers/rule-tester.js';

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(1)}`;
const disk = {
  disk: {
    path: '/var/lib/dragonfly',
    device: 'nvme0n1',
    fsType: 'ext4',
    rotational: false,
    seqReadMBps: 1000,
    randReadP50Ms: 0.1,
    randReadP99Ms: 0.5,
    method: 'o_direct' as const,
    bytesRead: 1,
    freeBytes: 1e12,
    totalBytes: 2e12,
  },
};
// A Go dfdaemon (chart config) whose core.log shows one 300 MB task, fetched P2P or served from its cache.
const goNode = (config: string, mode: 'p2p' | 'hit') => ({
  'raw/dfdaemon/generation.txt': 'go\n',
  'raw/dfdaemon/config/dfget.yaml': config,
  'raw/dfdaemon/logs/core.log': `${goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob, size: 300e6, mode, costMs: mode === 'p2p' ? 3100 : 0 }).join('\n')}\n`,
});

new RuleTester().run(rateLimit, {
  fires: [
    {
      name: 'totalRateLimit 100Mi, below the disk, on a P2P pull',
      files: goNode(goChartConfig({ totalRateLimit: '100Mi', perPeerRateLimit: '512Mi' }), 'p2p'),
      measurements: disk,
      severity: 'critical',
      cause: 'dfdaemon-rate-limit',
      impactSeconds: { min: 2, max: 3 },
      evidence: ['raw/dfdaemon/config/dfget.yaml:'],
    },
    {
      name: 'totalRateLimit 50Mi, but the pull was a cache hit',
      files: goNode(goChartConfig({ totalRateLimit: '50Mi' }), 'hit'),
      measurements: disk,
      severity: 'info',
      impactSeconds: 'none',
    },
  ],
  silent: [{ name: "the chart's default limits", files: goNode(goChartConfig(), 'hit'), measurements: disk }],
});
