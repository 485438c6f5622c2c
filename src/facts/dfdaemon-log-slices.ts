// A log too big for the bundle is kept as a slice (probes/dfdaemon-logs.ts): its line 273 may be line
// 1,204,311 of the file on the node. The probe writes where each bundled line came from, so that
// evidence can name both — the bundle's line for whoever reads the bundle, the node's for the SRE
// who opens the full log there.
import { BUNDLE } from '../bundle/layout.js';

export const SLICE_DIR = `${BUNDLE.dfdaemon.logSlicesDir}/`;

export interface SliceMap {
  /** The log file on the node. */
  source: string;
  /**
   * Where the bundled text begins in the node's file, when a time window (--since, or the default
   * window of a large log) starts inside it: the window is found by a seek, without reading what comes
   * before, so node lines are then counted from the line at this byte offset, not from the file's start.
   */
  fromByte?: number;
  /** [first bundled line, first node line, count] for each run of consecutive node lines, in order. */
  runs: [number, number, number][];
}

export function sliceMapPath(bundledLog: string): string {
  return `${SLICE_DIR}${bundledLog.split('/').pop() ?? bundledLog}.json`;
}

/** Reads a slice map; null when it is not one (the caller reports the file). */
export function parseSliceMap(text: string): SliceMap | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const o = v as { source?: unknown; runs?: unknown; fromByte?: unknown };
  if (typeof o?.source !== 'string' || !Array.isArray(o.runs)) return null;
  if (o.fromByte !== undefined && !(Number.isInteger(o.fromByte) && (o.fromByte as number) >= 0)) return null;
  const runs: [number, number, number][] = [];
  let next = 1;
  for (const r of o.runs) {
    if (!Array.isArray(r) || r.length !== 3 || !r.every((x) => Number.isInteger(x) && x >= 1)) return null;
    const [b, n, c] = r as [number, number, number];
    // runs cover the bundled lines in order, without gaps or overlaps
    if (b !== next) return null;
    runs.push([b, n, c]);
    next = b + c;
  }
  return {
    source: o.source,
    ...(typeof o.fromByte === 'number' && o.fromByte > 0 ? { fromByte: o.fromByte } : {}),
    runs,
  };
}

/**
 * The node line of a bundled line, or undefined outside the map, or when the map starts at a byte
 * offset (the line number on the node is not known then: nothing before the window was read).
 */
export function nodeLine(map: SliceMap, bundledLine: number): number | undefined {
  if (map.fromByte !== undefined) return undefined;
  let lo = 0;
  let hi = map.runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [b, n, c] = map.runs[mid] as [number, number, number];
    if (bundledLine < b) hi = mid - 1;
    else if (bundledLine >= b + c) lo = mid + 1;
    else return n + (bundledLine - b);
  }
  return undefined;
}
