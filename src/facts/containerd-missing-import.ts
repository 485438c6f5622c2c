// An import that is not on the node: containerd does not start. LoadConfig keeps every `imports` entry
// without a `*` as it is (resolveImports: v1.7.20 services/server/config/config.go:265-287; v2.0.0
// cmd/containerd/server/config/config.go:397; v2.3.0 :581-603) and opens each file it dequeues, returning
// the error of one that is missing (v1.7.20 :214-216, v2.0.0 :307-309, v2.3.0 :470-472), which
// cmd/containerd/main.go prints as "containerd: <error>" before exiting 1 (v1.7.20 :40, v2.1.5 :31).
// A glob that matches nothing loads nothing and is no error. Pure.
import type { ConfigFileRead } from './containerd-set-in.js';

/** What the probe recorded: an import named without a `*` that it did not find, and the file naming it (node paths). */
export interface MissingImport {
  path: string;
  importedBy: string;
}

/** The probe's record of missing imports, when it holds any well-formed one. */
export function missingImportsOf(record: unknown): MissingImport[] {
  const list = (record as { missingImports?: unknown } | undefined)?.missingImports;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (m): m is MissingImport =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as MissingImport).path === 'string' &&
      typeof (m as MissingImport).importedBy === 'string',
  );
}

/**
 * containerd's refusal of the first missing import: at the importing file's `imports` line (`bundleOf`
 * gives the bundle path of a node path the bundle holds).
 */
export function missingImportRefusal(
  missing: readonly MissingImport[],
  files: readonly ConfigFileRead[],
  bundleOf: (node: string) => string | undefined,
): { file: string; key: string[]; message: string } | null {
  const m = missing[0];
  if (!m) return null;
  const file = bundleOf(m.importedBy) ?? files[0]?.path;
  if (file === undefined) return null;
  // the loader's error: bare from 1.3 to 1.4 and from 2.0 (os.Open), wrapped by go-toml's LoadFile in
  // 1.5–1.7 (v1.5.0 services/server/config/config.go:275-277, v1.6.0 :278-280, v1.7.20 :249-251: "failed
  // to load TOML: %s: %w"; v1.4.0 :261 toml.DecodeFile; v2.0.0 cmd/containerd/server/config/config.go:348-350)
  const open = `open ${m.path}: no such file or directory`;
  return {
    file,
    key: ['imports'],
    message: `${m.importedBy} imports ${m.path}, which is not on the node: containerd opens every import named without a \`*\` and does not start when one is missing. It exits with "containerd: ${open}" (1.5–1.7: "containerd: failed to load TOML: ${m.path}: ${open}"), so no image is pulled on this node. Create the file, drop it from \`imports\`, or name it with a glob (a \`*\` that matches nothing loads nothing)${
      missing.length > 1
        ? `; ${missing.length - 1} more import(s) are missing too (${missing
            .slice(1)
            .map((x) => x.path)
            .join(', ')})`
        : ''
    }`,
  };
}
