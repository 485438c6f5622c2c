// How the node's containerd config keeps pulls away from dfdaemon: each way has a kind, a message
// naming the file, and (where one exists) the containerd release or issue that makes it so.
import { type ContainerdConfig } from '../parsers/containerd-config.js';
import { formatVersion } from '../parsers/containerd-version.js';
import { configsTlsWithConfigPath, transferConfigPathList, type DefaultConfigPath } from '../knowledge/containerd.js';
import { ContainerdVersionPicker } from './containerd-versioned.js';
import { listenerAccepts, type Listener } from '../parsers/ss-listeners.js';
import { type PullMode } from './containerd-pull-mode.js';
import {
  type DfdaemonEndpoints,
  hostPort,
  isLoopbackHost,
  proxyPortsText,
  type RegistryRoute,
} from './containerd-routes.js';
import type { HostsDir } from './containerd-hosts-dirs.js';
import type { ContainerdFacts } from './containerd.js';
import { CONTAINERD_FILES } from './containerd-files.js';
import type { ConfigSetIn, SetIn } from './containerd-set-in.js';
import { headerText, type MisspeltCriTable } from './containerd-misspelt-plugins.js';

export type MisconfigKind =
  | 'no-routing'
  | 'config-path-without-hosts'
  | 'wrong-dir'
  | 'wrong-name'
  /** The same in legacy `registry.mirrors`, where the fix is a key renamed, not a hosts.toml. */
  | 'mirrors-wrong-name'
  | 'rejected'
  | 'legacy-with-config-path'
  | 'scheme'
  | 'wrong-port'
  | 'no-pull-capability'
  | 'not-listening'
  | 'shadowed'
  /** 2.2.0–2.2.1: `mirrors` with containerd's own default config_path: the CRI images plugin does not load. */
  | 'mirrors-refused'
  /** 2.1+ transfer-service pulls read a multi-directory config_path as one path (containerd#12415): no hosts.toml is found. */
  | 'config-path-list-transfer'
  /** `<config_path>/_default/hosts.toml` on a release before 1.6.17 / 1.7.0, which never reads it (containerd#8053). */
  | 'default-dir-unread'
  /** dfdaemon's host written without a `[host."…"]` header of its own (an inline table, dotted keys): 2.0+ never tries it. */
  | 'host-without-header'
  /** `<dir>/<registry>/` without hosts.toml (certificates only) keeps that registry off the `_default` that routes through dfdaemon. */
  | 'certs-dir-shadows-default'
  /** 2.3+: a version 3 file's leftover `[plugins."io.containerd.grpc.v1.cri".registry]` replaced the images table's registry. */
  | 'leftover-cri-registry'
  /** `config_path` written in the CRI table itself, not under its `.registry`: no containerd reads it there. */
  | 'config-path-misplaced'
  /** The Go dfdaemon's config gives its proxy no port: it serves no proxy, so no route reaches it. */
  | 'dfdaemon-proxy-off';

export interface Misconfig {
  kind: MisconfigKind;
  message: string;
  /** Bundle file and line the evidence comes from. */
  file?: string;
  line?: number;
  registry?: string;
}

const DOCKER_ALIASES = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com'];

/** A version 3 file's leftover CRI table that this containerd copied over its images table (2.3+). */
export interface LeftoverCri {
  file: string;
  keys: string[];
  /** "containerd 2.3.1", or "containerd" when the version is unknown. */
  release: string;
  /** The images table's own config_path, which the leftover registry table replaced. */
  configPathDropped?: string;
}

/** What the misconfig checks read: the effective config and where its routes lead. */
export interface MisconfigInputs {
  criPlugin: { status: string; line: number } | null;
  /** False when containerd's config is not known: config.toml does not parse, or none was given (loose files). */
  configKnown: boolean;
  /** False when hosts.toml files were not given with the config (loose files): its config_path's directories are not known. */
  hostsKnown: boolean;
  config: ContainerdConfig;
  configPath: string[];
  configPathFrom: ContainerdFacts['configPathFrom'];
  dflt: DefaultConfigPath;
  pull: PullMode;
  pk: ContainerdVersionPicker;
  hostsDirs: HostsDir[];
  routes: RegistryRoute[];
  dd: { endpoints: DfdaemonEndpoints; present: boolean } | null;
  listeners: Listener[] | null;
  log: ContainerdFacts['log'];
  file: string | null;
  /** Where the settings are set: a misconfig cites the file that sets the key it is about. */
  setIn: ConfigSetIn;
  leftoverCri: LeftoverCri | null;
  /** CRI settings under a top-level key containerd does not have (`[plugin.…]`): never read. */
  misspeltCri: MisspeltCriTable | null;
}

/** Every way the config keeps pulls from dfdaemon, in the order a reader fixes them: config, directories, routes. */
export function findMisconfigs(a: MisconfigInputs): Misconfig[] {
  const out = [...criConfigRefused(a), ...transferListIgnored(a)];
  // with the CRI plugin refused, where hosts.toml files sit makes no difference yet
  if (out.some((m) => m.kind === 'mirrors-refused')) return out;
  out.push(...hostsDirsMisplaced(a));
  const hasDocker = a.routes.some(
    (r) =>
      r.source !== 'certs-dir' && (r.registry === 'docker.io' || (r.registry === '_default' && !r.rejected?.unread)),
  );
  for (const r of a.routes) out.push(...routeMisconfigs(a, r, hasDocker));
  out.push(...dfdaemonProxyOff(a), ...dfdaemonUnrouted(a, out));
  out.push(...loggedRefusals(a, out));
  return out;
}

const cfgFile = (a: MisconfigInputs) => a.file ?? CONTAINERD_FILES.config;

/** The file and line that set a key (the last of config.toml and its imports), else the config file. */
function setBy(a: MisconfigInputs, s: SetIn | undefined): { file: string; line?: number } {
  return s ? { file: s.file, ...(s.line === undefined ? {} : { line: s.line }) } : { file: cfgFile(a) };
}

/** config_path next to mirrors (or configs.tls), and 2.2.0–2.2.1's own default config_path next to mirrors. */
function criConfigRefused(a: MisconfigInputs): Misconfig[] {
  const legacy = Object.keys(a.config.cri.mirrors);
  const tlsRefused =
    a.config.cri.configsTls.length > 0 &&
    a.pk.value(configsTlsWithConfigPath, (v) => `registry.configs.*.tls next to config_path is ${v}`) === 'refused';
  const plugin =
    a.criPlugin?.status === 'error'
      ? ` — confirmed: \`ctr plugins ls\` shows it in error (${CONTAINERD_FILES.plugins}:${a.criPlugin.line})`
      : '';
  const isDefault =
    a.dflt.kind !== 'none' && (a.configPathFrom === 'default' || a.configPath.join(':') === a.dflt.dirs.join(':'));
  if (legacy.length > 0 && a.dflt.kind === 'in-defaults' && isDefault) {
    return [
      {
        kind: 'mirrors-refused',
        message: `containerd ${a.pk.version ? formatVersion(a.pk.version) : ''} sets config_path = "${a.dflt.dirs.join(':')}" by default and then refuses registry.mirrors (${legacy.join(', ')}): "invalid cri image config: \`mirrors\` cannot be set when \`config_path\` is provided" — the CRI images plugin does not load, so the kubelet cannot pull through this containerd at all (2.2.0–2.2.1 only; fixed in 2.2.2)${plugin}`,
        ...setBy(a, a.setIn.mirrors[legacy[0]!]),
      },
    ];
  }
  if (a.configPath.length > 0 && (legacy.length > 0 || tlsRefused)) {
    const what = legacy.length > 0 ? `mirrors (${legacy.join(', ')})` : 'configs.*.tls';
    const key = legacy.length > 0 ? 'mirrors' : 'configs.tls';
    return [
      {
        kind: 'legacy-with-config-path',
        message: `config_path and registry.${what} are both set: containerd rejects the CRI config ("\`${key}\` cannot be set when \`config_path\` is provided"), so the CRI plugin does not load${plugin}`,
        // the key refused: an import may set it, and the fix removes it there
        ...setBy(a, legacy.length > 0 ? a.setIn.mirrors[legacy[0]!] : a.setIn.configs[a.config.cri.configsTls[0]!]),
      },
    ];
  }
  return [];
}

/** 2.1+ transfer-service pulls pass config_path on as one path: a list finds no hosts.toml at all. */
function transferListIgnored(a: MisconfigInputs): Misconfig[] {
  // only where hosts.toml files wait to be used: a stock 2.2 node without any has lost nothing
  if (
    a.pull.mode !== 'transfer' ||
    a.configPath.length < 2 ||
    !a.routes.some((r) => r.source === 'hosts.toml') ||
    a.pk.value(transferConfigPathList) !== 'single-path'
  )
    return [];
  const list = a.configPath.join(':');
  return [
    {
      kind: 'config-path-list-transfer',
      message: `config_path = "${list}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''} lists ${a.configPath.length} directories, but CRI pulls here go through the transfer service, which does not split the list (containerd#12415, #12636): it looks for "${list}/<registry>/hosts.toml", finds none, and pulls from the registry directly — no hosts.toml in these directories is used`,
      ...setBy(a, a.setIn.configPath),
    },
  ];
}

/** hosts.toml where containerd does not look, a config_path with none while dfdaemon waits, or no routing at all. */
function hostsDirsMisplaced(a: MisconfigInputs): Misconfig[] {
  const { configPath, routes } = a;
  const out: Misconfig[] = [];
  const stray = a.hostsDirs.filter((d) => !d.inConfigPath);
  const misplaced = a.config.cri.configPathMisplaced;
  if (misplaced !== undefined && a.config.cri.configPath === undefined)
    out.push({
      kind: 'config-path-misplaced',
      message: `config_path = "${misplaced}" is set in [plugins."${a.config.criPluginId}"] itself, where containerd does not read it (the image config has no such key there): it belongs under [plugins."${a.config.criPluginId}".registry], so ${misplaced} is not containerd's hosts directory`,
      ...setBy(a, a.setIn.configPathMisplaced),
    });
  const cpText = `config_path = "${configPath.join(':')}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''}`;
  // an empty hosts directory (containerd's default or one a node bootstrapper such as EKS nodeadm sets) is a
  // stock node: a finding only when dfdaemon waits for pulls or a hosts.toml sits where containerd does not look
  if (
    configPath.length > 0 &&
    routes.length === 0 &&
    (stray.length > 0 || (a.dd?.present && a.configKnown && a.hostsKnown))
  ) {
    out.push({
      kind: stray.length > 0 ? 'wrong-dir' : 'config-path-without-hosts',
      message:
        stray.length > 0
          ? `${cpText} holds no hosts.toml, but ${stray.map((s) => s.path).join(', ')} does — containerd never reads it`
          : `${cpText} holds no <registry>/hosts.toml: every pull goes to the registry directly`,
      ...setBy(a, a.configPathFrom === 'config' ? a.setIn.configPath : undefined),
    });
  } else if (stray.length > 0) {
    out.push({
      kind: 'wrong-dir',
      message: `hosts.toml files under ${stray.map((s) => s.path).join(', ')}, which is not in config_path (${configPath.length > 0 ? configPath.join(':') : 'unset'}): containerd ignores them`,
      ...(stray[0] ? { file: stray[0].bundleDir } : {}),
    });
  }
  const legacy = Object.keys(a.config.cri.mirrors);
  if (configPath.length === 0 && legacy.length === 0 && a.dd?.present && a.configKnown) {
    // registry settings written under `[plugin.…]` are why: cite them (facts/containerd-misspelt-plugins.ts)
    const m = a.misspeltCri?.sets.includes('registry') ? a.misspeltCri : null;
    out.push({
      kind: 'no-routing',
      message: `neither config_path nor registry.mirrors is set${m ? ` where containerd reads them: ${m.file} writes the registry settings under ${headerText(m)}, and containerd's config has no \`${m.top}\` key (they belong under \`plugins\`), so it never reads them` : ''}${a.pk.version ? '' : " (and containerd's version is unknown: ≥ 2.2.0 would default config_path to /etc/containerd/certs.d:/etc/docker/certs.d)"}: containerd pulls every image straight from its registry, never through dfdaemon`,
      ...(m ? { file: m.file, ...(m.line === undefined ? {} : { line: m.line }) } : { file: cfgFile(a) }),
    });
  }
  return out;
}

/** One registry's route: keyed on the wrong name, not read, shadowed, or its first host unfit. */
function routeMisconfigs(a: MisconfigInputs, r: RegistryRoute, hasDocker: boolean): Misconfig[] {
  if (r.source === 'certs-dir') return certsDirMisconfigs(a, r);
  const out: Misconfig[] = [];
  const inFile = r.file ? { file: r.file } : {};
  if (DOCKER_ALIASES.includes(r.registry) && !hasDocker) {
    const legacy = r.source === 'legacy-mirrors';
    const line = legacy ? r.hosts[0]?.line : undefined;
    out.push({
      kind: legacy ? 'mirrors-wrong-name' : 'wrong-name',
      registry: r.registry,
      message: `${legacy ? 'registry.mirrors' : 'hosts.toml'} is keyed on "${r.registry}", but containerd looks up Docker Hub images under "docker.io": the mirror is never used for them`,
      ...inFile,
      ...(line === undefined ? {} : { line }),
    });
  }
  if (r.rejected?.unread) {
    out.push({
      kind: 'default-dir-unread',
      registry: r.registry,
      message: `${r.nodeFile ?? r.file} is never read: ${r.rejected.message}; every registry without a directory of its own is pulled directly`,
      ...inFile,
    });
    return out;
  }
  if (r.rejected) {
    out.push({
      kind: 'rejected',
      registry: r.registry,
      message: `containerd ignores ${r.nodeFile ?? r.file} (${r.rejected.message}) and pulls from the registry directly`,
      ...inFile,
      ...(r.rejected.line === undefined ? {} : { line: r.rejected.line }),
    });
    return out;
  }
  if (r.shadowedBy !== undefined) {
    out.push({
      kind: 'shadowed',
      registry: r.registry,
      message: `${r.nodeFile} is never read: ${r.shadowedBy} comes first in config_path and already matches ${r.registry} (containerd stops at the first directory with a match, _default included)`,
      ...inFile,
    });
    return out;
  }
  const unheaded = r.untried?.find((h) => h.isDfdaemon);
  if (unheaded && !r.firstIsDfdaemon) {
    const release = a.pk.version ? `containerd ${formatVersion(a.pk.version)}` : 'containerd 2.0+';
    out.push({
      kind: 'host-without-header',
      registry: r.registry,
      message: `${unheaded.url} in ${r.nodeFile ?? r.file} has no [host."…"] header of its own (it is written as an inline table or with dotted keys), and ${release} takes hosts only from those headers: it never tries dfdaemon for ${r.registry}`,
      ...inFile,
      ...(unheaded.line === undefined ? {} : { line: unheaded.line }),
    });
  }
  const first = r.hosts[0];
  if (first && first.role !== 'origin') out.push(...firstHostUnfit(a, r, first));
  return out;
}

/**
 * A registry directory without hosts.toml that containerd reaches before a `_default` routing through
 * dfdaemon: that registry goes to its origin. Behind an earlier directory's match it is never reached,
 * and without such a `_default` it changes nothing about dfdaemon.
 */
function certsDirMisconfigs(a: MisconfigInputs, r: RegistryRoute): Misconfig[] {
  if (r.shadowedBy !== undefined || r.registry === '_default') return [];
  const viaDefault = a.routes.find(
    (x) =>
      x.registry === '_default' &&
      x.source === 'hosts.toml' &&
      !x.rejected &&
      x.shadowedBy === undefined &&
      x.hosts.some((h) => h.isDfdaemon),
  );
  if (!viaDefault) return [];
  return [
    {
      kind: 'certs-dir-shadows-default',
      registry: r.registry,
      message: `${r.nodeFile} holds no hosts.toml (a Docker-style certificate directory), and containerd stops at the first <registry>/ directory it finds, before _default/: ${r.registry} is pulled from the registry directly, not through dfdaemon as ${viaDefault.nodeFile ?? viaDefault.file} routes the other registries`,
      file: CONTAINERD_FILES.hostsDirs,
    },
  ];
}

/** The first host containerd tries: dfdaemon on a wrong port or scheme, without "pull", or nothing listening. */
function firstHostUnfit(a: MisconfigInputs, r: RegistryRoute, first: RegistryRoute['hosts'][number]): Misconfig[] {
  const out: Misconfig[] = [];
  const at = {
    ...(r.file ? { file: r.file } : {}),
    ...(first.line === undefined ? {} : { line: first.line }),
    registry: r.registry,
  };
  if (first.dfdaemonWrongPort) {
    out.push({
      kind: 'wrong-port',
      message: `${first.url} is dfdaemon's ${first.dfdaemonWrongPort} port, not its proxy ${a.dd?.endpoints.proxyOff === undefined ? `port (${a.dd ? proxyPortsText(a.dd.endpoints) : ''})` : `(it serves none: ${a.dd.endpoints.proxyOff})`}`,
      ...at,
    });
  }
  if (!first.capabilities.includes('pull')) {
    out.push({
      kind: 'no-pull-capability',
      message: `${first.url} lacks the "pull" capability: containerd never fetches blobs from it`,
      ...at,
    });
  }
  // an https check that got an HTTP answer proves the proxy does serve TLS here
  if (first.isDfdaemon && first.scheme === 'https' && !(first.check?.tcp === 'open' && first.check.v2Status !== null)) {
    out.push({
      kind: 'scheme',
      message: `${first.url} uses https, but dfdaemon's proxy speaks plain HTTP unless configured for TLS (a host without a scheme means https to containerd): write http://${hostPort(first.host, first.port)}`,
      ...at,
    });
  }
  const c = first.check;
  const listensFor = (host: string) => (l: Listener) =>
    l.port === first.port && listenerAccepts(l, host === 'localhost' ? '127.0.0.1' : host);
  // a timeout is dropped traffic (mirror-fallback, netfilter), not a missing listener
  if (c && c.tcp === 'refused') {
    out.push({
      kind: 'not-listening',
      message: `nothing listens on ${hostPort(first.host, first.port)} (TCP connect refused${c.connectMs === null ? '' : ` in ${c.connectMs.toFixed(1)} ms`}, ${CONTAINERD_FILES.mirrorCheck})`,
      ...at,
    });
  } else if (!c && a.listeners && isLoopbackHost(first.host) && !a.listeners.some(listensFor(first.host))) {
    out.push({
      kind: 'not-listening',
      message: `no listener on ${hostPort(first.host, first.port)} in ${CONTAINERD_FILES.listeners}`,
      ...at,
    });
  }
  return out;
}

/** containerd routes registries through mirrors while the dfdaemon here serves no proxy at all. */
function dfdaemonProxyOff(a: MisconfigInputs): Misconfig[] {
  const off = a.dd?.present ? a.dd.endpoints.proxyOff : undefined;
  if (off === undefined || a.routes.length === 0) return [];
  return [{ kind: 'dfdaemon-proxy-off', message: `${off}: no registry is pulled through dfdaemon` }];
}

/** A dfdaemon is here but no registry route starts at it, and nothing found so far says why. */
function dfdaemonUnrouted(a: MisconfigInputs, found: readonly Misconfig[]): Misconfig[] {
  const { routes } = a;
  if (
    !a.dd?.present ||
    a.dd.endpoints.proxyOff !== undefined ||
    routes.length === 0 ||
    routes.some((r) => r.hosts[0]?.check?.tcp === 'timeout') ||
    routes.some((r) => r.firstIsDfdaemon && !r.rejected && r.shadowedBy === undefined)
  )
    return [];
  const explained = new Set<MisconfigKind>([
    'not-listening',
    'wrong-port',
    'rejected',
    'wrong-name',
    'host-without-header',
  ]);
  if (found.some((m) => explained.has(m.kind))) return [];
  const left = a.leftoverCri;
  if (left?.keys.includes('registry'))
    return [
      {
        kind: 'leftover-cri-registry',
        message: `${left.file} is a version 3 config that still holds a [plugins."io.containerd.grpc.v1.cri".registry] table, and ${left.release} copies it over [plugins."io.containerd.cri.v1.images"].registry when it loads the file, replacing that table whole${left.configPathDropped === undefined ? '' : ` (config_path = "${left.configPathDropped}" there is dropped)`}: no registry's first host is dfdaemon's proxy (port ${proxyPortsText(a.dd.endpoints)})`,
        file: left.file,
      },
    ];
  return [
    {
      kind: 'no-routing',
      message: `no registry's first host is dfdaemon's proxy (port ${proxyPortsText(a.dd.endpoints)}; ${a.dd.endpoints.source})`,
      ...(routes[0]?.file ? { file: routes[0].file } : {}),
    },
  ];
}

/** What containerd's own log says it refused, when the files did not already show it (first of each). */
function loggedRefusals(a: MisconfigInputs, found: readonly Misconfig[]): Misconfig[] {
  const out: Misconfig[] = [];
  const has = (...kinds: MisconfigKind[]) => [...found, ...out].some((m) => kinds.includes(m.kind));
  for (const ev of a.log?.events ?? []) {
    if (ev.kind === 'hosts-toml-decode' && !has('rejected')) {
      out.push({
        kind: 'rejected',
        message: `containerd logged "${ev.msg}"${ev.error ? ` (${ev.error})` : ''}: that file is ignored`,
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
    if (ev.kind === 'mirrors-with-config-path' && !has('legacy-with-config-path', 'mirrors-refused')) {
      out.push({
        kind: 'legacy-with-config-path',
        message:
          'containerd logged "`mirrors` cannot be set when `config_path` is provided": the CRI plugin did not load',
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
  }
  return out;
}
