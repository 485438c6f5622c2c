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

/**
 * CPU usage between two samples; null when no ticks passed (or the counters went backwards).
 * `excludeTicks`: busy ticks that are dfdoctor's own (its process and children), taken out of busy.
 */
export function cpuUsage(a: CpuTicks, b: CpuTicks, excludeTicks = 0): CpuUsage | null {
  const total = (t: CpuTicks) => t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  const dt = total(b) - total(a);
  if (!(dt > 0)) return null;
  const d = (k: keyof CpuTicks) => Math.max(0, b[k] - a[k]);
  const idle = d('idle') + d('iowait');
  const busy = Math.max(0, dt - idle - Math.max(0, excludeTicks));
  return {
    busyPct: (100 * busy) / dt,
    stealPct: (100 * d('steal')) / dt,
    iowaitPct: (100 * d('iowait')) / dt,
  };
}

export function truncate(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/**
 * CPU time of one process and of its waited-for children, in USER_HZ ticks (the unit of /proc/stat):
 * fields 14–17 of /proc/<pid>/stat (proc(5)). The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ")".
 */
export function parseProcessCpuTicks(text: string): ParseResult<{ own: number; children: number }> {
  const close = text.lastIndexOf(')');
  if (close < 0) return { ok: false, line: 1, message: `not a /proc/<pid>/stat line: ${truncate(text.trim())}` };
  // after ")": state is field 3, so field n is at index n - 3
  const f = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const [utime, stime, cutime, cstime] = [f[11], f[12], f[13], f[14]].map(Number);
  if ([utime, stime, cutime, cstime].some((n) => n === undefined || !Number.isFinite(n) || n < 0)) {
    return { ok: false, line: 1, message: `no utime/stime/cutime/cstime fields: ${truncate(text.trim())}` };
  }
  return {
    ok: true,
    value: { own: (utime as number) + (stime as number), children: (cutime as number) + (cstime as number) },
  };
}

/** Share (0–100) of all CPUs' time since boot that the hypervisor stole: a long-run figure, unlike one window's. */
export function stealSinceBootPct(t: CpuTicks): number | null {
  const total = t.user + t.nice + t.system + t.idle + t.iowait + t.irq + t.softirq + t.steal;
  return total > 0 ? (100 * t.steal) / total : null;
}
