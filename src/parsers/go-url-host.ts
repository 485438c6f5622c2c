/**
 * A URL whose host is written in brackets, split the way Go's net/url.Parse splits it, for what the
 * WHATWG URL parser refuses. Go takes any text between `[` and the last `]` of the authority as the
 * host and checks only that what follows the `]` is an optional `:port` (go1.19
 * src/net/url/url.go:613-653, parseHost; containerd's hosts.toml reader calls url.Parse on every host
 * and server, v1.7.27 remotes/docker/config/hosts.go:420-427, v2.1.4 core/remotes/docker/config/hosts.go:433).
 * WHATWG accepts only an IPv6 address there, so `https://[REDACTED_HARBOR_REGISTRY_URL]/v2/docker.io`,
 * a host a reporter redacted in a paste (goharbor/harbor#18530), would read as a file containerd
 * rejects, which it does not.
 */
export interface BracketedUrl {
  scheme: string;
  /** The text between the brackets. */
  host: string;
  /** The port after `]:`, '' when none. */
  port: string;
  /** From the first `/` after the authority, '' when none. */
  path: string;
}

const BRACKETED = /^([a-z][a-z0-9+.-]*):\/\/\[([^/?#]*)\](:\d*)?([/?#].*)?$/i;

export function parseBracketedUrl(url: string): BracketedUrl | null {
  const m = BRACKETED.exec(url);
  if (!m) return null;
  const host = m[2] as string;
  // the last `]` closes the host in Go: a `]` inside makes the text after it the "port"
  if (host.includes(']')) return null;
  const rest = m[4] ?? '';
  const q = rest.search(/[?#]/);
  return {
    scheme: (m[1] as string).toLowerCase(),
    host,
    port: (m[3] ?? ':').slice(1),
    path: q < 0 ? rest : rest.slice(0, q),
  };
}
