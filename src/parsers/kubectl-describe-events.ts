// The events table `kubectl describe pod` prints (kubernetes/kubectl pkg/describe/describe.go,
// DescribeEvents): "Events:", a header "Type Reason Age From Message", a rule of dashes, then a row per
// event, written "%v\t%v\t%s\t%v\t%v" (type, reason, interval, source, message) through a tabwriter
// that pads each column with at least two spaces. The interval is an age, or "<age> (xN over <age>)"
// for an event seen N times; the source is the component ("kubelet"), which older kubectl printed with
// its host ("kubelet, node-1"). Issues paste the rows, often without the header (Azure/AKS#3138), or
// the rows of `kubectl get events`, or the kubelet's pull message alone (Azure/karpenter-provider-azure#1260),
// or its failure message alone (dragonflyoss/dragonfly#2523).

export interface DescribedEvent {
  /** 1-based line of the row in the text. */
  line: number;
  type: 'Normal' | 'Warning';
  reason: string;
  /** N of "(xN over …)", else 1. */
  count: number;
  /** The reporting component. */
  from: string;
  /** The host older kubectl printed after the component. */
  host?: string;
  /** The part of the pod the event is about, which kubectl 1.35+ writes before the message. */
  fieldPath?: string;
  message: string;
}

/**
 * The involved object's field path that kubectl 1.35+ writes before an event's message
 * ("spec.containers{nginx}: Failed to pull image …", kubernetes/kubernetes#133627).
 */
const FIELD_PATH = /^(spec\.(?:initContainers|containers|ephemeralContainers)\{[^}]*\}): /;

/** One row: type, reason, interval (with its repeat count), source (and host), message; columns two spaces apart. */
export const DESCRIBE_EVENT_ROW =
  /^\s*(Normal|Warning)\s{2,}(\S+)\s{2,}\S+(?: \(x(\d+) over \S+\))?\s{2,}([^\s,]+)(?:, (\S+))?\s{2,}(\S.*?)\s*$/;

/**
 * A row of `kubectl get events` (columns LAST SEEN, TYPE, REASON, OBJECT, MESSAGE: kubectl's
 * printers for events, pkg/printers/internalversion/printers.go printEvent), which shows no source.
 */
export const GET_EVENTS_ROW = /^\s*\S+\s{2,}(Normal|Warning)\s{2,}(\S+)\s{2,}([\w.-]+\/\S+)\s{2,}(\S.*?)\s*$/;

/**
 * The kubelet's own message of a finished pull (pkg/kubelet/images/image_manager.go), pasted alone or
 * after its reason: the message is the kubelet's, so the event is a kubelet's "Pulled".
 */
export const PULLED_MESSAGE =
  /(?:^|[\s`])(Successfully pulled image "[^"]+" in \S+(?: \(\S+ including waiting\))?(?:\. Image size: \d+ bytes\.?)?)/;

/**
 * The kubelet's message of a failed pull (pkg/kubelet/images/image_manager.go, `Failed to pull image %q:
 * %v`) pasted alone (dragonflyoss/dragonfly#2523): the event is a kubelet's "Failed".
 */
export const FAILED_MESSAGE = /(?:^|[\s`])(Failed to pull image "[^"]+": \S.*?)\s*(?:```)?\s*$/;

/** Every event row of the text, in order; other lines (the header, the rule, anything pasted around) are skipped. */
export function parseDescribeEvents(text: string): DescribedEvent[] {
  const out: DescribedEvent[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/\r$/, '');
    const m = DESCRIBE_EVENT_ROW.exec(l);
    if (m) {
      const message = m[6] as string;
      const path = FIELD_PATH.exec(message);
      out.push({
        line: i + 1,
        type: m[1] as DescribedEvent['type'],
        reason: m[2] as string,
        // kubectl writes the count only above 1; a hand-typed 0 is still one event
        count: m[3] ? Math.max(1, Number(m[3])) : 1,
        from: m[4] as string,
        ...(m[5] ? { host: m[5] } : {}),
        ...(path ? { fieldPath: path[1] as string } : {}),
        message: path ? message.slice(path[0].length) : message,
      });
      return;
    }
    const g = GET_EVENTS_ROW.exec(l);
    if (g) {
      // no source column: the image events' reasons are the kubelet's
      const reason = g[2] as string;
      const from = KUBELET_IMAGE_REASONS.has(reason) ? 'kubelet' : 'unknown';
      out.push({ line: i + 1, type: g[1] as DescribedEvent['type'], reason, count: 1, from, message: g[4] as string });
      return;
    }
    const p = PULLED_MESSAGE.exec(l);
    if (p)
      out.push({ line: i + 1, type: 'Normal', reason: 'Pulled', count: 1, from: 'kubelet', message: p[1] as string });
    const f = p ? null : FAILED_MESSAGE.exec(l);
    if (f)
      out.push({ line: i + 1, type: 'Warning', reason: 'Failed', count: 1, from: 'kubelet', message: f[1] as string });
  });
  return out;
}

/** The reasons of the kubelet's image events (pkg/kubelet/events/event.go). */
const KUBELET_IMAGE_REASONS = new Set(['Pulling', 'Pulled', 'Failed', 'BackOff', 'ErrImageNeverPull', 'InspectFailed']);
