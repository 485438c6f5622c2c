import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAUSES, SEVERITIES, SEVERITY_ORDER } from '../../src/causes.js';
import { renderFleet } from '../../src/report/fleet-render.js';
import { type FleetInput, summarizeFleet } from '../../src/report/fleet-summary.js';
import type { Report } from '../../src/report/model.js';

function report(
  hostname: string,
  createdAt: string,
  diagnoses: { cause: (typeof CAUSES)[number]; severity: (typeof SEVERITIES)[number]; impactSeconds?: number }[],
): Report {
  const summary = { critical: 0, warning: 0, info: 0 };
  for (const d of diagnoses) summary[d.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: 'dfdoctor', version: '0.1.0' },
    createdAt,
    source: { kind: 'live' },
    host: { hostname, kernel: '6.1', os: 'Debian', cpus: 4, memoryBytes: 1 },
    probes: { disk: { status: 'failed', reason: 'no cache dir', durationMs: 3 } },
    measurements: {},
    diagnoses: diagnoses.map((d, i) => ({
      rank: i + 1,
      rule: `x.${d.cause}`,
      cause: d.cause,
      severity: d.severity,
      confidence: 0.5,
      title: d.cause,
      evidence: [],
      ...(d.impactSeconds !== undefined ? { impactSeconds: d.impactSeconds } : {}),
      remediation: { summary: '', steps: [] },
    })),
    notes: [],
    summary,
    rules: [],
  };
}

const diagArb = fc.record(
  {
    cause: fc.constantFrom(...CAUSES),
    severity: fc.constantFrom(...SEVERITIES),
    impactSeconds: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
  },
  { requiredKeys: ['cause', 'severity'] },
);
const inputArb = fc.array(
  fc.record({
    host: fc.constantFrom(...Array.from({ length: 30 }, (_, i) => `n${i}`)),
    minute: fc.integer({ min: 0, max: 59 }),
    diags: fc.array(diagArb, { maxLength: 6 }),
  }),
  { minLength: 20, maxLength: 60 },
);

describe('summarizeFleet', () => {
  it('counts each node once per cause, from its newest report, worst cause first', () => {
    fc.assert(
      fc.property(inputArb, (rows) => {
        const inputs: FleetInput[] = rows.map((r, i) => ({
          source: `f${i}.json`,
          report: report(
            r.host,
            `2026-11-25T10:${String(r.minute).padStart(2, '0')}:00.${String(i).padStart(3, '0')}Z`,
            r.diags,
          ),
        }));
        const s = summarizeFleet(inputs);
        // the oracle: newest report per host
        const newest = new Map<string, FleetInput['report']>();
        for (const { report: r } of inputs) {
          const p = newest.get(r.host.hostname);
          if (!p || r.createdAt > p.createdAt) newest.set(r.host.hostname, r);
        }
        expect(s.nodes.total).toBe(newest.size);
        for (const c of s.causes) {
          const hosts = [...newest.values()]
            .filter((r) => r.diagnoses.some((d) => d.cause === c.cause))
            .map((r) => r.host.hostname)
            .sort();
          expect(c.hosts).toEqual(hosts);
          const worst = Math.min(
            ...[...newest.values()].flatMap((r) =>
              r.diagnoses.filter((d) => d.cause === c.cause).map((d) => SEVERITY_ORDER[d.severity]),
            ),
          );
          expect(SEVERITY_ORDER[c.worst]).toBe(worst);
          expect(c.bySeverity.critical + c.bySeverity.warning + c.bySeverity.info).toBe(c.nodes);
        }
        const causesSeen = new Set([...newest.values()].flatMap((r) => r.diagnoses.map((d) => d.cause)));
        expect(s.causes.length).toBe(causesSeen.size);
        for (let i = 1; i < s.causes.length; i++) {
          expect(SEVERITY_ORDER[(s.causes[i - 1] as (typeof s.causes)[number]).worst]).toBeLessThanOrEqual(
            SEVERITY_ORDER[(s.causes[i] as (typeof s.causes)[number]).worst],
          );
        }
        expect(s.probeFailures).toEqual([
          { probe: 'disk', nodes: newest.size, reasons: [`no cache dir (${newest.size})`] },
        ]);
        // every format renders every cause
        for (const f of ['table', 'markdown', 'json'] as const) {
          const text = renderFleet(s, f, { color: false });
          for (const c of s.causes) expect(text).toContain(c.cause);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('takes the median and max impact over the nodes where it was estimated', () => {
    const s = summarizeFleet([
      {
        source: 'a',
        report: report('a', '2026-01-01T00:00:00Z', [
          { cause: 'disk-slow-medium', severity: 'warning', impactSeconds: 1 },
        ]),
      },
      {
        source: 'b',
        report: report('b', '2026-01-01T00:00:00Z', [
          { cause: 'disk-slow-medium', severity: 'critical', impactSeconds: 9 },
          { cause: 'disk-slow-medium', severity: 'info', impactSeconds: 3 },
        ]),
      },
      { source: 'c', report: report('c', '2026-01-01T00:00:00Z', [{ cause: 'disk-slow-medium', severity: 'info' }]) },
      { source: 'd', report: report('d', '2026-01-01T00:00:00Z', [{ cause: 'proxy-bypass', severity: 'critical' }]) },
    ]);
    const disk = s.causes.find((c) => c.cause === 'disk-slow-medium');
    expect(disk?.impactSeconds).toEqual({ max: 9, median: 5 });
    expect(disk?.bySeverity).toEqual({ critical: 1, warning: 1, info: 1 });
    // both have a critical node; disk has 3 nodes, proxy-bypass 1, but each has 1 critical node → more nodes first
    expect(s.causes.map((c) => c.cause)).toEqual(['disk-slow-medium', 'proxy-bypass']);
    expect(s.nodes).toEqual({ total: 4, withFindings: 4, clean: 0, unreadable: 0 });
  });
});
