import { dig, headerValue, isTable, lineOfKey, type TomlTable } from './containerd-toml.js';

/**
 * containerd's config.toml in its four layouts, reduced to what a pull depends on
 * (containerd/containerd v1.6.38 pkg/cri/config/config.go; v2.1.0 internal/cri/config/config.go,
 * docs/cri/config.md; by release: src/knowledge/containerd.ts):
 * - version 1 (1.x; 2.x still migrates it, v2.0.0 cmd/containerd/server/config/config.go:196-205): `[plugins.cri]`, `[plugins.cri.containerd]`, `[plugins.cri.registry]`
 * - version 2 (1.x; 2.x converts it): `[plugins."io.containerd.grpc.v1.cri"]` (+ `.containerd`, `.registry`)
 * - version 3 (2.x): `[plugins."io.containerd.cri.v1.images"]` (+ `.registry`) and the transfer service
 *   `[plugins."io.containerd.transfer.v1.local"]`.
 * - version 4 (2.3+; older releases refuse to start with it): the plugin tables of version 3; only the
 *   server settings moved into plugins, the socket to `[plugins."io.containerd.server.v1.grpc"] address`
 *   (v2.3.4 cmd/containerd/server/config/config.go:219-273, docs/man/containerd-config.toml.5.md:100-105).
 * Unknown keys are ignored, as containerd ignores them.
 */
export type ConfigLayout = 1 | 2 | 3 | 4;

/** Layouts 3 and 4 keep the CRI image settings in io.containerd.cri.v1.images (and the 2.1+ transfer service). */
export const criV1Layout = (l: ConfigLayout): l is 3 | 4 => l >= 3;

export interface CriImageSettings {
  maxConcurrentDownloads?: number;
  snapshotter?: string;
  discardUnpackedLayers?: boolean;
  imagePullProgressTimeout?: string;
  imagePullWithSyncFs?: boolean;
  disableSnapshotAnnotations?: boolean;
  /** 2.1+ only: forces the old local pull. */
  useLocalImagePull?: boolean;
  configPath?: string;
  /**
   * A `config_path` written in the CRI table itself rather than under its `.registry`, where no containerd
   * reads it (the image config has no such key: 1.x drops it, 2.x's migration does not copy it).
   */
  configPathMisplaced?: string;
  /** Legacy `registry.mirrors`: registry → endpoints, in file order. */
  mirrors: Record<string, string[]>;
  /** Legacy `registry.configs` keys (TLS/auth per registry host). */
  configs: string[];
  /** Legacy `registry.configs.<host>.tls` present for these hosts (also conflicts with config_path). */
  configsTls: string[];
  /** Legacy `registry.auths` present. */
  auths: boolean;
  /**
   * Legacy `registry.headers`' X-Dragonfly-Registry (its first value): containerd sends these headers to
   * every registry (v1.6.38 pkg/cri/config/config.go, Registry.Headers "sent to all registries").
   */
  registryHeader?: string;
  /**
   * Legacy mirrors written with a `header` table: no containerd reads one there (a mirror has only
   * `endpoint`, v1.6.38 pkg/cri/config/config.go Mirror), so its headers are never sent. dfinit wrote
   * X-Dragonfly-Registry there until v0.1.96 (dragonflyoss/client v0.1.94
   * dragonfly-client-init/src/container_runtime/containerd.rs:211-214, dropped in 95deec80, first in v0.1.97).
   */
  mirrorHeaderTables: string[];
}

export interface TransferSettings {
  maxConcurrentDownloads?: number;
  maxConcurrentUnpacks?: number;
  concurrentLayerFetchBuffer?: number;
}

export interface ContainerdConfig {
  layout: ConfigLayout;
  /** False when the file has no `version` key (containerd then assumes 1 in 1.x, dfinit assumes 2). */
  versionDeclared: boolean;
  imports: string[];
  root?: string;
  state?: string;
  grpcAddress?: string;
  disabledPlugins: string[];
  /** The TOML table id the CRI image settings live under in this layout. */
  criPluginId: string;
  cri: CriImageSettings;
  transfer: TransferSettings;
}

export interface ConfigValueProblem {
  line?: number;
  message: string;
}

export const CRI_PLUGIN_ID: Record<ConfigLayout, string> = {
  1: 'cri',
  2: 'io.containerd.grpc.v1.cri',
  3: 'io.containerd.cri.v1.images',
  4: 'io.containerd.cri.v1.images',
};
/** Where a version 4 config puts the socket; a top-level `[grpc]` is only migrated from older versions. */
const GRPC_SERVER_PLUGIN_ID = 'io.containerd.server.v1.grpc';
export const TRANSFER_PLUGIN_ID = 'io.containerd.transfer.v1.local';

/**
 * Reads an already-parsed config table; `text` only locates value problems. `imagesTable`: the CRI
 * settings are read from `[plugins."io.containerd.cri.v1.images"]` whatever the file's version (a
 * version 1 or 2 file that holds one, as containerd 2.x loads it: asImagesTable).
 */
export function readContainerdConfig(
  t: TomlTable,
  text = '',
  imagesTable = false,
): { config: ContainerdConfig; problems: ConfigValueProblem[] } {
  const problems: ConfigValueProblem[] = [];
  const num = (v: unknown, key: string): number | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'bigint') return Number(v);
    problems.push({ line: lineOfKey(text, key), message: `${key} must be an integer, found ${JSON.stringify(v)}` });
    return undefined;
  };
  const bool = (v: unknown, key: string): boolean | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    problems.push({ line: lineOfKey(text, key), message: `${key} must be true or false, found ${JSON.stringify(v)}` });
    return undefined;
  };
  const str = (v: unknown, key: string): string | undefined => {
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v;
    problems.push({ line: lineOfKey(text, key), message: `${key} must be a string, found ${JSON.stringify(v)}` });
    return undefined;
  };

  const rawVersion = t.version;
  let layout: ConfigLayout = 1;
  if (rawVersion !== undefined) {
    const v = Number(rawVersion);
    if (v === 1 || v === 2 || v === 3 || v === 4) layout = v;
    else
      problems.push({
        line: lineOfKey(text, 'version'),
        message: `unsupported config version ${JSON.stringify(rawVersion)} (1 to 4)`,
      });
  }
  const criPluginId = imagesTable ? CRI_PLUGIN_ID[3] : CRI_PLUGIN_ID[layout];
  const cri = dig(t, 'plugins', criPluginId);
  // in layouts 1 and 2, snapshotter and friends sit one table deeper (`.containerd`)
  const criRuntime = imagesTable || criV1Layout(layout) ? cri : dig(cri, 'containerd');
  const registry = dig(cri, 'registry');
  // config_path one table too high: no release reads it there
  const misplaced = dig(cri, 'config_path');

  const mirrors: Record<string, string[]> = {};
  const rawMirrors = dig(registry, 'mirrors');
  if (isTable(rawMirrors)) {
    for (const [name, m] of Object.entries(rawMirrors)) {
      const ep = dig(m, 'endpoint');
      if (Array.isArray(ep)) mirrors[name] = ep.filter((e): e is string => typeof e === 'string');
      else if (ep !== undefined)
        problems.push({
          line: lineOfKey(text, 'endpoint'),
          message: `registry.mirrors."${name}".endpoint must be a list of URLs`,
        });
      else mirrors[name] = [];
    }
  }
  const rawConfigs = dig(registry, 'configs');
  const configs = isTable(rawConfigs) ? Object.keys(rawConfigs) : [];
  const configsTls = isTable(rawConfigs) ? configs.filter((k) => isTable(dig(rawConfigs, k, 'tls'))) : [];
  const rawAuths = dig(registry, 'auths');
  const rawHeaders = dig(registry, 'headers');
  const registryHeader = headerValue(rawHeaders, 'x-dragonfly-registry');
  const mirrorHeaderTables = Object.keys(mirrors).filter((name) => isTable(dig(rawMirrors, name, 'header')));

  const importsRaw = t.imports;
  const imports = Array.isArray(importsRaw) ? importsRaw.filter((s): s is string => typeof s === 'string') : [];
  const disabled = Array.isArray(t.disabled_plugins)
    ? t.disabled_plugins.filter((s): s is string => typeof s === 'string')
    : [];
  const transfer = dig(t, 'plugins', TRANSFER_PLUGIN_ID);

  const config: ContainerdConfig = {
    layout,
    versionDeclared: rawVersion !== undefined,
    imports,
    root: str(t.root, 'root'),
    state: str(t.state, 'state'),
    grpcAddress: str(
      layout === 4 ? dig(t, 'plugins', GRPC_SERVER_PLUGIN_ID, 'address') : dig(t, 'grpc', 'address'),
      'address',
    ),
    disabledPlugins: disabled,
    criPluginId,
    cri: {
      maxConcurrentDownloads: num(dig(cri, 'max_concurrent_downloads'), 'max_concurrent_downloads'),
      snapshotter: str(dig(criRuntime, 'snapshotter'), 'snapshotter'),
      discardUnpackedLayers: bool(dig(criRuntime, 'discard_unpacked_layers'), 'discard_unpacked_layers'),
      imagePullProgressTimeout: str(dig(cri, 'image_pull_progress_timeout'), 'image_pull_progress_timeout'),
      imagePullWithSyncFs: bool(dig(cri, 'image_pull_with_sync_fs'), 'image_pull_with_sync_fs'),
      disableSnapshotAnnotations: bool(dig(criRuntime, 'disable_snapshot_annotations'), 'disable_snapshot_annotations'),
      useLocalImagePull: bool(dig(cri, 'use_local_image_pull'), 'use_local_image_pull'),
      configPath: str(dig(registry, 'config_path'), 'config_path'),
      ...(typeof misplaced === 'string' ? { configPathMisplaced: misplaced } : {}),
      mirrors,
      configs,
      configsTls,
      auths: isTable(rawAuths) && Object.keys(rawAuths).length > 0,
      ...(registryHeader === undefined ? {} : { registryHeader }),
      mirrorHeaderTables,
    },
    transfer: {
      maxConcurrentDownloads: num(dig(transfer, 'max_concurrent_downloads'), 'max_concurrent_downloads'),
      maxConcurrentUnpacks: num(dig(transfer, 'max_concurrent_unpacks'), 'max_concurrent_unpacks'),
      concurrentLayerFetchBuffer: num(dig(transfer, 'concurrent_layer_fetch_buffer'), 'concurrent_layer_fetch_buffer'),
    },
  };
  return { config, problems };
}

/** The CRI keys that layouts 1 and 2 keep one table deeper, in the CRI plugin's `containerd` table. */
const CRI_RUNTIME_KEYS: ReadonlySet<string> = new Set([
  'snapshotter',
  'discard_unpacked_layers',
  'disable_snapshot_annotations',
]);

/**
 * Where readContainerdConfig reads a CRI key in the table it was given: under the CRI table that holds the
 * image settings, snapshotter and friends one table deeper (`.containerd`) unless that is the images table.
 */
export function criKeyPath(config: Pick<ContainerdConfig, 'criPluginId'>, ...key: string[]): string[] {
  const deeper = config.criPluginId !== CRI_PLUGIN_ID[3] && key.length === 1 && CRI_RUNTIME_KEYS.has(key[0]!);
  return ['plugins', config.criPluginId, ...(deeper ? ['containerd'] : []), ...key];
}

/**
 * What containerd 2.x copies from `[plugins."io.containerd.grpc.v1.cri"]` onto
 * `[plugins."io.containerd.cri.v1.images"]` when it migrates a config (a version 1 or 2 one; from 2.3 a
 * version 3 one too): these keys of the table itself, and these of its `.containerd` table when that has
 * `runtimes` (v2.3.0 plugins/cri/images/plugin.go:175-261 migrateConfig; hasCriRuntimes).
 */
const LEFTOVER_CRI_KEYS = [
  'registry',
  'image_decryption',
  'max_concurrent_downloads',
  'image_pull_progress_timeout',
  'image_pull_with_sync_fs',
  'stats_collect_period',
] as const;
const LEFTOVER_CRI_CONTAINERD_KEYS = [
  'snapshotter',
  'disable_snapshot_annotations',
  'discard_unpacked_layers',
] as const;

/** The keys a version 3 file's leftover CRI table holds that containerd 2.3+ moves over its images table (none: empty). */
export function leftoverCriKeys(t: TomlTable): string[] {
  return fileVersion(t) === 3 ? criKeysMigrated(t) : [];
}

/**
 * Whether the file's CRI table has a `containerd.runtimes` table. The CRI images plugin's migration copies
 * snapshotter, disable_snapshot_annotations and discard_unpacked_layers from `.containerd` only then: it
 * returns when `runtimes` is absent, before it reaches them (plugins/cri/images/plugin.go migrateConfig,
 * v2.0.0 :206-243, v2.1.0 :213-250, v2.2.0 :226-263, v2.3.0 :224-261, v2.4.0-beta.0 the same).
 */
export function hasCriRuntimes(t: TomlTable): boolean {
  return dig(t, 'plugins', CRI_PLUGIN_ID[2], 'containerd', 'runtimes') !== undefined;
}

/** The image keys the file's `[plugins."io.containerd.grpc.v1.cri"]` sets, migrated or not (`containerd.` for its `.containerd` table). */
export function criKeysSet(t: TomlTable): string[] {
  const src = dig(t, 'plugins', CRI_PLUGIN_ID[2]);
  if (!isTable(src)) return [];
  const inner = dig(src, 'containerd');
  return [
    ...LEFTOVER_CRI_KEYS.filter((k) => src[k] !== undefined),
    ...LEFTOVER_CRI_CONTAINERD_KEYS.filter((k) => isTable(inner) && inner[k] !== undefined).map(
      (k) => `containerd.${k}`,
    ),
  ];
}

/**
 * The keys of the file's `[plugins."io.containerd.grpc.v1.cri"]` that the CRI images plugin's migration
 * copies: its `.containerd` keys only when `runtimes` is there (hasCriRuntimes). `runtimes`: whether the
 * config migrated has one, when that is more than this file (2.0–2.2 migrate the merged config).
 */
export function criKeysMigrated(t: TomlTable, runtimes = hasCriRuntimes(t)): string[] {
  return criKeysSet(t).filter((k) => runtimes || !k.startsWith('containerd.'));
}

/** The `.containerd` keys the file sets that the migration leaves behind for want of `runtimes` (none: empty). */
export function criKeysStranded(t: TomlTable, runtimes = hasCriRuntimes(t)): string[] {
  return runtimes ? [] : criKeysSet(t).filter((k) => k.startsWith('containerd.'));
}

/**
 * The CRI images plugin's own values for the `.containerd` keys on Linux, what holds when the migration
 * leaves them behind (v2.2.0 internal/cri/config/config_unix.go:30-33, defaults/defaults_linux.go:32;
 * discard_unpacked_layers is Go's zero value; v2.0.0 :26-29 the same).
 */
const IMAGES_DEFAULTS: Readonly<Record<string, unknown>> = {
  snapshotter: 'overlayfs',
  disable_snapshot_annotations: true,
  discard_unpacked_layers: false,
};

/** Of the stranded keys (criKeysStranded), those the file sets to other than what holds without them. */
export function strandedOffDefault(t: TomlTable, keys: readonly string[]): string[] {
  const inner = dig(t, 'plugins', CRI_PLUGIN_ID[2], 'containerd') ?? dig(t, 'plugins', CRI_PLUGIN_ID[1], 'containerd');
  return keys.filter((k) => {
    const key = k.slice('containerd.'.length);
    return dig(inner, key) !== IMAGES_DEFAULTS[key];
  });
}

/**
 * The file without the `.containerd` keys (criKeysStranded) the migration leaves behind, so that nothing
 * reads them; its CRI table under either name (a version 1 file read as written keeps `[plugins.cri]`).
 */
export function withoutStrandedKeys(t: TomlTable, keys: readonly string[]): TomlTable {
  const plugins = t.plugins;
  if (keys.length === 0 || !isTable(plugins)) return t;
  const id = isTable(dig(plugins, CRI_PLUGIN_ID[2], 'containerd')) ? CRI_PLUGIN_ID[2] : CRI_PLUGIN_ID[1];
  const cri = plugins[id];
  const inner = dig(cri, 'containerd');
  if (!isTable(cri) || !isTable(inner)) return t;
  const kept: TomlTable = { ...inner };
  for (const k of keys) delete kept[k.slice('containerd.'.length)];
  return { ...t, plugins: { ...plugins, [id]: { ...cri, containerd: kept } } };
}

/**
 * A version 3 file as containerd 2.3+ loads it: its leftover CRI table's keys replace the images table's.
 * `keys`: leftoverCriKeys(t), when the caller has read them already.
 */
export function migrateLeftoverCri(t: TomlTable, keys: readonly string[] = leftoverCriKeys(t)): TomlTable {
  if (keys.length === 0) return t;
  const plugins = t.plugins as TomlTable;
  const src = plugins[CRI_PLUGIN_ID[2]] as TomlTable;
  const images = plugins[CRI_PLUGIN_ID[3]];
  const dst: TomlTable = { ...(isTable(images) ? images : {}) };
  for (const k of keys) {
    const [from, key] = k.startsWith('containerd.') ? [dig(src, 'containerd') as TomlTable, k.slice(11)] : [src, k];
    dst[key] = from[key];
  }
  return { ...t, plugins: { ...plugins, [CRI_PLUGIN_ID[3]]: dst } };
}

/** A file's config version as containerd reads it: one without `version` is version 1 (v2.2.0 cmd/containerd/server/config/config.go:47). */
export function fileVersion(t: TomlTable): number {
  return t.version === undefined ? 1 : Number(t.version);
}

/** Whether a version 1 or 2 file holds a `[plugins."io.containerd.cri.v1.images"]` table (only 2.x reads it). */
export function hasImagesTableBeforeV3(t: TomlTable): boolean {
  const v = fileVersion(t);
  return (v === 1 || v === 2) && isTable(dig(t, 'plugins', CRI_PLUGIN_ID[3]));
}

/**
 * A version 1 or 2 file that holds an images table, as containerd 2.x loads it: its CRI table's registry,
 * max_concurrent_downloads… copied over the images table (to be read with readContainerdConfig's
 * `imagesTable`). A version 1 file's CRI table is `[plugins.cri]`, which 2.x first renames. `runtimes`:
 * whether the config migrated has `containerd.runtimes` (criKeysMigrated), when more than this file.
 */
export function asImagesTable(t: TomlTable, runtimes?: boolean): TomlTable {
  const plugins = t.plugins as TomlTable;
  const named: TomlTable =
    fileVersion(t) === 1 && isTable(plugins[CRI_PLUGIN_ID[1]])
      ? { ...t, plugins: { ...plugins, [CRI_PLUGIN_ID[2]]: plugins[CRI_PLUGIN_ID[1]] } }
      : t;
  return migrateLeftoverCri(named, criKeysMigrated(named, runtimes ?? hasCriRuntimes(named)));
}

/**
 * containerd's import merge (containerd-config.toml(5)): imported scalars override, arrays and
 * maps append/merge. Used when no `config dump` is in the bundle.
 */
export function mergeTomlTables(base: TomlTable, over: TomlTable): TomlTable {
  const out: TomlTable = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    if (isTable(prev) && isTable(v)) out[k] = mergeTomlTables(prev, v);
    else if (Array.isArray(prev) && Array.isArray(v)) out[k] = [...prev, ...v.filter((x) => !prev.includes(x))];
    else out[k] = v;
  }
  return out;
}

/** `config_path` may list several directories separated by ':' (containerd searches them in order). */
export function splitConfigPath(p: string | undefined): string[] {
  if (!p) return [];
  return p
    .split(':')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
