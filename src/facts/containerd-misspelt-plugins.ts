// CRI settings written under a top-level key containerd's config does not have, such as
// `[plugin."io.containerd.grpc.v1.cri".registry.mirrors]` (`plugin`, not `plugins`: the example of
// containerd/cri docs/registry.md from ef7f327f until 76b3d461, "Otherwise the configuration is ignored
// silently"; containerd/containerd f1a3235e8 fixed the same in its copy). No release reads it: 1.x
// decodes each file into its Config struct and drops a key the struct has no field for without a word
// (v1.3.0 services/server/config/config.go:259-266 toml.DecodeFile; v1.5.0 :272-285, v1.7.20 :246-259
// go-toml Unmarshal); 2.x decodes strictly first, logs each unknown key ("Ignoring unknown key in TOML",
// with the file, row and column) and decodes again without it (v2.0.0 cmd/containerd/server/config/
// config.go:354-373, v2.2.0 :351-370, v2.3.0 :538-556). Pure: the caller says the note.
import { CRI_PLUGIN_ID } from '../parsers/containerd-config.js';
import { dig, isTable, tomlKeyPart } from '../parsers/containerd-toml.js';
import { formatVersion } from '../parsers/containerd-version.js';
import type { ContainerdVersionPicker } from './containerd-versioned.js';
import type { ConfigFileRead } from './containerd-set-in.js';

/**
 * The top-level keys of containerd's Config (v2.3.0 cmd/containerd/server/config/config.go:59-92; v1.7.20
 * services/server/config/config.go:35-74 the same; older 1.x releases have fewer, none of them a plugin's).
 */
const CONFIG_KEYS = new Set([
  'version',
  'root',
  'state',
  'temp',
  'plugin_dir',
  'grpc',
  'ttrpc',
  'debug',
  'metrics',
  'disabled_plugins',
  'required_plugins',
  'plugins',
  'oom_score',
  'cgroup',
  'proxy_plugins',
  'timeouts',
  'imports',
  'stream_processors',
]);

/*
 * sameKeyButCase: the decoders match a key to a field of Config in other cases too, each its own way:
 * BurntSushi/toml (1.3/1.4) case-insensitively (v1.3.0 vendor/github.com/BurntSushi/toml/decode.go:253
 * strings.EqualFold), go-toml v1 (1.5–1.7) as written, lower-cased, upper-cased, or with its first letter
 * lower-cased (v1.7.20 vendor/github.com/pelletier/go-toml/marshal.go:789-794: `PLUGINS` is read,
 * `Plugins` is not), go-toml v2 (2.x) case-insensitively (v2.0.0 vendor/github.com/pelletier/go-toml/v2/
 * unmarshaler.go:1274-1290). Such a key is no misspelling dfdoctor can call unread on every release.
 */

/** The CRI plugin's names in every layout: what dfdoctor reads from a `[plugins.<name>]` table. */
const CRI_NAMES = new Set<string>(Object.values(CRI_PLUGIN_ID));

/** A CRI plugin table under a top-level key containerd's config does not have: where, and what it sets. */
export interface MisspeltCriTable {
  file: string;
  /** The top-level key it is under (`plugin`). */
  top: string;
  /** The first table header written for it, as a key path (`plugin`, the CRI plugin's name, …). */
  path: string[];
  line?: number;
  /** The CRI table's own keys (`registry`…). */
  sets: string[];
}

/** The first file's CRI plugin table under an unknown top-level key, or null. */
export function misspeltCriTable(files: readonly ConfigFileRead[]): MisspeltCriTable | null {
  for (const f of files) {
    for (const [top, value] of Object.entries(f.table)) {
      // a key that differs from one of them only in case is read by some releases (sameKeyButCase)
      if (CONFIG_KEYS.has(top.toLowerCase()) || !isTable(value)) continue;
      const id = Object.keys(value).find((k) => CRI_NAMES.has(k));
      if (id === undefined) continue;
      const first = firstLine(f, [top, id]);
      const cri = value[id];
      return {
        file: f.path,
        top,
        path: first?.path ?? [top, id],
        ...(first === undefined ? {} : { line: first.line }),
        sets: isTable(cri) ? Object.keys(cri) : [],
      };
    }
  }
  return null;
}

/** The table as its header is written (`[plugin."io.containerd.grpc.v1.cri".registry.mirrors]`). */
export const headerText = (t: MisspeltCriTable): string => tableText(t.path);

/** The note on such a table: what the release does with it, where it is, and how to write it. */
export function misspeltPluginsNote(pk: ContainerdVersionPicker, t: MisspeltCriTable): { text: string; at: string } {
  const sets = t.sets.join(', ');
  return {
    text: `${t.file} writes ${headerText(t)} under \`${t.top}\`, a key containerd's config does not have (plugin settings go under \`plugins\`): ${ignoredBy(pk)}, so ${sets ? `what it sets (${sets}) is` : 'it is'} never read. Write it as ${tableText(['plugins', ...t.path.slice(1)])}`,
    at: t.line === undefined ? t.file : `${t.file}:${t.line}`,
  };
}

function ignoredBy(pk: ContainerdVersionPicker): string {
  const v = pk.version;
  const oneX = 'drops it without a log line';
  const twoX = 'logs "Ignoring unknown key in TOML" with the file and row, and drops it';
  if (v === null) return `containerd 1.x ${oneX}, 2.x ${twoX}`;
  return `containerd ${formatVersion(v)} ${v.major < 2 ? oneX : twoX}`;
}

/** The first table header written at or below `path`, and its line. */
function firstLine(f: ConfigFileRead, path: string[]): { path: string[]; line: number } | undefined {
  const line = f.lineOf(path);
  if (line !== undefined) return { path, line };
  const t = dig(f.table, ...path);
  if (!isTable(t)) return undefined;
  for (const [k, v] of Object.entries(t)) {
    if (!isTable(v)) continue;
    const found = firstLine(f, [...path, k]);
    if (found) return found;
  }
  return undefined;
}

const tableText = (path: readonly string[]): string => `[${path.map(tomlKeyPart).join('.')}]`;
