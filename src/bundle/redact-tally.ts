/** 20 or more characters of a token's alphabet (with letters and digits both, checked beside it). */
const TOKEN_LIKE = /^[A-Za-z0-9_.~+/=-]{20,}$/;

/** What one file's redaction removed: counts per kind (for the manifest) and the values (to scrub them elsewhere). */
export class Tally {
  readonly counts = new Map<string, number>();
  /** Secret values seen; kept in memory only, to remove their repeats from every file of the bundle. */
  readonly values = new Set<string>();
  /**
   * User names seen beside a password. Elsewhere they are removed only where they stand alone: a user
   * name is often a word that also names a host or a path ("harbor" of harbor.corp.example, "metrics").
   */
  readonly names = new Set<string>();

  add(what: string, ...values: string[]): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + 1);
    for (const v of values) {
      const s = v.trim();
      if (s !== '') this.values.add(s);
    }
  }

  /**
   * A user name beside a password, removed where it stood (counted with it, under `what`'s count). One
   * shaped like a token is kept as a value: some services take the token as the user
   * (`https://<token>:x-oauth-basic@github.com`).
   */
  name(v: string): void {
    const s = v.trim();
    if (s === '') return;
    if (TOKEN_LIKE.test(s) && /[0-9]/.test(s) && /[A-Za-z]/.test(s)) this.values.add(s);
    else this.names.add(s);
  }
}
