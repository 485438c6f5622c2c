import { cpuSaturated } from '../../../src/rules/system.js';
import { RuleTester } from '../../helpers/rule-tester.js';

// /proc/stat's aggregate line: user nice system idle iowait irq softirq steal guest guest_nice
const stat = (user: number, idle: number, steal = 0) => `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\n`;
// /proc/pressure/cpu (Documentation/accounting/psi.rst in the Linux tree)
const psi = (avg10: number, avg60: number) =>
  `some avg10=${avg10.toFixed(2)} avg60=${avg60.toFixed(2)} avg300=1.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n`;
const samples = (a: string, b: string) => ({ 'raw/system/stat-0.txt': a, 'raw/system/stat-1.txt': b });
const BUSY = samples(stat(1000, 1000), stat(1095, 1005));

new RuleTester().run(cpuSaturated, {
  fires: [
    {
      name: '95 % busy over the window, no pressure figures',
      files: BUSY,
      severity: 'warning',
      cause: 'cpu-contention',
    },
    {
      name: '99 % busy, no pressure figures: one sample is at most a warning',
      files: samples(stat(1000, 1000), stat(1099, 1001)),
      severity: 'warning',
    },
    {
      name: 'tasks waited 90 % of the last 10 s and 60 s',
      files: { ...BUSY, 'raw/system/pressure-cpu.txt': psi(90, 85) },
      severity: 'critical',
      cause: 'cpu-contention',
    },
  ],
  silent: [
    { name: 'half busy', files: samples(stat(1000, 1000), stat(1050, 1050)) },
    {
      name: 'a busy second with no stall in the pressure figures',
      files: { ...BUSY, 'raw/system/pressure-cpu.txt': psi(2, 1) },
    },
    { name: 'no samples' },
  ],
});
