import { defineFacts } from './context.js';

// Not built yet: the kubelet area's facts arrive with its probe.
export type KubeletFacts = Record<string, unknown>;

export const kubeletFacts = defineFacts({
  area: 'kubelet',
  async build() {
    return undefined;
  },
});
