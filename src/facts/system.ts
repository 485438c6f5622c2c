import { parseLoadavg, parseMeminfo } from '../parsers/meminfo.js';
import { cpuUsage, parseProcStat } from '../parsers/proc-stat.js';
import { defineFacts } from './context.js';
import { BUNDLE } from '../bundle/layout.js';

export interface SystemFacts {
  cpus: number;
  cpuModel?: string;
  /** CPU usage over the sampling window between raw/system/stat-0.txt and stat-1.txt. */
  cpu?: { busyPct: number; stealPct: number; iowaitPct: number; windowSeconds: number | null };
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
        const u = cpuUsage(a.value, b.value);
        const interval = typeof rec?.statIntervalMs === 'number' ? rec.statIntervalMs / 1000 : null;
        if (u) out.cpu = { ...u, windowSeconds: interval };
        else problem({ file: BUNDLE.system.stat1, message: 'CPU counters did not advance between the two samples' });
      }
    }
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
