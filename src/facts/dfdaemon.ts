import { defineFacts } from './context.js';

// Not built yet: the dfdaemon area's facts arrive with its probe.
export type DfdaemonFacts = Record<string, unknown>;

export const dfdaemonFacts = defineFacts({
  area: 'dfdaemon',
  async build() {
    return undefined;
  },
});
