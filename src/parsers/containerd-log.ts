import { type ContainerdLogKind, logMessages } from '../knowledge/containerd.js';
import { splitImageRef } from './image-ref.js';
import { parseKlogLine } from './klog-line.js';

/**
 * containerd's own log (journald unit `containerd`, or a log file): logrus text lines
 * `time="…" level=info msg="trying next host" error="…" host="127.0.0.1:4001"`, possibly behind a
 * journald prefix. Only the messages the rules need are kept. Their wording by release is in
 * src/knowledge/containerd.ts (`logMessages`); a line matches when any release's wording does, since
 * the log itself does not say which release wrote it.
 */
export type { ContainerdLogKind };

export interface ContainerdLogEvent {
  kind: ContainerdLogKind;
  /** 1-based line in the log file. */
  line: number;
  time?: string;
  host?: string;
  error?: string;
  /** For `decompressor-used`: the tool containerd named (pigz, unpigz, igzip). */
  tool?: string;
  /** For `pull-failed-at-host` and `pull-failed-unanswered`: the host the pull's error names, and what it did. */
  failedAt?: HostFailure;
  /** For `pull-failed-not-manifest`: what the image resolved to, and the image when the error names it. */
  notManifest?: NotManifest;
  /** For `do-request`: the request's URL (its `url=` field). */
  url?: string;
  /** For `pull-image`, and a CRI client's failed pull: the image as the CRI client named it. */
  image?: string;
  /**
   * The line is the CRI client's klog record of containerd's answer (crictl's, or the kubelet's
   * journal), not containerd's own: see CRI_CLIENT_PULL_FAILED.
   */
  criClient?: true;
  /** The line is ctr's last line (`ctr: <error>`): ctr resolves and fetches itself, with its own hosts. */
  ctr?: true;
  msg: string;
}

/** An image whose manifest request a host answered 2xx with something else: the media type and digest containerd took. */
export interface NotManifest {
  mediaType: string;
  digest: string;
  /** The image reference as containerd normalised it ("docker.io/library/nginx:latest"). */
  image?: string;
}

/**
 * A host (host:port as containerd wrote it) that failed a request: it answered an error status (the
 * request's URL when the wording names it, else its path when the error names the image and the tag), or
 * the request got no answer (`transport`: Go's cause, such as "dial tcp 127.0.0.1:4001: connect:
 * connection refused").
 */
export type HostFailure =
  | { host: string; status: number; url: string }
  | { host: string; status: number; request?: string }
  | { host: string; url: string; transport: string };

/** Messages that carry a `host=`: the tail of one may start a journal line that lost its head. */
export const HOST_MESSAGES = ['trying next host', 'fetch failed'] as const;

/**
 * Messages whose tail may start a journal line that lost its head (paste-normalize restores `msg="…"`):
 * the hosts' ones, and the CRI plugin's load failure, whose `error=` says why — "failed to load plugin %s"
 * with the plugin's id up to 1.7 (v1.6.20 services/server/server.go:253, v1.7.27 :261), "failed to load
 * plugin" with `id=` and `type=` fields from 2.0 (v2.1.0 cmd/containerd/server/server.go:302).
 */
export const HEADLESS_MESSAGES = [
  ...HOST_MESSAGES,
  'failed to load plugin io.containerd.grpc.v1.cri',
  'failed to load plugin',
] as const;

const KINDS: { kind: ContainerdLogKind; re: RegExp; alsoInError: boolean }[] = Object.entries(logMessages).flatMap(
  ([kind, fact]) =>
    fact.entries.map((e) => ({
      kind: kind as ContainerdLogKind,
      re: e.value.re,
      alsoInError: e.value.alsoInError === true,
    })),
);

/** logfmt fields of one logrus line (quoted values unescaped). */
export function logfmtFields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  // a key starts a field (start of line or after a blank): without that anchor the engine retries the
  // key at every offset of a long token, quadratic in the line (a 1 MB journal line took minutes)
  // a quote still open at the end of the line is a line cut short (logrus closes every quote): its value
  // is what was written up to the cut
  const re = /(?<!\S)([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)(?:"|$)|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    const key = m[1] as string;
    if (out[key] !== undefined) continue;
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

/**
 * The fields of a line in logrus' JSON format, which containerd writes under `[debug] format = "json"`
 * (v1.6.19 cmd/containerd/command/main.go:349-370, setLogFormat: logrus.JSONFormatter; its keys sorted:
 * `{"host":"…","level":"debug","msg":"resolving","time":"…"}`), behind a journal prefix or not; null for
 * any other line.
 */
export function jsonLogFields(text: string): Record<string, string> | null {
  const at = text.indexOf('{"');
  if (at < 0 || !text.includes('"msg":')) return null;
  let v: unknown;
  try {
    v = JSON.parse(text.slice(at));
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v) || typeof (v as { msg?: unknown }).msg !== 'string') return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

/**
 * The CRI plugin's config error pasted alone, without the log line around it: the validation's error
 * (v1.6.20 pkg/cri/config/config.go:402, v2.1.0 internal/cri/config/config.go:489) as the plugin wraps it
 * ("invalid plugin config: %w", v1.6.20 pkg/cri/cri.go:68; "invalid cri image config: %w" from 2.0,
 * v2.1.0 plugins/cri/images/plugin.go:64), or bare. The whole line: a sentence that quotes it is no log.
 */
export const BARE_CRI_CONFIG_ERROR =
  /^\s*(?:(?:invalid plugin config|invalid cri image config): )?`mirrors` cannot be set when `config_path` is provided\s*$/;

/**
 * The CRI client's record of a pull that containerd failed, `"PullImage from image service failed"
 * err="rpc error: code = … desc = <containerd's error>" image="…"` in klog (klog-line.ts): crictl writes
 * it to stderr before its own `FATA[0000] pulling image: <error>` (cri-tools cmd/crictl/image.go:123 at
 * v1.30.0, `fmt.Errorf("pulling image: %w", err)`), and the kubelet to its journal, from the same client
 * (cri-tools v1.21.0 vendor/k8s.io/kubernetes/pkg/kubelet/cri/remote/remote_image.go:114, v1.28.0 :180,
 * v1.31.0 vendor/k8s.io/cri-client/pkg/remote_image.go:194, v1.36.0 :250).
 */
export const CRI_CLIENT_PULL_FAILED = 'PullImage from image service failed';

/** The gRPC status around containerd's error, as the CRI client's err= quotes it. */
const RPC_STATUS = /^rpc error: code = \w+ desc = /;

/** ctr's last line: `ctr: <the error that ended it>` (v1.7.20 cmd/ctr/main.go:42, v2.1.5 :33). */
const CTR_ERROR = /^\s*ctr: (.+)$/;

/** The kinds of a pull that failed at a host: its error status, no answer, an answer that is no manifest. */
const PULL_FAILED_AT_HOST: readonly ContainerdLogKind[] = [
  'pull-failed-at-host',
  'pull-failed-unanswered',
  'pull-failed-not-manifest',
];

/** Whether a line is ctr's last line reporting a pull that failed at a host. */
export function isCtrPullFailure(text: string): boolean {
  const ctr = CTR_ERROR.exec(text);
  const ev = ctr ? eventOf(ctr[1] as string, {}, 0) : null;
  return ev !== null && PULL_FAILED_AT_HOST.includes(ev.kind);
}

export function parseContainerdLogLine(text: string, line: number): ContainerdLogEvent | null {
  const klog = text.includes('.go:') ? parseKlogLine(text) : null;
  if (klog) {
    // the pull's failure as containerd answered it; the client's other lines are no containerd event
    const err = klog.fields.err;
    if (klog.msg !== CRI_CLIENT_PULL_FAILED || err === undefined) return null;
    const ev = eventOf(klog.msg, { error: err }, line);
    if (!ev) return null;
    ev.criClient = true;
    if (klog.fields.image) ev.image = klog.fields.image;
    return ev;
  }
  if (!text.includes('msg=')) {
    const json = jsonLogFields(text);
    if (json) return eventOf(json.msg as string, json, line);
    if (BARE_CRI_CONFIG_ERROR.test(text)) return eventOf(text.trim(), { error: text.trim() }, line);
    // ctr prints the error that ended it as "ctr: <error>" (its client resolves and fetches itself)
    const ctr = CTR_ERROR.exec(text);
    const ev = ctr ? eventOf(ctr[1] as string, {}, line) : null;
    if (ev) ev.ctr = true;
    return ev;
  }
  const f = logfmtFields(text);
  return f.msg === undefined ? null : eventOf(f.msg, f, line);
}

function eventOf(msg: string, f: Record<string, string>, line: number): ContainerdLogEvent | null {
  for (const { kind, re, alsoInError } of KINDS) {
    const m = re.exec(msg) ?? (alsoInError && f.error !== undefined ? re.exec(f.error) : null);
    if (!m) continue;
    const ev: ContainerdLogEvent = { kind, line, msg };
    if (kind === 'decompressor-used' && m[1] !== undefined) ev.tool = m[1];
    if (kind === 'pull-image' && m[1] !== undefined) ev.image = m[1];
    if (kind === 'do-request' && f.url !== undefined) ev.url = f.url;
    if (kind === 'pull-failed-at-host') {
      // the wording that matched gives the host or URL; the status is the last capture
      const where = m.slice(1, -1).find((g) => g !== undefined);
      if (where !== undefined) ev.failedAt = failedAt(where, Number(m[m.length - 1]), `${msg}\n${f.error ?? ''}`);
    }
    if (kind === 'pull-failed-not-manifest') ev.notManifest = notManifestOf(m, `${msg}\n${f.error ?? ''}`);
    if (kind === 'pull-failed-unanswered') {
      const host = hostOf(m[1] as string);
      // a URL that does not parse names no host: nothing is known to have failed
      if (host === null) continue;
      ev.failedAt = { host, url: m[1] as string, transport: m[2] as string };
    }
    if (f.time !== undefined) ev.time = f.time;
    if (f.host !== undefined) ev.host = f.host;
    if (f.error !== undefined) ev.error = f.error;
    return ev;
  }
  return null;
}

/**
 * The events without the CRI client's record of a failure that crictl's own line repeats next (its
 * `FATA[0000] pulling image: <error>`, the client's err= with or without the gRPC status): one pull
 * failed, not two. A client line with none after it (the kubelet's journal, or crictl's stderr cut
 * before its last line) is the only record of the failure, and stays.
 */
export function withoutRepeatedClientFailures(events: readonly ContainerdLogEvent[]): ContainerdLogEvent[] {
  return events.filter((e, i) => {
    if (!e.criClient || e.error === undefined) return true;
    const next = events[i + 1];
    const error = e.error.replace(RPC_STATUS, '');
    return !(next && !next.criClient && next.kind === e.kind && (next.error ?? next.msg).endsWith(error));
  });
}

/**
 * A pull's error as another component quotes it (the kubelet's Failed event), read as containerd's own
 * line of it would be: a host's error status, no answer from it, an answer that is no manifest.
 */
export function pullErrorIn(error: string): ContainerdLogEvent | null {
  return eventOf(error, {}, 0);
}

function notManifestOf(m: RegExpExecArray, text: string): NotManifest {
  const image = pulledImage(text);
  return { mediaType: m[1] as string, digest: m[2] as string, ...(image ? { image } : {}) };
}

/** The image a pull's error names: the CRI plugin's "failed to pull and unpack image \"<ref>\"" (normalised). */
function pulledImage(text: string): string | undefined {
  return /failed to pull and unpack image \\?"([^"\\]+)\\?"/.exec(text)?.[1];
}

/** The host of a failed request as containerd names it: from its URL, or the host it wrote alone. */
function failedAt(where: string, status: number, text: string): HostFailure {
  if (/^https?:\/\//.test(where)) {
    const host = hostOf(where);
    if (host !== null) return { host, status, url: where };
  }
  // not a URL (or not one after all): the request's path, where the error names the image and the tag
  const request = manifestPath(text);
  return request ? { host: where, status, request } : { host: where, status };
}

/**
 * The manifest request, path and query, of 1.4.12–1.6.24's "pulling from host H failed with status code
 * [manifests <tag>]", which names no URL: the image comes from the pull's error around it, and `ns` is
 * what containerd adds for a host other than the image's registry (v1.6.20 remotes/docker/resolver.go:494-510).
 */
function manifestPath(text: string): string | undefined {
  const reference = /\[manifests ([^\]\s]+)\]/.exec(text)?.[1];
  // ctr's error has no CRI wrap: the resolver's own "failed to resolve reference \"<ref>\"" names it
  const image = pulledImage(text) ?? /failed to resolve reference \\?"([^"\\]+)\\?"/.exec(text)?.[1];
  const ref = image === undefined ? null : splitImageRef(image);
  if (reference === undefined || !ref) return undefined;
  return `/v2/${ref.repo}/manifests/${reference}?ns=${ref.registryHost}`;
}

/** host:port of a URL as Go's url.URL.Host writes it (no port when the scheme's default is meant). */
function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/**
 * The first quoted request in a logged error that goes to host:port as logged (`Head "http://127.0.0.1:4001/v2/…"`),
 * or to any host when none is named: its host, its scheme, and its URL when the quote closes (an error cut
 * short leaves the URL unknown).
 */
export function quotedRequest(error: string, host?: string): QuotedRequest | undefined {
  for (const m of error.matchAll(/"((https?):\/\/([^/"]+)\/[^"]*)("?)/g))
    if (host === undefined || m[3] === host)
      return { host: m[3] as string, scheme: m[2] as string, ...(m[4] ? { url: m[1] as string } : {}) };
  return undefined;
}

interface QuotedRequest {
  /** host:port as the URL writes it. */
  host: string;
  scheme: string;
  url?: string;
}
