import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { FleetInput } from '../report/fleet-summary.js';
import { ReportSchema } from '../report/model.js';

// A report over this size is not a dfdoctor report (one is tens of KiB).
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** Files and directories (every *.json under them) → the report files, sorted. */
export async function expandReportPaths(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UsageError(`${p}: no such file or directory`);
    if (st.isDirectory()) out.push(...(await jsonFilesUnder(p)));
    else out.push(p);
  }
  return [...new Set(out)].sort();
}

async function jsonFilesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await jsonFilesUnder(p)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

export type ReadResult = { ok: true; input: FleetInput } | { ok: false; source: string; reason: string };

/**
 * Reads one report. `kubectl logs` output may carry stray lines around the JSON (stderr of the pod,
 * a shell's echo): when the whole text is not JSON, the span from the first line starting with "{" to
 * the last line "}" is tried.
 */
export async function readReport(path: string): Promise<ReadResult> {
  let text: string;
  try {
    const st = await stat(path);
    if (st.size > MAX_REPORT_BYTES)
      return { ok: false, source: path, reason: `${st.size} bytes: too large for a report` };
    text = await readFile(path, 'utf8');
  } catch (e) {
    return {
      ok: false,
      source: path,
      reason: (e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const lines = text.split('\n');
    const first = lines.findIndex((l) => l.startsWith('{'));
    const last = lines.map((l) => l.trimEnd()).lastIndexOf('}');
    const at = /position (\d+)/.exec((e as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : undefined;
    if (first < 0 || last <= first)
      return { ok: false, source: path, reason: `not JSON${line ? ` (line ${line})` : ''}: ${(e as Error).message}` };
    try {
      raw = JSON.parse(lines.slice(first, last + 1).join('\n'));
    } catch (e2) {
      return { ok: false, source: path, reason: `not JSON${line ? ` (line ${line})` : ''}: ${(e2 as Error).message}` };
    }
  }
  const r = ReportSchema.safeParse(untypedStepsAsProse(raw));
  if (!r.success) {
    const issue = r.error.issues[0];
    const sv = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
    const hint = sv === undefined ? ' (is it a `dfdoctor diagnose --format json` report?)' : '';
    return {
      ok: false,
      source: path,
      reason: `not a dfdoctor report: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}${hint}`,
    };
  }
  return { ok: true, input: { source: path, report: r.data } };
}

/** Reports of dfdoctor before typed remediation steps (issue 15) carried plain strings: read them as prose. */
function untypedStepsAsProse(raw: unknown): unknown {
  const ds = (raw as { diagnoses?: unknown } | null)?.diagnoses;
  if (!Array.isArray(ds)) return raw;
  for (const d of ds) {
    const rem = (d as { remediation?: { steps?: unknown } } | null)?.remediation;
    if (rem && Array.isArray(rem.steps))
      rem.steps = rem.steps.map((s) => (typeof s === 'string' ? { kind: 'prose', text: s } : s));
  }
  return raw;
}
