import { defineRule, type Rule } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd, prose } from './steps.js';

const BUSY_PCT = 90;
const STEAL_PCT = 10;

export const cpuSaturated = defineRule({
  id: 'system.cpu-saturated',
  cause: 'cpu-contention',
  title: 'Node CPU is saturated or stolen',
  description: `CPU busy > ${BUSY_PCT} % or steal > ${STEAL_PCT} % between the two /proc/stat samples`,
  severities: ['critical', 'warning'],
  remediationSummary: 'Find what uses the CPU, give dfdaemon and containerd CPU headroom, or move to a host without steal.',
  when(f) {
    const cpu = f.system?.cpu;
    if (!cpu) return null;
    const busy = cpu.busyPct > BUSY_PCT;
    const stolen = cpu.stealPct > STEAL_PCT;
    if (!busy && !stolen) return null;
    const window = cpu.windowSeconds === null ? '' : ` over ${cpu.windowSeconds.toFixed(1)} s`;
    const evidence = [
      `CPU busy ${cpu.busyPct.toFixed(1)} %${window} (${BUNDLE.system.stat0} → stat-1.txt; threshold ${BUSY_PCT} %)`,
      `CPU steal ${cpu.stealPct.toFixed(1)} %${window} (${BUNDLE.system.stat0} → stat-1.txt; threshold ${STEAL_PCT} %)`,
    ];
    if (f.system?.load) evidence.push(`load average ${f.system.load.join(' ')} on ${f.system.cpus} CPUs (${BUNDLE.system.loadavg})`);
    const steps = [
      cmd('top -b -n1 -o %CPU | head -20    # what is using the CPU'),
      cmd('pidstat -u 1 5                   # per-process CPU over 5 s (sysstat)'),
    ];
    if (stolen) steps.push(prose('Steal means the hypervisor gives this VM\'s CPU to others: move to a larger or dedicated instance type.'));
    steps.push(
      prose('Give dfdaemon a CPU request/limit with headroom (Helm: dfdaemon.resources / client.resources) and avoid CPU limits that throttle it during pulls.'),
    );
    return {
      severity: busy && cpu.busyPct > 97 ? 'critical' : stolen && cpu.stealPct > 25 ? 'critical' : 'warning',
      confidence: 0.7,
      evidence,
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

export const systemRules: Rule[] = [cpuSaturated];
