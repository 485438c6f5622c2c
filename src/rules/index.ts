import { baselineRules } from './baseline.js';
import { containerdRules } from './containerd/index.js';
import { dfdaemonRules } from './dfdaemon/index.js';
import { diskRules } from './disk/index.js';
import { kubeletRules } from './kubelet.js';
import { netRules } from './net/index.js';
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
