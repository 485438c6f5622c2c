// Many nodes' JSON reports → which causes hit how many nodes, worst first. Pure.
import { type Cause, SEVERITY_ORDER, type Severity } from '../causes.js';
import type { Diagnosis, Report } from './model.js';

export const FLEET_SUMMARY_VERSION = 1;

/** What the summary reads of a report; a whole `Report` is one. */
export interface FleetReport {
  createdAt: Report['createdAt'];
  host: Pick<Report['host'], 'hostname'>;
  probes: Record<string, Pick<Report['probes'][string], 'status' | 'reason'>>;
  diagnoses: Pick<Diagnosis, 'rule' | 'cause' | 'severity' | 'impactSeconds'>[];
  summary: Report['summary'];
}

export interface FleetInput {
  /** Where the report came from (file path), for messages. */
  source: string;
  report: FleetReport;
}

export interface FleetCause {
  cause: Cause;
  /** Nodes with at least one diagnosis of this cause. */
  nodes: number;
  /** Share of the readable nodes, percent. */
  sharePct: number;
  worst: Severity;
  /** Nodes by the worst severity this cause has on them. */
  bySeverity: Record<Severity, number>;
  rules: string[];
  /** Largest and median estimated seconds added to a pull, over the nodes where it was estimated. */
  impactSeconds: { max: number; median: number } | null;
  hosts: string[];
}

export interface FleetNode {
  hostname: string;
  source: string;
  createdAt: string;
  critical: number;
  warning: number;
  info: number;
  /** The top-ranked cause on this node, if any. */
  top: Cause | null;
  /** Probes that did not run fully (failed), which makes "nothing found" weaker. */
  failedProbes: string[];
}

export interface FleetSummary {
  kind: 'dfdoctor-fleet-summary';
  version: typeof FLEET_SUMMARY_VERSION;
  nodes: { total: number; withFindings: number; clean: number; unreadable: number };
  causes: FleetCause[];
  nodeList: FleetNode[];
  probeFailures: { probe: string; nodes: number; reasons: string[] }[];
  unreadable: { source: string; reason: string }[];
  /** Hosts with more than one report: the newest counts. */
  duplicates: { hostname: string; kept: string; dropped: string[] }[];
}

/** Distinct digest parts kept for sharing: bounds what the sharing itself costs (a few MB). */
const MAX_SHARED_PARTS = 10_000;

/** What the summary needs of one node's report: a few hundred bytes, however large the report. */
interface NodeDigest {
  node: FleetNode;
  causes: readonly CauseOnNode[];
  failed: readonly { probe: string; reason: string }[];
}

interface CauseOnNode {
  cause: Cause;
  sev: Severity;
  impact: number | undefined;
  rules: string[];
}

/**
 * Builds the fleet summary one report at a time: each report is reduced to its node's digest when it
 * is added and can then be dropped, so memory grows with the number of nodes, not with the reports'
 * size. Strings repeated across nodes (causes, rules, probe names, reasons) are kept once, and so are
 * the per-cause records and lists many nodes share (100,000 nodes must fit a 128 MiB heap).
 */
export class FleetAccumulator {
  private readonly newest = new Map<string, NodeDigest>();
  private readonly dropped = new Map<string, string[]>();
  private readonly strings = new Map<string, string>();
  /** Read-only digest parts by their content: one copy for every node that has the same. */
  private readonly parts = new Map<string, unknown>();

  private intern(s: string): string {
    const had = this.strings.get(s);
    if (had !== undefined) return had;
    this.strings.set(s, s);
    return s;
  }

  private share<T>(key: string, part: T): T {
    const had = this.parts.get(key);
    if (had !== undefined) return had as T;
    // a fleet whose nodes differ in every part (each its own impact figure) would only add keys
    if (this.parts.size < MAX_SHARED_PARTS) this.parts.set(key, part);
    return part;
  }

  add({ source, report }: FleetInput): void {
    const host = report.host.hostname;
    const prev = this.newest.get(host);
    if (prev) {
      // the newest report of a host counts; on a tie, the one added first
      const keepNew = report.createdAt > prev.node.createdAt;
      const drop = keepNew ? prev.node.source : source;
      this.dropped.set(host, [...(this.dropped.get(host) ?? []), drop]);
      if (!keepNew) return;
    }
    this.newest.set(host, this.digest(source, report));
  }

  private digest(source: string, report: FleetReport): NodeDigest {
    const perCause = new Map<Cause, CauseOnNode>();
    for (const d of report.diagnoses) {
      const prev = perCause.get(d.cause);
      const sev = !prev || SEVERITY_ORDER[d.severity] < SEVERITY_ORDER[prev.sev] ? d.severity : prev.sev;
      const impact = d.impactSeconds === undefined ? prev?.impact : Math.max(prev?.impact ?? 0, d.impactSeconds);
      const rules = prev?.rules ?? [];
      const rule = this.intern(d.rule);
      if (!rules.includes(rule)) rules.push(rule);
      perCause.set(d.cause, { cause: this.intern(d.cause) as Cause, sev, impact, rules });
    }
    const failed: { probe: string; reason: string }[] = [];
    for (const [probe, p] of Object.entries(report.probes)) {
      if (p.status === 'failed')
        failed.push({ probe: this.intern(probe), reason: this.intern(p.reason ?? 'no reason given') });
    }
    const top = report.diagnoses[0]?.cause;
    // keys are JSON: a reason may hold any character, and two different parts must never share a key
    const causes = [...perCause.values()].map((c) => this.share(JSON.stringify(['c', c]), c));
    const failedProbes = failed.map((f) => f.probe);
    return {
      node: {
        hostname: report.host.hostname,
        source,
        createdAt: report.createdAt,
        critical: report.summary.critical,
        warning: report.summary.warning,
        info: report.summary.info,
        top: top === undefined ? null : (this.intern(top) as Cause),
        failedProbes: this.share(JSON.stringify(['p', failedProbes]), failedProbes),
      },
      causes: this.share(JSON.stringify(['C', causes]), causes),
      failed: this.share(JSON.stringify(['f', failed]), failed),
    };
  }

  summary(unreadable: { source: string; reason: string }[] = []): FleetSummary {
    const digests = [...this.newest.values()].sort((a, b) => (a.node.hostname < b.node.hostname ? -1 : 1));
    const byCause = new Map<Cause, { hosts: Map<string, Severity>; rules: Set<string>; impacts: number[] }>();
    const failures = new Map<string, { nodes: Set<string>; reasons: Map<string, number> }>();
    for (const { node, causes, failed } of digests) {
      const host = node.hostname;
      for (const c of causes) {
        const entry = byCause.get(c.cause) ?? { hosts: new Map(), rules: new Set(), impacts: [] as number[] };
        for (const r of c.rules) entry.rules.add(r);
        entry.hosts.set(host, c.sev);
        if (c.impact !== undefined) entry.impacts.push(c.impact);
        byCause.set(c.cause, entry);
      }
      for (const { probe, reason } of failed) {
        const f = failures.get(probe) ?? { nodes: new Set(), reasons: new Map() };
        f.nodes.add(host);
        f.reasons.set(reason, (f.reasons.get(reason) ?? 0) + 1);
        failures.set(probe, f);
      }
    }
    const nodeList = digests.map((d) => d.node);
    const total = nodeList.length;
    const causes: FleetCause[] = [...byCause].map(([cause, e]) => {
      const bySeverity: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
      for (const s of e.hosts.values()) bySeverity[s]++;
      const worst: Severity = bySeverity.critical > 0 ? 'critical' : bySeverity.warning > 0 ? 'warning' : 'info';
      const impacts = [...e.impacts].sort((a, b) => a - b);
      return {
        cause,
        nodes: e.hosts.size,
        sharePct: total > 0 ? round1((e.hosts.size / total) * 100) : 0,
        worst,
        bySeverity,
        rules: [...e.rules].sort(),
        impactSeconds:
          impacts.length > 0 ? { max: impacts[impacts.length - 1] as number, median: median(impacts) } : null,
        hosts: [...e.hosts.keys()].sort(),
      };
    });
    causes.sort(
      (a, b) =>
        SEVERITY_ORDER[a.worst] - SEVERITY_ORDER[b.worst] ||
        // same worst severity here: more nodes at it first
        b.bySeverity[b.worst] - a.bySeverity[a.worst] ||
        b.nodes - a.nodes ||
        (b.impactSeconds?.max ?? -1) - (a.impactSeconds?.max ?? -1) ||
        (a.cause < b.cause ? -1 : 1),
    );
    const withFindings = nodeList.filter((n) => n.critical + n.warning + n.info > 0).length;
    return {
      kind: 'dfdoctor-fleet-summary',
      version: FLEET_SUMMARY_VERSION,
      nodes: { total, withFindings, clean: total - withFindings, unreadable: unreadable.length },
      causes,
      nodeList,
      probeFailures: [...failures]
        .map(([probe, f]) => ({
          probe,
          nodes: f.nodes.size,
          reasons: [...f.reasons]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 3)
            .map(([r, n]) => `${r} (${n})`),
        }))
        .sort((a, b) => b.nodes - a.nodes || (a.probe < b.probe ? -1 : 1)),
      unreadable,
      duplicates: [...this.dropped].map(([hostname, d]) => ({
        hostname,
        kept: this.newest.get(hostname)?.node.source ?? '',
        dropped: d,
      })),
    };
  }
}

/** The summary of reports already in memory (tests, small fleets); the CLI streams through FleetAccumulator. */
export function summarizeFleet(
  inputs: FleetInput[],
  unreadable: { source: string; reason: string }[] = [],
): FleetSummary {
  const acc = new FleetAccumulator();
  for (const i of inputs) acc.add(i);
  return acc.summary(unreadable);
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  const v =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(v * 1000) / 1000;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
