import { type ParseResult, truncate } from './proc-stat.js';

/** One mount, from /proc/<pid>/mountinfo (proc(5)) or, with fewer fields, from /proc/mounts. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** The mount source: a device path (/dev/vda1), or a name (tmpfs, overlay). */
  source: string;
  /** Per-mount and per-superblock options together. */
  options: string[];
  /** "major:minor" of st_dev; only mountinfo has it. */
  majMin: string | null;
  /** The subtree of the filesystem mounted here (bind mounts); only mountinfo has it. */
  root: string | null;
  /** 1-based line in the table it came from, for evidence. */
  line?: number;
}

/** Undoes the kernel's octal escapes of space, tab, newline and backslash in paths. */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * Parses /proc/self/mountinfo, or /proc/mounts when a line has no " - " separator. Both are accepted
 * because a user may hand either one over in a bundle.
 */
export function parseMountTable(text: string): ParseResult<MountEntry[]> {
  const out: MountEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (sep >= 6) {
      // id parent maj:min root mountpoint options [optional…] - fstype source superoptions
      const [, , majMin, root, mp, opts] = f;
      const fsType = f[sep + 1];
      const source = f[sep + 2];
      const superOpts = f[sep + 3] ?? '';
      if (!majMin || !/^\d+:\d+$/.test(majMin) || !root || !mp || !opts || !fsType || source === undefined) {
        return { ok: false, line: i + 1, message: `not a mountinfo line: ${truncate(line)}` };
      }
      out.push({
        mountPoint: unescape(mp),
        fsType,
        source: unescape(source),
        options: [...opts.split(','), ...superOpts.split(',').filter((o) => o !== '' && !opts.split(',').includes(o))],
        majMin,
        root: unescape(root),
        line: i + 1,
      });
    } else if (f.length >= 4 && f.length <= 6 && f[1]?.startsWith('/')) {
      // source mountpoint fstype options dump pass
      const [source = '', mp = '', fsType = '', opts = ''] = f;
      out.push({
        mountPoint: unescape(mp),
        fsType,
        source: unescape(source),
        options: opts.split(','),
        majMin: null,
        root: null,
        line: i + 1,
      });
    } else {
      return { ok: false, line: i + 1, message: `neither a mountinfo nor a /proc/mounts line: ${truncate(line)}` };
    }
  }
  if (out.length === 0) return { ok: false, message: 'no mounts listed' };
  return { ok: true, value: out };
}

function isUnder(path: string, mountPoint: string): boolean {
  if (mountPoint === '/') return path.startsWith('/');
  return path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/**
 * The mount a path lives on: the longest mount point that is a prefix of it, the last one listed
 * winning among equals (a later mount hides an earlier one at the same point). With `majMin` (the
 * path's st_dev) only mounts of that device count, which keeps bind mounts honest.
 */
export function mountOf(entries: MountEntry[], path: string, majMin?: string): MountEntry | null {
  let best: MountEntry | null = null;
  const pick = (onlyDev: boolean) => {
    for (const e of entries) {
      if (onlyDev && e.majMin !== majMin) continue;
      if (!isUnder(path, e.mountPoint)) continue;
      if (!best || e.mountPoint.length >= best.mountPoint.length) best = e;
    }
  };
  if (majMin) pick(true);
  if (!best) pick(false);
  return best;
}
