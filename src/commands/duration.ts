import { UsageError } from '../errors.js';

/** "90s", "30m", "6h", "2d", "1h30m" → milliseconds. */
export function parseDuration(v: string, flag: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    const n = Number(m[1]);
    const unit = m[2] as 'ms' | 's' | 'm' | 'h' | 'd';
    total += n * { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[unit];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== v.length || total <= 0) {
    throw new UsageError(`${flag}: not a duration: "${v}" (e.g. 30m, 6h, 2d, 1h30m)`);
  }
  return total;
}
