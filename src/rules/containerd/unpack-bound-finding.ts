// What containerd.unpack-bound found, read by its evidence (unpack-bound.ts) and its steps
// (unpack-bound-steps.ts).
import type { Measurements } from '../../bundle/measurements.js';
import type { ContainerdFacts, Decompression } from '../../facts/containerd.js';
import type { Transport } from './transport.js';
import type { UnpackCost } from './unpack-cost.js';

export interface UnpackFinding {
  c: ContainerdFacts | undefined;
  native: boolean;
  dec: Decompression | null;
  /** gzip is inflated inside containerd, on one thread (Go's compress/gzip; klauspost/compress/gzip from 2.4). */
  stdlib: boolean;
  /** No external decompressor this version uses is installed (vs installed but disabled). */
  missing: boolean;
  gunzip: number | null;
  rates: Transport;
  cost: UnpackCost | null;
  cpu: Measurements['cpu'];
}
