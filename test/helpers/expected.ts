/** A fixture's expected.json (fixtures/README.md): what analyze must and must not find in it. */
export interface Expected {
  mustInclude?: string[];
  mustIncludeAny?: string[][];
  mustNotInclude?: string[];
  topN?: { cause: string; n: number };
  firesRules?: string[];
  silentRules?: string[];
  /** A baseline file in the fixture dir, analysed as with --baseline (and --tolerance). */
  baseline?: string;
  /** The worst severity any diagnosis may have; "none" = no diagnosis at all, "info" = the source
   * shows nothing wrong (a stock config, a healthy node). */
  maxSeverity?: 'none' | 'info' | 'warning' | 'critical';
  /** rule id → the severity it must fire with. */
  severityOf?: Record<string, 'info' | 'warning' | 'critical'>;
  /** rule id → the impact in seconds it must estimate, to a tenth of a second (null: not estimated). */
  impactOf?: Record<string, number | null>;
  tolerance?: number;
}
