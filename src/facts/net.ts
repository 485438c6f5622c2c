import { defineFacts } from './context.js';

// Not built yet: the net area's facts arrive with its probe.
export type NetFacts = Record<string, unknown>;

export const netFacts = defineFacts({
  area: 'net',
  async build() {
    return undefined;
  },
});
