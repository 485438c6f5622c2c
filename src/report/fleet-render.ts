// The fleet summary as a table, markdown or JSON. Pure.
import { Chalk } from 'chalk';
import type { Severity } from '../causes.js';
import { boxTable } from './box-table.js';
import { fitColumns, longestWord } from './columns.js';
import type { FleetCause, FleetSummary } from './fleet-summary.js';
import { DEFAULT_WIDTH } from './options.js';

import type { FleetFormat } from './fleet-options.js';

export type { FleetFormat } from './fleet-options.js';

/** How many host names a cause lists before "… and N more". */
const HOSTS_SHOWN = 5;

export function renderFleet(s: FleetSummary, format: FleetFormat, opts: { color: boolean; width?: number }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(s, null, 2)}\n`;
    case 'markdown':
      return renderFleetMarkdown(s);
    case 'table':
      return renderFleetTable(s, opts.color, opts.width ?? DEFAULT_WIDTH);
  }
}

function hostList(c: FleetCause): string {
  const shown = c.hosts.slice(0, HOSTS_SHOWN).join(', ');
  return c.hosts.length > HOSTS_SHOWN ? `${shown} … and ${c.hosts.length - HOSTS_SHOWN} more` : shown;
}

function impact(c: FleetCause): string {
  return c.impactSeconds ? `${c.impactSeconds.median.toFixed(1)} s / ${c.impactSeconds.max.toFixed(1)} s` : '?';
}

function severities(c: FleetCause): string {
  return (['critical', 'warning', 'info'] as const)
    .filter((k) => c.bySeverity[k] > 0)
    .map((k) => `${c.bySeverity[k]} ${k}`)
    .join(', ');
}

function headline(s: FleetSummary): string {
  const n = s.nodes;
  return `${n.total} node${n.total === 1 ? '' : 's'}: ${n.withFindings} with findings, ${n.clean} with none${n.unreadable > 0 ? `; ${n.unreadable} report${n.unreadable === 1 ? '' : 's'} unreadable` : ''}`;
}

function renderFleetTable(s: FleetSummary, color: boolean, width: number): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const sev: Record<Severity, (x: string) => string> = { critical: c.red.bold, warning: c.yellow, info: c.cyan };
  const out: string[] = [c.bold(`dfdoctor fleet summary — ${headline(s)}`), ''];
  if (s.causes.length === 0) {
    out.push(c.green('No causes found on any node.'));
  } else {
    // the hosts column takes what the terminal leaves; the others are as wide as their longest word
    const widths = fitColumns(width, [
      { width: Math.max(7, longestWord(s.causes.map((x) => x.cause))) },
      { width: 13 },
      { width: 10 },
      { width: 13 },
      { width: 11 },
      { width: 0, flex: true, min: 16 },
    ]);
    const rows = s.causes.map((x) => [
      x.cause,
      `${x.nodes} (${x.sharePct} %)`,
      { text: x.worst, paint: sev[x.worst] },
      severities(x),
      impact(x),
      hostList(x),
    ]);
    out.push(boxTable(['cause', 'nodes', 'worst', 'by severity', 'impact p50 / max', 'hosts'], rows, widths));
  }
  if (s.probeFailures.length > 0) {
    out.push('', c.bold('Probes that failed'));
    for (const p of s.probeFailures)
      out.push(`  ${p.probe} on ${p.nodes} node${p.nodes === 1 ? '' : 's'}: ${p.reasons.join('; ')}`);
  }
  if (s.unreadable.length > 0) {
    out.push('', c.bold('Unreadable reports'));
    for (const u of s.unreadable) out.push(`  ${u.source}: ${u.reason}`);
  }
  if (s.duplicates.length > 0) {
    out.push('', c.bold('Hosts with several reports (the newest counts)'));
    for (const d of s.duplicates) out.push(`  ${d.hostname}: kept ${d.kept}, ignored ${d.dropped.join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}

function md(s: string): string {
  return s.replace(/\|/g, '\\|');
}

function renderFleetMarkdown(s: FleetSummary): string {
  const out: string[] = ['# dfdoctor fleet summary', '', headline(s), ''];
  if (s.causes.length === 0) {
    out.push('No causes found on any node.');
  } else {
    out.push(
      '| # | cause | nodes | worst | by severity | impact median / max | rules | hosts |',
      '|---|---|---|---|---|---|---|---|',
    );
    s.causes.forEach((x, i) => {
      out.push(
        `| ${i + 1} | \`${x.cause}\` | ${x.nodes} (${x.sharePct} %) | ${x.worst} | ${severities(x)} | ${impact(x)} | ${x.rules.map((r) => `\`${r}\``).join(', ')} | ${md(hostList(x))} |`,
      );
    });
  }
  if (s.probeFailures.length > 0) {
    out.push('', '## Probes that failed', '');
    for (const p of s.probeFailures)
      out.push(`- \`${p.probe}\` on ${p.nodes} node${p.nodes === 1 ? '' : 's'}: ${md(p.reasons.join('; '))}`);
  }
  if (s.unreadable.length > 0) {
    out.push('', '## Unreadable reports', '');
    for (const u of s.unreadable) out.push(`- \`${u.source}\`: ${md(u.reason)}`);
  }
  if (s.duplicates.length > 0) {
    out.push('', '## Hosts with several reports', '');
    for (const d of s.duplicates)
      out.push(`- ${d.hostname}: kept \`${d.kept}\`, ignored ${d.dropped.map((x) => `\`${x}\``).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
