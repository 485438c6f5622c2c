// Which names (config keys, header names, query parameters, env variables) hold secrets.
// Names are compared normalised: lower case, only letters and digits ("X-Auth-Token" → "xauthtoken").

/** What replaces a secret. Quoted where the surrounding syntax needs a string, so configs still parse. */
export const MARK = 'REDACTED';

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A user name's key (`username`, `user`): inside a credential table its value is hidden, and kept as a name (Tally.name). */
export function isUserNameKey(name: string): boolean {
  const n = normaliseName(name);
  return n === 'username' || n === 'user';
}

// A name containing one of these is a secret wherever it appears.
const STRONG_PARTS = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'credential',
  'apikey',
  'accesskey',
  'privatekey',
  'identitytoken',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'sessiontoken',
  'securitytoken',
  'registrytoken',
  'bearertoken',
  'authorization',
  'cookie',
  'signature',
];

// Secrets in a config file; in free text (logs) only when the value also looks like a secret,
// because "token: unexpected status" is a log message, not a token.
const WEAK_EXACT = new Set([
  'auth',
  'auths',
  'token',
  'tokens',
  'key',
  'pass',
  'pwd',
  'pin',
  'sig',
  'session',
  'sessionid',
  'cakey',
  'clientkey',
  'tlskey',
  'serverkey',
  'privkey',
  'jwt',
  'xauth',
  'xregistryauth',
]);
const WEAK_SUFFIXES = ['token', 'tokens', 'key', 'auth'];

// Names that end like this hold a path, a switch or a number about the secret, not the secret.
const NOT_SECRET_SUFFIX =
  /(file|files|path|paths|dir|directory|filename|ttl|timeout|expiry|expiration|expires|interval|enabled|enable|disabled|type|mode|policy|size|length|limit|url|uri|endpoint|header|headers|count|format|algorithm|verify|insecure)$/;
// Names that look secret by a suffix but are not (e.g. "monkey", "hotkey" never occur; "tokenizer" may).
const NOT_SECRET_EXACT = new Set([
  'keepalive',
  'keep',
  'tokenizer',
  'author',
  'authors',
  'authority',
  'keyid',
  'publickey',
  'hostkey',
]);

export type SecretStrength = 'strong' | 'weak' | null;

/** Is a value under this name a secret? `strong`: always; `weak`: in configs always, in logs if the value looks like one. */
export function secretStrength(name: string): SecretStrength {
  const n = normaliseName(name);
  if (n === '' || NOT_SECRET_EXACT.has(n)) return null;
  if (NOT_SECRET_SUFFIX.test(n) && !n.endsWith('authorization')) return null;
  if (STRONG_PARTS.some((p) => n.includes(p))) return 'strong';
  if (WEAK_EXACT.has(n)) return 'weak';
  if (WEAK_SUFFIXES.some((s) => n.endsWith(s) && n.length > s.length)) return 'weak';
  return null;
}

export function isSecretName(name: string): boolean {
  return secretStrength(name) !== null;
}

// Secret when they hold a scalar (an HTTP `Authorization: Bearer …` header), not when they hold a
// mapping: kubelet's `authorization: {mode: Webhook, webhook: {...}}` and `authentication: {x509:
// {clientCAFile: ...}, webhook: {...}}` choose modes (KubeletConfiguration, k8s.io/kubelet
// config/v1beta1/types.go); a secret inside such a mapping is caught by its own name.
const SECRET_ONLY_AS_SCALAR = new Set(['authorization', 'authentication']);

export function isSecretOnlyAsScalar(name: string): boolean {
  return SECRET_ONLY_AS_SCALAR.has(normaliseName(name));
}

/** Key-like names (`key`, `tlsKey`…) often hold a path to the key file; a path is not the secret. */
export function isKeyFileName(name: string): boolean {
  return normaliseName(name).endsWith('key');
}

export function isPathLike(value: string): boolean {
  return /^(\/|\.\.?\/|~\/)[^\s]*$/.test(value) && !/-----BEGIN/.test(value);
}

/** Values that are never secrets whatever their key says (switches, nothing). */
export function isTrivialValue(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, '');
  return v === '' || v === MARK || /^(true|false|null|~|yes|no|on|off|none|nil)$/i.test(v);
}

/** For free text: does this bare value look like a token rather than a word? */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < 8) return false;
  if (!/^[A-Za-z0-9._~+/=:-]+$/.test(value)) return false;
  if (/^[a-z]+$/.test(value) || /^[A-Z][a-z]+$/.test(value)) return false;
  if (/^\d+(\.\d+)?(ms|s|m|h)?$/.test(value)) return false;
  return true;
}

// Headers in hosts.toml that carry no secret; every other header value is removed.
const BENIGN_HEADERS = new Set([
  'useragent',
  'accept',
  'acceptencoding',
  'acceptlanguage',
  'contenttype',
  'xforwardedproto',
  'xforwardedfor',
  'connection',
]);

/** Dragonfly's own request headers (X-Dragonfly-Registry written by dfinit, -Use-P2P, -Tag…) carry routing, not secrets. */
export function isBenignHeader(name: string): boolean {
  const n = normaliseName(name);
  return BENIGN_HEADERS.has(n) || (n.startsWith('xdragonfly') && secretStrength(n.slice('xdragonfly'.length)) === null);
}

// Query parameters of signed URLs (S3, GCS, Azure SAS, OSS, CloudFront) that are or carry the signature.
const SIGNED_URL_SECRET = new Set([
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
  'sig',
  'signature',
  'ossaccesskeyid',
  'awsaccesskeyid',
  'keypairid',
  'policy',
  'code',
]);
// The other parameters of such URLs (SAS expiry, version, permissions; OAuth state) stay readable.
const SIGNED_URL_PARAMS = new Set([...SIGNED_URL_SECRET, 'state', 'se', 'sv', 'sp']);

/** Is this query parameter's value a secret? */
export function isSecretQueryParam(name: string): boolean {
  const n = normaliseName(name);
  if (SIGNED_URL_SECRET.has(n)) return true;
  if (SIGNED_URL_PARAMS.has(n)) return false;
  return isSecretName(name) || n === 'key' || n === 'token';
}
