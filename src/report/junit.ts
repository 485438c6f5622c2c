import { SEVERITY_ORDER } from '../causes.js';
import type { Report } from './model.js';
import type { RenderOptions } from './options.js';
import { stepText } from './steps-render.js';

/**
 * One testcase per rule; a diagnosis at or above --fail-on is a failure, one below it is reported as
 * skipped, and so is a rule whose inputs were absent (no probe data, no bundle files): it did not pass.
 */
export function renderJunit(report: Report, opts: RenderOptions): string {
  const byRule = new Map(report.diagnoses.map((d) => [d.rule, d]));
  const limit = opts.failOn === 'never' ? -1 : SEVERITY_ORDER[opts.failOn];
  let failures = 0;
  let skipped = 0;
  const cases = report.rules.map((r) => {
    const d = byRule.get(r.id);
    const head = `    <testcase classname="dfdoctor.${esc(r.cause)}" name="${esc(r.id)}: ${esc(r.title)}" time="0">`;
    if (!d && r.skipped !== undefined) {
      skipped++;
      return `${head}\n      <skipped message="${esc(`inputs absent: ${r.skipped}`)}"/>\n    </testcase>`;
    }
    if (!d) return `${head}</testcase>`;
    const body = [
      `${d.title}`,
      ...d.evidence.map((e) => `evidence: ${e}`),
      `remediation: ${d.remediation.summary}`,
      ...d.remediation.steps.map((s) => `  ${stepText(s).replace(/\n/g, '\n  ')}`),
      ...(d.impactSeconds === undefined ? [] : [`impact: ${d.impactSeconds.toFixed(2)} s`]),
    ].join('\n');
    if (SEVERITY_ORDER[d.severity] <= limit) {
      failures++;
      return `${head}\n      <failure message="${esc(`${d.severity}: ${d.title}`)}" type="${esc(d.severity)}">${esc(body)}</failure>\n    </testcase>`;
    }
    skipped++;
    return `${head}\n      <skipped message="${esc(`${d.severity} (below --fail-on): ${d.title}`)}"/>\n      <system-out>${esc(body)}</system-out>\n    </testcase>`;
  });
  const probeCases = Object.entries(report.probes).map(([name, p]) => {
    const head = `    <testcase classname="dfdoctor.probe" name="probe ${esc(name)}" time="${(p.durationMs / 1000).toFixed(3)}">`;
    if (p.status === 'ok') return `${head}</testcase>`;
    skipped++;
    return `${head}\n      <skipped message="${esc(`${p.status}: ${p.reason ?? ''}`)}"/>\n    </testcase>`;
  });
  const all = [...cases, ...probeCases];
  // what dfdoctor read, as the suite's properties: CI systems show them next to the results
  const read = report.read?.settings ?? [];
  const properties =
    read.length === 0
      ? []
      : [
          '    <properties>',
          ...read.map(
            (r) =>
              `      <property name="${esc(`read.${r.area}.${r.setting}`)}" value="${esc(`${r.value} (from ${r.from})`)}"/>`,
          ),
          '    </properties>',
        ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="dfdoctor" tests="${all.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="dfdoctor ${esc(report.host.hostname)}" tests="${all.length}" failures="${failures}" skipped="${skipped}" errors="0" timestamp="${esc(report.createdAt)}">`,
    ...properties,
    ...all,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function esc(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
