import { defineProbe } from './context.js';

export const dfdaemonProbe = defineProbe({
  name: 'dfdaemon',
  description: 'not implemented yet',
  budget: 0.2,
  async run() {
    return { status: 'skipped', reason: 'not implemented' };
  },
});
