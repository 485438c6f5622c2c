import { renderBars } from './bars.js';
import { benchBudgetLines } from './bench-budget.js';
import { measurementLines } from './measurements-text.js';
import type { Report } from './model.js';
import { hostLine, probeReason, probeStatus } from './host-line.js';
import { probeSubject } from './probe-subject.js';
import { rankingNote } from './ranking-note.js';
import { mermaidGantt } from './timeline.js';
import { stepsMarkdown } from './steps-render.js';

/** Pastes into a GitHub issue: summary table first, evidence and raw detail folded in <details>. */
export function renderMarkdown(report: Report): string {
  const out: string[] = [];
  const src = report.source.kind === 'live' ? 'live node' : `bundle \`${report.source.path ?? ''}\``;
  out.push(`## dfdoctor report — ${cell(report.host.hostname)}`, '');
  out.push(`dfdoctor ${report.tool.version} · ${src} · ${hostLine(report.host)} · ${report.createdAt}`, '');
  const { critical, warning, info } = report.summary;
  out.push(`**${critical} critical, ${warning} warning, ${info} info**`, '');
  if (report.diagnoses.length > 0) {
    out.push('| # | severity | cause | title | impact |', '|---|---|---|---|---|');
    for (const d of report.diagnoses) {
      const impact = d.impactSeconds === undefined ? '?' : `${d.impactSeconds.toFixed(2)} s`;
      out.push(`| ${d.rank} | ${d.severity} | \`${d.cause}\` | ${cell(d.title)} | ${impact} |`);
    }
    out.push('', ...rankingNote(report.diagnoses, (d) => `rank ${d.rank}`).map((l) => `<sub>${cell(l)}</sub>  `), '');
    const timed = report.diagnoses.filter((d) => d.impactSeconds !== undefined);
    if (timed.length > 0) {
      out.push('Where the time goes (estimated seconds added to the pull):', '', '```text');
      out.push(...renderBars(timed.map((d) => ({ label: `${d.rank}. ${d.cause}`, seconds: d.impactSeconds ?? 0 }))));
      out.push('```', '');
    }
    for (const d of report.diagnoses) {
      // "#1" in a <summary> links to issue 1 once pasted into GitHub: the rank is written "1."
      out.push(
        '<details>',
        `<summary>${d.rank}. ${d.severity}: ${html(d.title)} (<code>${d.rule}</code>)</summary>`,
        '',
      );
      // evidence indented by its rule belongs to the line above (the log lines it quotes): a nested bullet
      out.push('Evidence:', '', ...d.evidence.map((e) => (/^\s/.test(e) ? `  - ${e.trim()}` : `- ${e}`)), '');
      out.push(`Fix: ${d.remediation.summary}`, '', ...stepsMarkdown(d.remediation.steps), '</details>', '');
    }
  } else {
    out.push('No causes found.', '');
  }
  if (report.timeline && report.timeline.tasks.length > 0) {
    out.push(
      report.timeline.source === 'bench'
        ? 'The pull, layer by layer (dfdoctor bench):'
        : report.timeline.omitted
          ? `The pull as dfdaemon logged it: the ${report.timeline.tasks.length} longest of its ${report.timeline.tasks.length + report.timeline.omitted} tasks, in start order:`
          : 'The pull as dfdaemon logged it, task by task:',
      '',
      ...mermaidGantt(report.timeline),
      '',
    );
  }
  if (report.measurements.bench)
    out.push('Time budget (dfdoctor bench):', '', '```text', ...benchBudgetLines(report.measurements.bench), '```', '');
  const read = report.read?.settings ?? [];
  if (read.length > 0) {
    out.push(
      '<details>',
      '<summary>What dfdoctor read</summary>',
      '',
      '| area | setting | value | from |',
      '|---|---|---|---|',
    );
    for (const s of read) out.push(`| ${s.area} | \`${cell(s.setting)}\` | ${cell(s.value)} | ${cell(s.from)} |`);
    out.push('', '</details>', '');
  }
  const files = report.files ?? [];
  if (files.length > 0) {
    out.push('<details>', '<summary>Files cited</summary>', '', '| bundle file | from the node |', '|---|---|');
    for (const f of files) out.push(`| \`${cell(f.path)}\` | ${cell(f.from)} |`);
    out.push('', '</details>', '');
  }
  out.push('<details>', '<summary>Probes and measurements</summary>', '');
  out.push('| probe | status | details | ms |', '|---|---|---|---|');
  for (const [name, p] of Object.entries(report.probes)) {
    const details = [probeSubject(name, p), probeReason(p)].filter((x) => x).join('; ');
    out.push(`| ${name} | ${probeStatus(p)} | ${cell(details)} | ${p.durationMs} |`);
  }
  const figures = measurementLines(report.measurements);
  if (figures.length > 0) out.push('', ...figures.map((l) => `- ${l}`));
  out.push('', '</details>', '');
  if (report.notes.length > 0) {
    out.push(
      '<details>',
      `<summary>Notes (${report.notes.length})</summary>`,
      '',
      ...report.notes.map((n) => `- ${n.text}`),
      '',
      '</details>',
      '',
    );
  }
  return out.join('\n');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
