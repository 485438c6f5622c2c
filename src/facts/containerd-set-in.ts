// Which file sets each containerd setting dfdoctor reads, and at which line: containerd loads config.toml,
// then each file of `imports` in order, merging each over what came before (mergo.WithOverride; plugin
// tables key by key in 2.x, a plugin table replacing the earlier one whole in 1.x: facts/containerd-load.ts
// removes those from the earlier files first), so the last file to set a key wins — v2.2.3 cmd/containerd/server/config/config.go:289-331
// (LoadConfig) and :429 (mergeConfig), the same at v2.0.0 :292/:432 and v2.1.4 :288/:428; v1.7.20
// services/server/config/config.go:196-243 and :298, v1.6.0 :248/:327. A setting set in an import is
// changed there, not in config.toml: an edit to config.toml is merged under the import's value. Pure.
import { type ContainerdConfig, CRI_PLUGIN_ID, criKeyPath } from '../parsers/containerd-config.js';
import { dig, type TomlParse, type TomlTable } from '../parsers/containerd-toml.js';

export type LineOf = Extract<TomlParse, { ok: true }>['lineOf'];

/** A bundle file that sets a key, with its line when the parser located it. */
export interface SetIn {
  file: string;
  line?: number;
}

/** One config file: as containerd reads it (after its own migration) for the value, as written for the line. */
export interface ConfigFileRead {
  path: string;
  table: TomlTable;
  lineOf: LineOf;
}

/** Where the key (a path in the merged config's layout) is set: the last file to set it; undefined when none does. */
export type Locate = (key: readonly string[]) => SetIn | undefined;

export function locateIn(files: readonly ConfigFileRead[]): Locate {
  return (key) => {
    const f = files.findLast((x) => dig(x.table, ...key) !== undefined);
    if (!f) return undefined;
    const line = lineIn(f.lineOf, key);
    return line === undefined ? { file: f.path } : { file: f.path, line };
  };
}

/**
 * The key's line in the file as written: where the merged layout names it, else under another CRI table
 * id (a version 1 or 2 file read through the images table keeps its keys under its own CRI table,
 * snapshotter and friends in `.containerd`).
 */
function lineIn(lineOf: LineOf, key: readonly string[]): number | undefined {
  const exact = lineOf(key);
  if (exact !== undefined || key[0] !== 'plugins' || !Object.values(CRI_PLUGIN_ID).includes(key[1] ?? '')) return exact;
  const rest = key[2] === 'containerd' ? key.slice(3) : key.slice(2);
  for (const id of new Set(Object.values(CRI_PLUGIN_ID)))
    for (const k of [
      ['plugins', id, ...rest],
      ['plugins', id, 'containerd', ...rest],
    ]) {
      const l = lineOf(k);
      if (l !== undefined) return l;
    }
  return undefined;
}

/** The settings the rules and "what dfdoctor read" cite, each where it is set (absent: set in no file). */
export interface ConfigSetIn {
  configPath?: SetIn;
  configPathMisplaced?: SetIn;
  /** max_concurrent_downloads of the section that governs the pull (CRI, or the 2.1+ transfer service): the caller, which knows the pull path, sets it. */
  downloads?: SetIn;
  snapshotter?: SetIn;
  discardUnpackedLayers?: SetIn;
  disableSnapshotAnnotations?: SetIn;
  imagePullProgressTimeout?: SetIn;
  useLocalImagePull?: SetIn;
  /** registry.mirrors: the last file to set the registry's endpoints, per registry. */
  mirrors: Record<string, SetIn>;
  /** registry.configs: the last file to set a host's table, per host. */
  configs: Record<string, SetIn>;
}

export function settingsSetIn(config: ContainerdConfig, at: Locate): ConfigSetIn {
  const out: ConfigSetIn = { mirrors: {}, configs: {} };
  const put = (k: Exclude<keyof ConfigSetIn, 'mirrors' | 'configs'>, key: readonly string[]) => {
    const s = at(key);
    if (s) out[k] = s;
  };
  put('configPath', criKeyPath(config, 'registry', 'config_path'));
  put('configPathMisplaced', criKeyPath(config, 'config_path'));
  put('snapshotter', criKeyPath(config, 'snapshotter'));
  put('discardUnpackedLayers', criKeyPath(config, 'discard_unpacked_layers'));
  put('disableSnapshotAnnotations', criKeyPath(config, 'disable_snapshot_annotations'));
  put('imagePullProgressTimeout', criKeyPath(config, 'image_pull_progress_timeout'));
  put('useLocalImagePull', criKeyPath(config, 'use_local_image_pull'));
  for (const r of Object.keys(config.cri.mirrors)) {
    const s =
      at(criKeyPath(config, 'registry', 'mirrors', r, 'endpoint')) ?? at(criKeyPath(config, 'registry', 'mirrors', r));
    if (s) out.mirrors[r] = s;
  }
  for (const h of config.cri.configs) {
    const s = at(criKeyPath(config, 'registry', 'configs', h));
    if (s) out.configs[h] = s;
  }
  return out;
}
