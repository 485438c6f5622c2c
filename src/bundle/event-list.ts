// The event list the kubelet probe writes (raw/kubelet/events.json: `kubectl get events -o json`'s shape,
// the fields the analysis reads), made from the other forms events reach dfdoctor in: `kubectl describe`
// rows and the kubelet's own log lines. Pure.
import { type DescribedEvent, KUBELET_IMAGE_REASONS, parseDescribeEvents } from '../parsers/kubectl-describe-events.js';
import { type LoggedEvent, parseKubeletEventLog } from '../parsers/kubelet-event-log.js';

/** Items of the event list the kubelet probe writes (raw/kubelet/events.json), as one file. */
export function eventList(items: readonly Record<string, unknown>[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2)}\n`;
}

/** A `kubectl describe` row as an event, with the fields a row shows. */
function describedItem(r: DescribedEvent): Record<string, unknown> {
  return {
    type: r.type,
    reason: r.reason,
    message: r.message,
    // the container a kubectl 1.35+ row names: the event's, as `kubectl get events -o json` gives it
    ...(r.fieldPath ? { involvedObject: { fieldPath: r.fieldPath } } : {}),
    source: { component: r.from, ...(r.host ? { host: r.host } : {}) },
    count: r.count,
  };
}

/** An event a kubelet's log line records, with the object it names; no time (the log's has no year). */
export function loggedItem(e: LoggedEvent): Record<string, unknown> {
  const obj = {
    ...(e.kind ? { kind: e.kind } : {}),
    ...(e.namespace ? { namespace: e.namespace } : {}),
    ...(e.name ? { name: e.name } : {}),
    ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
  };
  return {
    ...(Object.keys(obj).length > 0 ? { involvedObject: obj } : {}),
    type: e.type,
    reason: e.reason,
    message: e.message,
    source: { component: e.kubelet || KUBELET_IMAGE_REASONS.has(e.reason) ? 'kubelet' : 'unknown' },
    count: 1,
  };
}

/** The items of an event list (`{"items": […]}` or an array), or null for a text that is none. */
function itemsOf(text: string): unknown[] | null {
  try {
    const doc: unknown = JSON.parse(text);
    if (Array.isArray(doc)) return doc;
    const items = (doc as { items?: unknown } | null)?.items;
    return Array.isArray(items) ? items : null;
  } catch {
    return null;
  }
}

/** Two event lists as one, in the order given; null when either is no event list (the second is then left out). */
export function joinEventLists(a: string, b: string): string | null {
  const x = itemsOf(a);
  const y = itemsOf(b);
  return x && y ? eventList([...x, ...y] as Record<string, unknown>[]) : null;
}

/** True when the text is an event list as `kubectl get events -o json` writes it. */
export function isEventList(text: string): boolean {
  return itemsOf(text) !== null;
}

/** The event list of `kubectl describe` rows or of a kubelet's event log lines. */
export function eventListOf(kind: 'kubectl-describe-events' | 'kubelet-event-log', text: string): string {
  return kind === 'kubectl-describe-events'
    ? eventList(parseDescribeEvents(text).map(describedItem))
    : eventList(parseKubeletEventLog(text).map(loggedItem));
}
