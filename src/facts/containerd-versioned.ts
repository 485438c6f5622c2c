import {
  compareRelease,
  formatRange,
  parseRelease,
  pick,
  type Release,
  type ReleaseRange,
  type VersionedFact,
} from '../knowledge/versioned.js';

/** A version-dependent fact taken without knowing the version: which release range was assumed. */
export interface VersionAssumption {
  fact: string;
  assumed: string;
  range: string;
  releases: ReleaseRange;
}

/**
 * Picks containerd facts for one detected version (or none), and remembers every assumption it had
 * to make so the facts can say which ones a verdict rests on.
 */
export class ContainerdVersionPicker {
  readonly assumptions: VersionAssumption[] = [];

  constructor(readonly version: Release | null) {}

  /** The fact's value for this version; undefined when no entry covers it (the behaviour does not exist there). */
  value<T>(fact: VersionedFact<T>, describe: (v: T) => string = (v) => JSON.stringify(v)): T | undefined {
    const p = pick(fact, this.version);
    if (p.kind === 'none') return undefined;
    if (p.kind === 'assumed' && !this.assumptions.some((a) => a.fact === fact.id)) {
      const assumed = describe(p.value);
      const releases = sameAround(fact, describe, assumed);
      this.assumptions.push({ fact: fact.id, assumed, range: formatRange(releases), releases });
    }
    return p.value;
  }
}

/**
 * The releases for which what was assumed holds: the assumed entry's range, widened over the adjacent
 * entries that say the same. A fact split where a detail the assumption does not name changes (the
 * highest config version a release reads, when the file's version is below both) would otherwise
 * narrow the assumption to one side of that split ("config version 3 is read (≥ 2.3.0)" where every
 * 2.x reads it), and set it against other assumptions it does not contradict.
 */
function sameAround<T>(fact: VersionedFact<T>, describe: (v: T) => string, assumed: string): ReleaseRange {
  const e = fact.entries;
  const says = (k: number): boolean => e[k] !== undefined && describe((e[k] as (typeof e)[number]).value) === assumed;
  const touch = (a: number, b: number): boolean => {
    const below = e[a]?.range.below;
    return below !== undefined && below === e[b]?.range.from;
  };
  let lo = fact.assumeWhenUnknown;
  let hi = lo;
  while (says(lo - 1) && touch(lo - 1, lo)) lo--;
  while (says(hi + 1) && touch(hi, hi + 1)) hi++;
  const first = (e[lo] as (typeof e)[number]).range;
  const last = (e[hi] as (typeof e)[number]).range;
  return {
    ...(first.from === undefined ? {} : { from: first.from }),
    ...(last.below === undefined ? {} : { below: last.below }),
    ...(last.to === undefined || last.below !== undefined ? {} : { to: last.to }),
  };
}

/**
 * Whether one release satisfies every assumption: each fact assumes its own entry when the version is
 * unknown, and a set whose ranges do not meet describes no containerd that exists, which the report says.
 */
export function assumptionsMeet(list: readonly Pick<VersionAssumption, 'releases'>[]): boolean {
  const at = (s: string) => parseRelease(s) as Release;
  let low: Release = { major: 0, minor: 0, patch: 0 };
  let high: { r: Release; inclusive: boolean } | null = null;
  for (const { releases: r } of list) {
    if (r.from !== undefined && compareRelease(at(r.from), low) > 0) low = at(r.from);
    for (const [b, inclusive] of [
      [r.to, true],
      [r.below, false],
    ] as const) {
      if (b === undefined) continue;
      const c = high === null ? -1 : compareRelease(at(b), high.r);
      if (high === null || c < 0 || (c === 0 && !inclusive)) high = { r: at(b), inclusive };
    }
  }
  if (high === null) return true;
  const c = compareRelease(low, high.r);
  return high.inclusive ? c <= 0 : c < 0;
}

/** The assumptions as a report lists them, with the releases each holds for, and whether one release has them all. */
export function assumptionsText(list: readonly VersionAssumption[], versionFile: string): string {
  const each = list.map((a) => `${a.assumed} (${a.range})`).join('; ');
  return assumptionsMeet(list)
    ? each
    : `${each} — each assumed on its own: no one release has them all; give \`containerd --version\` as ${versionFile} to read them for its release`;
}
