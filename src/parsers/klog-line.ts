// One line of klog, the log of Kubernetes' Go programs: crictl writes it to stderr, and the kubelet to
// its journal. The header is `Lmmdd hh:mm:ss.uuuuuu threadid file:line] ` (severity I, W, E or F; the
// thread id padded to 7 columns): k8s.io/klog/v2 internal/buffer/buffer.go FormatHeader (cri-tools
// v1.30.0 vendor/k8s.io/klog/v2/internal/buffer/buffer.go:117-154). A structured call (InfoS, ErrorS,
// logger.Error) writes the message quoted, then `err=` and the key/value pairs, each string value
// quoted as strconv.Quote does (klog.go printS :818-832, internal/serialize/keyvalues.go
// writeStringValue :250-257); a printf-style call writes its text as it is. The journal's
// `Mon DD hh:mm:ss host unit[pid]: ` may stand before the header. So may kubeadm's wrap of crictl's
// output: a kubeadm that pulls with `crictl pull` returns the failure as
// `errors.Wrapf(err, "output: %s, error", out)` (kubernetes cmd/kubeadm/app/util/runtime/runtime.go,
// CRIRuntime.PullImage), which github.com/pkg/errors writes as "output: <crictl's stderr>, error: exit
// status 1"; kubeadm prints it after its own words (`[ERROR ImagePull]: failed to pull image <image>: `,
// kubeadm#2936), so crictl's first line stands behind `…: output: ` and the wrap ends on a line of its
// own, `, error: exit status 1`.

export interface KlogLine {
  severity: 'I' | 'W' | 'E' | 'F';
  /** The source file and line of the call ("remote_image.go:180"). */
  caller: string;
  /** The message: the structured call's, unquoted, or the printf-style text. */
  msg: string;
  /** The structured call's key/value pairs, string values unquoted (empty for a printf-style line). */
  fields: Record<string, string>;
}

/** What may stand before the header: a journal's prefix, or kubeadm's words and `output: `. */
export const KLOG_PREFIX = String.raw`(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w.@-]+(?:\[\d+\])?: |(?:.*: )?output: )?`;

/** The last line of kubeadm's wrap of crictl's output (`, error: exit status 1`): no record of its own. */
export const KUBEADM_WRAP_END = /^, error: \S.*$/;

const HEADER = new RegExp(
  String.raw`^${KLOG_PREFIX}([IWEF])\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ ([\w.-]+\.go:\d+)\] (.*)$`,
);

/** A Go quoted string at the start of `s` (strconv.Quote's output), unquoted, and where it ends; null when `s` opens none. */
function goQuoted(s: string): { value: string; end: number } | null {
  const m = /^"((?:[^"\\]|\\.)*)"/.exec(s);
  if (!m) return null;
  let value: string;
  try {
    // strconv.Quote's escapes are JSON's but for \x, \a, \v and \U: those are left as written
    value = JSON.parse(`"${(m[1] as string).replace(/\\([xaUv])/g, '\\\\$1')}"`) as string;
  } catch {
    value = (m[1] as string).replace(/\\(.)/g, '$1');
  }
  return { value, end: m[0].length };
}

/** The key/value pairs after a structured message: `key="quoted"` or `key=bare`. */
function pairs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(?<!\S)([A-Za-z_][\w.-]*)=/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    const at = m.index + m[0].length;
    const q = s[at] === '"' ? goQuoted(s.slice(at)) : null;
    const bare = q ? null : /^\S*/.exec(s.slice(at))?.[0];
    const key = m[1] as string;
    if (out[key] === undefined) out[key] = q ? q.value : (bare ?? '');
    re.lastIndex = at + (q ? q.end : (bare ?? '').length);
  }
  return out;
}

/** A klog line, or null for any other line. */
export function parseKlogLine(text: string): KlogLine | null {
  const m = HEADER.exec(text);
  if (!m) return null;
  const body = m[3] as string;
  const q = goQuoted(body);
  return {
    severity: m[1] as KlogLine['severity'],
    caller: m[2] as string,
    msg: q ? q.value : body,
    fields: q ? pairs(body.slice(q.end)) : {},
  };
}
