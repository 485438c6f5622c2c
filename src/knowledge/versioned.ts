/**
 * Version-dependent knowledge, declared once: a fact about an upstream component (a log message's
 * wording, a config key's name or default, a behaviour) holds for a release range and comes from an
 * upstream file at a tag. Facts pick the entry for the version they detected, and when the version
 * is unknown they say which entry they assumed, so a report never hides an assumption.
 */

/** A release as major.minor.patch; pre-release and build suffixes do not take part in ranges. */
export interface Release {
  major: number;
  minor: number;
  patch: number;
}

/** Inclusive bounds; an absent bound is open. */
export interface ReleaseRange {
  from?: string;
  to?: string;
  /** Exclusive upper bound, for "until the release that changed it" while that line may still get patches. */
  below?: string;
}

export interface VersionedEntry<T> {
  range: ReleaseRange;
  value: T;
  /** Public upstream citation, e.g. `dragonflyoss/client v1.2.8 dragonfly-client-config/src/dfdaemon.rs:412`. */
  source: string;
}

export interface VersionedFact<T> {
  /** Stable id, e.g. `rust.config.download.bandwidthLimit.key`. */
  id: string;
  component: 'dfdaemon-go' | 'dfdaemon-rust' | 'containerd';
  entries: readonly VersionedEntry<T>[];
  /** Which entry holds when the version is unknown (usually the newest). */
  assumeWhenUnknown: number;
}

export type Picked<T> =
  | { kind: 'known'; value: T; entry: VersionedEntry<T>; version: Release }
  | { kind: 'assumed'; value: T; entry: VersionedEntry<T>; why: 'version unknown' }
  | { kind: 'none'; version: Release };

export function parseRelease(text: string): Release | null {
  const m = /^v?(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?!\d)/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) } : null;
}

export function compareRelease(a: Release, b: Release): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function bound(text: string): Release {
  const r = parseRelease(text);
  if (!r) throw new Error(`not a release bound: ${text}`);
  return r;
}

export function inRange(v: Release, range: ReleaseRange): boolean {
  if (range.from !== undefined && compareRelease(v, bound(range.from)) < 0) return false;
  if (range.to !== undefined && compareRelease(v, bound(range.to)) > 0) return false;
  if (range.below !== undefined && compareRelease(v, bound(range.below)) >= 0) return false;
  return true;
}

export function formatRange(range: ReleaseRange): string {
  if (range.below !== undefined)
    return range.from ? `${range.from} up to (not incl.) ${range.below}` : `< ${range.below}`;
  if (range.from && range.to) return range.from === range.to ? range.from : `${range.from}–${range.to}`;
  if (range.from) return `≥ ${range.from}`;
  if (range.to) return `≤ ${range.to}`;
  return 'all releases';
}

export function pick<T>(fact: VersionedFact<T>, version: Release | null | undefined): Picked<T> {
  if (!version) {
    const entry = fact.entries[fact.assumeWhenUnknown];
    if (!entry) throw new Error(`${fact.id}: assumeWhenUnknown points at no entry`);
    return { kind: 'assumed', value: entry.value, entry, why: 'version unknown' };
  }
  const entry = fact.entries.find((e) => inRange(version, e.range));
  return entry ? { kind: 'known', value: entry.value, entry, version } : { kind: 'none', version };
}
