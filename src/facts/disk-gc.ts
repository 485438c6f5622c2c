import type { Facts } from './types.js';

/** The disk usage at which dfdaemon starts evicting cached tasks, and where that figure came from. */
export interface GcThreshold {
  highPercent: number;
  /** The config key (dfget.yaml / dfdaemon.yaml) that sets it. */
  key: string;
  from: 'config' | 'default';
  generation: 'go' | 'rust';
  /** e.g. "raw/dfdaemon/config/dfdaemon.yaml:42" or "Rust client default". */
  evidence: string;
}

/**
 * Code defaults: Go storage.diskGCThresholdPercent 95 (dragonflyoss/dragonfly v2.1.49
 * client/config/peerhost_linux.go), Rust gc.policy 80 (dragonflyoss/client v1.5.1 dragonfly-client-config/src/dfdaemon.rs).
 */
const DEFAULTS = {
  go: { highPercent: 95, key: 'storage.diskGCThresholdPercent' },
  rust: { highPercent: 80, key: 'gc.policy.distHighThresholdPercent' },
} as const;

/** From dfdaemon's config when read, else the generation's default, else unknown (null). */
export function gcThreshold(f: Facts): GcThreshold | null {
  const d = f.dfdaemon;
  const cfg = d?.config;
  const gen = cfg?.generation ?? d?.generation ?? null;
  const s = cfg?.gcHighThresholdPercent;
  if (gen && s && Number.isFinite(s.value) && s.value > 0 && s.value <= 100) {
    const where =
      s.from === 'config'
        ? `${cfg.file}${s.line === undefined ? '' : `:${s.line}`}`
        : `${gen === 'go' ? 'Go dfdaemon' : 'Rust client'} default`;
    return {
      highPercent: s.value,
      key: s.key,
      from: s.from,
      generation: gen,
      evidence: `${s.key}: ${s.value} (${where})`,
    };
  }
  // a Go config read without the key: a release before v2.0.2, which has no percentage GC (GO_DISK_GC_PERCENT_DEFAULT)
  if (gen === 'go' && cfg && !s) return null;
  if (gen) {
    const def = DEFAULTS[gen];
    return {
      ...def,
      from: 'default',
      generation: gen,
      evidence: `${def.key}: ${def.highPercent} (${gen === 'go' ? 'Go dfdaemon' : 'Rust client'} default; config not read)`,
    };
  }
  return null;
}
