// The events table `kubectl describe pod` prints (kubernetes/kubectl pkg/describe/describe.go,
// DescribeEvents): "Events:", a header "Type Reason Age From Message", a rule of dashes, then a row per
// event, written "%v\t%v\t%s\t%v\t%v" (type, reason, interval, source, message) through a tabwriter
// that pads each column with at least two spaces. The interval is an age, or "<age> (xN over <age>)"
// for an event seen N times; the source is the component ("kubelet"), which older kubectl printed with
// its host ("kubelet, node-1"). Issues paste the rows, often without the header (Azure/AKS#3138), or
// the rows of `kubectl get events`, or the kubelet's pull message alone (Azure/karpenter-provider-azure#1260),
// or its failure message alone (dragonflyoss/dragonfly#2523).
// A long message often reaches the ticket on several lines: kubectl writes a message's own line breaks
// as they are (kubernetes/kubectl v0.35.0 pkg/describe/describe.go:4143-4153 writes the message through
// prefixWriter.Write, :147-155, whose k8s.io/cli-runtime pkg/printers WriteEscaped replaces only ESC and
// CR; the text after a break goes on at column 0, in no column of the tabwriter), a terminal that
// wraps at its width leaves hard breaks in what is copied from it, and a person re-wraps a row by hand
// (the rest indented under the message, or not); a `kubectl get events` row may even break before its
// message (GoogleCloudPlatform/bank-of-anthos#261: `65s  Warning  Unhealthy  pod/frontend-…` with the
// message on the next line at column 0). The lines after a row, up to a blank line, another row or a
// line that starts something else (a prompt, a fence, a heading, a `Key:` line of describe), are the
// rest of its message.

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
 * A describe row whose padding a paste collapsed to single spaces (a paste outside a code block,
 * hjacobs/kube-ops-view#176: `Warning Failed 18s (x2 over 37s) kubelet, kworker2 Failed to pull image …`).
 * Without the padding only the cells' shapes tell the columns apart, so each must have the one kubectl
 * prints: a reason in CamelCase, an age as duration.HumanDuration writes it ("18s", "2m30s", "3d5h"; kubectl
 * pkg/describe translateTimestampSince) or "<unknown>"/"<invalid>", then one token for the source.
 */
const AGE = String.raw`(?:(?:\d+[smhdy])+|<unknown>|<invalid>)`;
export const COLLAPSED_EVENT_ROW = new RegExp(
  String.raw`^\s*(Normal|Warning) ([A-Z][A-Za-z]+) ${AGE}(?: \(x(\d+) over ${AGE}\))? ([a-z][\w.-]*)(?:, (\S+))? (\S.*?)\s*$`,
);

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

/** A row whose message went onto the next line: the describe columns, or the `kubectl get events` ones, without it. */
const DESCRIBE_ROW_HEAD =
  /^\s*(Normal|Warning)\s{2,}(\S+)\s{2,}\S+(?: \(x(\d+) over \S+\))?\s{2,}([^\s,]+)(?:, (\S+))?\s*$/;
const GET_EVENTS_ROW_HEAD = /^\s*\S+\s{2,}(Normal|Warning)\s{2,}(\S+)\s{2,}([\w.-]+\/\S+)\s*$/;

/**
 * A line that is no part of a message: a shell prompt, a Markdown fence or heading, the table's header
 * or rule, a `Key:` line of `kubectl describe`'s other sections.
 */
const NOT_CONTINUATION =
  /^\s*(?:```|~~~|#{1,6}\s|[$#>]\s|\[[^\]]*\][$#]|[\w.-]+@[\w.-]+:\S*[$#]\s|Type\s{2,}Reason\b|LAST SEEN\b|-{3,}\s|[A-Z][\w ]*:(?:\s{2,}|\s*$))/;

/** At most this many lines are taken as one message's rest: a long error wraps a few times, not more. */
const MAX_CONTINUATION = 8;

/**
 * The message's rest on the lines after row `at`, and how many lines it took. A break with blanks on
 * either side of it (a re-wrap between words, or an indented rest) stands for one space; a break between
 * two characters (a terminal's hard wrap at its width, mid-word) for nothing.
 */
function continuation(lines: readonly string[], at: number, message: string): { message: string; used: number } {
  let used = 0;
  let text = message;
  let prev = lines[at] as string;
  for (let j = at + 1; j < lines.length && used < MAX_CONTINUATION; j++) {
    const l = lines[j] as string;
    if (l.trim() === '' || NOT_CONTINUATION.test(l) || rowAt(l)) break;
    const spaced = /\s$/.test(prev) || /^\s/.test(l) || text === '';
    text = text === '' ? l.trim() : `${text}${spaced ? ' ' : ''}${l.trim()}`;
    prev = l;
    used++;
  }
  return { message: text, used };
}

const rowAt = (l: string) =>
  DESCRIBE_EVENT_ROW.test(l) ||
  GET_EVENTS_ROW.test(l) ||
  DESCRIBE_ROW_HEAD.test(l) ||
  GET_EVENTS_ROW_HEAD.test(l) ||
  COLLAPSED_EVENT_ROW.test(l);

/** Every event row of the text, in order; other lines (the header, the rule, anything pasted around) are skipped. */
export function parseDescribeEvents(text: string): DescribedEvent[] {
  const out: DescribedEvent[] = [];
  const lines = text.split('\n').map((raw) => raw.replace(/\r$/, ''));
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    const m = DESCRIBE_EVENT_ROW.exec(l) ?? DESCRIBE_ROW_HEAD.exec(l) ?? COLLAPSED_EVENT_ROW.exec(l);
    if (m) {
      const rest = continuation(lines, i, m[6] ?? '');
      const path = FIELD_PATH.exec(rest.message);
      if (rest.message !== '')
        out.push({
          line: i + 1,
          type: m[1] as DescribedEvent['type'],
          reason: m[2] as string,
          // kubectl writes the count only above 1; a hand-typed 0 is still one event
          count: m[3] ? Math.max(1, Number(m[3])) : 1,
          from: m[4] as string,
          ...(m[5] ? { host: m[5] } : {}),
          ...(path ? { fieldPath: path[1] as string } : {}),
          message: path ? rest.message.slice(path[0].length) : rest.message,
        });
      i += rest.used;
      continue;
    }
    const g = GET_EVENTS_ROW.exec(l) ?? GET_EVENTS_ROW_HEAD.exec(l);
    if (g) {
      const rest = continuation(lines, i, g[4] ?? '');
      // no source column: the image events' reasons are the kubelet's
      const reason = g[2] as string;
      const from = KUBELET_IMAGE_REASONS.has(reason) ? 'kubelet' : 'unknown';
      if (rest.message !== '')
        out.push({ line: i + 1, type: g[1] as DescribedEvent['type'], reason, count: 1, from, message: rest.message });
      i += rest.used;
      continue;
    }
    const p = PULLED_MESSAGE.exec(l);
    if (p)
      out.push({ line: i + 1, type: 'Normal', reason: 'Pulled', count: 1, from: 'kubelet', message: p[1] as string });
    const f = p ? null : FAILED_MESSAGE.exec(l);
    if (f)
      out.push({ line: i + 1, type: 'Warning', reason: 'Failed', count: 1, from: 'kubelet', message: f[1] as string });
  }
  return out;
}

/** The reasons of the kubelet's image events (pkg/kubelet/events/event.go). */
export const KUBELET_IMAGE_REASONS: ReadonlySet<string> = new Set([
  'Pulling',
  'Pulled',
  'Failed',
  'BackOff',
  'ErrImageNeverPull',
  'InspectFailed',
]);
