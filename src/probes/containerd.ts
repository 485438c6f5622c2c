import { defineProbe } from './context.js';

export const containerdProbe = defineProbe({
  name: 'containerd',
  description: 'not implemented yet',
  budget: 0.2,
  async run() {
    return { status: 'skipped', reason: 'not implemented' };
  },
});
