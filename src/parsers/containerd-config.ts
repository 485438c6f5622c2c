import { dig, isTable, lineOfKey, type TomlTable } from './containerd-toml.js';

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
 * What containerd 2.3+ (config version 4) copies from a version 3 file's `[plugins."io.containerd.grpc.v1.cri"]`
 * onto `[plugins."io.containerd.cri.v1.images"]` when it migrates the file on load: these keys of the table
 * itself, and these of its `.containerd` table (v2.3.0 plugins/cri/images/plugin.go:175-261 migrateConfig).
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

/** The keys of the file's `[plugins."io.containerd.grpc.v1.cri"]` that the CRI images plugin's migration copies. */
export function criKeysMigrated(t: TomlTable): string[] {
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
 * `imagesTable`). A version 1 file's CRI table is `[plugins.cri]`, which 2.x first renames.
 */
export function asImagesTable(t: TomlTable): TomlTable {
  const plugins = t.plugins as TomlTable;
  const named: TomlTable =
    fileVersion(t) === 1 && isTable(plugins[CRI_PLUGIN_ID[1]])
      ? { ...t, plugins: { ...plugins, [CRI_PLUGIN_ID[2]]: plugins[CRI_PLUGIN_ID[1]] } }
      : t;
  return migrateLeftoverCri(named, criKeysMigrated(named));
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
