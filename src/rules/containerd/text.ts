// Phrases the containerd rules' evidence shares.
import type { ContainerdFacts } from '../../facts/containerd.js';
import { inProcessGzip } from '../../knowledge/containerd.js';
import { pick } from '../../knowledge/versioned.js';
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

/** What inflates gzip inside this containerd when no external tool does (on one thread either way). */
export function inProcessInflater(c: ContainerdFacts | undefined): string {
  const p = pick(inProcessGzip, c?.version ?? null);
  return p.kind === 'none' ? "Go's compress/gzip" : p.value;
}
