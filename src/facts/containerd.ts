import { defineFacts } from './context.js';

// Not built yet: the containerd area's facts arrive with its probe.
export type ContainerdFacts = Record<string, unknown>;

export const containerdFacts = defineFacts({
  area: 'containerd',
  async build() {
    return undefined;
  },
});
