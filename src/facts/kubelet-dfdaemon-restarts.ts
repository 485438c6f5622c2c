// dfdaemon crash-looping, as the kubelet's events show it: a BackOff "Back-off restarting failed
// container" of the dfdaemon container of the Dragonfly chart's DaemonSet (knowledge/dfdaemon-chart.ts:
// `dfdaemon` in the Go charts, `client` in the Rust client's, whose pods the chart names
// `<release…dragonfly…>-client-<5 chars>`). Up to v1.26 the message names no container, and
// `kubectl describe pod` rows name no pod: a bare BackOff among one pod's rows is the container that
// was started more than once ("Started container dfdaemon (x3 over 17m)"), when only one was.
import { CHART_DFDAEMON } from '../knowledge/dfdaemon-chart.js';
import { type ContainerEvent, parseRestartBackOff, parseStartedContainer } from '../parsers/kubelet-events.js';

export interface DfdaemonRestarts {
  generation: 'go' | 'rust';
  container: string;
  pod?: string;
  namespace?: string;
  /** BackOff events of the container, each event's count summed. */
  backOffs: number;
  /** Its Started events, each event's count summed (0 when the events show none). */
  starts: number;
  /** The first BackOff event of it, for the evidence. */
  event: ContainerEvent;
  /**
   * How the BackOff was tied to the container: its message or its field path names it, or (a message
   * naming none) it is the only container the events show started more than once.
   */
  namedBy: 'message' | 'fieldPath' | 'restarts';
  file: string;
}

/** Rust client DaemonSet pods: `{{ dragonfly.fullname }}-client-xxxxx` (chart _helpers.tpl:20-31, :53-55 at 1.7.4). */
const RUST_POD = /dragonfly.*-client-[a-z0-9]{5}$/;

const fromFieldPath = (p: string | undefined): string | undefined =>
  p ? /^spec\.(?:initContainers|containers)\{([^}]+)\}$/.exec(p)?.[1] : undefined;

/** The chart generation whose dfdaemon container this is, or null for any other container. */
function generationOf(container: string, pod: string | undefined): 'go' | 'rust' | null {
  if (container === CHART_DFDAEMON.go.container) return 'go';
  // "client" alone is too common a name: only in a pod the chart named
  if (container === CHART_DFDAEMON.rust.container && pod !== undefined && RUST_POD.test(pod)) return 'rust';
  return null;
}

/**
 * The dfdaemon container a restart BackOff names itself, by its message (v1.26+) or its field path (the
 * kubelet records it on the container's reference, `spec.containers{<name>}`: kubernetes
 * pkg/kubelet/container/ref.go fieldPath), with the chart generation it belongs to; null for another
 * container, another message, or one that names no container. `collect` keeps these events.
 */
export function namedDfdaemonBackOff(
  e: ContainerEvent,
): { container: string; generation: 'go' | 'rust'; namedBy: 'message' | 'fieldPath' } | null {
  if (e.reason !== 'BackOff') return null;
  const b = parseRestartBackOff(e.message);
  if (!b) return null;
  const container = b.container ?? fromFieldPath(e.fieldPath);
  const generation = container === undefined ? null : generationOf(container, b.pod ?? e.pod);
  return container !== undefined && generation
    ? { container, generation, namedBy: b.container ? 'message' : 'fieldPath' }
    : null;
}

/** The dfdaemon containers the events show held back from restarting, one entry a pod (most back-offs first). */
export function dfdaemonRestarts(events: readonly ContainerEvent[], file: string): DfdaemonRestarts[] {
  const started = new Map<string, number>();
  const key = (pod: string | undefined, container: string) => `${pod ?? ''}\u0000${container}`;
  for (const e of events) {
    if (e.reason !== 'Started') continue;
    const c = parseStartedContainer(e.message) || fromFieldPath(e.fieldPath);
    if (c) started.set(key(e.pod, c), (started.get(key(e.pod, c)) ?? 0) + e.count);
  }
  const out = new Map<string, DfdaemonRestarts>();
  for (const e of events) {
    if (e.reason !== 'BackOff') continue;
    const b = parseRestartBackOff(e.message);
    if (!b) continue;
    const pod = b.pod ?? e.pod;
    const namespace = b.namespace ?? e.namespace;
    let named: { container: string; generation: 'go' | 'rust' | null; namedBy: DfdaemonRestarts['namedBy'] } | null =
      namedDfdaemonBackOff(e);
    if (!named && !b.container && !fromFieldPath(e.fieldPath)) {
      // the pod's containers started more than once: one of them is the one held back
      const again = [...started].filter(([k, n]) => n > 1 && k.startsWith(`${e.pod ?? ''}\u0000`));
      if (again.length !== 1) continue;
      const container = (again[0] as [string, number])[0].split('\u0000')[1] as string;
      named = { container, generation: generationOf(container, pod), namedBy: 'restarts' };
    }
    if (!named?.generation) continue;
    const { container, generation, namedBy } = named;
    const k = key(pod, container);
    const seen = out.get(k);
    if (seen) seen.backOffs += e.count;
    else
      out.set(k, {
        generation,
        container,
        ...(pod ? { pod } : {}),
        ...(namespace ? { namespace } : {}),
        backOffs: e.count,
        starts: started.get(key(e.pod, container)) ?? 0,
        event: e,
        namedBy,
        file,
      });
  }
  return [...out.values()].sort((a, b) => b.backOffs - a.backOffs);
}
