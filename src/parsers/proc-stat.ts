/** The aggregate `cpu` line of /proc/stat, in USER_HZ ticks. */
export interface CpuTicks {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; line?: number; message: string };

/** Parses /proc/stat text; only the aggregate `cpu` line matters here. */
export function parseProcStat(text: string): ParseResult<CpuTicks> {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('cpu ')) continue;
    const nums = line.trim().split(/\s+/).slice(1).map(Number);
    if (nums.length < 4 || nums.slice(0, 8).some((n) => !Number.isFinite(n) || n < 0)) {
      return { ok: false, line: i + 1, message: `malformed cpu line: ${truncate(line)}` };
    }
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = nums;
    return { ok: true, value: { user, nice, system, idle, iowait, irq, softirq, steal } };
  }
  return { ok: false, message: 'no aggregate "cpu" line' };
}

export interface CpuUsage {
  /** Share of the window not idle and not waiting for IO, 0–100. */
  busyPct: number;
  stealPct: number;
  iowaitPct: number;
}

/** CPU usage between two samples; null when no ticks passed (or the counters went backwards). */
export function cpuUsage(a: CpuTicks, b: CpuTicks): CpuUsage | null {
  const total = (t: CpuTicks) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  const dt = total(b) - total(a);
  if (!(dt > 0)) return null;
  const d = (k: keyof CpuTicks) => Math.max(0, b[k] - a[k]);
  const idle = d('idle') + d('iowait');
  return {
    busyPct: (100 * (dt - idle)) / dt,
    stealPct: (100 * d('steal')) / dt,
    iowaitPct: (100 * d('iowait')) / dt,
  };
}

export function truncate(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
