import type { Rule } from './rule.js';

export const diskRules: Rule[] = [];
