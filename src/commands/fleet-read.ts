import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { CAUSES, SEVERITIES } from '../causes.js';
import { ProbeStatusSchema } from '../bundle/manifest.js';
import { UsageError } from '../errors.js';
import type { FleetInput, FleetReport } from '../report/fleet-summary.js';
import { REPORT_SCHEMA_VERSION } from '../report/schema-version.js';

// A report over this size is not a dfdoctor report (one is tens of KiB).
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/**
 * The fields of a report (src/report/model.ts, ReportSchema) that the fleet summary reads, checked as
 * strictly as the full schema checks them; everything else is neither checked nor kept. Checking a
 * whole report costs more than reading it, and a fleet is thousands of them.
 */
const FleetReportSchema: z.ZodType<FleetReport> = z.object({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  createdAt: z.string(),
  host: z.object({ hostname: z.string() }),
  probes: z.record(z.string(), z.object({ status: ProbeStatusSchema, reason: z.string().optional() })),
  diagnoses: z.array(
    z.object({
      rule: z.string(),
      cause: z.enum(CAUSES),
      severity: z.enum(SEVERITIES),
      impactSeconds: z.number().nonnegative().optional(),
    }),
  ),
  summary: z.object({
    critical: z.number().int().nonnegative(),
    warning: z.number().int().nonnegative(),
    info: z.number().int().nonnegative(),
  }),
});

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
export function readReport(path: string): ReadResult {
  let text: string;
  try {
    text = readSmallFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { ok: false, source: path, reason: err.code === 'EACCES' ? 'permission denied' : err.message };
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
  const r = FleetReportSchema.safeParse(raw);
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

/** Reports up to this size are read into one buffer kept from file to file. */
const SHARED_BUFFER_BYTES = 1024 * 1024;
let shared: Buffer | undefined;

/**
 * The file's text, read synchronously: a report is a few KiB, already in the page cache when it was
 * just copied off the nodes, and each asynchronous read costs four thread-pool round trips (open,
 * fstat, read, close) that take longer than the read itself (10,000 reports: about half the time).
 */
function readSmallFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_REPORT_BYTES) throw new Error(`${size} bytes: too large for a report`);
    shared ??= Buffer.allocUnsafe(SHARED_BUFFER_BYTES);
    const buf = size <= shared.length ? shared : Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return buf.toString('utf8', 0, got);
  } finally {
    closeSync(fd);
  }
}
