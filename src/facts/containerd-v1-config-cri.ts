// A config read as version 1 (no `version` line, or `version = 1`) whose CRI settings are written under
// the version 2 id, `[plugins."io.containerd.grpc.v1.cri"]` (containerd#5236: a mirror added that way to a
// 1.4.4 config without `version = 2` was never used). containerd 1.x reads a version 1 config's CRI
// settings from `[plugins.cri]` only; 2.x reads the table either way. Pure: the caller says the note.
import { v2CriTableInV1Config } from '../knowledge/containerd.js';
import { CRI_PLUGIN_ID } from '../parsers/containerd-config.js';
import { isTable } from '../parsers/containerd-toml.js';
import { formatVersion } from '../parsers/containerd-version.js';
import type { ContainerdVersionPicker } from './containerd-versioned.js';
import type { ConfigFileRead } from './containerd-set-in.js';

/**
 * The note on the first such file, or null. `version` is the version the merged config is read as: 1
 * only where the loader took the 1.x path (a 2.x containerd, or one of unknown version, which is taken
 * for 2.3+, renames the file's tables and reads them).
 */
export function v2CriTableInV1ConfigNote(
  pk: ContainerdVersionPicker,
  version: number,
  files: readonly ConfigFileRead[],
): { text: string; at: string } | null {
  if (version !== 1) return null;
  const holder = files.find((f) => isTable(f.table.plugins) && isTable(f.table.plugins[CRI_PLUGIN_ID[2]]));
  if (!holder) return null;
  if (pk.value(v2CriTableInV1Config) !== 'ignored') return null;
  const line = holder.lineOf(['plugins', CRI_PLUGIN_ID[2]]) ?? firstSubTableLine(holder, CRI_PLUGIN_ID[2]);
  const what = holder.table.version === undefined ? 'has no version line (read as version 1)' : 'declares version = 1';
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd 1.x';
  return {
    text: `${holder.path} ${what} but writes its CRI settings under [plugins."${CRI_PLUGIN_ID[2]}"], the version 2 name: ${release} reads a version 1 config's CRI settings from [plugins.cri] only, so that table is ignored whole (registry mirrors, config_path, max_concurrent_downloads…). Add \`version = 2\` at the top of the file`,
    at: line === undefined ? holder.path : `${holder.path}:${line}`,
  };
}

/** A table written only through its sub-tables (`[plugins."…".registry.mirrors."x"]`) has the line of its first. */
export function firstSubTableLine(f: ConfigFileRead, id: string): number | undefined {
  const cri = isTable(f.table.plugins) ? f.table.plugins[id] : undefined;
  if (!isTable(cri)) return undefined;
  const walk = (path: string[], t: Record<string, unknown>): number | undefined => {
    for (const [k, v] of Object.entries(t)) {
      const p = [...path, k];
      const n = f.lineOf(p) ?? (isTable(v) ? walk(p, v) : undefined);
      if (n !== undefined) return n;
    }
    return undefined;
  };
  return walk(['plugins', id], cri);
}
