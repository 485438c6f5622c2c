import { redactQuoted as quoted } from '../bundle/redact-text.js';
import type { Evaluation } from '../engine.js';
import { formatProblem } from '../facts/problems.js';
import type { Facts } from '../facts/types.js';
import { withBenchVerdict } from './bench-budget.js';
import type { Report, Step } from './model.js';
import { REPORT_SCHEMA_VERSION } from './schema-version.js';
import { buildReadSettings } from './read-settings.js';
import { buildTimeline } from './timeline.js';
import { filesCited } from './files-cited.js';

function timelineOf(facts: Facts): Pick<Report, 'timeline'> {
  const t = buildTimeline(facts);
  return t ? { timeline: t } : {};
}

// Evidence, notes, the settings read and the remediation steps quote what dfdoctor read. A bundle's
// files were redacted when it was collected, but loose files (`analyze core.log`) are read as they are:
// a presigned URL a registry redirected to, or a token in a pasted line, would reach the report an SRE
// pastes into a ticket. So every quoted string passes the log redactor's line rules (quoted) here, where
// the report is made; a redacted line comes out as it went in.

/** A remediation step with what it quotes redacted (a command or snippet built from a setting read). */
function quotedStep(step: Step): Step {
  return step.kind === 'command' ? { ...step, command: quoted(step.command) } : { ...step, text: quoted(step.text) };
}

export interface ReportOrigin {
  tool: { name: string; version: string };
  createdAt: string;
  source: Report['source'];
}

/** Facts + evaluation → the report. Pure: the clock reading comes in with `origin`. */
export function buildReport(facts: Facts, ev: Evaluation, origin: ReportOrigin): Report {
  const summary = { critical: 0, warning: 0, info: 0 };
  for (const d of ev.diagnoses) summary[d.severity]++;
  const diagnoses = ev.diagnoses.map((d) => ({
    ...d,
    evidence: d.evidence.map(quoted),
    remediation: { ...d.remediation, steps: d.remediation.steps.map(quotedStep) },
  }));
  const read = { settings: buildReadSettings(facts).map((r) => ({ ...r, value: quoted(r.value) })) };
  const notes = [
    ...facts.notes,
    ...facts.problems.map((p) => ({ text: formatProblem(p), source: p.file })),
    ...ev.internal,
  ].map((n) => ({ ...n, text: quoted(n.text) }));
  const files = filesCited({ diagnoses, read, notes }, facts.manifest.sources)?.map((f) => ({
    ...f,
    from: quoted(f.from),
  }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: origin.tool,
    createdAt: origin.createdAt,
    source: origin.source,
    host: facts.manifest.host,
    probes: facts.manifest.probes,
    measurements: withBenchVerdict(facts.measurements),
    diagnoses,
    read,
    ...(files ? { files } : {}),
    ...timelineOf(facts),
    notes,
    summary,
    rules: ev.evaluated.map((o) => ({
      id: o.rule.id,
      cause: o.rule.cause,
      title: o.rule.title,
      fired: o.fired,
      ...(!o.fired && o.skipped !== undefined ? { skipped: o.skipped } : {}),
    })),
  };
}
