// Regressions against a saved baseline (`diagnose --baseline FILE`), one rule per cause a figure points
// at, each with "was X, now Y" evidence. Silent without a baseline.
import type { Cause } from '../causes.js';
import type { Baseline } from '../facts/baseline.js';
import { type Comparison, formatFigure, regressionsFor } from '../facts/baseline-figures.js';
import type { Step } from '../report/model.js';
import { defineRule, type Rule, type RuleId } from './rule.js';
import { cmd, prose } from './steps.js';

interface Spec {
  id: RuleId;
  cause: Cause;
  title: string;
  what: string;
  summary: string;
  steps: Step[];
}

interface RegressionFinding {
  /** The figures pointing at this rule's cause that got worse than the tolerance allows. */
  regs: Comparison[];
  baseline: Baseline;
  /** --tolerance, in %. */
  tolerancePct: number;
  hostname: string;
}

function baselineRule(s: Spec): Rule {
  return defineRule<RegressionFinding>({
    meta: {
      id: s.id,
      cause: s.cause,
      title: s.title,
      description: `with --baseline: ${s.what} worse than the saved baseline by more than --tolerance (default 25 %) and more than a noise floor`,
      severities: ['critical', 'warning'],
      remediationSummary: s.summary,
    },
    detect(f) {
      const baseline = f.settings.baseline;
      const regs = regressionsFor(baseline, f.measurements, f.settings.tolerance, s.cause);
      if (!baseline || regs.length === 0) return null;
      const added = regs.filter((c) => c.figure.addsSeconds).reduce((sum, c) => sum + (c.now - c.was), 0);
      return {
        severity: Math.max(...regs.map(ratio)) >= 2 ? 'critical' : 'warning',
        confidence: 0.6,
        impactSeconds: added > 0 ? added : undefined,
        data: {
          regs,
          baseline,
          tolerancePct: Math.round(f.settings.tolerance * 100),
          hostname: f.manifest.host.hostname,
        },
      };
    },
    evidence: regressionEvidence,
    steps: () => s.steps,
  });
}

function regressionEvidence({ regs, baseline, tolerancePct, hostname }: RegressionFinding): string[] {
  const from = `baseline of ${baseline.host.hostname} saved ${baseline.createdAt}`;
  const out = regs.map(
    (c) =>
      `${c.figure.label} was ${formatFigure(c.was, c.figure.unit)}, now ${formatFigure(c.now, c.figure.unit)} (${change(c)}; tolerance ${tolerancePct} %) (measurements.json ${c.figure.id} vs ${from})`,
  );
  if (baseline.host.hostname !== hostname)
    out.push(
      `the baseline was saved on ${baseline.host.hostname}, this is ${hostname}: compare nodes of the same type only`,
    );
  return out;
}

/** How many times worse: 2 = half the throughput or twice the latency. */
function ratio(c: Comparison): number {
  if (c.figure.better === 'higher') return c.now > 0 ? c.was / c.now : Infinity;
  return c.was > 0 ? c.now / c.was : Infinity;
}

function change(c: Comparison): string {
  const pct = ((c.now - c.was) / (c.was || 1)) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(0)} %`;
}

export const baselineRules: Rule[] = [
  baselineRule({
    id: 'baseline.disk-regression',
    cause: 'disk-slow-medium',
    title: 'Cache disk slower than its baseline',
    what: 'cache-disk read rate or latency',
    summary: 'The cache disk reads slower than when the baseline was saved: find what changed on the volume.',
    steps: [
      cmd('iostat -x 1 5                     # is something else using the device now? (sysstat)'),
      prose('Check the volume type, size and burst credits with the cloud provider (gp2 credits, throttling).'),
      cmd('dfdoctor diagnose --probes disk  # re-measure once the cause is gone'),
    ],
  }),
  baselineRule({
    id: 'baseline.loopback-regression',
    cause: 'loopback-slow',
    title: 'Loopback slower than its baseline',
    what: 'loopback round trip or throughput',
    summary: 'Loopback got slower since the baseline: look for a qdisc, an MTU change or CPU pressure.',
    steps: [
      cmd('tc qdisc show dev lo              # expect noqueue'),
      cmd('ip link show lo                   # expect mtu 65536'),
      cmd('top -b -n1 | head -20'),
    ],
  }),
  baselineRule({
    id: 'baseline.dfdaemon-regression',
    cause: 'dfdaemon-resource',
    title: 'dfdaemon serves slower than its baseline',
    what: "dfdaemon's connect time, time to first byte, throughput or bench fetch",
    summary:
      'dfdaemon answers or streams slower than at the baseline: check its CPU/memory limits and throttling, and its rate limits.',
    steps: [
      cmd('kubectl -n dragonfly-system top pod -l component=dfdaemon --containers'),
      cmd('cat /sys/fs/cgroup/<dfdaemon cgroup>/cpu.stat   # nr_throttled growing?'),
      prose('Compare download.totalRateLimit / download.bandwidthLimit with the value at baseline time.'),
    ],
  }),
  baselineRule({
    id: 'baseline.cpu-regression',
    cause: 'cpu-contention',
    title: 'CPU slower than its baseline',
    what: 'single-core gunzip or sha256 rate',
    summary:
      'The same work runs slower per core than at the baseline: the node is contended, throttled or on a slower instance type.',
    steps: [cmd('top -b -n1 -o %CPU | head -20'), cmd("grep -E 'MHz|model name' /proc/cpuinfo | sort | uniq -c")],
  }),
  baselineRule({
    id: 'baseline.unpack-regression',
    cause: 'unpack-bound',
    title: 'Unpack slower than its baseline',
    what: 'bench unpack time or gunzip floor',
    summary:
      "Decompression and unpack take longer than at the baseline: check that igzip/unpigz is still on containerd's PATH and the snapshotter is unchanged.",
    steps: [
      cmd('command -v igzip unpigz'),
      cmd('containerd config dump | grep -n snapshotter'),
      cmd('systemctl show containerd -p Environment   # CONTAINERD_DISABLE_PIGZ?'),
    ],
  }),
  baselineRule({
    id: 'baseline.verification-regression',
    cause: 'dfdaemon-verification',
    title: 'Digest computation slower than its baseline',
    what: 'bench sha256 floor',
    summary: 'Computing digests got slower since the baseline; on a download path this adds time per byte.',
    steps: [
      cmd('openssl speed -evp sha256       # compare with the baseline node'),
      cmd('top -b -n1 -o %CPU | head -20'),
    ],
  }),
  baselineRule({
    id: 'baseline.registry-regression',
    cause: 'registry-roundtrip',
    title: 'Tag resolve slower than its baseline',
    what: 'bench warm-pull resolve time',
    summary:
      'Resolving the tag at the origin registry takes longer than at the baseline; it is paid on every pull, cache hit or not.',
    steps: [
      cmd('curl -sS -o /dev/null -w "%{time_total}\\n" https://<registry>/v2/'),
      prose('Pin images by digest, or use imagePullPolicy: IfNotPresent.'),
    ],
  }),
];
