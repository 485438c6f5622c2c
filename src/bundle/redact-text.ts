// Redaction of secrets that can sit in any line of any file: URL credentials, Authorization schemes,
// signed-URL query parameters, `name=value` / `"name": value` pairs with a secret name, private keys.
import {
  isBenignHeader,
  isKeyFileName,
  isPathLike,
  isSecretQueryParam,
  isTrivialValue,
  isUserNameKey,
  looksLikeSecretValue,
  MARK,
  normaliseName,
  secretStrength,
} from './redact-keys.js';
import { Tally } from './redact-tally.js';
import { holdsPemBegin } from './text-parts.js';

/**
 * `strict`: the line is from a config file, so a weakly secret name (`token`, `auth`, `key`) always
 * hides its value; in free text (logs) only a value that looks like a token is hidden.
 */
export interface LineMode {
  strict: boolean;
  /**
   * false for system databases and command outputs (nsswitch.conf's `passwd:` line, iptables-save,
   * /proc files): their names are not settings, so only URL, scheme, query and key-block rules apply.
   */
  names?: boolean;
}

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#"'<>@]*(?:@[^\s/?#"'<>@]*)*)@(?=[^\s/?#"'<>@]*)/gi;
// a comma inside a value is kept with it; a trailing one ends the URL in prose and logs ("…?sig=x, status: 200")
const QUERY_PARAM = /([?&;])([A-Za-z0-9_.-]+)=([^&#\s"'<>\\,]*(?:,+[^&#\s"'<>\\,]+)*)/g;
const AUTH_SCHEME = /\b(Bearer|bearer|BEARER|Basic|basic|BASIC|Negotiate|Digest)(\s+)([A-Za-z0-9._~+/-]+=*)/g;
const CLI_FLAG_SPACE = /(^|\s)(--?[A-Za-z][A-Za-z0-9_-]*)(\s+)(?!-)([^\s"']+)/g;
// name, then = or :; the value is matched separately so that a name that is not secret does not swallow
// the next pair ("creds: password = x", "Environment=TOKEN=x")
const KV_HEAD = /(?<![A-Za-z0-9_.-])(["']?)(-{0,2}[A-Za-z_][A-Za-z0-9_.-]*)\1([ \t]*)([=:])([ \t]*)/g;
// Rust's Debug of an Option<String> wraps the quoted value: `access_key_secret: Some("…")` (the Rust client
// before v1.3.9 logged each download's request so, object storage credentials included:
// dragonflyoss/client v1.3.8 dragonfly-client/src/grpc/dfdaemon_download.rs `download task started: {:?}`)
const KV_VALUE = /Some\("(?:[^"\\\r\n]|\\.)*"\)|"(?:[^"\\\r\n]|\\.)*"|'[^'\r\n]*'|\[[^\]\r\n]*\]|[^\s,;&"'}\])]+/y;
const NOT_SCHEME_VALUE = /^(realm|error|scope|service|auth|authentication|authorization|access|token|the|and)=?$/i;

// Each rule's guard: a line without it is left alone by that rule. redactLogLines searches a whole
// text for the same guards, so a line none of them names is copied without being looked at.
const URL_CREDENTIALS_GUARD = '@';
const GO_HEADER_DUMP_GUARD = '[]string{';
const GO_MAP_DUMP_GUARD = 'map[string]string{';
const QUERY_PARAM_GUARD = /[?&;][A-Za-z0-9_.-]+=/;
const AUTH_SCHEMES = ['bearer', 'basic', 'negotiate', 'digest'];
// Every secret name contains one of these; a line without any is left alone (most log lines), which keeps
// redaction of large logs fast (bench/redact.bench.mjs).
const SECRET_NAME_PARTS = [
  'pass',
  'pwd',
  'secret',
  'credential',
  'token',
  'auth',
  'key',
  'cookie',
  'sig',
  'session',
  'pin',
  'jwt',
];
const AUTH_SCHEME_GUARD = new RegExp(AUTH_SCHEMES.join('|'), 'i');
const MAY_NAME_SECRET = new RegExp(SECRET_NAME_PARTS.join('|'), 'i');
/**
 * The words among the guards, which the rules match in any case: the guard search in WebAssembly
 * (assembly/redact-triggers.ts) is given these, and finds `@`, `[]string{`, `map[string]string{` and
 * `[?&;]name=` itself.
 */
export const GUARD_WORDS: readonly string[] = [...AUTH_SCHEMES, ...SECRET_NAME_PARTS];

/** Removes credentials from URLs (`scheme://user:pass@host` → `scheme://REDACTED@host`). */
export function redactUrlCredentials(line: string, t: Tally): string {
  if (!line.includes(URL_CREDENTIALS_GUARD) || !line.includes('://')) return line;
  return line.replace(URL_USERINFO, (_m, scheme: string, userinfo: string) => {
    if (userinfo === '' || userinfo === MARK) return `${scheme}${userinfo}@`;
    // user:password; a userinfo without a colon is one value, most often a token (https://<token>@host)
    const [user = '', ...password] = userinfo.split(':');
    if (password.length === 0) t.add('credentials in a URL', userinfo, safeDecode(userinfo));
    else {
      t.add('credentials in a URL', userinfo, ...password.map(safeDecode), safeDecode(password.join(':')));
      t.name(safeDecode(user));
    }
    return `${scheme}${MARK}@`;
  });
}

export function redactQueryParams(line: string, t: Tally): string {
  if (!QUERY_PARAM_GUARD.test(line)) return line;
  return line.replace(QUERY_PARAM, (m, sep: string, name: string, value: string) => {
    if (value === '' || value === MARK || !isSecretQueryParam(name)) return m;
    t.add(`query parameter ${name}`, value, safeDecode(value));
    return `${sep}${name}=${MARK}`;
  });
}

export function redactAuthSchemes(line: string, t: Tally): string {
  if (!AUTH_SCHEME_GUARD.test(line)) return line;
  return line.replace(AUTH_SCHEME, (m, scheme: string, sp: string, value: string) => {
    if (value === MARK || NOT_SCHEME_VALUE.test(value)) return m;
    const lower = scheme.toLowerCase();
    // a word after the scheme's name is prose ("Digest mismatches mean…"); a credential looks like a token
    if (lower !== 'bearer' && !looksLikeSecretValue(value)) return m;
    if (value.length < 6) return m;
    const extra: string[] = [];
    if (lower === 'basic') extra.push(...decodedBasic(value));
    t.add(
      lower === 'bearer' ? 'bearer token' : lower === 'basic' ? 'basic-auth value' : `${lower} credential`,
      value,
      ...extra,
    );
    return `${scheme}${sp}${MARK}`;
  });
}

/** `name=value`, `name: value`, `"name": "value"`, `--name=value` with a secret name. */
export function redactKeyValues(line: string, t: Tally, mode: LineMode): string {
  if (!MAY_NAME_SECRET.test(line)) return line;
  let out = '';
  let last = 0;
  KV_HEAD.lastIndex = 0;
  for (let m = KV_HEAD.exec(line); m !== null; m = KV_HEAD.exec(line)) {
    const end = m.index + m[0].length;
    const name = m[2] as string;
    const strength = secretStrength(name);
    KV_VALUE.lastIndex = end;
    const v = strength === null ? null : KV_VALUE.exec(line);
    // a protobuf map entry's key (`{key:"Authorization" value:"…"}`) names a header: redactProtoMapDump reads it
    const mapKey = v !== null && name === 'key' && followedByMapValue(line, KV_VALUE.lastIndex);
    const hidden = v && !mapKey ? hideValue(name, v[0], strength === 'strong' || mode.strict, m[4] as string) : null;
    if (!v || !hidden) {
      KV_HEAD.lastIndex = end;
      continue;
    }
    t.add(`value of ${displayName(name)}`, ...hidden.values);
    out += line.slice(last, end) + hidden.text;
    last = end + v[0].length;
    KV_HEAD.lastIndex = last;
  }
  out += line.slice(last);
  // "Authorization: Token abc" — the header value runs to the end of the line, scheme and all
  out = out.replace(
    /(\b(?:proxy-)?authorization|\bcookie|\bset-cookie)([ \t]*:[ \t]*)([^"'\r\n,}\]]+)/gi,
    (m, name: string, sep: string, value: string) => {
      const v = value.trim();
      if (v.split(/\s+/).every((w) => w === MARK || SCHEME_WORD.test(w))) return m;
      t.add(`value of ${displayName(name)}`, ...headerSecrets([v]));
      return `${name}${sep}${MARK}`;
    },
  );
  // "--password hunter2"
  out = out.replace(CLI_FLAG_SPACE, (m, pre: string, flag: string, sp: string, value: string) => {
    const strength = secretStrength(flag);
    if (strength === null || value === MARK) return m;
    if (strength === 'weak' && !mode.strict && !looksLikeSecretValue(value)) return m;
    if (isTrivialValue(value) || (isKeyFileName(flag) && isPathLike(value))) return m;
    t.add(`value of ${displayName(flag)}`, value);
    return `${pre}${flag}${sp}${MARK}`;
  });
  return out;
}

function hideValue(
  name: string,
  value: string,
  always: boolean,
  sep: string,
): { text: string; values: string[] } | null {
  if (value.startsWith('Some("') && value.endsWith('")')) {
    const inner = hideValue(name, value.slice(5, -1), always, sep);
    return inner && { text: `Some(${inner.text})`, values: inner.values };
  }
  if (value.startsWith('"') || value.startsWith("'")) {
    const q = value[0] as string;
    const inner = value.slice(1, -1);
    if (isTrivialValue(inner) || (isKeyFileName(name) && isPathLike(inner))) return null;
    if (!always && (/\s/.test(inner) || inner.length < 6)) return null;
    return { text: `${q}${MARK}${q}`, values: [inner, unescape(inner)] };
  }
  if (value.startsWith('[')) {
    const strings = [...value.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g)].map((x) => x[1] ?? x[2] ?? '');
    const items =
      strings.length > 0
        ? strings
        : value
            .slice(1, -1)
            .split(',')
            .map((s) => s.trim());
    const real = items.filter((s) => !isTrivialValue(s));
    if (real.length === 0) return null;
    if (!always && !real.some((s) => looksLikeSecretValue(s.replace(/^(bearer|basic)\s+/i, '')))) return null;
    return {
      text:
        strings.length > 0
          ? value.replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (s) => `${s[0]}${MARK}${s[0]}`)
          : `[${MARK}]`,
      values: real.flatMap((s) => [s, ...s.split(/\s+/)]),
    };
  }
  if (isTrivialValue(value) || (isKeyFileName(name) && isPathLike(value))) return null;
  // "http://host" after "token:" is a URL, handled by the URL rule, not a token
  if (sep === ':' && value.startsWith('//')) return null;
  // "Authorization: Bearer <token>": the scheme rule has hidden the token; the scheme's name is no secret
  if (SCHEME_WORD.test(value)) return null;
  if (!always && !looksLikeSecretValue(value)) return null;
  return { text: MARK, values: [value, safeDecode(value)] };
}

function displayName(name: string): string {
  return `"${name.replace(/^-+/, '')}"`;
}

// Go's `%#v` of an http.Header, which Go dfdaemon logs at debug level with every request header
// (dragonflyoss/dragonfly v2.1.49 client/daemon/transport/transport.go:339 `request url: %s, with header: %#v`;
// v2.0.8–v2.1.11 at info, `start download with url: %s, header: %#v`, v2.0.10 transport.go:243):
// `http.Header{"Authorization":[]string{"Bearer x"}, "Cookie":[]string{"a=b"}}`. In a zap JSON line the
// quotes are escaped (`\"`), and a quote inside a value then reads `\\\"`.
const GO_HEADER_ENTRY =
  /(\\?")([A-Za-z0-9!#$%&'*+.^_`|~-]+)\1:\[\]string\{((?:[ \t]*(?:"(?:[^"\\\r\n]|\\.)*"|\\"(?:\\\\\\"|\\\\\\\\|\\[^"\\]|[^\\\r\n])*?\\")[ \t]*,?)*)\}/g;
const GO_HEADER_ITEM = /\\"((?:\\\\\\"|\\\\\\\\|\\[^"\\]|[^\\\r\n])*?)\\"|"((?:[^"\\\r\n]|\\.)*)"/g;
// an auth scheme's name, or Token (`Authorization: Token …`): no secret of its own
const SCHEME_WORD = new RegExp(`^(${[...AUTH_SCHEMES, 'token'].join('|')})$`, 'i');

/** A Go string as %#v quotes it, bare (console layout) or escaped once more inside a zap JSON line: its value. */
function goQuoted(bare: string | undefined, escaped: string | undefined): string {
  return escaped !== undefined
    ? escaped.replace(/\\\\\\"/g, '"').replace(/\\\\\\\\/g, '\\')
    : (bare ?? '').replace(/\\(.)/g, '$1');
}

/** What to scrub from the whole bundle for a credential header's values. */
export function headerSecrets(values: string[]): string[] {
  // the scheme word stays out of the scrub list; a cookie's pairs are scrubbed one by one too
  const parts = values.flatMap((v) => v.split(/[\s;]+/)).filter((w) => w !== '' && !SCHEME_WORD.test(w));
  const pairValues = parts.flatMap((p) => (p.includes('=') ? [p.slice(p.indexOf('=') + 1)] : []));
  const basic = values.flatMap((v) => /^basic\s+(\S+)$/i.exec(v.trim())?.slice(1) ?? []).flatMap(decodedBasic);
  return [...values, ...parts, ...pairValues, ...basic];
}

function isCredentialHeader(name: string): boolean {
  return !isBenignHeader(name) && secretStrength(name) !== null;
}

/** Values of credential headers (Authorization, Cookie, X-Registry-Auth…) in a Go header dump. */
export function redactGoHeaderDump(line: string, t: Tally): string {
  if (!line.includes(GO_HEADER_DUMP_GUARD)) return line;
  return line.replace(GO_HEADER_ENTRY, (m, q: string, name: string, body: string) => {
    if (!isCredentialHeader(name)) return m;
    const values = [...body.matchAll(GO_HEADER_ITEM)]
      .map((x) => goQuoted(x[2], x[1]))
      .filter((v) => !isTrivialValue(v));
    if (values.length === 0) return m;
    t.add(`value of header "${name}"`, ...headerSecrets(values));
    return `${q}${name}${q}:[]string{${q}${MARK}${q}}`;
  });
}

// Go's `%#v` of a map[string]string: the request's headers as Go dfdaemon v2.0.2–v2.1.x logs them at
// debug level (dragonflyoss/dragonfly v2.0.6 client/daemon/peer/peertask_conductor.go:266 `request
// overview, pid: %s, url: %s, filter: %s, tag: %s, range: %s, digest: %s, header: %#v` of
// UrlMeta.Header; issue #1592 shows one holding a bearer token): `map[string]string{"Authorization":
// "Bearer x", "Cookie":"a=b"}`, its quotes escaped once more in a zap JSON line. One entry, read from
// the map's `{` or from the `, ` after the entry before it: the bare form, or the escaped one.
const GO_MAP_ENTRY =
  /(?:, )?(?:"([^"\\\r\n]*)":"((?:[^"\\\r\n]|\\.)*)"|\\"([^"\\\r\n]*)\\":\\"((?:\\\\\\"|\\\\\\\\|\\[^"\\]|[^\\\r\n])*?)\\")/dy;

/** Values of credential headers in a Go map[string]string dump; the other entries stay. */
export function redactGoMapDump(line: string, t: Tally): string {
  if (!line.includes(GO_MAP_DUMP_GUARD)) return line;
  return hideHeaderValues(line, goMapEntries(line), t);
}

/** The entries of every map[string]string dump in a line (groups: bare name, value; escaped name, value). */
function* goMapEntries(line: string): Generator<RegExpExecArray> {
  for (let at = line.indexOf(GO_MAP_DUMP_GUARD); at >= 0; at = line.indexOf(GO_MAP_DUMP_GUARD, at + 1)) {
    GO_MAP_ENTRY.lastIndex = at + GO_MAP_DUMP_GUARD.length;
    for (let m = GO_MAP_ENTRY.exec(line); m !== null; m = GO_MAP_ENTRY.exec(line)) yield m;
  }
}

/**
 * A line with the value of each credential header among `entries` replaced, in order. Each entry is a
 * match whose groups are a header map entry's name and value, bare (1, 2) or escaped once more inside a
 * zap JSON line (3, 4), with their indices.
 */
function hideHeaderValues(line: string, entries: Iterable<RegExpExecArray>, t: Tally): string {
  let out = '';
  let last = 0;
  for (const m of entries) {
    const escaped = m[3] !== undefined;
    const name = goQuoted(m[1], m[3]);
    const value = goQuoted(m[2], m[4]);
    const span = m.indices?.[escaped ? 4 : 2];
    if (!span || span[0] < last || !isCredentialHeader(name) || isTrivialValue(value)) continue;
    t.add(`value of header "${name}"`, ...headerSecrets([value]));
    out += line.slice(last, span[0]) + MARK;
    last = span[1];
  }
  return last === 0 ? line : out + line.slice(last);
}

// The protobuf text form of a map<string, string> entry: Go dfdaemon v2.0.0–v2.0.1 logs each request's
// UrlMeta with %s, its header map included (dragonflyoss/dragonfly v2.0.0
// client/daemon/peer/peertask_file.go:97 `request overview, url: %s, filter: %s, meta: %s, …` at info,
// peertask_stream.go:71 at debug; dragonflyoss/dragonfly#692 shows one with a Basic credential):
// `header:{key:"Authorization" value:"Basic …"}`. The protobuf text encoder spaces its output at random,
// and a zap JSON line escapes the quotes once more. Only `key:` lines can hold one.
const PROTO_MAP_GUARD = 'key:';
const PROTO_MAP_VALUE_NEXT = /[ \t]+value:/y;
const PROTO_MAP_ENTRY =
  /\{[ \t]*key:[ \t]*(?:"((?:[^"\\\r\n]|\\.)*)"[ \t]+value:[ \t]*"((?:[^"\\\r\n]|\\.)*)"|\\"((?:\\\\\\"|\\\\\\\\|\\[^"\\]|[^\\\r\n])*?)\\"[ \t]+value:[ \t]*\\"((?:\\\\\\"|\\\\\\\\|\\[^"\\]|[^\\\r\n])*?)\\")[ \t]*\}/dg;

/** Whether a protobuf map entry's `value:` follows at `at`. */
function followedByMapValue(line: string, at: number): boolean {
  PROTO_MAP_VALUE_NEXT.lastIndex = at;
  return PROTO_MAP_VALUE_NEXT.test(line);
}

/** Values of credential headers in a protobuf text map (`header:{key:"…" value:"…"}`); the other entries stay. */
export function redactProtoMapDump(line: string, t: Tally): string {
  if (!line.includes(PROTO_MAP_GUARD)) return line;
  return hideHeaderValues(line, line.matchAll(PROTO_MAP_ENTRY), t);
}

/** Every generic rule, in an order where each sees what the previous left. */
export function redactLine(line: string, t: Tally, mode: LineMode): string {
  let out = redactGoHeaderDump(line, t);
  out = redactGoMapDump(out, t);
  out = redactProtoMapDump(out, t);
  out = redactUrlCredentials(out, t);
  out = redactQueryParams(out, t);
  out = redactAuthSchemes(out, t);
  if (mode.names !== false) out = redactKeyValues(out, t, mode);
  return out;
}

/**
 * Free text quoted outside a bundle (a report's evidence, a note): the log rules applied, what they took
 * out not recorded, since no manifest lists it.
 */
export function redactQuoted(text: string): string {
  return redactLine(text, new Tally(), { strict: false });
}

const literally = (s: string) => new RegExp(s.replace(/[[\]{}()*+?.\\^$|]/g, '\\$&'), 'g');
/**
 * Every line redactLine could change holds one of these: the guards its rules test first (a superset
 * for URL credentials, which also need `://`). Searched one by one over the whole text: one
 * alternation of them all, `@` and a character class included, defeats V8's quick checks and costs
 * twice as much as the separate passes (four, when that was measured). The two word lists stay
 * case-insensitive, as their rules read them. A log piece written as bytes (Redactor.leaves) is
 * searched for the same guards in WebAssembly instead (redact-triggers.ts).
 */
export const LINE_TRIGGERS: readonly RegExp[] = [
  literally(URL_CREDENTIALS_GUARD),
  literally(GO_HEADER_DUMP_GUARD),
  literally(GO_MAP_DUMP_GUARD),
  new RegExp(QUERY_PARAM_GUARD.source, 'g'),
  new RegExp(`${AUTH_SCHEME_GUARD.source}|${MAY_NAME_SECRET.source}`, 'gi'),
];

/**
 * redactLine over every line of a free-text file (logs), without splitting it: only the lines a
 * trigger names are cut out and redacted; the rest is copied as it is. Same output as splitting on
 * "\n", redacting each line and joining, at a fraction of the cost on a large log whose lines mostly
 * hold no secret.
 */
export function redactLogLines(text: string, t: Tally): string {
  const starts: number[] = [];
  for (const re of LINE_TRIGGERS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      starts.push(text.lastIndexOf('\n', m.index) + 1);
      const end = text.indexOf('\n', m.index);
      if (end < 0) break;
      re.lastIndex = end + 1;
    }
  }
  if (starts.length === 0) return text;
  starts.sort((a, b) => a - b);
  let out = '';
  let from = 0;
  for (const start of starts) {
    if (start < from) continue;
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    out += text.slice(from, start) + redactLine(text.slice(start, end), t, { strict: false });
    from = end;
  }
  return out + text.slice(from);
}

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]*(?:PRIVATE KEY|SECRET|ENCRYPTED)[A-Z0-9 ]*)-----/;
const PEM_INLINE = /-----BEGIN ([A-Z0-9 ]*(?:PRIVATE KEY|SECRET|ENCRYPTED)[A-Z0-9 ]*)-----(.*?)-----END \1-----/g;
const PEM_BODY = /^\s*([A-Za-z0-9+/=]+|[A-Za-z-]+:.*|)\s*\\?$/;

/**
 * Private key blocks, multi-line or escaped into one line: the body goes, the BEGIN/END lines stay so a
 * reader sees that a key was there. Line count is kept (located messages stay right).
 * An unterminated block is cut at the first line that cannot be part of it.
 */
export function redactPem(text: string, t: Tally): string {
  if (!holdsPemBegin(text)) return text;
  let out = text.replace(PEM_INLINE, (_m, label: string, body: string) => {
    t.add('private key block', ...body.split(/\\n|\\r|\s+/).filter((s) => s.length >= 16));
    return `-----BEGIN ${label}-----${MARK}-----END ${label}-----`;
  });
  if (!PEM_BEGIN.test(out)) return out;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = PEM_BEGIN.exec(lines[i] as string);
    if (!m) continue;
    const label = m[1] as string;
    // the body may start on the BEGIN line itself (YAML flow or a squeezed file)
    const after = (lines[i] as string).slice(m.index + m[0].length);
    const body: string[] = [];
    if (/[A-Za-z0-9+/]{16,}/.test(after)) {
      body.push(after);
      lines[i] = `${(lines[i] as string).slice(0, m.index + m[0].length)}${MARK}`;
    }
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j] as string;
      if (l.includes(`-----END ${label}-----`) || l.includes('-----END')) {
        const k = l.indexOf('-----END');
        if (/[A-Za-z0-9+/]{16,}/.test(l.slice(0, k))) {
          body.push(l.slice(0, k));
          lines[j] = `${l
            .slice(0, k)
            .replace(/[A-Za-z0-9+/=]+/g, '')
            .replace(/\S/g, '')}${MARK}${l.slice(k)}`;
        }
        break;
      }
      if (!PEM_BODY.test(l)) break;
      body.push(l);
      const indent = /^\s*/.exec(l)?.[0] ?? '';
      lines[j] = l.trim() === '' ? l : `${indent}${MARK}`;
    }
    t.add('private key block', ...body.map((b) => b.trim()).filter((b) => b.length >= 16));
    i = j;
  }
  out = lines.join('\n');
  return out;
}

export function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function unescape(s: string): string {
  return s.replace(/\\(["'\\/])/g, '$1');
}

/**
 * What a config's hidden value under `key` leaves to scrub elsewhere: a user name as a name (Tally.name),
 * an `auth` value with the user and password inside it, any other as it is.
 */
export function tallyHidden(t: Tally, what: string, key: string, values: readonly string[]): void {
  if (!isUserNameKey(key)) {
    t.add(what, ...values, ...(normaliseName(key) === 'auth' ? values.flatMap(decodedBasic) : []));
    return;
  }
  t.add(what);
  for (const v of values) t.name(v);
}

/** user and password inside a basic-auth (or containerd `auth`) base64 value. */
export function decodedBasic(b64: string): string[] {
  if (!/^[A-Za-z0-9+/]+=*$/.test(b64) || b64.length < 4) return [];
  const s = Buffer.from(b64, 'base64').toString('utf8');
  // printable and shaped like user:password
  if (!/^[\x20-\x7e]+$/.test(s) || !s.includes(':')) return [];
  const at = s.indexOf(':');
  // the user part alone is left out: short user names ("admin", "mirror") would scrub ordinary words
  return [s, s.slice(at + 1)];
}
