import type { Rule } from './rule.js';

export const dfdaemonRules: Rule[] = [];
