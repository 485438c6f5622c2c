// The kubelet's image events. "Pulled": kubernetes/kubernetes pkg/kubelet/images/image_manager.go
// records `Successfully pulled image %q in %v (%v including waiting). Image size: %v bytes.` — the first
// duration is the runtime's pull, the second adds the time the pull queued in the kubelet (the serial
// puller's one-at-a-time queue), so their gap is what serializeImagePulls cost that pull. Older kubelets
// omit the image size; a cached image gives `Container image %q already present on machine`.
// "Failed": the same file records `Failed to pull image %q: %v`; the error "pull QPS exceeded" (a trailing
// "." in old kubelets) is the kubelet's own registryPullQPS/registryBurst limiter refusing the pull before
// the runtime is asked (pkg/kubelet/images/helpers.go throttledImageService). Real event, Azure/AKS#3138:
// `Failed to pull image "a.b.c/image-0.1": pull QPS exceeded`.
// "BackOff" and "Started" of a container: the kubelet's kuberuntime (pkg/kubelet/kuberuntime) records
// `Started container %v` (container.Name; older kubelets "Started container" alone) when it starts one,
// and, when a container that exited is still inside its restart back-off, reason BackOff (events.go
// BackOffStartContainer) with "Back-off restarting failed container" (doBackOff in kuberuntime_manager.go,
// the diff context of kubernetes#93636 at :857) — since kubernetes#113216 (merged 2022-10, v1.26)
// "Back-off restarting failed container %s in pod %s" (container.Name, format.Pod: name_namespace(uid)).
// The first restart after an exit is not delayed (backOff.Next starts the window), so a BackOff event
// means the container exited again after a restart: a crash loop. The same reason with "Back-off pulling
// image %q" is the image back-off, not a restart.
// Input: `kubectl get events -o json` (core/v1 EventList) or events.k8s.io/v1 items.
import { parseGoDuration } from './go-duration.js';
import type { ParseResult } from './proc-stat.js';

/** The event reasons kept: a finished pull, and a failed one. */
export type ImageEventReason = 'Pulled' | 'Failed';

/** The container events kept: a start, and a restart held back (or the image back-off, told apart by its message). */
export type ContainerEventReason = 'Started' | 'BackOff';

export type ImageEvent = KubeletEvent<ImageEventReason>;
export type ContainerEvent = KubeletEvent<ContainerEventReason>;

export interface KubeletEvent<R extends string> {
  reason: R;
  /** 1-based position in the list, for evidence ("item 3"). */
  item: number;
  namespace?: string;
  pod?: string;
  /** spec.containers{name}, when the event names it. */
  fieldPath?: string;
  /** The node that recorded it. */
  host?: string;
  /** Last time it happened (RFC 3339), when given. */
  at?: string;
  count: number;
  message: string;
}

export type PulledMessage =
  | { kind: 'pulled'; image: string; pullMs: number; totalMs: number; bytes?: number }
  | { kind: 'present'; image: string };

const PULLED =
  /^Successfully pulled image "([^"]+)" in (\S+) \((\S+) including waiting\)(?:\. Image size: (\d+) bytes\.?)?/;
const PRESENT = /^Container image "([^"]+)" already present on machine/;

export function parsePulledMessage(msg: string): PulledMessage | null {
  const p = PULLED.exec(msg);
  if (p) {
    const pullMs = parseGoDuration(p[2] as string);
    const totalMs = parseGoDuration(p[3] as string);
    // the total includes the pull: a pull longer than it is a message pasted wrong ("in 5m0343499s
    // (22m24.5159081s including waiting)", Azure/AKS#3879), whose figures say nothing
    if (pullMs === null || totalMs === null || pullMs > totalMs) return null;
    return { kind: 'pulled', image: p[1] as string, pullMs, totalMs, ...(p[4] ? { bytes: Number(p[4]) } : {}) };
  }
  const c = PRESENT.exec(msg);
  return c ? { kind: 'present', image: c[1] as string } : null;
}

const QPS_EXCEEDED = /^Failed to pull image "([^"]+)": pull QPS exceeded\.?$/;

/** The image of a Failed event whose pull the kubelet's own rate limiter refused; null for any other failure. */
export function parseQpsRefusal(msg: string): { image: string } | null {
  const m = QPS_EXCEEDED.exec(msg);
  return m ? { image: m[1] as string } : null;
}

const FAILED = /^Failed to pull image "([^"]+)": (\S[\s\S]*?)\s*$/;

/** The image and the runtime's error of a Failed event's `Failed to pull image %q: %v`; null for another message. */
export function parsePullFailure(msg: string): { image: string; error: string } | null {
  const m = FAILED.exec(msg);
  return m ? { image: m[1] as string, error: m[2] as string } : null;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const RESTART_BACKOFF = /^Back-off restarting failed container(?: (\S+) in pod (\S+?))?\s*$/;

/**
 * A BackOff event's "Back-off restarting failed container" (with the container and the pod from v1.26);
 * null for any other message (the image back-off "Back-off pulling image …").
 */
export function parseRestartBackOff(msg: string): { container?: string; pod?: string; namespace?: string } | null {
  const m = RESTART_BACKOFF.exec(msg);
  if (!m) return null;
  // format.PodDesc writes name_namespace(uid), "_" being in neither name (pkg/kubelet/util/format/pod.go)
  const p = m[2] ? /^([^_()]+)_([^_()]+)(?:\(.*\))?$/.exec(m[2]) : null;
  return {
    ...(m[1] ? { container: m[1] } : {}),
    ...(p ? { pod: p[1] as string, namespace: p[2] as string } : {}),
  };
}

const STARTED = /^Started container(?: (\S+))?\s*$/;

/** The container a Started event's "Started container %v" names; null for another message, '' when it names none. */
export function parseStartedContainer(msg: string): string | null {
  const m = STARTED.exec(msg);
  return m ? (m[1] ?? '') : null;
}

/** The Pulled and Failed events of an event list; other events are left out. */
export function parseImageEvents(text: string): ParseResult<ImageEvent[]> {
  return parseEvents(text, (r): r is ImageEventReason => r === 'Pulled' || r === 'Failed');
}

/** The Started and BackOff events of an event list; other events are left out. */
export function parseContainerEvents(text: string): ParseResult<ContainerEvent[]> {
  return parseEvents(text, (r): r is ContainerEventReason => r === 'Started' || r === 'BackOff');
}

function parseEvents<R extends string>(
  text: string,
  keep: (reason: unknown) => reason is R,
): ParseResult<KubeletEvent<R>[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : undefined;
    return { ok: false, ...(line === undefined ? {} : { line }), message: `not JSON: ${(e as Error).message}` };
  }
  const items = Array.isArray(doc)
    ? doc
    : Array.isArray((doc as { items?: unknown } | null)?.items)
      ? (doc as { items: unknown[] }).items
      : null;
  if (!items) return { ok: false, message: 'neither an event list ({"items": […]}) nor an array of events' };
  const out: KubeletEvent<R>[] = [];
  items.forEach((raw, i) => {
    if (!raw || typeof raw !== 'object') return;
    const e = raw as Record<string, unknown>;
    const reason = e.reason;
    if (!keep(reason)) return;
    // core/v1 names: involvedObject, message, source.host; events.k8s.io/v1: regarding, note, reportingInstance
    const obj = (e.involvedObject ?? e.regarding ?? {}) as Record<string, unknown>;
    const source = (e.source ?? e.deprecatedSource ?? {}) as Record<string, unknown>;
    const message = str(e.message) ?? str(e.note);
    if (!message) return;
    const namespace = str(obj.namespace);
    const pod = str(obj.name);
    const fieldPath = str(obj.fieldPath);
    const host = str(source.host) ?? str(e.reportingInstance);
    const at =
      str(e.lastTimestamp) ??
      str(e.eventTime) ??
      str(e.firstTimestamp) ??
      str((e.series as Record<string, unknown> | undefined)?.lastObservedTime);
    const count = typeof e.count === 'number' && e.count > 0 ? e.count : 1;
    out.push({
      reason,
      item: i + 1,
      count,
      message,
      ...(namespace ? { namespace } : {}),
      ...(pod ? { pod } : {}),
      ...(fieldPath ? { fieldPath } : {}),
      ...(host ? { host } : {}),
      ...(at ? { at } : {}),
    });
  });
  return { ok: true, value: out };
}
