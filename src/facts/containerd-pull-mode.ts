import type { ContainerdConfig } from '../parsers/containerd-config.js';
import { type ContainerdVersion, versionAtLeast } from '../parsers/containerd-version.js';

/**
 * Which code path a CRI pull takes and which limit governs it (containerd v1.7.27 pkg/cri/config/config_unix.go, docs/cri/config.md;
 * v2.1.0 plugins/transfer/plugin.go, core/transfer/local/transfer.go, internal/cri/config/config.go):
 * - < 2.1: the CRI's own `max_concurrent_downloads` (default 3), a fresh limit per image pull;
 * - ≥ 2.1: the transfer service, one node-wide semaphore (`io.containerd.transfer.v1.local`
 *   `max_concurrent_downloads`, default 3), unless a CRI setting forces the old local pull.
 */
export interface PullMode {
  mode: 'local' | 'transfer';
  /** Why 2.1+ fell back to the local pull (each names the setting). */
  localReasons: string[];
  downloads: {
    limit: number;
    scope: 'per-pull' | 'per-daemon';
    /** TOML path of the setting that governs, for evidence and remediation. */
    setting: string;
    fromDefault: boolean;
  };
  /** Parallel layer unpacks: 1 unless 2.2+'s transfer `max_concurrent_unpacks` says otherwise. */
  unpacks: { limit: number; setting: string | null };
  /** How sure we are of the version-dependent branch. */
  versionBasis: 'reported' | 'layout';
}

export const DEFAULT_DOWNLOADS = 3;

export function pullMode(cfg: ContainerdConfig, v: ContainerdVersion | null): PullMode {
  const criKey = `plugins."${cfg.criPluginId}".max_concurrent_downloads`;
  const cri = cfg.cri;
  const transferOn = v ? versionAtLeast(v, 2, 1) : false;
  const localReasons: string[] = [];
  if (transferOn) {
    if (cri.useLocalImagePull === true) localReasons.push('use_local_image_pull = true');
    if (cri.disableSnapshotAnnotations === false) localReasons.push('disable_snapshot_annotations = false');
    if (cri.discardUnpackedLayers === true) localReasons.push('discard_unpacked_layers = true');
    if (Object.keys(cri.mirrors).length > 0) localReasons.push('registry.mirrors is set');
    if (cri.configs.length > 0) localReasons.push('registry.configs is set');
    if (cri.auths) localReasons.push('registry.auths is set');
    if (cri.maxConcurrentDownloads !== undefined && cri.maxConcurrentDownloads !== DEFAULT_DOWNLOADS) {
      localReasons.push(`max_concurrent_downloads = ${cri.maxConcurrentDownloads} (≠ 3)`);
    }
    if (cri.imagePullWithSyncFs === true) localReasons.push('image_pull_with_sync_fs = true');
  }
  const versionBasis = v ? 'reported' : 'layout';
  if (transferOn && localReasons.length === 0) {
    const t = cfg.transfer.maxConcurrentDownloads;
    const u = cfg.transfer.maxConcurrentUnpacks;
    return {
      mode: 'transfer',
      localReasons,
      downloads: {
        limit: t ?? DEFAULT_DOWNLOADS,
        scope: 'per-daemon',
        setting: `plugins."io.containerd.transfer.v1.local".max_concurrent_downloads`,
        fromDefault: t === undefined,
      },
      unpacks: { limit: u ?? 1, setting: versionAtLeast(v, 2, 2) ? `plugins."io.containerd.transfer.v1.local".max_concurrent_unpacks` : null },
      versionBasis,
    };
  }
  return {
    mode: 'local',
    localReasons,
    downloads: { limit: cri.maxConcurrentDownloads ?? DEFAULT_DOWNLOADS, scope: 'per-pull', setting: criKey, fromDefault: cri.maxConcurrentDownloads === undefined },
    unpacks: { limit: 1, setting: null },
    versionBasis,
  };
}

/** image_pull_progress_timeout in effect: absent before 1.7, 1m in 1.7.0–1.7.9, 5m from 1.7.10. */
export function progressTimeout(cfg: ContainerdConfig, v: ContainerdVersion | null): string | null {
  if (cfg.cri.imagePullProgressTimeout !== undefined) return cfg.cri.imagePullProgressTimeout;
  if (!v) return null;
  if (!versionAtLeast(v, 1, 7)) return null;
  if (!versionAtLeast(v, 1, 7, 10)) return '1m0s';
  return '5m0s';
}
