// The hosts directories containerd reads (config_path, or its default) and the route of each
// registry through them, in the order containerd tries the hosts.
import type { BundleReader } from '../bundle/reader.js';
import { type ContainerdConfig, splitConfigPath } from '../parsers/containerd-config.js';
import { formatVersion } from '../parsers/containerd-version.js';
import type { SetIn } from './containerd-set-in.js';
import { type HostsFile, parseHostsToml, registryOfHostDir, type HostsEntry } from '../parsers/hosts-toml.js';
import {
  defaultHostsDir,
  hostsDialTimeout,
  hostsReferrersCapability,
  hostsWithoutHostTable,
  hostsWithoutOwnHeader,
  type DefaultConfigPath,
} from '../knowledge/containerd.js';
import { ContainerdVersionPicker } from './containerd-versioned.js';
import { type FactsContext } from './context.js';
import {
  type DfdaemonEndpoints,
  type MirrorCheck,
  type RegistryRoute,
  routeFromHostsFile,
  routeFromLegacyMirrors,
  toRouteHost,
} from './containerd-routes.js';
import type { ContainerdFacts } from './containerd.js';
import { CONTAINERD_FILES } from './containerd-files.js';

/** One hosts directory containerd reads (`config_path`) or one it does not but where hosts.toml files were found. */
export interface HostsDir {
  path: string;
  bundleDir: string;
  inConfigPath: boolean;
  /**
   * Registry directories in it without a hosts.toml (Docker-style certificate directories). containerd
   * stops at the first `<dir>/<registry>/` that exists, hosts.toml or not, before looking at `_default`
   * (v2.2.0 core/remotes/docker/config/hosts.go:292-303 HostDirFromRoot stats the directory; :314-325
   * loadHostDir then reads its certificate files only). Absent in bundles of earlier dfdoctor releases.
   */
  withoutHostsToml?: string[];
}

export function effectiveConfigPath(
  config: ContainerdConfig,
  dflt: DefaultConfigPath,
): { configPath: string[]; from: ContainerdFacts['configPathFrom'] } {
  const explicit = splitConfigPath(config.cri.configPath);
  if (explicit.length > 0) return { configPath: explicit, from: 'config' };
  const mirrors = Object.keys(config.cri.mirrors).length > 0;
  // 2.2.0–2.2.1 carry the default in the default config, mirrors or not (then the CRI plugin refuses the pair)
  if (dflt.kind === 'in-defaults' || (dflt.kind === 'at-plugin-init' && !mirrors))
    return { configPath: [...dflt.dirs], from: 'default' };
  return { configPath: [], from: 'none' };
}

export async function readHostsDirs(b: BundleReader, configPath: string[]): Promise<HostsDir[]> {
  const t = await b.text(CONTAINERD_FILES.hostsDirs);
  if (t !== undefined) {
    try {
      const v = JSON.parse(t) as unknown;
      if (Array.isArray(v)) {
        const dirs = v.filter(
          (d): d is HostsDir =>
            typeof d === 'object' &&
            d !== null &&
            typeof d.path === 'string' &&
            typeof d.bundleDir === 'string' &&
            d.bundleDir.startsWith(`${CONTAINERD_FILES.dir}/`) &&
            (d.withoutHostsToml === undefined ||
              (Array.isArray(d.withoutHostsToml) && d.withoutHostsToml.every((n: unknown) => typeof n === 'string'))),
        );
        // a probe that did not know the release's default config_path copied those dirs as stray ones
        const rank = (d: HostsDir) => (configPath.includes(d.path) ? configPath.indexOf(d.path) : configPath.length);
        return dirs
          .map((d) => ({ ...d, inConfigPath: d.inConfigPath || configPath.includes(d.path) }))
          .sort((x, y) => rank(x) - rank(y));
      }
    } catch {
      /* fall through to the conventional layout */
    }
  }
  // hand-made bundles: raw/containerd/certs.d is the first config_path directory
  if ((await b.list(CONTAINERD_FILES.certsD)).length === 0) return [];
  return [
    {
      path: configPath[0] ?? '/etc/containerd/certs.d',
      bundleDir: CONTAINERD_FILES.certsD,
      inConfigPath: configPath.length > 0,
    },
  ];
}

/** A legacy mirror endpoint as a hosts.toml host, with no line: it was parsed from a line of its own making. */
function parseEntryUrl(u: string): HostsEntry | null {
  const r = parseHostsToml(`[host.${JSON.stringify(u)}]\n`);
  const e = r.ok ? r.file.hosts[0] : undefined;
  if (!e) return null;
  const { line: _made, ...entry } = e;
  return entry;
}

export async function buildRoutes(
  ctx: FactsContext,
  config: ContainerdConfig,
  configPath: string[],
  hostsDirs: HostsDir[],
  dd: DfdaemonEndpoints | null,
  checks: MirrorCheck[],
  pk: ContainerdVersionPicker,
  /** The bundle file the config came from, and the file and line that set each legacy mirror's endpoints. */
  configFile: { file: string; mirrors: Record<string, SetIn> },
): Promise<RegistryRoute[]> {
  const routes: RegistryRoute[] = [];
  // config_path takes the registry hosts from hosts.toml; legacy mirrors otherwise (both set is an error, see findMisconfigs)
  if (configPath.length > 0) {
    const seen = new Map<string, string>(); // namespace → node dir that serves it
    const inPath = hostsDirs.filter((d) => d.inConfigPath);
    const listed = await Promise.all(
      inPath.map(async (d) =>
        (await ctx.bundle.list(d.bundleDir))
          .map((f) => f.slice(d.bundleDir.length + 1))
          .filter((f) => /^[^/]+\/hosts\.toml$/.test(f)),
      ),
    );
    // asked once, and only where a _default exists: an unknown version is then assumed to read it (and says so)
    const defaultRead =
      !listed.some((files) => files.some((f) => f.startsWith('_default/'))) ||
      pk.value(defaultHostsDir, (v) => `a _default hosts directory is ${v}`) === 'read';
    for (const [dirIndex, d] of inPath.entries()) {
      const files = listed[dirIndex] ?? [];
      for (const f of files) {
        const ns = f.slice(0, f.indexOf('/'));
        const file = `${d.bundleDir}/${f}`;
        const nodeFile = `${d.path}/${f}`;
        const text = (await ctx.bundle.text(file)) ?? '';
        const registry = ns === '_default' ? '_default' : registryOfHostDir(ns);
        const route: RegistryRoute = {
          registry,
          source: 'hosts.toml',
          file,
          nodeFile,
          hosts: [],
          firstIsDfdaemon: false,
          originFallback: false,
          dirIndex,
        };
        // a release that reads no _default is not stopped by one in an earlier directory either
        const shadow = seen.get(ns) ?? (ns !== '_default' && defaultRead ? seen.get('_default') : undefined);
        if (shadow !== undefined) route.shadowedBy = shadow;
        const p = parseHostsToml(text);
        const rejected = rejection(registry, p, defaultRead, pk);
        if (rejected) {
          route.rejected = rejected;
          if (!rejected.unread)
            ctx.problem({
              file,
              ...(rejected.line === undefined ? {} : { line: rejected.line }),
              ...(rejected.column === undefined ? {} : { column: rejected.column }),
              message: rejected.message,
            });
        }
        const read = rejected || !p.ok ? null : p.file;
        // a shadowed file is not read at all: what it would ignore does not matter
        if (read?.ignored && shadow === undefined) {
          const first = read.ignored[0]?.line;
          ctx.note(ignoredKeysNote(read, file), first === undefined ? file : `${file}:${first}`);
        }
        const tried = read ? triedHosts(read, pk) : [];
        Object.assign(
          route,
          routeFromHostsFile(registry, { hosts: tried, ...(read?.server ? { server: read.server } : {}) }, dd, checks),
        );
        const untried = (read?.hosts ?? []).filter((h) => !tried.includes(h));
        if (untried.length > 0)
          route.untried = untried.map((h) => {
            const rh = toRouteHost(h, 'mirror', dd, checks);
            return { url: rh.url, isDfdaemon: rh.isDfdaemon, ...(h.line === undefined ? {} : { line: h.line }) };
          });
        routes.push(route);
      }
      // a directory without hosts.toml is a match too: its registry goes to the origin, with its certificates
      const bare = (d.withoutHostsToml ?? []).filter((ns) => !files.includes(`${ns}/hosts.toml`));
      for (const ns of bare) {
        const registry = ns === '_default' ? '_default' : registryOfHostDir(ns);
        const shadow = seen.get(ns) ?? (ns !== '_default' && defaultRead ? seen.get('_default') : undefined);
        routes.push({
          registry,
          source: 'certs-dir',
          nodeFile: `${d.path}/${ns}/`,
          dirIndex,
          ...(shadow === undefined ? {} : { shadowedBy: shadow }),
          ...routeFromHostsFile(registry, { hosts: [] }, dd, checks),
        });
      }
      for (const ns of [...files.map((f) => f.slice(0, f.indexOf('/'))), ...bare])
        if (!seen.has(ns)) seen.set(ns, d.path);
    }
  } else {
    for (const [registry, endpoints] of Object.entries(config.cri.mirrors)) {
      // each endpoint is cited at the line of the table's endpoint list, in the last file to set it
      const setIn = configFile.mirrors[registry];
      const line = setIn?.line;
      // registry.headers go to every host of every mirror: the only headers a legacy mirror sends
      const header = config.cri.registryHeader;
      const parse = (u: string) => {
        const e = parseEntryUrl(u);
        if (!e) return e;
        return {
          ...e,
          ...(line === undefined ? {} : { line }),
          ...(header === undefined ? {} : { registryHeader: header }),
        };
      };
      routes.push({
        registry,
        source: 'legacy-mirrors',
        file: setIn?.file ?? configFile.file,
        ...routeFromLegacyMirrors(registry, endpoints, dd, checks, parse),
      });
    }
  }
  return routes;
}

/**
 * What containerd drops of a hosts.toml without a word (parsers/hosts-toml.ts HOST_KEYS): the keys and
 * their lines; for a proxy, where containerd takes one instead (its environment: http.ProxyFromEnvironment,
 * v1.7.27 remotes/docker/config/hosts.go:149, v2.1.4 core/remotes/docker/registry.go:252); and the hosts
 * that only ignored keys name, which are tried all the same with pull, resolve and push (v1.7.27
 * hosts.go:457, v2.1.4 core/remotes/docker/config/hosts.go:466).
 */
function ignoredKeysNote(f: HostsFile, file: string): string {
  const ignored = f.ignored ?? [];
  const where = ignored
    .map(
      (k) =>
        `${k.path.map((p, i) => (i === 1 && k.path[0] === 'host' ? JSON.stringify(p) : p)).join('.')}${k.line === undefined ? '' : ` (line ${k.line})`}`,
    )
    .join(', ');
  const proxy = ignored.some((k) => k.path.some((p) => /proxy/i.test(p)));
  const only = f.onlyIgnored ?? [];
  return [
    `${file}: containerd ignores ${ignored.length === 1 ? 'a key' : 'keys'} it does not know in hosts.toml, without a word: ${where}`,
    ...(proxy
      ? [
          "hosts.toml has no proxy setting: pulls do not go through the proxy named here; containerd's requests use the HTTPS_PROXY / HTTP_PROXY / NO_PROXY of containerd's own environment",
        ]
      : []),
    ...(only.length > 0
      ? [
          `${only.map((h) => JSON.stringify(h)).join(', ')} ${only.length === 1 ? 'is' : 'are'} named by ignored keys only, and still tried as ${only.length === 1 ? 'a host' : 'hosts'} with pull, resolve and push (no capabilities set)`,
        ]
      : []),
  ].join('. ');
}

/** The file's hosts containerd tries, in its order: 2.0+ skips those without a `[host."…"]` header of their own. */
function triedHosts(f: HostsFile, pk: ContainerdVersionPicker): HostsEntry[] {
  if (f.headed.length === f.hosts.length) return f.headed;
  const v = pk.value(hostsWithoutOwnHeader, (x) => `a hosts.toml host without a [host."…"] header of its own is ${x}`);
  return v === 'tried' ? f.hosts : f.headed;
}

/** Why containerd ignores this hosts.toml, or null when it reads it. */
function rejection(
  registry: string,
  p: ReturnType<typeof parseHostsToml>,
  defaultRead: boolean,
  pk: ContainerdVersionPicker,
): NonNullable<RegistryRoute['rejected']> | null {
  if (registry === '_default' && !defaultRead) {
    // not the file's fault: this release never looks there, so the registries it was to serve go direct
    const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'this containerd';
    return {
      message: `${release} looks only in <config_path>/<registry>/: the _default directory came in 1.6.17 and 1.7.0 (containerd PR #7607, containerd#8053)`,
      unread: true,
    };
  }
  if (
    p.ok &&
    p.file.withoutHostTable === true &&
    pk.value(hostsWithoutHostTable, (v) => `a hosts.toml without [host] tables is ${v}`) === 'rejected'
  )
    return {
      message:
        'no [host."…"] table: containerd ≤ 1.7.31 rejects the file ("invalid `host` tree") and pulls from the registry directly',
    };
  if (
    p.ok &&
    p.file.referrers !== undefined &&
    pk.value(hostsReferrersCapability, (v) => `the hosts.toml capability "referrers" is ${v}`) === 'rejected'
  )
    return {
      message: `unknown capability "referrers" for ${JSON.stringify(p.file.referrers.raw)}: containerd before 2.2.0 rejects the file ("failed to decode … hosts.toml") and pulls from the registry directly`,
      ...(p.file.referrers.line === undefined ? {} : { line: p.file.referrers.line }),
    };
  if (
    p.ok &&
    p.file.badDialTimeout !== undefined &&
    pk.value(hostsDialTimeout, (v) => `hosts.toml dial_timeout is ${v ? 'read' : 'not a key'}`)
  )
    return {
      message: `dial_timeout ${JSON.stringify(p.file.badDialTimeout.value)} of ${JSON.stringify(p.file.badDialTimeout.raw)} is no duration (e.g. "1s"): containerd 2.0.7+ rejects the file ("failed to decode … hosts.toml") and pulls from the registry directly`,
      ...(p.file.badDialTimeout.line === undefined ? {} : { line: p.file.badDialTimeout.line }),
    };
  if (!p.ok)
    return {
      message: p.message,
      ...(p.line === undefined ? {} : { line: p.line }),
      ...(p.column === undefined ? {} : { column: p.column }),
    };
  return null;
}
