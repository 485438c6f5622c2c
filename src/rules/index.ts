import { baselineRules } from './baseline.js';
import { containerdRules } from './containerd/index.js';
import { dfdaemonRules } from './dfdaemon.js';
import { diskRules } from './disk.js';
import { kubeletRules } from './kubelet.js';
import { netRules } from './net.js';
import type { Rule } from './rule.js';
import { systemRules } from './system.js';

/** Every rule dfdoctor knows, in catalogue order. */
export const RULES: readonly Rule[] = [
  ...systemRules,
  ...dfdaemonRules,
  ...diskRules,
  ...containerdRules,
  ...kubeletRules,
  ...netRules,
  ...baselineRules,
];
