import type { Rule } from '../rule.js';
import { lowDownloadConcurrency } from './low-download-concurrency.js';
import { mirrorFallback } from './mirror-fallback.js';
import { mirrorMisconfigured } from './mirror-misconfigured.js';
import { registryRoundtrip } from './registry-roundtrip.js';
import { unpackBound } from './unpack-bound.js';

export const containerdRules: Rule[] = [
  mirrorMisconfigured,
  mirrorFallback,
  registryRoundtrip,
  lowDownloadConcurrency,
  unpackBound,
];
