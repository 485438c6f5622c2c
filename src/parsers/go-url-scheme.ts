/**
 * What Go's net/url.Parse makes of a URL's scheme, for a value a Go program parses and then dials: the
 * Go dfdaemon's proxy.registryMirror.url (dragonflyoss/dragonfly v2.1.65 client/config/peerhost.go:724-736
 * calls url.Parse on it as written). Go takes a leading run of letters, digits, `+`, `-`, `.` ended by a
 * `:` as the scheme (go1.19 src/net/url/url.go:433-453, getScheme), so `harbor.example.com:5000` comes out
 * as scheme `harbor.example.com`; a first path segment holding a `:` with no scheme before it is an error
 * (url.go:534-548), so `10.0.0.5:5000` does not parse at all; `harbor.example.com` parses with no scheme.
 */
export type GoUrlScheme =
  | { kind: 'ok'; scheme: string }
  /** Parses, but with no scheme or with what Go reads as one (`host:port`): nothing can be fetched from it. */
  | { kind: 'no-scheme'; scheme: string }
  /** url.Parse returns this error. */
  | { kind: 'error'; message: string };

/** getScheme: a letter, then letters, digits, `+`, `-` or `.`, up to the first `:`. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*(?=:)/;

export function goUrlScheme(raw: string): GoUrlScheme {
  if (raw.startsWith(':')) return { kind: 'error', message: `parse "${raw}": missing protocol scheme` };
  const scheme = SCHEME.exec(raw)?.[0] ?? '';
  if (scheme === '') {
    const segment = raw.split('/', 1)[0] as string;
    if (!raw.startsWith('/') && segment.includes(':'))
      return { kind: 'error', message: `parse "${raw}": first path segment in URL cannot contain colon` };
    return { kind: 'no-scheme', scheme: '' };
  }
  const rest = raw.slice(scheme.length + 1);
  // `host:port` reads as scheme `host` and an opaque `port`: no host to dial
  if (!rest.startsWith('//')) return { kind: 'no-scheme', scheme: scheme.toLowerCase() };
  return { kind: 'ok', scheme: scheme.toLowerCase() };
}
