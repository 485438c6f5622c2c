import type { DiskFacts } from '../../facts/disk.js';
import { gcThresholdSteps, type Gen } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { gb } from './text.js';

const FREE_PCT_FLOOR = 10;
const FREE_INODES_PCT_FLOOR = 10;

interface SpaceFinding {
  disk: DiskFacts;
  space: NonNullable<DiskFacts['space']>;
  overGc: boolean;
  lowFree: boolean;
  lowInodes: boolean;
  generation: Gen;
}

export const spacePressure = defineRule<SpaceFinding>({
  meta: {
    id: 'disk.space-pressure',
    cause: 'disk-space-pressure',
    title: "The cache dir's filesystem is near full: dfdaemon's GC evicts cached layers",
    description: `disk usage at or above dfdaemon's GC threshold (config, else Go 95 % / Rust 80 %), or free space < ${FREE_PCT_FLOOR} %, or free inodes < ${FREE_INODES_PCT_FLOOR} %`,
    severities: ['critical', 'warning'],
    remediationSummary:
      "Free space or grow the filesystem, and tune dfdaemon's GC thresholds to what the disk can hold.",
  },

  detect(f) {
    const d = f.disk;
    const s = d?.space;
    if (!d || !s) return null;
    const overGc = d.gc !== null && s.usedPct >= d.gc.highPercent;
    const lowFree = s.freePct < FREE_PCT_FLOOR;
    const lowInodes = s.freeInodesPct !== null && s.freeInodesPct < FREE_INODES_PCT_FLOOR;
    if (!overGc && !lowFree && !lowInodes) return null;
    return {
      severity: overGc || s.freePct < FREE_PCT_FLOOR / 2 ? 'critical' : 'warning',
      confidence: 0.8,
      data: {
        disk: d,
        space: s,
        overGc,
        lowFree,
        lowInodes,
        generation: d.gc?.generation ?? f.dfdaemon?.generation ?? null,
      },
    };
  },

  evidence({ disk: d, space: s, overGc, lowFree, lowInodes }) {
    const gc = d.gc;
    const out = [
      `${d.mount?.mountPoint ?? d.path}: ${s.usedPct.toFixed(1)} % used, ${gb(s.freeBytes)} free of ${gb(s.totalBytes)} (${s.source})`,
      gc === null
        ? `dfdaemon's GC threshold unknown (no dfdaemon config or generation found); the ${FREE_PCT_FLOOR} % floor applies`
        : overGc
          ? `at or above dfdaemon's GC threshold of ${gc.highPercent} % (${gc.evidence}): GC is evicting cached tasks, so "cached" layers get fetched again`
          : `dfdaemon's GC threshold is ${gc.highPercent} % (${gc.evidence})`,
    ];
    if (lowFree) out.push(`free space ${s.freePct.toFixed(1)} % < ${FREE_PCT_FLOOR} %`);
    if (lowInodes && s.freeInodesPct !== null)
      out.push(
        `free inodes ${s.freeInodesPct.toFixed(1)} % (${s.freeInodes} of ${s.totalInodes}) < ${FREE_INODES_PCT_FLOOR} %`,
      );
    return out;
  },

  steps({ disk: d, generation }) {
    return [
      cmd(`df -h ${d.path}; df -i ${d.path}`),
      cmd(`du -xsh ${d.mount?.mountPoint ?? d.path}/* 2>/dev/null | sort -h | tail   # what fills the filesystem`),
      cmd('crictl rmi --prune   # unused images, if containerd shares the filesystem'),
      ...gcThresholdSteps(generation),
      prose("Or give dfdaemon's storage dir its own volume sized for the working set of images."),
    ];
  },
});
