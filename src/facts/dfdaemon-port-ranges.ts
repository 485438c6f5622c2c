// Which port of a port range a Go dfdaemon listener holds. Given `port: {start, end}`, the daemon binds the
// first port from start to end that no other socket holds (v2.1.49 pkg/rpc/server_listen.go:54-68, the same
// at v2.0.0 :46-59 and v2.3.4 :54-68): the start, unless another process had it. The config cannot tell
// which; the node's listeners table (`ss -ltnp`) can, when it names the processes.
import type { Listener } from '../parsers/ss-listeners.js';

export type RangedRole = 'proxy' | 'upload' | 'grpc' | 'health';

export interface PortRangeFact {
  start: number;
  end: number;
  /** The port of the range a dfdaemon listener holds in the listeners table, when exactly one can be it. */
  bound?: number;
}

/**
 * The order the daemon binds its listeners: peer gRPC, upload, proxy, then health (v2.1.49
 * client/daemon/daemon.go:608, :619, :674, :867), so a listener earlier in it may hold a port of a later one's
 * range.
 */
const BIND_ORDER: readonly RangedRole[] = ['grpc', 'upload', 'proxy', 'health'];

const DFDAEMON_PROCESS = /^(dfdaemon|dfget)/;

/**
 * The ranges with the port each holds, where the listeners show it: a dfdaemon-owned listener in the range
 * on a port no other listener of the daemon holds (a fixed port, or one an earlier range took). Several
 * candidates, or a table without process names, leave it unknown.
 */
export function boundPorts(
  ranges: Partial<Record<RangedRole, { start: number; end: number }>>,
  fixedPorts: readonly number[],
  listeners: readonly Listener[] | null,
): Partial<Record<RangedRole, PortRangeFact>> {
  const owned = [
    ...new Set((listeners ?? []).filter((l) => l.process && DFDAEMON_PROCESS.test(l.process.name)).map((l) => l.port)),
  ];
  const taken = new Set(fixedPorts);
  const out: Partial<Record<RangedRole, PortRangeFact>> = {};
  for (const role of BIND_ORDER) {
    const r = ranges[role];
    if (!r) continue;
    const candidates = owned.filter((p) => p >= r.start && p <= r.end && !taken.has(p));
    const bound = candidates.length === 1 ? candidates[0] : undefined;
    if (bound !== undefined) taken.add(bound);
    out[role] = { start: r.start, end: r.end, ...(bound === undefined ? {} : { bound }) };
  }
  return out;
}

/** "65001–65010", for what is said of a range. */
export function rangeText(r: { start: number; end: number }): string {
  return `${r.start}–${r.end}`;
}
