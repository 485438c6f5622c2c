import { renderBars } from './bars.js';
import { benchBudgetLines } from './bench-budget.js';
import { measurementLines } from './measurements-text.js';
import type { Report } from './model.js';
import { probeSubject } from './probe-subject.js';
import { stepsMarkdown } from './steps-render.js';

/** Pastes into a GitHub issue: summary table first, evidence and raw detail folded in <details>. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const src = report.source.kind === 'live' ? 'live node' : `bundle \`${report.source.path ?? ''}\``;
  out.push(`## dfdoctor report — ${cell(report.host.hostname)}`, '');
  out.push(
    `dfdoctor ${report.tool.version} · ${src} · ${report.host.os}, kernel ${report.host.kernel}, ${report.host.cpus} CPUs · ${report.createdAt}`,
    '',
  );
  const { critical, warning, info } = report.summary;
  out.push(`**${critical} critical, ${warning} warning, ${info} info**`, '');
  if (report.diagnoses.length > 0) {
    out.push('| # | severity | cause | title | impact |', '|---|---|---|---|---|');
    for (const d of report.diagnoses) {
      const impact = d.impactSeconds === undefined ? '?' : `${d.impactSeconds.toFixed(2)} s`;
      out.push(`| ${d.rank} | ${d.severity} | \`${d.cause}\` | ${cell(d.title)} | ${impact} |`);
    }
    out.push('');
    const timed = report.diagnoses.filter((d) => d.impactSeconds !== undefined);
    if (timed.length > 0) {
      out.push('Where the time goes (estimated seconds added to the pull):', '', '```text');
      out.push(...renderBars(timed.map((d) => ({ label: `#${d.rank} ${d.cause}`, seconds: d.impactSeconds ?? 0 }))));
      out.push('```', '');
    }
    for (const d of report.diagnoses) {
      out.push('<details>', `<summary>#${d.rank} ${d.severity}: ${html(d.title)} (<code>${d.rule}</code>)</summary>`, '');
      out.push('Evidence:', '', ...d.evidence.map((e) => `- ${e}`), '');
      out.push(`Fix: ${d.remediation.summary}`, '', ...stepsMarkdown(d.remediation.steps), '</details>', '');
    }
  } else {
    out.push('No causes found.', '');
  }
  if (report.measurements.bench) out.push('Time budget (dfdoctor bench):', '', '```text', ...benchBudgetLines(report.measurements.bench), '```', '');
  out.push('<details>', '<summary>Probes and measurements</summary>', '');
  out.push('| probe | status | reason | ms |', '|---|---|---|---|');
  for (const [name, p] of Object.entries(report.probes)) {
    const subject = probeSubject(name, p);
    out.push(`| ${name} | ${p.status}${subject ? ` — ${cell(subject)}` : ''} | ${cell(p.reason ?? '')} | ${p.durationMs} |`);
  }
  const figures = measurementLines(report.measurements);
  if (figures.length > 0) out.push('', ...figures.map((l) => `- ${l}`));
  out.push('', '</details>', '');
  if (report.notes.length > 0) {
    out.push('<details>', `<summary>Notes (${report.notes.length})</summary>`, '', ...report.notes.map((n) => `- ${n.text}`), '', '</details>', '');
  }
  return out.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
