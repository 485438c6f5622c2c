import { formatRange, pick, type Release, type VersionedFact } from '../knowledge/versioned.js';

/** A version-dependent fact taken without knowing the version: which release range was assumed. */
export interface VersionAssumption {
  fact: string;
  assumed: string;
  range: string;
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
      this.assumptions.push({ fact: fact.id, assumed: describe(p.value), range: formatRange(p.entry.range) });
    }
    return p.value;
  }
}
