import type { DiskMeasurement } from '../../bundle/measurements.js';
import type { DiskFacts } from '../../facts/disk.js';
import { pullInQuestion, type PullInQuestion } from '../../facts/pull.js';
import { configAt } from '../dfdaemon/pull.js';
import { type ConfigAt, moveStorageDir } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { saturation } from './saturation.js';
import { deviceText, HOW, mb, mediumEvidence } from './text.js';

/** A healthy local NVMe's sequential read (PCIe 3.0 x4 drives are specified at ~3.0–3.5 GB/s), the "what it could be" of impactSeconds. */
export const HEALTHY_NVME_MBPS = 3000;
/** The disk counts as the floor of the pull when reading the pull's bytes takes this share of its wall time. */
const PULL_SHARE = 0.5;

interface SlowMediumFinding {
  disk: DiskFacts;
  read: DiskMeasurement & { seqReadMBps: number };
  floor: number;
  belowFloor: boolean;
  /** The pull in question, the seconds its bytes take at this rate, and those above a healthy NVMe's. */
  pull?: PullInQuestion & { diskSeconds: number; impact: number };
  /** disk.saturated holds too: other IO shares the device. */
  contended: boolean;
  config: ConfigAt;
}

export const slowMedium = defineRule<SlowMediumFinding>({
  meta: {
    id: 'disk.slow-medium',
    cause: 'disk-slow-medium',
    title: "dfdaemon's cache dir is on a device too slow for the pull",
    description:
      "O_DIRECT sequential read of the cache dir below --disk-floor-mbps (default 100 MB/s), or, when the pull is known, reading its bytes at that rate takes half the pull's wall time",
    severities: ['critical', 'warning'],
    remediationSummary: "Move dfdaemon's storage dir to local SSD/NVMe or a volume with provisioned throughput.",
  },

  detect(f) {
    const d = f.disk;
    const r = d?.read;
    if (!d || !r || r.seqReadMBps === null || r.seqReadMBps <= 0) return null;
    // page_cache means the device was never reached: RAM speed says nothing about the disk
    if (r.method === 'page_cache') return null;
    const rate = r.seqReadMBps;
    const floor = f.settings.diskFloorMBps;
    const p = pullInQuestion(f);
    const pull = p
      ? {
          ...p,
          diskSeconds: p.bytes / (rate * 1e6),
          impact: Math.max(0, p.bytes / (rate * 1e6) - p.bytes / (HEALTHY_NVME_MBPS * 1e6)),
        }
      : undefined;
    const belowFloor = rate < floor;
    const floorOfPull =
      pull !== undefined &&
      pull.seconds !== null &&
      pull.seconds > 0 &&
      pull.diskSeconds >= PULL_SHARE * pull.seconds &&
      pull.impact >= 1;
    if (!belowFloor && !floorOfPull) return null;
    const contended = saturation(f) !== null;
    const severe = rate < floor / 4 || (pull?.seconds && pull.impact >= PULL_SHARE * pull.seconds);
    return {
      severity: severe ? 'critical' : 'warning',
      confidence: (r.method === 'existing_files' ? 0.7 : 0.85) - (contended ? 0.2 : 0),
      ...(pull ? { impactSeconds: pull.impact } : {}),
      data: { disk: d, read: { ...r, seqReadMBps: rate }, floor, belowFloor, pull, contended, config: configAt(f) },
    };
  },

  evidence({ disk: d, read: r, floor, belowFloor, pull, contended }) {
    const rate = r.seqReadMBps;
    const out = [
      `sequential read ${mb(rate)} of ${d.path} (${HOW[r.method]}, ${(r.bytesRead / 1e6).toFixed(0)} MB read; measurements.disk.seqReadMBps)`,
      belowFloor
        ? `below the floor for image serving of ${floor} MB/s (--disk-floor-mbps)`
        : `at or above the ${floor} MB/s floor (--disk-floor-mbps), but too slow for this pull`,
      ...mediumEvidence(d),
      `device: ${deviceText(d)}${d.mount ? `, ${d.mount.fsType} on ${d.mount.mountPoint}` : ''} (manifest probes.disk)`,
    ];
    if (r.pageCacheReadMBps)
      out.push(
        `page-cache read of the same file ${mb(r.pageCacheReadMBps)}: hot pieces come from RAM, cold ones at the device rate`,
      );
    if (pull) {
      const mbs = (pull.bytes / 1e6).toFixed(0);
      out.push(`${pull.evidence}; reading its ${mbs} MB at ${mb(rate)} takes ${pull.diskSeconds.toFixed(1)} s`);
      out.push(
        `impact = ${mbs} MB / ${mb(rate)} − ${mbs} MB / ${HEALTHY_NVME_MBPS} MB/s (a healthy NVMe) = ${pull.impact.toFixed(1)} s`,
      );
    } else {
      out.push('no pull size known (run `dfdoctor bench`, or keep dfdaemon logs) — the floor decides, not a time');
    }
    if (contended)
      out.push(
        'the device was also busy with other IO during the window (see disk.saturated): part of the slowness may be contention',
      );
    return out;
  },

  steps({ disk: d, config }) {
    return [
      ...moveStorageDir(config, 'a local SSD/NVMe (instance store, local PV)', '/mnt/nvme/dragonfly'),
      prose(
        'On a cloud volume, provision throughput instead (AWS gp3 baseline is 125 MiB/s; raise it, or use io2/local NVMe); a volume restored from a snapshot reads slowly until initialised.',
      ),
      cmd(
        `fio --name=seq --directory=${d.path} --size=1G --direct=1 --rw=read --bs=1M --ioengine=libaio --iodepth=8 && rm ${d.path}/seq.0.0    # confirm on the same dir`,
      ),
    ];
  },
});
