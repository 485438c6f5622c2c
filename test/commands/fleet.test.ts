import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITY_ORDER } from '../../src/causes.js';
import type { FleetSummary } from '../../src/report/fleet-summary.js';
import { type Report, ReportSchema } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';
import { fleetReports } from '../helpers/fleet-reports.js';

describe('dfdoctor fleet summarize (real CLI) on 24 nodes', () => {
  let dir: string;
  let reports: Report[];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dfdoctor-fleet-'));
    reports = await fleetReports();
    await mkdir(join(dir, 'reports', 'zone-b'), { recursive: true });
    for (const [i, r] of reports.entries()) {
      // every report is valid against the report schema before it goes in
      ReportSchema.parse(r);
      const sub = i % 2 === 0 ? 'reports' : join('reports', 'zone-b');
      await writeFile(join(dir, sub, `${r.host.hostname}.json`), `${JSON.stringify(r, null, 2)}\n`);
    }
    // an older report of node-00 (must be ignored: the newest counts), a truncated file, a JSON that is not a report,
    // and a `kubectl logs` capture with a stray stderr line before the JSON
    const old = {
      ...(reports[0] as Report),
      createdAt: '2026-11-01T00:00:00.000Z',
      diagnoses: [],
      summary: { critical: 0, warning: 0, info: 0 },
    };
    await writeFile(join(dir, 'reports', 'node-00-old.json'), JSON.stringify(old));
    await writeFile(join(dir, 'reports', 'truncated.json'), JSON.stringify(reports[1]).slice(0, 500));
    await writeFile(join(dir, 'reports', 'other.json'), '{"hello": "world"}\n');
    const logged = { ...(reports[23] as Report), host: { ...(reports[23] as Report).host, hostname: 'node-24' } };
    await writeFile(
      join(dir, 'reports', 'node-24.json'),
      `Defaulted container "dfdoctor" out of: dfdoctor\n${JSON.stringify(logged, null, 2)}\n`,
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('groups nodes by cause, worst first, with counts that match the reports', async () => {
    const r = await runCli(['fleet', 'summarize', join(dir, 'reports'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as FleetSummary;
    expect(s.nodes.total).toBe(25);
    expect(s.nodes.unreadable).toBe(2);
    expect(s.unreadable.map((u) => u.source.split('/').pop()).sort()).toEqual(['other.json', 'truncated.json']);
    expect(r.stderr).toContain('skipped');
    expect(s.duplicates).toEqual([
      expect.objectContaining({ hostname: 'node-00', dropped: [expect.stringContaining('node-00-old.json')] }),
    ]);

    // the oracle: for each cause, the hosts whose (newest) report names it
    const all = [
      ...reports,
      { ...(reports[23] as Report), host: { ...(reports[23] as Report).host, hostname: 'node-24' } },
    ];
    const expected = new Map<string, Set<string>>();
    for (const rep of all)
      for (const d of rep.diagnoses) expected.set(d.cause, (expected.get(d.cause) ?? new Set()).add(rep.host.hostname));
    expect(s.causes.map((c) => c.cause).sort()).toEqual([...expected.keys()].sort());
    for (const c of s.causes) {
      expect(c.hosts, c.cause).toEqual([...(expected.get(c.cause) ?? [])].sort());
      expect(c.nodes).toBe(c.hosts.length);
      expect(c.sharePct).toBeCloseTo((c.nodes / 25) * 100, 1);
    }
    // 8 nodes regressed against their baseline: dfdaemon-resource is critical on exactly those
    const df = s.causes.find((c) => c.cause === 'dfdaemon-resource');
    expect(df?.nodes).toBeGreaterThanOrEqual(8);
    expect(df?.worst).toBe('critical');
    expect(s.causes.find((c) => c.cause === 'cpu-contention')?.nodes).toBeGreaterThanOrEqual(14);
    // worst first: severity never improves down the list; within a severity, more nodes first
    for (let i = 1; i < s.causes.length; i++) {
      const a = s.causes[i - 1] as FleetSummary['causes'][number];
      const b = s.causes[i] as FleetSummary['causes'][number];
      expect(SEVERITY_ORDER[a.worst]).toBeLessThanOrEqual(SEVERITY_ORDER[b.worst]);
      if (a.worst === b.worst) expect(a.bySeverity[a.worst]).toBeGreaterThanOrEqual(b.bySeverity[b.worst]);
    }
    expect(s.nodes.clean).toBe(all.filter((x) => x.diagnoses.length === 0).length);
  });

  it('prints a table and markdown naming every cause', async () => {
    const twenty = reports.slice(0, 20);
    const files = twenty.map((r, i) =>
      join(dir, i % 2 === 0 ? 'reports' : 'reports/zone-b', `${r.host.hostname}.json`),
    );
    const withFindings = twenty.filter((r) => r.diagnoses.length > 0).length;
    const nodesWith = (cause: string) => twenty.filter((r) => r.diagnoses.some((d) => d.cause === cause)).length;
    const t = await runCli(['fleet', 'summarize', ...files]);
    expect(t.code, t.stderr).toBe(0);
    expect(t.stdout).toContain(`20 nodes: ${withFindings} with findings, ${20 - withFindings} with none`);
    const cpu = nodesWith('cpu-contention');
    expect(cpu).toBeGreaterThanOrEqual(14); // 6 saturated + 8 regressed against their baseline
    expect(t.stdout).toMatch(new RegExp(`cpu-contention\\s*│\\s*${cpu} \\(${Math.round((cpu / 20) * 1000) / 10} %\\)`));
    const m = await runCli(['fleet', 'summarize', ...files, '--format', 'markdown']);
    expect(m.code).toBe(0);
    expect(m.stdout).toContain('| 1 | `');
    const df = nodesWith('dfdaemon-resource');
    expect(m.stdout).toContain(`\`dfdaemon-resource\` | ${df} (${Math.round((df / 20) * 1000) / 10} %) | critical`);
    for (const r of twenty) for (const d of r.diagnoses) expect(m.stdout).toContain(`\`${d.cause}\``);
  });

  it('--fail-on decides the exit code; no readable report is a usage error', async () => {
    expect(
      (await runCli(['fleet', 'summarize', join(dir, 'reports'), '--fail-on', 'critical', '-f', 'json'])).code,
    ).toBe(1);
    const clean = join(dir, 'reports', `${(reports[14] as Report).host.hostname}.json`);
    expect((await runCli(['fleet', 'summarize', clean, '--fail-on', 'critical'])).code).toBe(0);
    const bad = await runCli(['fleet', 'summarize', join(dir, 'reports', 'other.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a dfdoctor report');
    expect((await runCli(['fleet', 'summarize', join(dir, 'nope')])).code).toBe(2);
  });
});

describe('dfdoctor fleet summarize streams the reports', () => {
  let dir: string;
  let reportBytes = 0;
  const N = 4000;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dfdoctor-fleet-many-'));
    const templates = await fleetReports();
    for (let i = 0; i < N; i++) {
      const t = templates[i % templates.length] as Report;
      const text = `${JSON.stringify({ ...t, host: { ...t.host, hostname: `n-${String(i).padStart(5, '0')}` } }, null, 2)}\n`;
      reportBytes += text.length;
      await writeFile(join(dir, `n-${String(i).padStart(5, '0')}.json`), text);
    }
    // one unreadable report among them: named and skipped, never fatal
    await writeFile(join(dir, 'n-01500-broken.json'), '{"schemaVersion": 1, "tool": ');
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('summarises more reports than its heap could hold at once, naming the unreadable one', async () => {
    // the reports' text alone is several times the heap; parsed, they would need more still
    const heapMb = 32;
    expect(reportBytes).toBeGreaterThan(heapMb * 1024 * 1024);
    const r = await runCli(['fleet', 'summarize', dir, '--format', 'json'], {
      env: { DFDOCTOR_HEAP_MB: String(heapMb) },
      timeoutMs: 120_000,
    });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const s = JSON.parse(r.stdout) as FleetSummary;
    expect(s.nodes.total).toBe(N);
    expect(s.unreadable).toEqual([expect.objectContaining({ source: join(dir, 'n-01500-broken.json') })]);
    expect(r.stderr).toContain(`skipped ${join(dir, 'n-01500-broken.json')}`);
    // the aggregates are the same as from the reports held in memory
    const templates = await fleetReports();
    for (const c of s.causes) {
      const per = templates.filter((t) => t.diagnoses.some((d) => d.cause === c.cause)).length;
      const expected = Array.from({ length: N }, (_, i) => i % templates.length).filter((k) =>
        (templates[k] as Report).diagnoses.some((d) => d.cause === c.cause),
      ).length;
      expect(per).toBeGreaterThan(0);
      expect(c.nodes, c.cause).toBe(expected);
    }
  }, 180_000);
});
