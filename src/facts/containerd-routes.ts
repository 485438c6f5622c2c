import {
  defaultPort,
  defaultServerFor,
  type HostsEntry,
  type HostsFile,
  type Capability,
} from '../parsers/hosts-toml.js';

/** The answer of the probe's live check of one mirror host (raw/containerd/mirror-check.json). */
export interface MirrorCheck {
  /** host:port as checked. */
  host: string;
  url: string;
  tcp: 'open' | 'refused' | 'timeout' | 'error';
  connectMs: number | null;
  /** Status of GET <url>/v2/, when the connection opened. */
  v2Status: number | null;
  error?: string;
}

/** Where dfdaemon listens, and how we know. */
export interface DfdaemonEndpoints {
  /** Empty when the daemon serves no proxy (proxyOff says why). */
  proxyPorts: number[];
  /** Why the dfdaemon here serves no proxy (a Go config without a proxy port). */
  proxyOff?: string;
  /** Every port a dfdaemon process owns, by role when known. */
  otherPorts: { port: number; role: string }[];
  source: string;
  /**
   * The proxy's port range when no listener shows which port of it the daemon holds: proxyPorts is then every
   * port of it but other listeners' ports.
   */
  proxyRange?: { start: number; end: number };
}

/** The proxy's port(s) as the messages name them: a range the daemon picks in reads as one. */
export function proxyPortsText(e: DfdaemonEndpoints, sep = '/'): string {
  return e.proxyRange ? `${e.proxyRange.start}–${e.proxyRange.end}, the first free one` : e.proxyPorts.join(sep);
}

export interface RouteHost {
  url: string;
  scheme: 'http' | 'https';
  host: string;
  port: number;
  capabilities: Capability[];
  /** mirror = a `[host]` entry or legacy endpoint; server = hosts.toml `server`; origin = the registry containerd falls back to by itself. */
  role: 'mirror' | 'server' | 'origin';
  isDfdaemon: boolean;
  /** Points at a dfdaemon port that is not its proxy (e.g. the upload port). */
  dfdaemonWrongPort?: string;
  skipVerify: boolean;
  overridePath: boolean;
  dialTimeout?: string;
  line?: number;
  check?: MirrorCheck;
  /** The X-Dragonfly-Use-P2P header hosts.toml has containerd send this host, as written. */
  useP2PHeader?: string;
  /** The X-Dragonfly-Registry header containerd sends this host (hosts.toml `header`, or legacy `registry.headers`). */
  registryHeader?: string;
}

export interface RegistryRoute {
  /** The hosts-dir name (`docker.io`, `_default`, `host_port_` shown as host:port) or legacy mirror key. */
  registry: string;
  /** certs-dir: a `<dir>/<registry>/` without hosts.toml, which containerd stops at all the same. */
  source: 'hosts.toml' | 'certs-dir' | 'legacy-mirrors';
  /** Bundle path of the file, and the node path it was read from. */
  file?: string;
  nodeFile?: string;
  /** The ordered hosts containerd will try; the last one is where it ends up when all mirrors fail. */
  hosts: RouteHost[];
  firstIsDfdaemon: boolean;
  /** True when, after the mirrors fail, containerd silently goes to the origin registry. */
  originFallback: boolean;
  /**
   * hosts.toml that containerd ignores, with why and where: it does not decode ("failed to decode
   * hosts.toml"), or it sits in a `_default` directory this release never reads (`unread`).
   */
  rejected?: { message: string; line?: number; column?: number; unread?: true };
  /** The config_path directory it came from (index into ContainerdFacts.hostsDirs). */
  dirIndex?: number;
  /** Shadowed by an earlier config_path directory (containerd stops at the first directory that has a match). */
  shadowedBy?: string;
  /** Hosts in the file that this release never tries (no `[host."…"]` header of their own, on 2.0+). */
  untried?: { url: string; line?: number; isDfdaemon: boolean }[];
}

/** A route containerd uses (not rejected, not shadowed by an earlier directory) that sends pulls to dfdaemon. */
export function sendsToDfdaemon(r: RegistryRoute): boolean {
  return r.hosts.some((h) => h.isDfdaemon) && !r.shadowedBy && !r.rejected;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|0\.0\.0\.0)$/i;

export function isLoopbackHost(h: string): boolean {
  return LOOPBACK.test(h);
}

export function toRouteHost(
  e: HostsEntry,
  role: RouteHost['role'],
  dd: DfdaemonEndpoints | null,
  checks: MirrorCheck[],
): RouteHost {
  const rh: RouteHost = {
    url: `${e.scheme}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}${e.path}`,
    scheme: e.scheme,
    host: e.host,
    port: e.port,
    capabilities: e.capabilities,
    role,
    isDfdaemon: false,
    skipVerify: e.skipVerify,
    overridePath: e.overridePath,
    ...(e.dialTimeout === undefined ? {} : { dialTimeout: e.dialTimeout }),
    ...(e.line === undefined ? {} : { line: e.line }),
    ...(e.useP2PHeader === undefined ? {} : { useP2PHeader: e.useP2PHeader }),
    ...(e.registryHeader === undefined ? {} : { registryHeader: e.registryHeader }),
  };
  if (dd) {
    if (dd.proxyPorts.includes(e.port)) rh.isDfdaemon = true;
    else {
      const other = dd.otherPorts.find((o) => o.port === e.port);
      if (other && isLoopbackHost(e.host)) rh.dfdaemonWrongPort = other.role;
    }
  }
  const check = checks.find((c) => c.host === hostPort(rh.host, rh.port));
  if (check) rh.check = check;
  return rh;
}

export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Whether containerd's log names route host `h` by `logged`: its URL's host as Go writes it (url.URL.Host),
 * host:port, or the host alone when the port is the scheme's default.
 */
export function logsAs(h: Pick<RouteHost, 'host' | 'port' | 'scheme'>, logged: string): boolean {
  if (logged === hostPort(h.host, h.port)) return true;
  return h.port === defaultPort(h.scheme) && logged === (h.host.includes(':') ? `[${h.host}]` : h.host);
}

/** The order containerd tries for one hosts.toml: `[host]` entries, then `server` (or the registry itself). */
/** `f`: the hosts containerd tries (HostsFile.hosts or .headed, by release) and `server`. */
export function routeFromHostsFile(
  registry: string,
  f: Pick<HostsFile, 'hosts' | 'server'>,
  dd: DfdaemonEndpoints | null,
  checks: MirrorCheck[],
): Pick<RegistryRoute, 'hosts' | 'firstIsDfdaemon' | 'originFallback'> {
  const hosts = f.hosts.map((h) => toRouteHost(h, 'mirror', dd, checks));
  // a `server` naming the registry's own host (docker.io's registry-1.docker.io, which ConfigureHosts
  // puts there without one: v2.1.5 core/remotes/docker/config/hosts.go:97-134) is the origin, not a
  // mirror: a pull that failed there failed at the registry itself (containerd#12550)
  if (f.server) hosts.push(toRouteHost(f.server, isOwnHost(registry, f.server) ? 'origin' : 'server', dd, checks));
  // _default serves every registry: its origin is whichever registry the image names, so no host is listed for it
  else if (registry !== '_default') hosts.push(originHost(registry, dd, checks));
  const last = hosts.at(-1);
  const viaDfdaemon = hosts.some((h) => h.isDfdaemon);
  return {
    hosts,
    firstIsDfdaemon: hosts[0]?.isDfdaemon === true,
    originFallback: viaDfdaemon && (f.server === undefined ? true : last !== undefined && !last.isDfdaemon),
  };
}

/** Whether a hosts.toml's `server` is the registry's own host, where containerd goes without one. */
function isOwnHost(registry: string, server: HostsEntry): boolean {
  if (registry === '_default') return false;
  const own = new URL(defaultServerFor(registry));
  const port = own.port === '' ? 443 : Number(own.port);
  return (
    server.scheme === 'https' &&
    server.host === own.hostname &&
    server.port === port &&
    (server.path === '' || server.path === '/v2')
  );
}

/** Legacy `registry.mirrors`: endpoints in order, then the registry's default endpoint unless already listed. */
export function routeFromLegacyMirrors(
  registry: string,
  endpoints: string[],
  dd: DfdaemonEndpoints | null,
  checks: MirrorCheck[],
  parse: (u: string) => HostsEntry | null,
): Pick<RegistryRoute, 'hosts' | 'firstIsDfdaemon' | 'originFallback'> {
  const hosts: RouteHost[] = [];
  for (const ep of endpoints) {
    const e = parse(ep);
    if (e) hosts.push(toRouteHost(e, 'mirror', dd, checks));
  }
  if (registry !== '*') {
    const origin = originHost(registry, dd, checks);
    if (!hosts.some((h) => h.host === origin.host && h.port === origin.port)) hosts.push(origin);
  }
  const last = hosts.at(-1);
  return {
    hosts,
    firstIsDfdaemon: hosts[0]?.isDfdaemon === true,
    originFallback: hosts.length > 1 && last !== undefined && !last.isDfdaemon && hosts.some((h) => h.isDfdaemon),
  };
}

function originHost(registry: string, dd: DfdaemonEndpoints | null, checks: MirrorCheck[]): RouteHost {
  const u = new URL(defaultServerFor(registry));
  const e: HostsEntry = {
    raw: u.href,
    scheme: 'https',
    host: u.hostname,
    port: u.port === '' ? 443 : Number(u.port),
    path: '',
    capabilities: ['pull', 'resolve', 'push'],
    skipVerify: false,
    overridePath: false,
    isServer: true,
  };
  return toRouteHost(e, 'origin', dd, checks);
}
