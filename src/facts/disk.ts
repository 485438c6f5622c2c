import { defineFacts } from './context.js';

// Not built yet: the disk area's facts arrive with its probe.
export type DiskFacts = Record<string, unknown>;

export const diskFacts = defineFacts({
  area: 'disk',
  async build() {
    return undefined;
  },
});
