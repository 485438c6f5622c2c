import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../src/exit-code.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';
import { schemaFiles } from '../../src/schema-files.js';

function report(): Report {
  const d = (
    rank: number,
    rule: string,
    cause: Report['diagnoses'][number]['cause'],
    severity: 'critical' | 'warning' | 'info',
    impact?: number,
  ) => ({
    rank,
    rule,
    cause,
    severity,
    confidence: 0.8,
    title: `${cause} <title>`,
    evidence: [`evidence for ${rule} (raw/x.txt:3)`],
    ...(impact === undefined ? {} : { impactSeconds: impact }),
    remediation: {
      summary: 'do the thing',
      steps: [
        { kind: 'command' as const, command: 'step one' },
        { kind: 'prose' as const, text: 'step | two' },
      ],
    },
  });
  return {
    schemaVersion: 1,
    tool: { name: 'dfdoctor', version: '0.1.0' },
    createdAt: '2026-11-25T00:00:00Z',
    source: { kind: 'bundle', path: 'fixtures/x' },
    host: { hostname: 'node-1', kernel: '6.1', os: 'Debian', cpus: 4, memoryBytes: 2 ** 34 },
    probes: {
      system: { status: 'ok', durationMs: 10 },
      disk: { status: 'skipped', reason: 'not implemented', durationMs: 0 },
    },
    measurements: {},
    diagnoses: [
      d(1, 'disk.slow-medium', 'disk-slow-medium', 'warning', 3.2),
      d(2, 'system.cpu-saturated', 'cpu-contention', 'critical'),
      d(3, 'kubelet.serial-pulls', 'kubelet-serial-pulls', 'info'),
    ],
    notes: [{ text: 'raw/x.txt:9: garbage' }],
    summary: { critical: 1, warning: 1, info: 1 },
    rules: [
      { id: 'disk.slow-medium', cause: 'disk-slow-medium', title: 't', fired: true },
      { id: 'system.cpu-saturated', cause: 'cpu-contention', title: 't', fired: true },
      { id: 'kubelet.serial-pulls', cause: 'kubelet-serial-pulls', title: 't', fired: true },
      { id: 'net.quiet', cause: 'loopback-slow', title: 't', fired: false },
    ],
  };
}

describe('reports', () => {
  it('the checked-in JSON Schemas match the code (run `npm run schema` after changing a zod schema)', () => {
    for (const [file, schema] of Object.entries(schemaFiles())) {
      expect(JSON.parse(readFileSync(file, 'utf8')), file).toEqual(JSON.parse(JSON.stringify(schema)));
    }
  });

  it('json output validates against schema/report.schema.json, and a broken one does not', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')));
    expect(validate(JSON.parse(JSON.stringify(report()))), JSON.stringify(validate.errors)).toBe(true);
    const bad = { ...report(), diagnoses: [{ ...report().diagnoses[0], cause: 'not-a-cause' }] };
    expect(validate(bad)).toBe(false);
  });

  it('exit code follows --fail-on', () => {
    const r = report();
    expect(exitCodeFor(r, 'critical')).toBe(1);
    expect(exitCodeFor(r, 'never')).toBe(0);
    const onlyInfo = { diagnoses: r.diagnoses.filter((d) => d.severity === 'info') };
    expect(exitCodeFor(onlyInfo, 'critical')).toBe(0);
    expect(exitCodeFor(onlyInfo, 'warning')).toBe(0);
    expect(exitCodeFor(onlyInfo, 'info')).toBe(1);
    expect(exitCodeFor({ diagnoses: [] }, 'info')).toBe(0);
  });

  it('junit has one testcase per rule; failures only at or above --fail-on, the rest skipped', () => {
    const xml = renderJunit(report(), { color: false, failOn: 'warning' });
    expect(xml.match(/<testcase /g)?.length).toBe(4 + 2);
    expect(xml.match(/<failure /g)?.length).toBe(2);
    expect(xml).toContain('name="disk.slow-medium: t"');
    expect(xml).toMatch(/<skipped message="info \(below --fail-on\)/);
    expect(xml).toContain('&lt;title&gt;');
    expect(renderJunit(report(), { color: false, failOn: 'never' })).not.toContain('<failure');
  });

  it('junit counts a rule whose inputs were absent as skipped, with why, and a rule that ran and stayed silent as passed', () => {
    const r = report();
    r.rules.push(
      {
        id: 'dfdaemon.version',
        cause: 'dfdaemon-version',
        title: 'k',
        fired: false,
        skipped: 'no kubelet facts: the kubelet probe did not run',
      },
      { id: 'net.proxy-bypass', cause: 'proxy-bypass', title: 'p', fired: false },
    );
    const xml = renderJunit(r, { color: false, failOn: 'warning' });
    const kube = xml.slice(
      xml.indexOf('name="dfdaemon.version'),
      xml.indexOf('</testcase>', xml.indexOf('name="dfdaemon.version')),
    );
    expect(kube).toContain('<skipped message="inputs absent: no kubelet facts: the kubelet probe did not run"/>');
    expect(xml).toMatch(/name="net.proxy-bypass: p" time="0"><\/testcase>/);
    const skippedBefore = Number(
      /skipped="(\d+)"/.exec(renderJunit(report(), { color: false, failOn: 'warning' }))?.[1],
    );
    expect(Number(/skipped="(\d+)"/.exec(xml)?.[1])).toBe(skippedBefore + 1);
  });

  it('markdown opens with the summary table and folds evidence into <details>', () => {
    const md = renderMarkdown(report());
    const table = md.indexOf('| # | severity | cause | title | impact |');
    const details = md.indexOf('<details>');
    expect(table).toBeGreaterThan(0);
    expect(details).toBeGreaterThan(table);
    expect(md).toContain('| 1 | warning | `disk-slow-medium` |');
    expect(md).toContain('- evidence for disk.slow-medium (raw/x.txt:3)');
    expect(md).toContain('disk-slow-medium'); // bar chart label
    expect(md).toMatch(/1\. disk-slow-medium\s+█+\s+3\.20 s/);
  });

  it('table without colour has no ANSI escapes and shows the time bars, evidence and steps', () => {
    const t = renderTable(report(), { color: false, failOn: 'critical' });
    expect(t).not.toMatch(/\x1b\[/);
    expect(t).toContain('Where the time goes');
    expect(t).toContain('• evidence for system.cpu-saturated');
    expect(t).toContain('$ step one');
    expect(t).toContain('disk        skipped: not implemented');
    const colored = renderTable(report(), { color: true, failOn: 'critical' });
    expect(colored).toMatch(/\x1b\[/);
  });
});
