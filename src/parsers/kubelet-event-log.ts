// The events a kubelet writes to its own log, as they reach an issue in a pasted journal. The kubelet's
// event broadcaster logs every event it records at verbosity 3 (so only a kubelet run with --v=3 or more
// has them), in one of client-go's two wordings (kubernetes/client-go tools/record/event.go):
//   - StartLogging (v0.18.0 :278, still there at v0.35.0 :377): `Event(%#v): type: '%v' reason: '%v' %v`,
//     the involved object in Go syntax, then type, reason and message — the kubelet passed
//     klog.V(3).Infof to it (kubernetes v1.17.3 cmd/kubelet/app/server.go makeEventRecorder). Real line,
//     kubernetes/kubernetes#91560: `May 29 05:42:16 node kubelet[1939]: I0529 05:42:16.850647    1939
//     event.go:278] Event(v1.ObjectReference{Kind:"Pod", Namespace:"ns", Name:"pod", UID:"…",
//     APIVersion:"v1", ResourceVersion:"", FieldPath:"spec.containers{test}"}): type: 'Normal' reason:
//     'Pulled' Successfully pulled image "docker.io/library/fedora:32"` (older releases wrote
//     `api.ObjectReference`, kubernetes#21029);
//   - StartStructuredLogging (from v0.19.0 :288-293), which later kubelets call with 3 (makeEventRecorder):
//     `"Event occurred" object="<namespace>/<name>" kind="Pod" apiVersion="v1" type="Normal"
//     reason="Pulled" message="…"`, with `fieldPath="…"` after the object from v0.24.0.
// The message is the event's as `kubectl get events` shows it, so a Pulled message carries the pull time
// the kubelet of that release writes. The klog header's time has no year: it is not an event time.
import { parseKlogLine } from './klog-line.js';

export interface LoggedEvent {
  /** 1-based line in the text. */
  line: number;
  type: string;
  reason: string;
  /** The involved object's kind ("Pod"), namespace, name and field path, as far as the line gives them. */
  kind?: string;
  namespace?: string;
  name?: string;
  fieldPath?: string;
  message: string;
  /** The journal prefix names the kubelet's unit (`kubelet[pid]: `): the kubelet recorded it. */
  kubelet: boolean;
}

/** StartLogging's line; the object's `}` is the one before `): type: '` (a FieldPath holds braces too). */
const LEGACY = /Event\((?:v1|api)\.ObjectReference\{(.*?)\}\): type: '([^']*)' reason: '([^']*)' ?(.*?)\s*$/;
/** One `Key:"value"` of the %#v object (its strings are Go-quoted). */
const FIELD = /(\w+):"((?:[^"\\]|\\.)*)"/g;
const KUBELET_UNIT = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kubelet(?:\[\d+\])?: /;

const unquote = (s: string): string => {
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s.replace(/\\(.)/g, '$1');
  }
};

const nonEmpty = (k: string, v: string | undefined): Record<string, string> => (v ? { [k]: v } : {});

/** One line's event, or null for a line that logs none. */
function eventOf(raw: string, line: number): LoggedEvent | null {
  const l = raw.replace(/\r$/, '');
  const kubelet = KUBELET_UNIT.test(l);
  const k = l.includes('.go:') ? parseKlogLine(l) : null;
  if (k?.msg === 'Event occurred') {
    const f = k.fields;
    if (!f.reason || f.message === undefined) return null;
    // klog.KRef writes "namespace/name", or the name alone for an object without a namespace (a Node)
    const obj = f.object ?? '';
    const slash = obj.indexOf('/');
    return {
      line,
      type: f.type ?? '',
      reason: f.reason,
      ...nonEmpty('kind', f.kind),
      ...nonEmpty('namespace', slash >= 0 ? obj.slice(0, slash) : undefined),
      ...nonEmpty('name', slash >= 0 ? obj.slice(slash + 1) : obj),
      ...nonEmpty('fieldPath', f.fieldPath),
      message: f.message,
      kubelet,
    };
  }
  const m = LEGACY.exec(k ? k.msg : l);
  if (!m) return null;
  const ref: Record<string, string> = {};
  for (const [, key, v] of (m[1] as string).matchAll(FIELD)) ref[key as string] = unquote(v as string);
  return {
    line,
    type: m[2] as string,
    reason: m[3] as string,
    ...nonEmpty('kind', ref.Kind),
    ...nonEmpty('namespace', ref.Namespace),
    ...nonEmpty('name', ref.Name),
    ...nonEmpty('fieldPath', ref.FieldPath),
    message: m[4] as string,
    kubelet,
  };
}

/** True when the line logs an event in either wording (for sniffing a paste). */
export function isLoggedEventLine(l: string): boolean {
  return (l.includes('ObjectReference{') || l.includes('"Event occurred"')) && eventOf(l, 0) !== null;
}

/** Every event the text's log lines record, in order; other lines are skipped. */
export function parseKubeletEventLog(text: string): LoggedEvent[] {
  const out: LoggedEvent[] = [];
  for (const [i, l] of text.split('\n').entries()) {
    if (!l.includes('ObjectReference{') && !l.includes('"Event occurred"')) continue;
    const e = eventOf(l, i + 1);
    if (e && e.reason !== '' && e.message !== '') out.push(e);
  }
  return out;
}
