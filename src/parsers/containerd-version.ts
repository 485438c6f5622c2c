/** A containerd version, from `containerd --version` or `ctr version` (Server: Version: …). */
export interface ContainerdVersion {
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

/**
 * Accepts `containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3`,
 * `containerd containerd.io 1.7.27 05044ec…`, `containerd github.com/containerd/containerd/v2 v2.1.0 …`
 * and `ctr version` output (the Server block wins: it is the running daemon).
 */
export function parseContainerdVersion(text: string): ContainerdVersion | null {
  const server = /Server:[\s\S]*?Version:\s*(\S+)/.exec(text);
  const candidate =
    server?.[1] ?? /^containerd\s+\S+\s+(\S+)/m.exec(text)?.[1] ?? /\bv?(\d+\.\d+\.\d+\S*)/.exec(text)?.[1];
  if (candidate === undefined) return null;
  // a component of more than 9 digits is no version (and would not be a finite number)
  const m = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?!\d)/.exec(candidate);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), raw: candidate };
}

export function versionAtLeast(
  v: ContainerdVersion | null | undefined,
  major: number,
  minor: number,
  patch = 0,
): boolean {
  if (!v) return false;
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

/** major.minor.patch of a detected version or of a release bound (knowledge/versioned.ts `Release`). */
export function formatVersion(v: Pick<ContainerdVersion, 'major' | 'minor' | 'patch'>): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}
