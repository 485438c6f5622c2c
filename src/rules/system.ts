import { SEVERITY_ORDER, type Severity } from '../causes.js';
import { BUNDLE } from '../bundle/layout.js';
import type { SystemFacts } from '../facts/system.js';
import { defineRule, type Rule } from './rule.js';
import { cmd, prose } from './steps.js';

const BUSY_PCT = 90;
const STEAL_PCT = 10;
const STEAL_CRIT_PCT = 25;
/** CPU pressure "some" (share of time runnable tasks waited for a CPU), %: warning over 60 s. */
const PSI_WARN = 40;
/** …critical when both the 60 s and the 10 s averages are this high: sustained and still going on. */
const PSI_CRIT = 80;

/** Which signals crossed their threshold; the node's figures ride along for the evidence. */
interface CpuFinding {
  sys: SystemFacts;
  pressure: boolean;
  busy: boolean;
  /**
   * Steal above the threshold between the samples: 'spike' when steal since boot is low and the window's is
   * not heavy (one short window says no more), 'lasting' otherwise; null below the threshold.
   */
  steal: 'spike' | 'lasting' | null;
}

const worse = (a: Severity | null, b: Severity): Severity =>
  a === null || SEVERITY_ORDER[b] < SEVERITY_ORDER[a] ? b : a;
const pct = (n: number) => `${n.toFixed(1)} %`;
const STAT = `${BUNDLE.system.stat0} → stat-1.txt`;

export const cpuSaturated = defineRule<CpuFinding>({
  meta: {
    id: 'system.cpu-saturated',
    cause: 'cpu-contention',
    title: 'Node CPU is saturated or stolen',
    description: `CPU pressure (/proc/pressure/cpu "some") ≥ ${PSI_WARN} % over 60 s (critical ≥ ${PSI_CRIT} % over both 10 s and 60 s); without pressure figures, busy > ${BUSY_PCT} % between the two /proc/stat samples (dfdoctor's own CPU time excluded; at most a warning: one short window); steal > ${STEAL_PCT} % between the samples (info when steal since boot is ≤ ${STEAL_PCT} %: one short window; a warning when it is higher, or when steal in the window is > ${STEAL_CRIT_PCT} %; critical when both)`,
    severities: ['critical', 'warning', 'info'],
    remediationSummary:
      'Find what uses the CPU, give dfdaemon and containerd CPU headroom, or move to a host without steal.',
  },

  detect(f) {
    const sys = f.system;
    if (!sys) return null;
    const { cpu } = sys;
    const psi = sys.pressure?.cpu?.some;
    let sev: Severity | null = null;
    // the kernel's stall averages decide when they are there: they say whether tasks wait, and for how long
    const pressure = psi !== undefined && psi.avg60 >= PSI_WARN;
    if (pressure) sev = psi.avg60 >= PSI_CRIT && psi.avg10 >= PSI_CRIT ? 'critical' : 'warning';
    // one short sample cannot tell a burst from a saturated node: never critical on its own
    const busy = psi === undefined && cpu !== undefined && cpu.busyPct > BUSY_PCT;
    if (busy) sev = 'warning';
    let steal: CpuFinding['steal'] = null;
    if (cpu !== undefined && cpu.stealPct > STEAL_PCT) {
      // the samples are a second or two apart: a VM sees steal come and go, and one such window on a host whose
      // steal since boot is low is as likely a passing spike as the start of a sustained one, so it is a note,
      // unless it is heavy; steal since boot above the threshold too says the host is short of CPU for it
      const sustained = (sys.stealSinceBootPct ?? 0) > STEAL_PCT;
      const heavy = cpu.stealPct > STEAL_CRIT_PCT;
      steal = sustained || heavy ? 'lasting' : 'spike';
      sev = worse(sev, sustained && heavy ? 'critical' : steal === 'lasting' ? 'warning' : 'info');
    }
    if (sev === null) return null;
    return { severity: sev, confidence: psi ? 0.75 : 0.5, data: { sys, pressure, busy, steal } };
  },

  evidence({ sys, pressure, busy, steal }) {
    const { cpu } = sys;
    const psi = sys.pressure?.cpu?.some;
    const window = cpu?.windowSeconds == null ? '' : ` over ${cpu.windowSeconds.toFixed(1)} s`;
    const self = cpu?.selfPct === undefined ? '' : `, without dfdoctor's own ${pct(cpu.selfPct)}`;
    const out: string[] = [];
    if (pressure && psi)
      out.push(
        `runnable tasks waited for a CPU ${pct(psi.avg10)} of the last 10 s, ${pct(psi.avg60)} of the last 60 s, ${pct(psi.avg300)} of the last 5 min (${BUNDLE.system.pressure.cpu} "some"; warning ≥ ${PSI_WARN} % over 60 s, critical ≥ ${PSI_CRIT} % over 10 s and 60 s)`,
      );
    if (busy && cpu)
      out.push(
        `CPU busy ${pct(cpu.busyPct)}${window}${self} (${STAT}; threshold ${BUSY_PCT} %) — one short sample, and this kernel has no /proc/pressure to say whether it lasts`,
      );
    if (steal && cpu) {
      const sinceBoot =
        sys.stealSinceBootPct === undefined ? '' : `, ${pct(sys.stealSinceBootPct)} of all CPU time since boot`;
      const passing =
        steal === 'spike'
          ? ' — one short window on a host whose steal since boot is low: a passing spike, or steal that began lately; run diagnose again to tell'
          : '';
      out.push(`CPU steal ${pct(cpu.stealPct)}${window} (${STAT}; threshold ${STEAL_PCT} %)${sinceBoot}${passing}`);
    }
    if (cpu && !busy) out.push(`CPU busy ${pct(cpu.busyPct)}${window}${self} (${STAT})`);
    if (sys.load) out.push(`load average ${sys.load.join(' ')} on ${sys.cpus} CPUs (${BUNDLE.system.loadavg})`);
    return out;
  },

  steps({ steal }) {
    return [
      cmd('cat /proc/pressure/cpu               # "some avg60" = share of the last minute tasks waited for a CPU'),
      cmd('top -b -n1 -o %CPU | head -20    # what is using the CPU'),
      cmd('pidstat -u 1 5                   # per-process CPU over 5 s (sysstat)'),
      ...(steal
        ? [
            prose(
              "Steal means the hypervisor gives this VM's CPU to others: move to a larger or dedicated instance type.",
            ),
          ]
        : []),
      prose(
        'Give dfdaemon a CPU request/limit with headroom (Helm: dfdaemon.resources / client.resources) and avoid CPU limits that throttle it during pulls.',
      ),
    ];
  },
});

export const systemRules: Rule[] = [cpuSaturated];
