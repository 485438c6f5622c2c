import type { BundleReader } from '../bundle/reader.js';
import type { AreaKey, Facts } from './types.js';
import type { InputProblem } from './problems.js';

export interface FactsContext {
  bundle: BundleReader;
  /** The facts built so far (areas are built in a fixed order: system, dfdaemon, disk, containerd, kubelet, net). */
  facts: Facts;
  problem(p: InputProblem): void;
  note(text: string, source?: string): void;
}

export interface FactsBuilder<K extends AreaKey> {
  area: K;
  build(ctx: FactsContext): Promise<Facts[K] | undefined>;
}

export function defineFacts<K extends AreaKey>(b: FactsBuilder<K>): FactsBuilder<K> {
  return b;
}
