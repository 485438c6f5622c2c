// Go's time.Duration text ("1m0.809s", "717ms", "5m0s"), as the kubelet and containerd print and
// accept durations (time.Duration.String / time.ParseDuration, unsigned).

const UNIT_MS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  μs: 0.001,
  ns: 1e-6,
};

/** A Go time.Duration string ("1m0.809s", "717ms", "1.315633737s") in ms, or null. */
export function parseGoDuration(s: string): number | null {
  if (s === '0' || s === '0s') return 0;
  // µ and μ as escapes: the start-up bundle must be ASCII (scripts/bundle.mjs)
  const re = /(\d+(?:\.\d+)?)(h|ms|us|\u00b5s|\u03bcs|ns|m|s)/gy;
  let total = 0;
  let at = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : null;
}
