/**
 * containerd's own log (journald unit `containerd`, or a log file): logrus text lines
 * `time="…" level=info msg="trying next host" error="…" host="127.0.0.1:4001"`, possibly behind a
 * journald prefix. Only the messages the rules need are kept (messages of containerd
 * v2.1.0 core/remotes/docker/resolver.go, internal/cri/server/images/image_pull.go; v1.6.38 remotes/docker/resolver.go).
 */
export type ContainerdLogKind =
  | 'trying-next-host'
  | 'fetch-failed'
  | 'hosts-toml-decode'
  | 'progress-cancel'
  | 'transfer-incompatible'
  | 'mirrors-with-config-path'
  | 'pigz-used';

export interface ContainerdLogEvent {
  kind: ContainerdLogKind;
  /** 1-based line in the log file. */
  line: number;
  time?: string;
  host?: string;
  error?: string;
  msg: string;
}

/** Messages that carry a `host=`: the tail of one may start a journal line that lost its head. */
export const HOST_MESSAGES = ['trying next host', 'fetch failed'] as const;

const KINDS: [RegExp, ContainerdLogKind][] = [
  [/^trying next host/, 'trying-next-host'],
  [/^fetch failed/, 'fetch-failed'],
  [/^failed to decode hosts\.toml/, 'hosts-toml-decode'],
  [/^cancel pulling image /, 'progress-cancel'],
  [/^Found '.*' in CRI config which is incompatible with transfer service/, 'transfer-incompatible'],
  // 1.6.20 logs it as msg="failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `mirrors` cannot be set …"
  [/`mirrors` cannot be set when `config_path` is provided/, 'mirrors-with-config-path'],
  [/^using pigz for decompression/, 'pigz-used'],
];

/** logfmt fields of one logrus line (quoted values unescaped). */
export function logfmtFields(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  // a key starts a field (start of line or after a blank): without that anchor the engine retries the
  // key at every offset of a long token, quadratic in the line (a 1 MB journal line took minutes)
  const re = /(?<!\S)([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    const key = m[1] as string;
    if (out[key] !== undefined) continue;
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

export function parseContainerdLogLine(text: string, line: number): ContainerdLogEvent | null {
  if (!text.includes('msg=')) return null;
  const f = logfmtFields(text);
  const msg = f.msg;
  if (msg === undefined) return null;
  for (const [re, kind] of KINDS) {
    if (!re.test(msg) && !(kind === 'mirrors-with-config-path' && f.error !== undefined && re.test(f.error))) continue;
    const ev: ContainerdLogEvent = { kind, line, msg };
    if (f.time !== undefined) ev.time = f.time;
    if (f.host !== undefined) ev.host = f.host;
    if (f.error !== undefined) ev.error = f.error;
    return ev;
  }
  return null;
}
