// The Go dfdaemon could not write pieces into its storage dir because the filesystem was full: "put piece to
// storage failed, piece num: %d, wrote: %d, error: %s" (go.log.put-piece-failed) whose error is the data file's
// write failing with ENOSPC or EDQUOT, as Go's os package words them ("write <path>: no space left on device",
// "disk quota exceeded": the syscall Errno strings). A parent's piece is then asked for again, and fails again
// while the disk stays full; an origin's fails the download. The line's other errors (the stream the piece was
// read from, a short read) are not the disk's and do not fire this rule; digest mismatches go to
// dfdaemon.digest-verification.
import type { LineRef, TaskTimeline } from '../../parsers/dfdaemon-timeline.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { pullTasks } from './pull.js';
import { quote, refCount } from './text.js';

/** The errors of a write to a full filesystem (Go syscall.ENOSPC, syscall.EDQUOT). */
const FULL = /no space left on device|disk quota exceeded/;

interface StorageFullFinding {
  failures: LineRef[];
  tasks: number;
  /** Whether the lines are of the last pull (else older ones: context, not its cause). */
  inLastPull: boolean;
  storageDir?: string;
}

const full = (t: TaskTimeline) => t.storeFailures.filter((r) => FULL.test(r.text));

export const storageFull = defineRule<StorageFullFinding>({
  meta: {
    id: 'dfdaemon.storage-full',
    cause: 'disk-space-pressure',
    title: 'dfdaemon could not write pieces: its storage filesystem was full',
    description:
      'Go "put piece to storage failed, piece num: …, wrote: …, error: …" lines whose error is "no space left on device" or "disk quota exceeded", in the last pull (warning); info for older ones',
    severities: ['warning', 'info'],
    remediationSummary: "Free space on dfdaemon's storage filesystem, or give its storage dir a bigger volume.",
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d?.logs) return null;
    const recent = pullTasks(d).filter((t) => full(t).length > 0);
    const tasks = recent.length > 0 ? recent : d.logs.summary.tasks.filter((t) => full(t).length > 0);
    if (tasks.length === 0) return null;
    const dir = d.config?.storageDir?.value;
    return {
      severity: recent.length > 0 ? 'warning' : 'info',
      confidence: 0.9,
      data: {
        failures: tasks.flatMap(full),
        tasks: tasks.length,
        inLastPull: recent.length > 0,
        ...(dir ? { storageDir: dir } : {}),
      },
    };
  },

  evidence({ failures, tasks, inLastPull }) {
    return [
      `${refCount(failures)} piece(s) of ${tasks} task(s) ${inLastPull ? 'of the last pull' : 'logged (none of the last pull)'} could not be written to dfdaemon's storage: the filesystem was full, first ${quote(failures[0] as LineRef, FULL)}`,
      "a parent's piece that could not be written is asked for again, and fails again while the disk stays full; a piece from the origin fails the download",
    ];
  },

  steps({ storageDir }) {
    const dir = storageDir ?? '<dataDir>';
    return [
      cmd(`df -h ${dir}; df -i ${dir}`),
      cmd(`du -xsh ${dir}/* 2>/dev/null | sort -h | tail   # what fills it`),
      prose(
        "Free what fills it (dfdaemon's own GC removes only the tasks it cached), or give the storage dir a volume sized for the images it caches.",
      ),
    ];
  },
});
