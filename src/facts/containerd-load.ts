// How containerd loads config.toml and its imports into one config, per release line: which version the
// merged config takes, which layout each file's plugin tables are read in, and when it refuses to start.
// Pure: the caller says notes. Each file is one the bundle holds, config.toml first, the imports after it
// in the order containerd loads them.
import {
  CRI_PLUGIN_ID,
  criKeysStranded,
  fileVersion,
  hasCriRuntimes,
  hasImagesTableBeforeV3,
  mergeTomlTables,
} from '../parsers/containerd-config.js';
import { isTable, tomlKeyPart, type TomlTable } from '../parsers/containerd-toml.js';
import type { ImportMerge, PluginUriCheck } from '../knowledge/containerd.js';
import type { ConfigFileRead } from './containerd-set-in.js';

/** How each file's tables are read before they are merged. */
export type FileForm =
  /** as written: the merged config is read in the layout of `version` */
  | 'as-written'
  /** a version 0 or 1 file's `[plugins.cri]` renamed to `[plugins."io.containerd.grpc.v1.cri"]` (2.x's v1Migrate) */
  | 'renamed'
  /** read through the images table: the CRI table's keys copied over it (the CRI images plugin's migration) */
  | 'images-table';

export interface LoadedFiles {
  /** The version containerd reads the merged config as: the layout of the merged table. */
  version: number;
  /** The file whose `version` line the merged config takes, when it is not config.toml's (an import's). */
  versionFrom?: ConfigFileRead;
  /** How each file is read, in order. */
  forms: FileForm[];
  /** Each file before its own migration (forms), less the plugin tables a later file replaces whole (1.x). */
  files: ConfigFileRead[];
  /** The CRI image settings come from `[plugins."io.containerd.cri.v1.images"]` whatever `version` says. */
  imagesTable: boolean;
  /**
   * Whether disabled_plugins turns the CRI plugin off: 1.x matches a merged version 1 list against each
   * plugin's id (`cri`) and any other against its URI; 2.x renames a version 0/1 file's ids to URIs first.
   */
  criDisabled: boolean;
  /** Why containerd does not start with these files, and where: found while it loads them. */
  refused?: { file: string; key: string[]; message: string };
  /**
   * Why containerd does not start with the merged config, and where: found by the check it runs once every
   * file is loaded, after the check of the merged version (1.x ValidateV2, 2.x ValidateVersion), so a
   * version above the release's refuses first.
   */
  invalid?: { file: string; key: string[]; message: string };
  /**
   * Per file (by path), the `[plugins."io.containerd.grpc.v1.cri".containerd]` keys (`containerd.snapshotter`…)
   * that 2.x's migration of a version 1 or 2 config leaves behind for want of a `runtimes` table
   * (criKeysStranded): no plugin reads them. Files with none are absent.
   */
  stranded: Record<string, string[]>;
}

/** 1.5–1.6's ValidateV2 (knowledge/containerd.ts configPluginUriCheck): what 1.x does when not told which. */
export const CHECK_1_5: PluginUriCheck = { at: 'version-2-and-above', prefix: false };

/** The version a config file declares (0 without a version line). */
export const declared = (t: TomlTable): number => (t.version === undefined ? 0 : Number(t.version));

/**
 * containerd's v1MigratePluginName for the table dfdoctor reads (v2.2.3 cmd/containerd/server/config/config.go:148-187):
 * `cri` is io.containerd.grpc.v1.cri. Other plugin ids keep their name here; dfdoctor reads none of them.
 */
export function renameV1Cri(t: TomlTable): TomlTable {
  const plugins = t.plugins;
  if (!isTable(plugins) || !isTable(plugins[CRI_PLUGIN_ID[1]])) return t;
  const { [CRI_PLUGIN_ID[1]]: cri, ...rest } = plugins;
  return { ...t, plugins: { ...rest, [CRI_PLUGIN_ID[2]]: cri } };
}

/**
 * The files as one containerd release line loads them.
 * - 1.x (v1.7.20 services/server/config/config.go:196-243 LoadConfig, :298-322 mergeConfig; v1.6.0 :225/:327,
 *   v1.5.0 :222/:324): the merged Version is the last file's to declare one (mergo.WithOverride leaves a 0
 *   alone; the default config's is 1, cmd/containerd/command/config.go:131), every file's plugin tables are
 *   looked up in that version's layout (Decode :180-184: by id `cri` in version 1, else by URI), and a plugin
 *   table replaces the earlier files' table of the same id whole (:305-308). A version 2 config with a plugin
 *   key that is no URI (`cri`) does not start (ValidateV2 :122-126).
 * - 2.0–2.2 (v2.2.3 cmd/containerd/server/config/config.go:289-339, v2.0.0 :292): the load starts from the
 *   default config's version 3 (cmd/containerd/command/config.go:130); a version 0 or 1 file has its plugins
 *   renamed and takes the version loaded so far (:312-319, containerd's own test :217-234), any other file's
 *   version overrides; plugin tables merge key by key (mergeConfig :429-449, commit a21e379b6). Only a merged
 *   config below version 3 is migrated, the CRI images plugin copying the CRI table's keys over its own
 *   (cmd/containerd/server/server.go:133-140, :266-279; plugins/cri/images/plugin.go:175-194), and the CRI
 *   `.containerd` table's snapshotter keys only when the merged table has `runtimes` (hasCriRuntimes).
 * - 2.3+ (v2.3.0 cmd/containerd/server/config/config.go:451-526): each file is migrated from its own version,
 *   plugins included, before it is merged (each file's own `runtimes` table, then, lets its snapshotter
 *   keys through); an import that declares a higher version than config.toml does not start (:475-481).
 */
export function loadFiles(
  files: readonly ConfigFileRead[],
  how: ImportMerge,
  check: PluginUriCheck = CHECK_1_5,
): LoadedFiles {
  if (how === 'plugin-tables-replaced') return load1x(files, check);
  if (how === 'merged-then-migrated') return loadMergedThenMigrated(files);
  return loadEachMigrated(files);
}

function load1x(files: readonly ConfigFileRead[], check: PluginUriCheck): LoadedFiles {
  let version = 1;
  let versionFrom: ConfigFileRead | undefined;
  for (const f of files)
    if (declared(f.table) !== 0) {
      version = declared(f.table);
      versionFrom = f;
    }
  // a plugin table of a later file replaces this file's whole
  const later = (i: number, id: string) =>
    files.slice(i + 1).some((g) => isTable(g.table.plugins) && id in g.table.plugins);
  const asMerged = files.map((f, i) => {
    const plugins = f.table.plugins;
    if (!isTable(plugins)) return f;
    const kept = Object.fromEntries(Object.entries(plugins).filter(([id]) => !later(i, id)));
    return { ...f, table: { ...f.table, plugins: kept } };
  });
  // ValidateV2 checks the merged disabled_plugins, then required_plugins (every file's, appended by
  // mergo.WithAppendSlice), then the plugin keys: an entry of fewer than 4 dotted parts (1.7: or not
  // under io.containerd.) stops 1.5+ at any version from 2 and 1.3/1.4 at version 2 only, which read a
  // version 3 file by URI unchecked (v1.3.0 services/server/config/config.go:92-112, v1.5.0 :97-119,
  // v1.6.0 :99-121, v1.7.0 :98-122, v1.7.20 :99-128; knowledge/containerd.ts configPluginUriCheck)
  const checked = check.at === 'version-2' ? version === 2 : version >= 2;
  const notUri = (id: string) => id.split('.').length < 4 || (check.prefix && !id.startsWith('io.containerd.'));
  let invalid = checked
    ? notUriListed(files, () => version, notUri, check.prefix ? 'io.containerd.' : undefined)
    : undefined;
  if (checked && !invalid)
    for (const f of asMerged) {
      const id = isTable(f.table.plugins) ? Object.keys(f.table.plugins).find(notUri) : undefined;
      if (id !== undefined) {
        invalid = {
          file: f.path,
          key: ['plugins', id],
          message: `[plugins.${tomlKeyPart(id)}] is no plugin URI${prefixMiss(id, check.prefix)}, and the merged config is version ${version}${versionFrom && versionFrom !== files[0] ? ` (the version ${versionFrom.path} declares)` : ''}: containerd 1.x exits with "invalid plugin key URI \\"${id}\\" expect io.containerd.x.vx"`,
        };
        break;
      }
    }
  return {
    version,
    ...(versionFrom && files[0] && version !== fileVersion(files[0].table) ? { versionFrom } : {}),
    forms: files.map(() => 'as-written'),
    files: asMerged,
    imagesTable: false,
    // V1DisabledFilter by id at version 1, V2DisabledFilter by URI above (v1.7.20 services/server/config/
    // config.go:324-346, services/server/server.go:514-517; v1.5.0 :351-372, :438-440)
    criDisabled: disabledOf(files).includes(version === 1 ? CRI_PLUGIN_ID[1] : CRI_PLUGIN_ID[2]),
    ...(invalid ? { invalid } : {}),
    stranded: {},
  };
}

function loadMergedThenMigrated(files: readonly ConfigFileRead[]): LoadedFiles {
  let version = 3;
  let versionFrom: ConfigFileRead | undefined;
  for (const f of files)
    if (declared(f.table) >= 2) {
      version = declared(f.table);
      versionFrom = f;
    }
  const renamed = files.map((f) => declared(f.table) < 2);
  // below version 3 the merged config is migrated: an images table anywhere is read, with the CRI table's keys over it
  const imagesTable = version < 3 && files.some((f) => isTable(dig2(f.table, CRI_PLUGIN_ID[3])));
  // the migration reads the merged CRI table: a `runtimes` table in any file lets every file's keys through
  const named = files.map((f, i) => (renamed[i] ? renameV1Cri(f.table) : f.table));
  const runtimes = named.some(hasCriRuntimes);
  const stranded = version < 3 ? strandedBy(files, named, runtimes) : {};
  return {
    version,
    ...(versionFrom && versionFrom !== files[0] && files[0] && version !== declared(files[0].table)
      ? { versionFrom }
      : {}),
    forms: files.map((_, i) => (imagesTable ? 'images-table' : renamed[i] ? 'renamed' : 'as-written')),
    files: [...files],
    imagesTable,
    criDisabled: criDisabledOn2x(files),
    ...invalidOf2x(files),
    stranded,
  };
}

function loadEachMigrated(files: readonly ConfigFileRead[]): LoadedFiles {
  // the version of the first file to declare one bounds the others' (rootConfigVersion)
  const rootFile = files.find((f) => declared(f.table) !== 0);
  const root = rootFile ? declared(rootFile.table) : 0;
  const over = files.find((f) => root !== 0 && declared(f.table) > root);
  const refused: LoadedFiles['refused'] = over && {
    file: over.path,
    key: ['version'],
    message: `${over.path} declares version = ${String(over.table.version)}, higher than the version ${root} of ${rootFile!.path}: containerd 2.3+ does not start ("drop-in config version ${declared(over.table)} higher than root config version ${root}")`,
  };
  // each file is migrated on its own to the same version, so the merged config reads in the main file's
  // layout when every file has that layout (a version 1 file's `[plugins."io.containerd.grpc.v1.cri"]` is
  // migrated too, which the version 1 layout does not read); else every file renamed (versions 1 and 2
  // only) or through the images table
  const main = files[0];
  const version = main ? fileVersion(main.table) : 1;
  const uniform = files.every(
    (f) =>
      fileVersion(f.table) === version &&
      !hasImagesTableBeforeV3(f.table) &&
      (version !== 1 || dig2(f.table, CRI_PLUGIN_ID[2]) === undefined),
  );
  const oneOrTwo = files.every((f) => fileVersion(f.table) <= 2 && !hasImagesTableBeforeV3(f.table));
  const forms: FileForm[] = files.map((f) =>
    uniform ? 'as-written' : oneOrTwo ? (fileVersion(f.table) === 1 ? 'renamed' : 'as-written') : 'images-table',
  );
  // each version 1 or 2 file is migrated on its own, with its own `runtimes` table or none
  const older = files.filter((f) => fileVersion(f.table) <= 2);
  const olderNamed = older.map((f) => (fileVersion(f.table) === 1 ? renameV1Cri(f.table) : f.table));
  return {
    version: uniform || !oneOrTwo ? version : 2,
    forms,
    files: [...files],
    imagesTable: !uniform && !oneOrTwo && version < 3,
    criDisabled: criDisabledOn2x(files),
    ...(refused ? { refused } : {}),
    ...invalidOf2x(files),
    stranded: strandedBy(older, olderNamed),
  };
}

/**
 * 2.x's ValidateVersion on disabled_plugins, then required_plugins: a version 0 or 1 file's entries are
 * renamed before the merge (v1Migrate gives each a dot: `cri` is io.containerd.grpc.v1.cri, v2.0.0
 * cmd/containerd/server/config/config.go:152-207; v2.2.0 :148-203; v2.3.0 :161-217), any other file's are
 * taken as written, and an entry without a dot stops containerd (v2.0.0 :120-129, :337-339; v2.2.0
 * :116-125, :334-336; v2.3.0 :130-139, :521-523).
 */
function invalidOf2x(files: readonly ConfigFileRead[]): { invalid?: NonNullable<LoadedFiles['invalid']> } {
  const invalid = notUriListed(
    files.filter((f) => declared(f.table) >= 2),
    (f) => declared(f.table),
    (id) => !id.includes('.'),
  );
  return invalid ? { invalid } : {};
}

/** Every file's disabled_plugins entries, in load order. */
function disabledOf(files: readonly ConfigFileRead[]): string[] {
  return files.flatMap((f) => listOf(f.table.disabled_plugins));
}

/** 2.x: a version 0/1 file's `cri` is renamed to the URI (v1MigratePluginName), and the list is matched by URI. */
function criDisabledOn2x(files: readonly ConfigFileRead[]): boolean {
  return files.some((f) =>
    disabledOf([f]).some((p) => p === CRI_PLUGIN_ID[2] || (declared(f.table) < 2 && p === CRI_PLUGIN_ID[1])),
  );
}

/**
 * The first disabled_plugins entry, in load order, then the first required_plugins one, that names no
 * plugin URI as this release checks it (both lists are checked alike, disabled first: v1.7.20
 * services/server/config/config.go:112-120, v2.0.0 cmd/containerd/server/config/config.go:120-129):
 * only a version 1 config names a plugin by its id (docker/containerd-packaging's `disabled_plugins =
 * ["cri"]`); from version 2 the id is a URI, the CRI plugin's io.containerd.grpc.v1.cri. `prefix`: the
 * start a URI must have (1.7). The message is the same whichever release refuses, as containerd's error is.
 */
function notUriListed(
  files: readonly ConfigFileRead[],
  versionOf: (f: ConfigFileRead) => number,
  notUri: (id: string) => boolean,
  prefix?: string,
): LoadedFiles['invalid'] {
  for (const [key, word] of [
    ['disabled_plugins', 'disabled'],
    ['required_plugins', 'required'],
  ] as const)
    for (const f of files) {
      const id = listOf(f.table[key]).find(notUri);
      if (id === undefined) continue;
      const byId = !id.includes('.');
      return {
        file: f.path,
        key: [key],
        message: `${key} names "${id}", which is no plugin URI${prefixMiss(id, prefix !== undefined)}, in a config read as version ${versionOf(f)}: containerd does not start ("invalid ${word} plugin URI \\"${id}\\" expect io.containerd.x.vx")${byId ? `; only a version 1 config names a plugin by its id${id === CRI_PLUGIN_ID[1] ? `, and the CRI plugin is ${CRI_PLUGIN_ID[2]} from version 2` : ''}` : ''}`,
      };
    }
  return undefined;
}

/** 1.7's reason, when it is the only one: four dotted parts, but not under io.containerd. */
const prefixMiss = (id: string, prefix: boolean): string =>
  prefix && id.split('.').length >= 4 && !id.startsWith('io.containerd.')
    ? ' (containerd 1.7 wants one under io.containerd.)'
    : '';

const listOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : []);

/** Each file's stranded keys (criKeysStranded), of its table with the CRI table under its 2.x name; `runtimes` for all, else each its own. */
function strandedBy(
  files: readonly ConfigFileRead[],
  named: readonly TomlTable[],
  runtimes?: boolean,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [i, f] of files.entries()) {
    const keys = criKeysStranded(named[i]!, runtimes ?? hasCriRuntimes(named[i]!));
    if (keys.length > 0) out[f.path] = keys;
  }
  return out;
}

function dig2(t: TomlTable, id: string): unknown {
  return isTable(t.plugins) ? t.plugins[id] : undefined;
}

/** The merged table containerd reads, in the layout `version` says, from each file as loaded. */
export function mergedTable(version: number, tables: readonly TomlTable[]): TomlTable {
  let merged: TomlTable = {};
  for (const [i, t] of tables.entries()) {
    // config.toml's own imports are the list dfdoctor shows; the imports' imports are the bundle's other files
    const { version: _v, imports, ...rest } = t;
    merged = mergeTomlTables(merged, i === 0 && imports !== undefined ? { ...rest, imports } : rest);
  }
  return { ...merged, version };
}

/** An import as the bundle holds it: its bundle path, its path on the node (when recorded) and its own `imports`. */
export interface ImportFile {
  path: string;
  node?: string;
  imports: readonly string[];
}

/**
 * The bundle's imports in the order containerd loads them: from config.toml a queue of each file's
 * `imports` (against its own directory, a glob in the file name matching in name order), a file loaded
 * once, so a cycle ends (LoadConfig, resolveImports: v1.7.17 services/server/config/config.go:205-231,
 * :265-287; v2.2.0 cmd/containerd/server/config/config.go:303, :331; v2.3.0 :463-467, :510-516). The
 * imports no file names come last; without every node path, the bundle's (name) order.
 */
export function importLoadOrder(
  mainNode: string | null,
  mainImports: readonly string[],
  files: readonly ImportFile[],
): string[] {
  const byName = [...files].sort((a, b) => a.path.localeCompare(b.path));
  if (mainNode === null || files.some((f) => f.node === undefined)) return byName.map((f) => f.path);
  const named = (parent: string, imports: readonly string[]): ImportFile[] =>
    imports.flatMap((imp) => {
      const abs = imp.startsWith('/') ? imp : `${dirOf(parent)}/${imp}`;
      const dir = dirOf(abs);
      const base = abs.slice(dir.length + 1);
      const re = new RegExp(`^${base.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      return files
        .filter((f) => dirOf(f.node!) === dir && re.test(f.node!.slice(dir.length + 1)))
        .sort((a, b) => a.node!.localeCompare(b.node!));
    });
  const order: string[] = [];
  const loaded = new Set<string>([mainNode]);
  const pending = named(mainNode, mainImports);
  for (let f = pending.shift(); f !== undefined; f = pending.shift()) {
    if (loaded.has(f.node!)) continue;
    loaded.add(f.node!);
    order.push(f.path);
    pending.push(...named(f.node!, f.imports));
  }
  return [...order, ...byName.map((f) => f.path).filter((p) => !order.includes(p))];
}

const dirOf = (p: string): string => p.slice(0, Math.max(p.lastIndexOf('/'), 0));
