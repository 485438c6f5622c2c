import { dig, headerValue, isTable, parseTomlLocated, type TableHeader } from './containerd-toml.js';
import { parseGoDuration } from './go-duration.js';
import { parseBracketedUrl } from './go-url-host.js';

/**
 * One containerd `hosts.toml`, read the way containerd's remotes/docker/config/hosts.go reads it
 * (containerd/containerd v2.1.0 core/remotes/docker/config/hosts.go:379-467, :548-578):
 * `[host."…"]` entries in file order, then `server` last (2.0+ takes only hosts named by a table header:
 * `headed`); an entry without a scheme is https; no
 * `capabilities` means pull+resolve+push; an unknown capability or a non-table `host` makes
 * containerd log `failed to decode …hosts.toml` and ignore the whole file (it then goes straight to
 * the registry). A file without any `[host]` table depends on the release
 * (src/knowledge/containerd.ts `hostsWithoutHostTable`): it parses here with `withoutHostTable`.
 */
export type Capability = 'pull' | 'resolve' | 'push' | 'referrers';

export interface HostsEntry {
  /** As written in the file. */
  raw: string;
  scheme: 'http' | 'https';
  host: string;
  /** Explicit port, or the scheme's default (80/443). */
  port: number;
  path: string;
  capabilities: Capability[];
  skipVerify: boolean;
  overridePath: boolean;
  dialTimeout?: string;
  /** 1-based line of the entry's table header (or of `server`). */
  line?: number;
  /** True for the `server` entry (tried last). */
  isServer: boolean;
  /**
   * The value of the `X-Dragonfly-Use-P2P` header containerd sends this host (`[host."…".header]`, or the
   * top-level `[header]` for `server`), as written: a list's first value, which is the one the Rust
   * dfdaemon reads (containerd sends a list as repeated header lines, v1.7.20
   * remotes/docker/config/hosts.go:508-523 and resolver.go:484-486; hyper's HeaderMap::get gives the first).
   */
  useP2PHeader?: string;
  /**
   * The `X-Dragonfly-Registry` header containerd sends this host, read the same way: the registry dfdaemon's
   * registry-mirror proxy fetches from instead of its configured one (client v1.5.1 proxy/header.rs
   * get_registry, proxy/mod.rs make_registry_mirror_request; dragonfly v2.1.0 client/daemon/proxy/reverse_proxy.go:37-48).
   */
  registryHeader?: string;
}

export interface HostsFile {
  server?: HostsEntry;
  /** No `[host."…"]` table at all: containerd ≤ 1.7.31 rejects the file ("invalid `host` tree"), 1.7.32+ and 2.x use `server`. */
  withoutHostTable?: true;
  /** The first entry whose `dial_timeout` is no Go duration: 2.0.7+ rejects the file (time.ParseDuration), older releases ignore the key. */
  badDialTimeout?: { raw: string; value: string; line?: number };
  /** The first entry listing the `referrers` capability: known from 2.2.0, an "unknown capability" before (src/knowledge/containerd.ts `hostsReferrersCapability`). */
  referrers?: { raw: string; line?: number };
  /**
   * Keys containerd decodes in no release (HOST_KEYS), which it ignores without a word: the path as
   * read (`["host", "https://index.docker.io", "proxy"]`) and its line.
   */
  ignored?: { path: string[]; line?: number }[];
  /** Hosts whose table holds ignored keys only: containerd tries them all the same, with the default capabilities. */
  onlyIgnored?: string[];
  /** `[host]` entries in file order: containerd 1.x tries them in this order, then `server`. */
  hosts: HostsEntry[];
  /**
   * The entries containerd 2.0+ tries, in the order of the first `[host."…"]` (or `[host."…".sub]`)
   * header naming each. A host written only as an inline table or with dotted keys is not among them:
   * 2.x lists hosts from the file's table headers (core/remotes/docker/config/hosts.go getSortedHosts).
   * getSortedHosts lists a host again when its headers are apart (`[host."a"]`, `[host."b"]`,
   * `[host."a".header]` gives a, b, a); the repeat is not kept here: it changes no host's first try.
   */
  headed: HostsEntry[];
}

export type HostsParse =
  | { ok: true; file: HostsFile; warnings: { line?: number; message: string }[] }
  | { ok: false; line?: number; column?: number; message: string; rejectedByContainerd: boolean };

const CAPS: readonly Capability[] = ['pull', 'resolve', 'push', 'referrers'];
/** What no `capabilities` means: pull, resolve and push (2.2+ adds referrers, which no pull needs). */
const DEFAULT_CAPS: readonly Capability[] = ['pull', 'resolve', 'push'];

/**
 * The keys containerd's hostFileConfig decodes, in a `[host."…"]` table and at the top level (the
 * `server`'s config, beside `server` and `host`): capabilities, ca, client, skip_verify and header in
 * every release from 1.5.0 (v1.5.0 remotes/docker/config/hosts.go:278-299), override_path from 1.6.0
 * (v1.6.20 :289-325), dial_timeout from 2.0.7 and 2.1.0 (v2.1.4 core/remotes/docker/config/hosts.go:337-377,
 * the same at v2.2.0). Any other key is dropped without a word: go-toml v1's Tree.Unmarshal, which 1.5–1.7
 * call (v1.7.27 hosts.go:389), decodes non-strict (vendor/github.com/pelletier/go-toml/marshal.go:619-622,
 * :700-705 at v1.7.27), and so does go-toml/v2's Unmarshal from 2.0, DisallowUnknownFields not called
 * (v2.1.4 hosts.go:398; vendor/github.com/pelletier/go-toml/v2/unmarshaler.go:20-27, :46-56, :76-79).
 */
const HOST_KEYS: ReadonlySet<string> = new Set([
  'capabilities',
  'ca',
  'client',
  'skip_verify',
  'header',
  'override_path',
  'dial_timeout',
]);
const ROOT_KEYS: ReadonlySet<string> = new Set([...HOST_KEYS, 'server', 'host']);

/** The port a URL of this scheme means when it names none (and containerd then logs no port either). */
export function defaultPort(scheme: HostsEntry['scheme']): number {
  return scheme === 'http' ? 80 : 443;
}

/** Where an entry stands, for a finding about it. */
const mark = (h: HostsEntry) => ({ raw: h.raw, ...(h.line === undefined ? {} : { line: h.line }) });

export function parseHostsToml(text: string): HostsParse {
  const t = parseTomlLocated(text);
  if (!t.ok) return { ok: false, line: t.line, column: t.column, message: t.message, rejectedByContainerd: true };
  return readHostsTable(t.value, text, t);
}

/** Reads a parsed hosts.toml table; `text` and `at` locate entries and problems. */
export function readHostsTable(
  doc: Record<string, unknown>,
  text: string,
  at: { lineOf(path: readonly string[]): number | undefined; tableHeaders(): readonly TableHeader[] },
): HostsParse {
  const warnings: { line?: number; message: string }[] = [];
  const hostTree = doc.host === undefined ? {} : doc.host;
  if (!isTable(hostTree)) {
    return {
      ok: false,
      line: lineMatching(text, /^\s*host\s*=/),
      message: '`host` is not a table: containerd rejects the file',
      rejectedByContainerd: true,
    };
  }
  const hosts: HostsEntry[] = [];
  // the first table header naming each host, in file order
  const headerOf = new Map<string, TableHeader>();
  for (const h of at.tableHeaders())
    if (h.path.length >= 2 && h.path[0] === 'host' && !headerOf.has(h.path[1] as string))
      headerOf.set(h.path[1] as string, h);
  const keys = Object.keys(hostTree);
  // smol-toml keeps insertion order, which is file order; containerd 1.x sorts by line, the same thing
  for (const key of keys) {
    const cfg = hostTree[key];
    const line = at.lineOf(['host', key]);
    if (!isTable(cfg)) {
      return {
        ok: false,
        line,
        message: `host "${key}" is not a table: containerd rejects the file`,
        rejectedByContainerd: true,
      };
    }
    const parsed = entry(key, cfg, false, line);
    if (!parsed.ok) return { ok: false, line, message: parsed.message, rejectedByContainerd: true };
    hosts.push(parsed.entry);
  }
  const ignored: { path: string[]; line?: number }[] = [];
  const ignore = (path: string[]) => {
    const line = at.lineOf(path);
    ignored.push({ path, ...(line === undefined ? {} : { line }) });
  };
  for (const k of Object.keys(doc)) if (!ROOT_KEYS.has(k)) ignore([k]);
  const onlyIgnored: string[] = [];
  for (const key of keys) {
    const own = Object.keys(hostTree[key] as Record<string, unknown>);
    const unknown = own.filter((k) => !HOST_KEYS.has(k));
    for (const k of unknown) ignore(['host', key, k]);
    if (own.length > 0 && unknown.length === own.length) onlyIgnored.push(key);
  }
  const withReferrers = hosts.find((h) => h.capabilities.includes('referrers'));
  // Go's time.ParseDuration takes a sign; the duration parser here reads unsigned text
  const badDial = hosts.find(
    (h) => h.dialTimeout !== undefined && parseGoDuration(h.dialTimeout.replace(/^[+-]/, '')) === null,
  );
  const file: HostsFile = {
    hosts,
    headed: [...headerOf.keys()].flatMap((k) => hosts.find((h) => h.raw === k) ?? []),
    ...(doc.host === undefined ? { withoutHostTable: true as const } : {}),
    ...(withReferrers ? { referrers: mark(withReferrers) } : {}),
    ...(ignored.length > 0 ? { ignored } : {}),
    ...(onlyIgnored.length > 0 ? { onlyIgnored } : {}),
    ...(badDial?.dialTimeout !== undefined ? { badDialTimeout: { ...mark(badDial), value: badDial.dialTimeout } } : {}),
  };
  if (doc.server !== undefined) {
    if (typeof doc.server !== 'string') {
      return {
        ok: false,
        line: lineMatching(text, /^\s*server\s*=/),
        message: '`server` must be a string',
        rejectedByContainerd: true,
      };
    }
    if (doc.server !== '') {
      const parsed = entry(doc.server, doc, true, lineMatching(text, /^\s*server\s*=/));
      if (!parsed.ok)
        return { ok: false, line: parsed.entry?.line, message: parsed.message, rejectedByContainerd: true };
      file.server = parsed.entry;
    }
  }
  return { ok: true, file, warnings };
}

function entry(
  raw: string,
  cfg: Record<string, unknown>,
  isServer: boolean,
  line: number | undefined,
): { ok: true; entry: HostsEntry } | { ok: false; message: string; entry?: { line?: number } } {
  const withScheme = /^https?:\/\//i.test(raw) ? raw : /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  const u = splitUrl(withScheme);
  if (!u)
    return {
      ok: false,
      message: `unable to parse ${isServer ? 'server' : 'host'} ${JSON.stringify(raw)}`,
      entry: { line },
    };
  const scheme = u.protocol === 'http:' ? 'http' : u.protocol === 'https:' ? 'https' : null;
  if (scheme === null)
    return { ok: false, message: `unsupported scheme ${u.protocol} in ${JSON.stringify(raw)}`, entry: { line } };
  const capsRaw = dig(cfg, 'capabilities');
  let capabilities: Capability[] = [...DEFAULT_CAPS];
  if (capsRaw !== undefined) {
    if (!Array.isArray(capsRaw))
      return { ok: false, message: `capabilities of ${JSON.stringify(raw)} must be a list`, entry: { line } };
    if (capsRaw.length > 0) {
      capabilities = [];
      for (const c of capsRaw) {
        const lc = typeof c === 'string' ? c.toLowerCase() : '';
        if (!CAPS.includes(lc as Capability))
          return {
            ok: false,
            message: `unknown capability ${JSON.stringify(c)} for ${JSON.stringify(raw)}`,
            entry: { line },
          };
        if (!capabilities.includes(lc as Capability)) capabilities.push(lc as Capability);
      }
    }
  }
  // a header value must be a string or a list of strings, or the whole file is rejected
  // (v1.7.0 remotes/docker/config/hosts.go:488; v2.1.0 core/remotes/docker/config/hosts.go:518-531)
  const header = dig(cfg, 'header');
  if (isTable(header))
    for (const [name, v] of Object.entries(header))
      if (typeof v !== 'string' && !(Array.isArray(v) && v.every((x) => typeof x === 'string')))
        return {
          ok: false,
          message: `invalid type for header ${JSON.stringify(name)} of ${JSON.stringify(raw)} (a string or a list of strings)`,
          entry: { line },
        };
  const port = u.port !== '' ? Number(u.port) : defaultPort(scheme);
  const dialTimeout = dig(cfg, 'dial_timeout');
  const useP2PHeader = headerValue(header, 'x-dragonfly-use-p2p');
  const registryHeader = headerValue(header, 'x-dragonfly-registry');
  return {
    ok: true,
    entry: {
      raw,
      scheme,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port,
      path: u.pathname === '/' ? '' : u.pathname,
      capabilities,
      skipVerify: dig(cfg, 'skip_verify') === true,
      overridePath: dig(cfg, 'override_path') === true,
      ...(typeof dialTimeout === 'string' ? { dialTimeout } : {}),
      ...(line === undefined ? {} : { line }),
      isServer,
      ...(useP2PHeader === undefined ? {} : { useP2PHeader }),
      ...(registryHeader === undefined ? {} : { registryHeader }),
    },
  };
}

/** A host or server URL's parts; a bracketed host WHATWG refuses is split as Go's url.Parse splits it. */
function splitUrl(url: string): { protocol: string; hostname: string; port: string; pathname: string } | null {
  try {
    return new URL(url);
  } catch {
    const b = parseBracketedUrl(url);
    return b && { protocol: `${b.scheme}:`, hostname: b.host, port: b.port, pathname: b.path || '/' };
  }
}

function lineMatching(text: string, re: RegExp): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i] ?? '')) return i + 1;
  return undefined;
}

/** The hosts-dir names containerd looks up for a registry host, in order (hosts.go hostPaths). */
export function hostDirCandidates(registryHost: string): string[] {
  const out: string[] = [];
  const idx = registryHost.lastIndexOf(':');
  if (idx > 0) out.push(`${registryHost.slice(0, idx)}_${registryHost.slice(idx + 1)}_`);
  out.push(registryHost, '_default');
  return out;
}

/** The registry a hosts-dir name serves (`host_port_` back to `host:port`). */
export function registryOfHostDir(dir: string): string {
  const m = /^(.*)_(\d+)_$/.exec(dir);
  return m ? `${m[1]}:${m[2]}` : dir;
}

/** The origin containerd uses when a hosts.toml has no `server`: docker.io's is registry-1.docker.io. */
export function defaultServerFor(registry: string): string {
  if (registry === 'docker.io') return 'https://registry-1.docker.io';
  return `https://${registry}`;
}
