import { Chalk } from 'chalk';
import type { Severity } from '../causes.js';
import { renderBars } from './bars.js';
import { benchBudgetLines } from './bench-budget.js';
import { measurementLines } from './measurements-text.js';
import type { Report } from './model.js';
import { hostLine, probeReason, probeStatus } from './host-line.js';
import { probeSubject } from './probe-subject.js';
import { rankingNote } from './ranking-note.js';
import { DEFAULT_WIDTH, type RenderOptions } from './options.js';
import { boxTable } from './box-table.js';
import { fitColumns, longestWord, wrapText } from './columns.js';
import { stepTableLines } from './steps-render.js';

export function renderTable(report: Report, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const sev: Record<Severity, (s: string) => string> = { critical: c.red.bold, warning: c.yellow, info: c.cyan };
  const width = opts.width ?? DEFAULT_WIDTH;
  const out: string[] = [];
  const src = report.source.kind === 'live' ? 'live node' : `bundle ${report.source.path ?? ''}`.trim();
  // the header wraps like the rest: a long bundle path or kernel name stays whole on its own line
  out.push(...wrapText(c.bold(`dfdoctor ${report.tool.version} — ${report.host.hostname} (${src})`), width, '', '  '));
  out.push(...wrapText(hostLine(report.host), width, '', '  '));
  out.push('');
  out.push(c.bold('Probes'));
  for (const [name, p] of Object.entries(report.probes)) {
    const st = probeStatus(p);
    const status =
      st === 'ok' ? c.green(st) : st === 'partial' ? c.yellow(st) : st === 'skipped' ? c.dim(st) : c.red(st);
    const subject = probeSubject(name, p);
    const reason = probeReason(p);
    // the duration after a middle dot: one more pair of parentheses made nested reasons unreadable
    out.push(
      ...wrapText(
        `${name.padEnd(11)} ${status}${subject ? ` — ${subject}` : ''}${reason ? `: ${reason}` : ''} ${c.dim(`· ${p.durationMs} ms`)}`,
        width,
        '  ',
        '              ',
      ),
    );
  }
  const figures = measurementLines(report.measurements);
  if (figures.length > 0) {
    out.push('', c.bold('Measured'));
    for (const l of figures) out.push(`  ${l}`);
  }
  if (report.measurements.bench)
    out.push(
      '',
      c.bold('Time budget (dfdoctor bench)'),
      ...benchBudgetLines(report.measurements.bench).map((l) => `  ${l}`),
    );
  out.push('');
  if (report.diagnoses.length === 0) {
    out.push(c.green('No causes found.'));
  } else {
    const { critical, warning, info } = report.summary;
    out.push(c.bold(`Diagnoses: ${critical} critical, ${warning} warning, ${info} info`));
    const widths = fitColumns(width, [
      { width: Math.max(3, String(report.diagnoses.length).length + 2) },
      { width: 10 },
      { width: Math.max(7, longestWord(report.diagnoses.map((d) => d.cause))) },
      { width: 0, flex: true, min: 20 },
      { width: 9 },
    ]);
    const rows = report.diagnoses.map((d) => [
      String(d.rank),
      { text: d.severity, paint: sev[d.severity] },
      d.cause,
      d.title,
      d.impactSeconds === undefined ? '?' : `${d.impactSeconds.toFixed(2)} s`,
    ]);
    out.push(boxTable(['#', 'severity', 'cause', 'title', 'impact'], rows, widths));
    for (const l of rankingNote(report.diagnoses, (d) => `#${d.rank}`)) out.push(...wrapText(c.dim(l), width, ''));
    const timed = report.diagnoses.filter((d) => d.impactSeconds !== undefined);
    if (timed.length > 0) {
      out.push('', c.bold('Where the time goes (estimated seconds added to the pull)'));
      const labels = timed.map((d) => `#${d.rank} ${d.cause}`);
      const barWidth = Math.max(10, Math.min(40, width - 2 - Math.max(...labels.map((l) => l.length)) - 12));
      for (const l of renderBars(
        timed.map((d, i) => ({ label: labels[i] as string, seconds: d.impactSeconds ?? 0 })),
        { width: barWidth },
      )) {
        out.push(`  ${l}`);
      }
    }
    for (const d of report.diagnoses) {
      // painted word by word, so that a line the heading wraps onto opens and closes its own colour
      const words = (s: string, paint: (w: string) => string) =>
        s
          .split(' ')
          .map((w) => paint(w))
          .join(' ');
      out.push(
        '',
        ...wrapText(
          `${c.bold(`#${d.rank}`)} ${sev[d.severity](d.severity.toUpperCase())} ${words(d.title, c.bold)} ${words(`[${d.rule} → ${d.cause}, confidence ${d.confidence.toFixed(2)}]`, c.dim)}`,
          width,
          '',
          '    ',
        ),
      );
      for (const e of d.evidence) {
        // evidence indented by its rule belongs to the line above (e.g. the log lines it quotes)
        const sub = /^\s/.test(e);
        out.push(...wrapText(`${sub ? '◦' : '•'} ${e.trim()}`, width, sub ? '    ' : '  ', sub ? '      ' : '    '));
      }
      out.push(...wrapText(`${c.bold('Fix:')} ${d.remediation.summary}`, width, '  ', '    '));
      for (const s of d.remediation.steps) {
        // commands and snippets stay whole so they can be pasted; prose wraps
        out.push(...(s.kind === 'prose' ? wrapText(s.text, width, '    ') : stepTableLines(s).map((l) => `    ${l}`)));
      }
    }
  }
  const read = report.read?.settings ?? [];
  if (read.length > 0) {
    out.push('', c.bold('What dfdoctor read'));
    const nameW = Math.min(32, Math.max(...read.map((s) => s.setting.length)));
    for (const s of read)
      out.push(
        ...wrapText(
          `${s.area.padEnd(10)} ${s.setting.padEnd(nameW)} = ${s.value}  ${c.dim(`←\u00a0${s.from}`)}`,
          width,
          '  ',
          ' '.repeat(16),
        ),
      );
  }
  const files = report.files ?? [];
  if (files.length > 0) {
    out.push('', c.bold('Files cited (raw/… is the bundle, a copy of what dfdoctor read on the node)'));
    const pathW = Math.min(44, Math.max(...files.map((f) => f.path.length)));
    // not wrapped: a path or a command line pastes whole
    for (const f of files) out.push(`  ${f.path.padEnd(pathW)} ${c.dim(`←\u00a0${f.from}`)}`);
  }
  if (report.notes.length > 0) {
    out.push('', c.bold('Notes'));
    // prose: wrapped, a hanging indent under its dash (a path in it is one word, never broken)
    for (const n of report.notes) out.push(...wrapText(`- ${n.text}`, width, '  ', '    '));
  }
  return `${out.join('\n')}\n`;
}
