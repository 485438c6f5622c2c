// Phrases the containerd rules' evidence shares.
import type { ContainerdFacts } from '../../facts/containerd.js';
import { formatVersion } from '../../parsers/containerd-version.js';

/** " (file:line)" after a value, or nothing when the file is unknown. */
export function where(file: string | undefined, line?: number): string {
  if (!file) return '';
  return line === undefined ? ` (${file})` : ` (${file}:${line})`;
}

export function versionText(c: ContainerdFacts): string {
  return c.version
    ? `containerd ${formatVersion(c.version)}`
    : `containerd (version unknown; config layout v${c.config.layout})`;
}

/** containerd 2.x tries igzip before unpigz; 1.x knows only unpigz. */
export function usesIgzip(c: ContainerdFacts | undefined): boolean {
  return !!(c?.version && c.version.major >= 2);
}
