import type { DiskFacts } from '../facts/disk.js';
import { pullInQuestion } from '../facts/pull.js';
import type { Facts } from '../facts/types.js';
import type { Step } from '../report/model.js';
import { defineLegacyRule, type Rule } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd, prose, snippet } from './steps.js';

/** A healthy local NVMe's sequential read (PCIe 3.0 x4 drives are specified at ~3.0–3.5 GB/s), the "what it could be" of impactSeconds. */
export const HEALTHY_NVME_MBPS = 3000;
/** The disk counts as the floor of the pull when reading the pull's bytes takes this share of its wall time. */
const PULL_SHARE = 0.5;
/** Latency this many times the device's unloaded latency counts as "far above". */
const LATENCY_FACTOR = 5;
/** ... and never below this, so that an NVMe going from 0.05 to 0.3 ms does not count as saturated. */
const LATENCY_FLOOR_MS = 2;
/** Mean queue size (aqu-sz) from which the queue counts as deep. */
const DEEP_QUEUE = 2;
/** Reads in the window needed before r_await means anything. */
const MIN_READS = 20;
const FREE_PCT_FLOOR = 10;
const FREE_INODES_PCT_FLOOR = 10;

const mb = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} MB/s`;
const ms = (n: number) => `${n < 1 ? n.toFixed(3) : n.toFixed(1)} ms`;
const gb = (n: number) => `${(n / 1e9).toFixed(1)} GB`;

function deviceText(d: DiskFacts): string {
  const chain = d.chain.length > 1 ? ` (${d.chain.join(' → ')})` : '';
  const models = d.physical.map((p) => [p.vendor, p.model].filter(Boolean).join(' ')).filter((s) => s !== '');
  return `${d.device?.name ?? 'unknown device'}${chain}${models.length > 0 ? `, ${models.join(', ')}` : ''}`;
}

/** What the medium looks like, with the rotational flag weighed against measured latency. */
function mediumEvidence(d: DiskFacts): string[] {
  const out: string[] = [];
  const rot = d.physical.map(
    (p) => `${p.name} rotational=${p.rotational === null || p.rotational === undefined ? '?' : p.rotational ? 1 : 0}`,
  );
  if (d.medium) {
    const what = {
      flash: 'flash-like (sub-0.3 ms)',
      'network-or-virtual': 'network or virtualised block storage (0.3–2 ms)',
      'seek-bound': 'seek-bound or throttled (≥ 2 ms)',
    }[d.medium.byLatency];
    const flagNote =
      d.physical.some((p) => p.rotational === true) && d.medium.byLatency === 'flash'
        ? '; the rotational flag is wrong here (virtio disks report 1 on SSD-backed hosts)'
        : '';
    out.push(
      `4 KiB random read p50 ${ms(d.medium.p50Ms)} → ${what}; measured latency decides, not the flag${rot.length > 0 ? ` (/sys/block/…/queue/rotational: ${rot.join(', ')})` : ''}${flagNote} (measurements.disk.randReadP50Ms)`,
    );
  } else if (rot.length > 0) {
    out.push(`${rot.join(', ')} (/sys/block/…/queue/rotational; unreliable on VMs, not used to decide)`);
  }
  return out;
}

function storageDirSteps(f: Facts): Step[] {
  const gen = f.dfdaemon?.config?.generation ?? f.dfdaemon?.generation ?? null;
  const go = snippet({ file: '/etc/dragonfly/dfget.yaml', format: 'yaml', text: 'dataDir: /mnt/nvme/dragonfly' });
  const rust = snippet({
    file: '/etc/dragonfly/dfdaemon.yaml',
    format: 'yaml',
    text: 'storage:\n  dir: /mnt/nvme/dragonfly/',
  });
  const steps = gen === 'go' ? [go] : gen === 'rust' ? [rust] : [go, rust];
  return [
    prose("Move dfdaemon's storage dir to a local SSD/NVMe (instance store, local PV), then restart dfdaemon:"),
    ...steps,
    prose(
      'Helm chart: mount that path into the dfdaemon pod (hostPath), e.g. dfdaemon.mountDataDirAsHostPath: true for the Go chart, and set the config key above.',
    ),
    prose(
      'On a cloud volume, provision throughput instead (AWS gp3 baseline is 125 MiB/s; raise it, or use io2/local NVMe); a volume restored from a snapshot reads slowly until initialised.',
    ),
  ];
}

export const slowMedium = defineLegacyRule({
  id: 'disk.slow-medium',
  cause: 'disk-slow-medium',
  title: "dfdaemon's cache dir is on a device too slow for the pull",
  description:
    "O_DIRECT sequential read of the cache dir below --disk-floor-mbps (default 100 MB/s), or, when the pull is known, reading its bytes at that rate takes half the pull's wall time",
  severities: ['critical', 'warning'],
  remediationSummary: "Move dfdaemon's storage dir to local SSD/NVMe or a volume with provisioned throughput.",
  when(f) {
    const d = f.disk;
    const r = d?.read;
    if (!d || !r || r.seqReadMBps === null || r.seqReadMBps <= 0) return null;
    // page_cache means the device was never reached: RAM speed says nothing about the disk
    if (r.method === 'page_cache') return null;
    const rate = r.seqReadMBps;
    const floor = f.settings.diskFloorMBps;
    const pull = pullInQuestion(f);
    const diskSeconds = pull ? pull.bytes / (rate * 1e6) : null;
    const impact = pull ? Math.max(0, pull.bytes / (rate * 1e6) - pull.bytes / (HEALTHY_NVME_MBPS * 1e6)) : undefined;
    const belowFloor = rate < floor;
    const floorOfPull =
      pull !== null &&
      pull.seconds !== null &&
      pull.seconds > 0 &&
      diskSeconds !== null &&
      diskSeconds >= PULL_SHARE * pull.seconds &&
      (impact ?? 0) >= 1;
    if (!belowFloor && !floorOfPull) return null;

    const how = {
      o_direct: 'O_DIRECT, 1 MiB reads',
      fio: 'fio --direct=1 --bs=1M',
      existing_files: "O_DIRECT reads of dfdaemon's own cached files",
      page_cache: '',
    }[r.method];
    const evidence = [
      `sequential read ${mb(rate)} of ${d.path} (${how}, ${(r.bytesRead / 1e6).toFixed(0)} MB read; measurements.disk.seqReadMBps)`,
      belowFloor
        ? `below the floor for image serving of ${floor} MB/s (--disk-floor-mbps)`
        : `at or above the ${floor} MB/s floor (--disk-floor-mbps), but too slow for this pull`,
      ...mediumEvidence(d),
      `device: ${deviceText(d)}${d.mount ? `, ${d.mount.fsType} on ${d.mount.mountPoint}` : ''} (manifest probes.disk)`,
    ];
    if (r.pageCacheReadMBps)
      evidence.push(
        `page-cache read of the same file ${mb(r.pageCacheReadMBps)}: hot pieces come from RAM, cold ones at the device rate`,
      );
    if (pull && diskSeconds !== null) {
      evidence.push(
        `${pull.evidence}; reading its ${(pull.bytes / 1e6).toFixed(0)} MB at ${mb(rate)} takes ${diskSeconds.toFixed(1)} s`,
      );
      evidence.push(
        `impact = ${(pull.bytes / 1e6).toFixed(0)} MB / ${mb(rate)} − ${(pull.bytes / 1e6).toFixed(0)} MB / ${HEALTHY_NVME_MBPS} MB/s (a healthy NVMe) = ${(impact ?? 0).toFixed(1)} s`,
      );
    } else {
      evidence.push('no pull size known (run `dfdoctor bench`, or keep dfdaemon logs) — the floor decides, not a time');
    }
    const contended = saturation(f) !== null;
    if (contended)
      evidence.push(
        'the device was also busy with other IO during the window (see disk.saturated): part of the slowness may be contention',
      );
    const severe = rate < floor / 4 || (pull?.seconds && impact !== undefined && impact >= PULL_SHARE * pull.seconds);
    return {
      severity: severe ? 'critical' : 'warning',
      confidence: (r.method === 'existing_files' ? 0.7 : 0.85) - (contended ? 0.2 : 0),
      evidence,
      ...(impact !== undefined ? { impactSeconds: impact } : {}),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          ...storageDirSteps(f),
          cmd(
            `fio --name=seq --directory=${d.path} --size=1G --direct=1 --rw=read --bs=1M --ioengine=libaio --iodepth=8 && rm ${d.path}/seq.0.0    # confirm on the same dir`,
          ),
        ],
      },
    };
  },
});

/** The device's unloaded 4 KiB latency, as well as it can be known without a baseline. */
function unloadedLatency(d: DiskFacts): { ms: number; why: string } {
  const nvme = d.physical.some(
    (p) => p.name.startsWith('nvme') || /nvme/i.test(`${p.siType ?? ''} ${p.siPhysical ?? ''} ${p.siInterface ?? ''}`),
  );
  if (nvme) return { ms: 0.05, why: 'NVMe, typically 0.01–0.05 ms unloaded' };
  if (d.physical.length > 0 && d.physical.every((p) => p.rotational === false))
    return { ms: 0.2, why: 'non-rotational, SATA SSD typically 0.08–0.2 ms unloaded' };
  if (d.medium && d.medium.p50Ms < 1)
    return { ms: 0.2, why: `flash-backed by measurement (p50 ${ms(d.medium.p50Ms)})` };
  return {
    ms: 15,
    why: 'possibly rotational: an HDD takes 4–15 ms unloaded (the flag alone is not trusted, so the generous figure is used)',
  };
}

interface Saturation {
  device: string;
  window: number;
  rAwaitMs: number | null;
  aquSz: number;
  utilPct: number;
  readsPerSec: number;
  writesPerSec: number;
  wAwaitMs: number | null;
  thresholdMs: number;
  unloaded: { ms: number; why: string };
  byRAwait: boolean;
  byMeasured: boolean;
}

function saturation(f: Facts): Saturation | null {
  const d = f.disk;
  if (!d || d.iostat.length === 0) return null;
  const unloaded = unloadedLatency(d);
  const thresholdMs = Math.max(LATENCY_FACTOR * unloaded.ms, LATENCY_FLOOR_MS);
  const measured = d.read?.method !== 'page_cache' ? (d.read?.randReadP50Ms ?? null) : null;
  let best: Saturation | null = null;
  for (const { device, windowSeconds, stat: s } of d.iostat) {
    if (s.aquSz < DEEP_QUEUE) continue;
    const byRAwait = s.rAwaitMs !== null && s.readsCompleted >= MIN_READS && s.rAwaitMs >= thresholdMs;
    const byMeasured = measured !== null && measured >= thresholdMs;
    if (!byRAwait && !byMeasured) continue;
    if (!best || (s.rAwaitMs ?? 0) > (best.rAwaitMs ?? 0)) {
      best = {
        device,
        window: windowSeconds,
        rAwaitMs: s.rAwaitMs,
        aquSz: s.aquSz,
        utilPct: s.utilPct,
        readsPerSec: s.readsPerSec,
        writesPerSec: s.writesPerSec,
        wAwaitMs: s.wAwaitMs,
        thresholdMs,
        unloaded,
        byRAwait,
        byMeasured,
      };
    }
  }
  return best;
}

export const saturated = defineLegacyRule({
  id: 'disk.saturated',
  cause: 'disk-saturated',
  title: "The cache dir's device is saturated by other IO",
  description: `r_await (or dfdoctor's measured 4 KiB latency) ≥ ${LATENCY_FACTOR}× the device's unloaded latency and ≥ ${LATENCY_FLOOR_MS} ms, with aqu-sz ≥ ${DEEP_QUEUE}, over a diskstats window taken before dfdoctor read anything; %util alone never decides`,
  severities: ['critical', 'warning'],
  remediationSummary: "Find the competing IO and move it, or dfdaemon's storage, to another device.",
  when(f) {
    const s = saturation(f);
    const d = f.disk;
    if (!s || !d) return null;
    const evidence = [
      `${s.device}: aqu-sz ${s.aquSz.toFixed(1)}, r_await ${s.rAwaitMs === null ? 'n/a (no reads)' : ms(s.rAwaitMs)}, w_await ${s.wAwaitMs === null ? 'n/a' : ms(s.wAwaitMs)}, ${s.readsPerSec.toFixed(0)} r/s, ${s.writesPerSec.toFixed(0)} w/s, %util ${s.utilPct.toFixed(0)} over ${s.window.toFixed(1)} s before dfdoctor's own reads (${BUNDLE.disk.diskstats0} → diskstats-1.txt)`,
      `threshold ${ms(s.thresholdMs)} = max(${LATENCY_FACTOR} × unloaded ${ms(s.unloaded.ms)}, ${LATENCY_FLOOR_MS} ms); unloaded latency: ${s.unloaded.why}`,
    ];
    if (d.read?.randReadP50Ms != null) {
      evidence.push(
        `dfdoctor's own 4 KiB random reads right after the window: p50 ${ms(d.read.randReadP50Ms)}, p99 ${d.read.randReadP99Ms == null ? 'n/a' : ms(d.read.randReadP99Ms)} (measurements.disk)`,
      );
    }
    evidence.push('%util is shown for reference only: a multi-queue NVMe shows 100 % at 0.1 ms latency');
    const worst = Math.max(s.rAwaitMs ?? 0, s.byMeasured ? (d.read?.randReadP50Ms ?? 0) : 0);
    const dev = d.device?.name ?? s.device;
    return {
      severity: worst >= 4 * s.thresholdMs ? 'critical' : 'warning',
      confidence: s.byRAwait ? 0.75 : 0.55,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          cmd('iotop -oPa -d 1                 # which processes do the IO (accumulated)'),
          cmd('pidstat -d 1 5                  # per-process read/write kB/s and IO delay (sysstat)'),
          cmd(`iostat -x 1 5 ${dev}            # watch r_await / aqu-sz over time`),
          cmd('cat /proc/pressure/io           # IO pressure stall information (PSI)'),
          prose(
            "Usual neighbours on the image disk: containerd unpacking into the snapshotter, kubelet image GC, log shippers, databases. Put dfdaemon's storage dir on its own device (dataDir / storage.dir).",
          ),
        ],
      },
    };
  },
});

export const spacePressure = defineLegacyRule({
  id: 'disk.space-pressure',
  cause: 'disk-space-pressure',
  title: "The cache dir's filesystem is near full: dfdaemon's GC evicts cached layers",
  description: `disk usage at or above dfdaemon's GC threshold (config, else Go 95 % / Rust 80 %), or free space < ${FREE_PCT_FLOOR} %, or free inodes < ${FREE_INODES_PCT_FLOOR} %`,
  severities: ['critical', 'warning'],
  remediationSummary: "Free space or grow the filesystem, and tune dfdaemon's GC thresholds to what the disk can hold.",
  when(f) {
    const d = f.disk;
    const s = d?.space;
    if (!d || !s) return null;
    const gc = d.gc;
    const overGc = gc !== null && s.usedPct >= gc.highPercent;
    const lowFree = s.freePct < FREE_PCT_FLOOR;
    const lowInodes = s.freeInodesPct !== null && s.freeInodesPct < FREE_INODES_PCT_FLOOR;
    if (!overGc && !lowFree && !lowInodes) return null;
    const evidence = [
      `${d.mount?.mountPoint ?? d.path}: ${s.usedPct.toFixed(1)} % used, ${gb(s.freeBytes)} free of ${gb(s.totalBytes)} (${s.source})`,
    ];
    if (gc) {
      evidence.push(
        overGc
          ? `at or above dfdaemon's GC threshold of ${gc.highPercent} % (${gc.evidence}): GC is evicting cached tasks, so "cached" layers get fetched again`
          : `dfdaemon's GC threshold is ${gc.highPercent} % (${gc.evidence})`,
      );
    } else {
      evidence.push(
        `dfdaemon's GC threshold unknown (no dfdaemon config or generation found); the ${FREE_PCT_FLOOR} % floor applies`,
      );
    }
    if (lowFree) evidence.push(`free space ${s.freePct.toFixed(1)} % < ${FREE_PCT_FLOOR} %`);
    if (lowInodes && s.freeInodesPct !== null)
      evidence.push(
        `free inodes ${s.freeInodesPct.toFixed(1)} % (${s.freeInodes} of ${s.totalInodes}) < ${FREE_INODES_PCT_FLOOR} %`,
      );
    const gen = gc?.generation ?? f.dfdaemon?.generation ?? null;
    const gcSteps = [
      ...(gen !== 'rust'
        ? [
            prose(
              'Go dfdaemon (dfget.yaml): storage.diskGCThresholdPercent (default 95), storage.diskGCThreshold (a size quota, e.g. 50Gi), storage.taskExpireTime (default 6h)',
            ),
          ]
        : []),
      ...(gen !== 'go'
        ? [
            prose(
              'Rust client (dfdaemon.yaml): gc.policy.distHighThresholdPercent / distLowThresholdPercent (default 80/60; diskHigh…/diskLow… in newer clients), gc.policy.taskTTL',
            ),
          ]
        : []),
    ];
    return {
      severity: overGc || s.freePct < FREE_PCT_FLOOR / 2 ? 'critical' : 'warning',
      confidence: 0.8,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          cmd(`df -h ${d.path}; df -i ${d.path}`),
          cmd(`du -xsh ${d.mount?.mountPoint ?? d.path}/* 2>/dev/null | sort -h | tail   # what fills the filesystem`),
          cmd('crictl rmi --prune   # unused images, if containerd shares the filesystem'),
          ...gcSteps,
          prose("Or give dfdaemon's storage dir its own volume sized for the working set of images."),
        ],
      },
    };
  },
});

export const diskRules: Rule[] = [slowMedium, saturated, spacePressure];
