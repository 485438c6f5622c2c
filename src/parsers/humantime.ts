// Durations as the Rust dfdaemon reads them from dfdaemon.yaml: humantime_serde, i.e. the humantime
// crate's parse_duration (tailhook/humantime src/duration.rs, `parse_unit`): whole numbers, each with a
// unit, optionally separated by whitespace ("2h 37min", "30d", "360s"). Units are case-sensitive:
// `M` is months, `m` minutes.

const UNIT_SECONDS: Record<string, number> = {
  nanos: 1e-9,
  nsec: 1e-9,
  ns: 1e-9,
  usec: 1e-6,
  us: 1e-6,
  µs: 1e-6,
  millis: 1e-3,
  msec: 1e-3,
  ms: 1e-3,
  seconds: 1,
  second: 1,
  secs: 1,
  sec: 1,
  s: 1,
  minutes: 60,
  minute: 60,
  min: 60,
  mins: 60,
  m: 60,
  hours: 3600,
  hour: 3600,
  hr: 3600,
  hrs: 3600,
  h: 3600,
  days: 86400,
  day: 86400,
  d: 86400,
  weeks: 604800,
  week: 604800,
  w: 604800,
  months: 2_630_016, // 30.44 days
  month: 2_630_016,
  M: 2_630_016,
  years: 31_557_600, // 365.25 days
  year: 31_557_600,
  y: 31_557_600,
};

/** A humantime duration in seconds, or null when humantime would refuse it. */
export function parseHumantime(text: string): number | null {
  // µ and μ as escapes: the start-up bundle must be ASCII (scripts/bundle.mjs)
  const re = /\s*(\d+)\s*([a-zA-Z\u00b5]+)\s*/y;
  let total = 0;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const unit = UNIT_SECONDS[m[2] as string];
    if (unit === undefined) return null;
    total += Number(m[1]) * unit;
    at = re.lastIndex;
  }
  return at === text.length && at > 0 ? total : null;
}
