import { cpuSaturated } from '../../../src/rules/system.js';
import { RuleTester } from '../../helpers/rule-tester.js';

// /proc/stat's aggregate line: user nice system idle iowait irq softirq steal guest guest_nice
const stat = (user: number, idle: number, steal = 0) => `cpu  ${user} 0 0 ${idle} 0 0 0 ${steal} 0 0\n`;
const samples = (a: string, b: string) => ({ 'raw/system/stat-0.txt': a, 'raw/system/stat-1.txt': b });

new RuleTester().run(cpuSaturated, {
  fires: [
    {
      name: '95 % busy over the window',
      files: samples(stat(1000, 1000), stat(1095, 1005)),
      severity: 'warning',
      cause: 'cpu-contention',
    },
    {
      name: '99 % busy',
      files: samples(stat(1000, 1000), stat(1099, 1001)),
      severity: 'critical',
      cause: 'cpu-contention',
    },
  ],
  silent: [{ name: 'half busy', files: samples(stat(1000, 1000), stat(1050, 1050)) }, { name: 'no samples' }],
});
