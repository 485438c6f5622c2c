import { parseLoadavg, parseMeminfo } from '../parsers/meminfo.js';
import { cpuUsage, parseProcessCpuTicks, parseProcStat, stealSinceBootPct } from '../parsers/proc-stat.js';
import { type Pressure, parsePressure } from '../parsers/psi.js';
import type { BundleReader } from '../bundle/reader.js';
import { BUNDLE } from '../bundle/layout.js';
import { defineFacts } from './context.js';
import type { InputProblem } from './problems.js';

export interface SystemFacts {
  cpus: number;
  cpuModel?: string;
  /**
   * CPU usage over the sampling window between raw/system/stat-0.txt and stat-1.txt, without
   * dfdoctor's own CPU time when raw/system/self-stat-*.txt hold it (`selfPct`: the share taken out).
   */
  cpu?: { busyPct: number; stealPct: number; iowaitPct: number; windowSeconds: number | null; selfPct?: number };
  /** Steal over all CPU time since boot (from stat-0): a sustained figure, not one window's. */
  stealSinceBootPct?: number;
  /** Pressure stall information (raw/system/pressure-*.txt): the kernel's own sustained contention figures. */
  pressure?: { cpu?: Pressure; io?: Pressure; memory?: Pressure };
  load?: [number, number, number];
  memTotalBytes?: number;
  memAvailableBytes?: number;
}

export const systemFacts = defineFacts({
  area: 'system',
  async build({ bundle, facts, problem }) {
    const rec = facts.manifest.probes.system;
    const out: SystemFacts = { cpus: facts.manifest.host.cpus };
    if (typeof rec?.cpuModel === 'string') out.cpuModel = rec.cpuModel;
    const [s0, s1] = await Promise.all([bundle.text(BUNDLE.system.stat0), bundle.text(BUNDLE.system.stat1)]);
    if (s0 !== undefined && s1 !== undefined) {
      const a = parseProcStat(s0);
      const b = parseProcStat(s1);
      if (!a.ok) problem({ file: BUNDLE.system.stat0, line: a.line, message: a.message });
      if (!b.ok) problem({ file: BUNDLE.system.stat1, line: b.line, message: b.message });
      if (a.ok && b.ok) {
        const self = await selfTicks(bundle, problem);
        const u = cpuUsage(a.value, b.value, self ?? 0);
        const interval = typeof rec?.statIntervalMs === 'number' ? rec.statIntervalMs / 1000 : null;
        if (u) {
          out.cpu = { ...u, windowSeconds: interval };
          const total = cpuUsage(a.value, b.value);
          if (self !== null && total) out.cpu.selfPct = Math.max(0, total.busyPct - u.busyPct);
        } else problem({ file: BUNDLE.system.stat1, message: 'CPU counters did not advance between the two samples' });
        const steal = stealSinceBootPct(a.value);
        if (steal !== null) out.stealSinceBootPct = steal;
      }
    }
    const pressure: NonNullable<SystemFacts['pressure']> = {};
    for (const kind of ['cpu', 'io', 'memory'] as const) {
      const file = BUNDLE.system.pressure[kind];
      const t = await bundle.text(file);
      if (t === undefined) continue;
      const p = parsePressure(t);
      if (p.ok) pressure[kind] = p.value;
      else problem({ file, ...(p.line === undefined ? {} : { line: p.line }), message: p.message });
    }
    if (Object.keys(pressure).length > 0) out.pressure = pressure;
    const load = await bundle.text(BUNDLE.system.loadavg);
    if (load !== undefined) {
      const l = parseLoadavg(load);
      if (l) out.load = l;
      else problem({ file: BUNDLE.system.loadavg, line: 1, message: 'not a /proc/loadavg line' });
    }
    const mem = await bundle.text(BUNDLE.system.meminfo);
    if (mem !== undefined) {
      const m = parseMeminfo(mem);
      if (m.MemTotal !== undefined) out.memTotalBytes = m.MemTotal;
      if (m.MemAvailable !== undefined) out.memAvailableBytes = m.MemAvailable;
    }
    return out;
  },
});

/** dfdoctor's own CPU ticks (process + waited-for children) between the two self-stat samples; null when not recorded. */
async function selfTicks(bundle: BundleReader, problem: (p: InputProblem) => void): Promise<number | null> {
  const f0 = BUNDLE.system.selfStat0;
  const f1 = BUNDLE.system.selfStat1;
  const [t0, t1] = await Promise.all([bundle.text(f0), bundle.text(f1)]);
  if (t0 === undefined || t1 === undefined) return null;
  const a = parseProcessCpuTicks(t0);
  if (!a.ok) {
    problem({ file: f0, line: 1, message: a.message });
    return null;
  }
  const b = parseProcessCpuTicks(t1);
  if (!b.ok) {
    problem({ file: f1, line: 1, message: b.message });
    return null;
  }
  const d = b.value.own + b.value.children - (a.value.own + a.value.children);
  return d >= 0 ? d : null;
}
