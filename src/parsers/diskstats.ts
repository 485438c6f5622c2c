import { type ParseResult, truncate } from './proc-stat.js';

/**
 * One /proc/diskstats row (torvalds/linux Documentation/admin-guide/iostats.rst). Kernels before 4.18
 * have 11 counter fields, 4.18+ add 4 discard fields, 5.5+ 2 flush fields; absent ones are 0.
 */
export interface DiskstatsRow {
  major: number;
  minor: number;
  name: string;
  readsCompleted: number;
  readsMerged: number;
  sectorsRead: number;
  /** ms spent in completed reads, queueing included */
  readTicksMs: number;
  writesCompleted: number;
  writesMerged: number;
  sectorsWritten: number;
  writeTicksMs: number;
  inFlight: number;
  /** field 10: ms the device had IO in flight (iostat %util) */
  ioTicksMs: number;
  /** field 11: weighted ms (iostat aqu-sz) */
  timeInQueueMs: number;
  discardsCompleted: number;
  discardTicksMs: number;
  flushesCompleted: number;
  flushTicksMs: number;
}

export type Diskstats = Map<string, DiskstatsRow>;

/** Parses /proc/diskstats; a malformed line is an error located by its line number. */
export function parseDiskstats(text: string): ParseResult<Diskstats> {
  const rows: Diskstats = new Map();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const name = f[2];
    const nums = [f[0], f[1], ...f.slice(3)].map(Number);
    if (name === undefined || f.length < 14 || nums.some((n) => !Number.isFinite(n) || n < 0)) {
      return { ok: false, line: i + 1, message: `not a /proc/diskstats line: ${truncate(line)}` };
    }
    const [
      major = 0,
      minor = 0,
      rc = 0,
      rm = 0,
      rs = 0,
      rt = 0,
      wc = 0,
      wm = 0,
      ws = 0,
      wt = 0,
      inflight = 0,
      io = 0,
      tiq = 0,
    ] = nums;
    const extra = nums.slice(13);
    rows.set(name, {
      major,
      minor,
      name,
      readsCompleted: rc,
      readsMerged: rm,
      sectorsRead: rs,
      readTicksMs: rt,
      writesCompleted: wc,
      writesMerged: wm,
      sectorsWritten: ws,
      writeTicksMs: wt,
      inFlight: inflight,
      ioTicksMs: io,
      timeInQueueMs: tiq,
      discardsCompleted: extra[0] ?? 0,
      discardTicksMs: extra[3] ?? 0,
      flushesCompleted: extra[4] ?? 0,
      flushTicksMs: extra[5] ?? 0,
    });
  }
  if (rows.size === 0) return { ok: false, message: 'no /proc/diskstats rows' };
  return { ok: true, value: rows };
}

/** What `iostat -x` shows for one device over a window (sysstat compute_ext_disk_stats). */
export interface IoStat {
  readsPerSec: number;
  writesPerSec: number;
  readMBps: number;
  writeMBps: number;
  /** Mean read latency, queueing included; null when no read completed in the window. */
  rAwaitMs: number | null;
  wAwaitMs: number | null;
  /** Mean number of requests in the queue and in service (aqu-sz). */
  aquSz: number;
  /** Share of the window with IO in flight; says nothing about saturation on parallel devices. */
  utilPct: number;
  readsCompleted: number;
  writesCompleted: number;
}

const SECTOR = 512;

/** iostat -x figures between two samples `windowMs` apart; null when the counters went backwards. */
export function ioStat(a: DiskstatsRow, b: DiskstatsRow, windowMs: number): IoStat | null {
  if (!(windowMs > 0)) return null;
  const d = (k: keyof DiskstatsRow) => (b[k] as number) - (a[k] as number);
  const reads = d('readsCompleted');
  const writes = d('writesCompleted');
  const deltas = [
    reads,
    writes,
    d('sectorsRead'),
    d('sectorsWritten'),
    d('readTicksMs'),
    d('writeTicksMs'),
    d('ioTicksMs'),
    d('timeInQueueMs'),
  ];
  if (deltas.some((x) => x < 0)) return null;
  const s = windowMs / 1000;
  return {
    readsPerSec: reads / s,
    writesPerSec: writes / s,
    readMBps: (d('sectorsRead') * SECTOR) / 1e6 / s,
    writeMBps: (d('sectorsWritten') * SECTOR) / 1e6 / s,
    rAwaitMs: reads > 0 ? d('readTicksMs') / reads : null,
    wAwaitMs: writes > 0 ? d('writeTicksMs') / writes : null,
    aquSz: d('timeInQueueMs') / windowMs,
    utilPct: Math.min(100, (100 * d('ioTicksMs')) / windowMs),
    readsCompleted: reads,
    writesCompleted: writes,
  };
}
