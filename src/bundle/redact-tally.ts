/** What one file's redaction removed: counts per kind (for the manifest) and the values (to scrub them elsewhere). */
export class Tally {
  readonly counts = new Map<string, number>();
  /** Secret values seen; kept in memory only, to remove their repeats from every file of the bundle. */
  readonly values = new Set<string>();

  add(what: string, ...values: string[]): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    for (const v of values) {
      const s = v.trim();
      if (s !== '') this.values.add(s);
    }
  }
}
