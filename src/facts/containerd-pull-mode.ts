import { formatRange } from '../knowledge/versioned.js';
import {
  criMaxConcurrentDownloads,
  criPullPath,
  DEFAULT_DOWNLOADS,
  progressTimeoutDefault,
  transferFallbackSettings,
  transferMaxConcurrentDownloads,
  transferMaxConcurrentUnpacks,
} from '../knowledge/containerd.js';
import { type ContainerdConfig, TRANSFER_PLUGIN_ID } from '../parsers/containerd-config.js';
import type { ContainerdVersionPicker } from './containerd-versioned.js';

export { DEFAULT_DOWNLOADS };

/**
 * Which code path a CRI pull takes and which limit governs it (by release: src/knowledge/containerd.ts):
 * - < 2.1: the CRI's own `max_concurrent_downloads` (default 3), a fresh limit per image pull —
 *   except 1.4.0–1.5.11, where the limit never reached the layer downloads (containerd#6054);
 * - ≥ 2.1: the transfer service, one node-wide semaphore (`io.containerd.transfer.v1.local`
 *   `max_concurrent_downloads`, default 3), unless a CRI setting forces the old local pull; that one
 *   then takes the CRI's `max_concurrent_downloads`, also as one semaphore for the whole image service
 *   (v2.1.0 internal/cri/server/images/service.go:112-115, passed to every pull: image_pull.go:257).
 */
export interface PullMode {
  mode: 'local' | 'transfer';
  /** The path this release takes when no setting forces another: transfer on 2.1+. */
  defaultPath: 'local' | 'transfer';
  /** Why 2.1+ fell back to the local pull (each names the setting). */
  localReasons: string[];
  /** 2.1+: the CRI `max_concurrent_downloads` ≠ 3 alone forced the local pull (at 3 the transfer service takes over). */
  countAloneForcesLocal: boolean;
  downloads: {
    limit: number;
    scope: 'per-pull' | 'per-daemon';
    /** TOML path of the setting that governs, for evidence and remediation. */
    setting: string;
    /** The same path as keys, to locate it in the file. */
    path: readonly string[];
    fromDefault: boolean;
    /** The setting has no effect on this release: layers all download at once (containerd#6054). */
    ignored?: { range: string; source: string };
  };
  /** Parallel layer unpacks: 1 unless 2.2+'s transfer `max_concurrent_unpacks` says otherwise. */
  unpacks: { limit: number; setting: string | null };
  /** How sure we are of the version-dependent branch. */
  versionBasis: 'reported' | 'assumed';
}

const TRANSFER = `plugins."${TRANSFER_PLUGIN_ID}"`;

function fallbackReasons(cfg: ContainerdConfig, settings: readonly string[]): { setting: string; text: string }[] {
  const cri = cfg.cri;
  const present: Record<string, string | null> = {
    use_local_image_pull: cri.useLocalImagePull === true ? 'use_local_image_pull = true' : null,
    disable_snapshot_annotations:
      cri.disableSnapshotAnnotations === false ? 'disable_snapshot_annotations = false' : null,
    discard_unpacked_layers: cri.discardUnpackedLayers === true ? 'discard_unpacked_layers = true' : null,
    'registry.mirrors': Object.keys(cri.mirrors).length > 0 ? 'registry.mirrors is set' : null,
    'registry.configs': cri.configs.length > 0 ? 'registry.configs is set' : null,
    'registry.auths': cri.auths ? 'registry.auths is set' : null,
    max_concurrent_downloads:
      cri.maxConcurrentDownloads !== undefined && cri.maxConcurrentDownloads !== DEFAULT_DOWNLOADS
        ? `max_concurrent_downloads = ${cri.maxConcurrentDownloads} (≠ 3)`
        : null,
    image_pull_with_sync_fs: cri.imagePullWithSyncFs === true ? 'image_pull_with_sync_fs = true' : null,
  };
  return settings.flatMap((setting) => {
    const text = present[setting];
    return text ? [{ setting, text }] : [];
  });
}

export function pullMode(cfg: ContainerdConfig, pk: ContainerdVersionPicker): PullMode {
  const criKey = `plugins."${cfg.criPluginId}".max_concurrent_downloads`;
  const cri = cfg.cri;
  const transferOn = pk.value(criPullPath, (v) => `CRI pulls take the ${v} path`) === 'transfer';
  const reasons = transferOn ? fallbackReasons(cfg, pk.value(transferFallbackSettings) ?? []) : [];
  const localReasons = reasons.map((r) => r.text);
  const countAloneForcesLocal = reasons.length > 0 && reasons.every((r) => r.setting === 'max_concurrent_downloads');
  const versionBasis = pk.version ? 'reported' : 'assumed';
  if (transferOn && localReasons.length === 0) {
    const t = cfg.transfer.maxConcurrentDownloads;
    const u = cfg.transfer.maxConcurrentUnpacks;
    const td = pk.value(transferMaxConcurrentDownloads);
    const unpacks = pk.value(transferMaxConcurrentUnpacks);
    return {
      mode: 'transfer',
      defaultPath: 'transfer',
      localReasons,
      countAloneForcesLocal,
      downloads: {
        limit: t ?? td?.default ?? DEFAULT_DOWNLOADS,
        scope: 'per-daemon',
        setting: `${TRANSFER}.max_concurrent_downloads`,
        path: ['plugins', TRANSFER_PLUGIN_ID, 'max_concurrent_downloads'],
        fromDefault: t === undefined,
      },
      unpacks: {
        limit: unpacks ? (u ?? unpacks.default) : 1,
        setting: unpacks ? `${TRANSFER}.max_concurrent_unpacks` : null,
      },
      versionBasis,
    };
  }
  const effect = pk.value(criMaxConcurrentDownloads, (v) =>
    v === 'ignored' ? 'max_concurrent_downloads has no effect' : 'max_concurrent_downloads limits each image pull',
  );
  const ignored =
    effect === 'ignored' && pk.version
      ? criMaxConcurrentDownloads.entries.find((e) => e.value === 'ignored')
      : undefined;
  return {
    mode: 'local',
    defaultPath: transferOn ? 'transfer' : 'local',
    localReasons,
    countAloneForcesLocal,
    downloads: {
      limit: cri.maxConcurrentDownloads ?? DEFAULT_DOWNLOADS,
      // 2.1+ shares the CRI limit across pulls even on the local path
      scope: transferOn ? 'per-daemon' : 'per-pull',
      setting: criKey,
      path: ['plugins', cfg.criPluginId, 'max_concurrent_downloads'],
      fromDefault: cri.maxConcurrentDownloads === undefined,
      ...(ignored ? { ignored: { range: formatRange(ignored.range), source: ignored.source } } : {}),
    },
    unpacks: { limit: 1, setting: null },
    versionBasis,
  };
}

/** image_pull_progress_timeout in effect: the configured value, else the release's default (none before 1.7). */
export function progressTimeout(cfg: ContainerdConfig, pk: ContainerdVersionPicker): string | null {
  if (cfg.cri.imagePullProgressTimeout !== undefined) return cfg.cri.imagePullProgressTimeout;
  return pk.value(progressTimeoutDefault, (v) => `image_pull_progress_timeout defaults to ${v ?? 'none'}`) ?? null;
}
