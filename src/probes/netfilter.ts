import { defineProbe } from './context.js';

export const netfilterProbe = defineProbe({
  name: 'netfilter',
  description: 'not implemented yet',
  budget: 0.2,
  async run() {
    return { status: 'skipped', reason: 'not implemented' };
  },
});
