import type { Rule } from './rule.js';

export const netRules: Rule[] = [];
