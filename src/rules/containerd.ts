import type { Rule } from './rule.js';

export const containerdRules: Rule[] = [];
