import { BUNDLE } from '../../bundle/layout.js';
import type { DiskFacts } from '../../facts/disk.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { DEEP_QUEUE, LATENCY_FACTOR, LATENCY_FLOOR_MS, saturation, type Saturation } from './saturation.js';
import { ms } from './text.js';

export const saturated = defineRule<{ s: Saturation; disk: DiskFacts }>({
  meta: {
    id: 'disk.saturated',
    cause: 'disk-saturated',
    title: "The cache dir's device is saturated by other IO",
    description: `r_await (or dfdoctor's measured 4 KiB latency) ≥ ${LATENCY_FACTOR}× the device's unloaded latency and ≥ ${LATENCY_FLOOR_MS} ms, with aqu-sz ≥ ${DEEP_QUEUE}, over a diskstats window taken before dfdoctor read anything; %util alone never decides`,
    severities: ['critical', 'warning'],
    remediationSummary: "Find the competing IO and move it, or dfdaemon's storage, to another device.",
  },

  detect(f) {
    const s = saturation(f);
    const d = f.disk;
    if (!s || !d) return null;
    const worst = Math.max(s.rAwaitMs ?? 0, s.byMeasured ? (d.read?.randReadP50Ms ?? 0) : 0);
    return {
      severity: worst >= 4 * s.thresholdMs ? 'critical' : 'warning',
      confidence: s.byRAwait ? 0.75 : 0.55,
      data: { s, disk: d },
    };
  },

  evidence({ s, disk: d }) {
    const out = [
      `${s.device}: aqu-sz ${s.aquSz.toFixed(1)}, r_await ${s.rAwaitMs === null ? 'n/a (no reads)' : ms(s.rAwaitMs)}, w_await ${s.wAwaitMs === null ? 'n/a' : ms(s.wAwaitMs)}, ${s.readsPerSec.toFixed(0)} r/s, ${s.writesPerSec.toFixed(0)} w/s, %util ${s.utilPct.toFixed(0)} over ${s.window.toFixed(1)} s before dfdoctor's own reads (${BUNDLE.disk.diskstats0} → diskstats-1.txt)`,
      `threshold ${ms(s.thresholdMs)} = max(${LATENCY_FACTOR} × unloaded ${ms(s.unloaded.ms)}, ${LATENCY_FLOOR_MS} ms); unloaded latency: ${s.unloaded.why}`,
    ];
    if (d.read?.randReadP50Ms != null)
      out.push(
        `dfdoctor's own 4 KiB random reads right after the window: p50 ${ms(d.read.randReadP50Ms)}, p99 ${d.read.randReadP99Ms == null ? 'n/a' : ms(d.read.randReadP99Ms)} (measurements.disk)`,
      );
    out.push('%util is shown for reference only: a multi-queue NVMe shows 100 % at 0.1 ms latency');
    return out;
  },

  steps({ s, disk: d }) {
    return [
      cmd('iotop -oPa -d 1                 # which processes do the IO (accumulated)'),
      cmd('pidstat -d 1 5                  # per-process read/write kB/s and IO delay (sysstat)'),
      cmd(`iostat -x 1 5 ${d.device?.name ?? s.device}            # watch r_await / aqu-sz over time`),
      cmd('cat /proc/pressure/io           # IO pressure stall information (PSI)'),
      prose(
        "Usual neighbours on the image disk: containerd unpacking into the snapshotter, kubelet image GC, log shippers, databases. Put dfdaemon's storage dir on its own device (dataDir / storage.dir).",
      ),
    ];
  },
});
