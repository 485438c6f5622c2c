// The report header's host line and a probe's status line, shared by the table and markdown reports.
import type { Host, ProbeRecord } from '../bundle/manifest.js';

/** "Debian 12, kernel 6.1.0, 4 CPUs, 15.6 GiB" with only the parts the bundle recorded. */
export function hostLine(h: Host): string {
  const parts = [
    h.os && h.os !== 'unknown' ? h.os : null,
    h.kernel && h.kernel !== 'unknown' ? `kernel ${h.kernel}` : null,
    h.cpus > 0 ? `${h.cpus} CPUs` : null,
    h.memoryBytes > 0 ? `${(h.memoryBytes / 2 ** 30).toFixed(1)} GiB` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'host details not recorded in the bundle (OS, kernel, CPUs, memory)';
}

/** "ok", "partial" (ran, but some of it could not be read) or the status itself. */
export function probeStatus(p: Pick<ProbeRecord, 'status' | 'reason'>): 'ok' | 'partial' | 'skipped' | 'failed' {
  return p.status === 'ok' && p.reason ? 'partial' : p.status;
}

/** The reason without a "partial: " the probe may already have put in front. */
export function probeReason(p: Pick<ProbeRecord, 'reason'>): string {
  return (p.reason ?? '').replace(/^partial: /, '');
}
