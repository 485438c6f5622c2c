// The public vocabulary of reports (docs/architecture.md#causes). Add to it only by a documented change.
export const CAUSES = [
  'disk-slow-medium',
  'disk-saturated',
  'disk-space-pressure',
  'cpu-contention',
  'loopback-slow',
  'netfilter-overhead',
  'netfilter-blocking',
  'localhost-resolution',
  'proxy-bypass',
  'mirror-misconfigured',
  'mirror-fallback',
  'containerd-concurrency',
  'kubelet-serial-pulls',
  'kubelet-pull-qps',
  'unpack-bound',
  'dfdaemon-rate-limit',
  'dfdaemon-verification',
  'dfdaemon-cache-miss',
  'dfdaemon-proxy-rules',
  'dfdaemon-scheduler',
  'dfdaemon-resource',
  'dfdaemon-version',
  'registry-roundtrip',
] as const;

export type Cause = (typeof CAUSES)[number];

export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Lower is more severe; used for ranking and for --fail-on. */
export const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export const PROBE_NAMES = ['system', 'disk', 'loopback', 'netfilter', 'containerd', 'kubelet', 'dfdaemon'] as const;
export type ProbeName = (typeof PROBE_NAMES)[number];
