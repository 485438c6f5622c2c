// A merged config `version` above what the release knows: 1.6.32+/1.7.17+ and 2.x do not start with it,
// older 1.6/1.7 read it as version 2 (knowledge/containerd.ts configVersionCeiling). Pure.
import type { VersionCeiling } from '../knowledge/containerd.js';
import type { LoadedFiles } from './containerd-load.js';
import type { ConfigFileRead } from './containerd-set-in.js';

export type CeilingOutcome =
  | { kind: 'refused'; file: string; key: string[]; message: string }
  | { kind: 'by-uri'; file: string; version: number }
  | null;

/**
 * What the release does with the files' merged version. `release`: "containerd 1.7.20"; `lastLoaded`:
 * the node path of the last file containerd loads, which its error names (LoadConfig's loop reuses its
 * `path` parameter: v1.7.17 services/server/config/config.go:205, :240).
 */
export function versionCeiling(
  l: Pick<LoadedFiles, 'version' | 'versionFrom'>,
  files: readonly ConfigFileRead[],
  ceiling: VersionCeiling | undefined,
  release: string,
  lastLoaded: string,
): CeilingOutcome {
  const from = l.versionFrom ?? files[0];
  if (!from || !ceiling) return null;
  if (ceiling.kind === 'by-uri') return l.version > 2 ? { kind: 'by-uri', file: from.path, version: l.version } : null;
  if (l.version <= ceiling.max) return null;
  const n = String(l.version);
  const log = ceiling.log?.replaceAll('%d', n);
  const error = `containerd: failed to load TOML from ${lastLoaded}: ${ceiling.error.replaceAll('%d', n)}`;
  return {
    kind: 'refused',
    file: from.path,
    key: ['version'],
    message: `${from.path} declares version = ${n}, above the ${ceiling.max} that ${release} knows: containerd does not start with this config. ${log ? `It logs "${log}" and exits with "${error}"` : `It exits with "${error}"`}. ${ceiling.max === 2 ? 'Write it as version 2 (the CRI settings under [plugins."io.containerd.grpc.v1.cri"]), or run containerd 2.x, which reads version 3' : `Write it as version ${ceiling.max}, or run a containerd that reads version ${n}`}`,
  };
}
