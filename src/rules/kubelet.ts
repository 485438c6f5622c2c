import type { Rule } from './rule.js';

export const kubeletRules: Rule[] = [];
