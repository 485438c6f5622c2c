// How the node's containerd config keeps pulls away from dfdaemon: each way has a kind, a message
// naming the file, and (where one exists) the containerd release or issue that makes it so.
import { type ContainerdConfig } from '../parsers/containerd-config.js';
import { configsTlsWithConfigPath, transferConfigPathList, type DefaultConfigPath } from '../knowledge/containerd.js';
import { ContainerdVersionPicker } from './containerd-versioned.js';
import { listenerAccepts, type Listener } from '../parsers/ss-listeners.js';
import { type PullMode } from './containerd-pull-mode.js';
import { type DfdaemonEndpoints, hostPort, isLoopbackHost, type RegistryRoute } from './containerd-routes.js';
import type { HostsDir } from './containerd-hosts-dirs.js';
import type { ContainerdFacts } from './containerd.js';
import { CONTAINERD_FILES } from './containerd-files.js';

export type MisconfigKind =
  | 'no-routing'
  | 'config-path-without-hosts'
  | 'wrong-dir'
  | 'wrong-name'
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
  | 'default-dir-unread';

export interface Misconfig {
  kind: MisconfigKind;
  message: string;
  /** Bundle file and line the evidence comes from. */
  file?: string;
  line?: number;
  registry?: string;
}

const DOCKER_ALIASES = ['index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com'];

export function findMisconfigs(a: {
  criPlugin: { status: string; line: number } | null;
  configValid: boolean;
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
  misconfigs: Misconfig[];
  file: string | null;
}): void {
  const { config, configPath, hostsDirs, routes, misconfigs: out } = a;
  const cfgFile = a.file ?? CONTAINERD_FILES.config;
  const legacy = Object.keys(config.cri.mirrors);
  const tlsRefused =
    config.cri.configsTls.length > 0 &&
    a.pk.value(configsTlsWithConfigPath, (v) => `registry.configs.*.tls next to config_path is ${v}`) === 'refused';
  const plugin =
    a.criPlugin?.status === 'error'
      ? ` — confirmed: \`ctr plugins ls\` shows it in error (${CONTAINERD_FILES.plugins}:${a.criPlugin.line})`
      : '';
  const isDefault =
    a.dflt.kind !== 'none' && (a.configPathFrom === 'default' || configPath.join(':') === a.dflt.dirs.join(':'));
  if (legacy.length > 0 && a.dflt.kind === 'in-defaults' && isDefault) {
    out.push({
      kind: 'mirrors-refused',
      message: `containerd ${a.pk.version ? `${a.pk.version.major}.${a.pk.version.minor}.${a.pk.version.patch}` : ''} sets config_path = "${a.dflt.dirs.join(':')}" by default and then refuses registry.mirrors (${legacy.join(', ')}): "invalid cri image config: \`mirrors\` cannot be set when \`config_path\` is provided" — the CRI images plugin does not load, so the kubelet cannot pull through this containerd at all (2.2.0–2.2.1 only; fixed in 2.2.2)${plugin}`,
      file: cfgFile,
    });
  } else if (configPath.length > 0 && (legacy.length > 0 || tlsRefused)) {
    out.push({
      kind: 'legacy-with-config-path',
      message: `config_path and registry.${legacy.length > 0 ? `mirrors (${legacy.join(', ')})` : 'configs.*.tls'} are both set: containerd rejects the CRI config ("\`${legacy.length > 0 ? 'mirrors' : 'configs.tls'}\` cannot be set when \`config_path\` is provided"), so the CRI plugin does not load${plugin}`,
      file: cfgFile,
    });
  }
  // 2.1+ transfer-service pulls pass config_path on as one path: a list finds no hosts.toml at all
  // only where hosts.toml files wait to be used: a stock 2.2 node without any has lost nothing
  if (
    a.pull.mode === 'transfer' &&
    configPath.length > 1 &&
    routes.some((r) => r.source === 'hosts.toml') &&
    a.pk.value(transferConfigPathList) === 'single-path'
  ) {
    out.push({
      kind: 'config-path-list-transfer',
      message: `config_path = "${configPath.join(':')}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''} lists ${configPath.length} directories, but CRI pulls here go through the transfer service, which does not split the list (containerd#12415, #12636): it looks for "${configPath.join(':')}/<registry>/hosts.toml", finds none, and pulls from the registry directly — no hosts.toml in these directories is used`,
      file: cfgFile,
    });
  }
  const stray = hostsDirs.filter((d) => !d.inConfigPath);
  // with the CRI plugin refused, where hosts.toml files sit makes no difference yet
  if (out.some((m) => m.kind === 'mirrors-refused')) return;
  const cpText = `config_path = "${configPath.join(':')}"${a.configPathFrom === 'default' ? " (containerd's default)" : ''}`;
  // an empty hosts directory (containerd's default or one a node bootstrapper such as EKS nodeadm sets) is a
  // stock node: a finding only when dfdaemon waits for pulls or a hosts.toml sits where containerd does not look
  if (configPath.length > 0 && routes.length === 0 && (stray.length > 0 || (a.dd?.present && a.configValid))) {
    out.push({
      kind: stray.length > 0 ? 'wrong-dir' : 'config-path-without-hosts',
      message:
        stray.length > 0
          ? `${cpText} holds no hosts.toml, but ${stray.map((s) => s.path).join(', ')} does — containerd never reads it`
          : `${cpText} holds no <registry>/hosts.toml: every pull goes to the registry directly`,
      file: cfgFile,
    });
  } else if (stray.length > 0) {
    out.push({
      kind: 'wrong-dir',
      message: `hosts.toml files under ${stray.map((s) => s.path).join(', ')}, which is not in config_path (${configPath.length > 0 ? configPath.join(':') : 'unset'}): containerd ignores them`,
      ...(stray[0] ? { file: stray[0].bundleDir } : {}),
    });
  }
  if (configPath.length === 0 && legacy.length === 0 && a.dd?.present && a.configValid) {
    out.push({
      kind: 'no-routing',
      message: `neither config_path nor registry.mirrors is set${a.pk.version ? '' : " (and containerd's version is unknown: ≥ 2.2.0 would default config_path to /etc/containerd/certs.d:/etc/docker/certs.d)"}: containerd pulls every image straight from its registry, never through dfdaemon`,
      file: cfgFile,
    });
  }
  const names = routes.map((r) => r.registry);
  const hasDocker = names.includes('docker.io') || names.includes('_default');
  for (const r of routes) {
    if (DOCKER_ALIASES.includes(r.registry) && !hasDocker) {
      out.push({
        kind: 'wrong-name',
        registry: r.registry,
        message: `hosts.toml is keyed on "${r.registry}", but containerd looks up Docker Hub images under "docker.io": the mirror is never used for them`,
        ...(r.file ? { file: r.file } : {}),
      });
    }
    if (r.rejected?.unread) {
      out.push({
        kind: 'default-dir-unread',
        registry: r.registry,
        message: `${r.nodeFile ?? r.file} is never read: ${r.rejected.message}; every registry without a directory of its own is pulled directly`,
        ...(r.file ? { file: r.file } : {}),
      });
      continue;
    }
    if (r.rejected) {
      out.push({
        kind: 'rejected',
        registry: r.registry,
        message: `containerd ignores ${r.nodeFile ?? r.file} (${r.rejected.message}) and pulls from the registry directly`,
        ...(r.file ? { file: r.file } : {}),
        ...(r.rejected.line === undefined ? {} : { line: r.rejected.line }),
      });
      continue;
    }
    if (r.shadowedBy !== undefined) {
      out.push({
        kind: 'shadowed',
        registry: r.registry,
        message: `${r.nodeFile} is never read: ${r.shadowedBy} comes first in config_path and already matches ${r.registry} (containerd stops at the first directory with a match, _default included)`,
        ...(r.file ? { file: r.file } : {}),
      });
      continue;
    }
    const first = r.hosts[0];
    if (!first || first.role === 'origin') continue;
    const at = {
      ...(r.file ? { file: r.file } : {}),
      ...(first.line === undefined ? {} : { line: first.line }),
      registry: r.registry,
    };
    if (first.dfdaemonWrongPort) {
      out.push({
        kind: 'wrong-port',
        message: `${first.url} is dfdaemon's ${first.dfdaemonWrongPort} port, not its proxy port (${a.dd?.endpoints.proxyPorts.join('/')})`,
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
    if (
      first.isDfdaemon &&
      first.scheme === 'https' &&
      !(first.check?.tcp === 'open' && first.check.v2Status !== null)
    ) {
      out.push({
        kind: 'scheme',
        message: `${first.url} uses https, but dfdaemon's proxy speaks plain HTTP unless configured for TLS (a host without a scheme means https to containerd): write http://${hostPort(first.host, first.port)}`,
        ...at,
      });
    }
    const c = first.check;
    // a timeout is dropped traffic (mirror-fallback, netfilter), not a missing listener
    if (c && c.tcp === 'refused') {
      out.push({
        kind: 'not-listening',
        message: `nothing listens on ${hostPort(first.host, first.port)} (TCP connect refused${c.connectMs === null ? '' : ` in ${c.connectMs.toFixed(1)} ms`}, ${CONTAINERD_FILES.mirrorCheck})`,
        ...at,
      });
    } else if (
      !c &&
      a.listeners &&
      isLoopbackHost(first.host) &&
      !a.listeners.some(
        (l) => l.port === first.port && listenerAccepts(l, first.host === 'localhost' ? '127.0.0.1' : first.host),
      )
    ) {
      out.push({
        kind: 'not-listening',
        message: `no listener on ${hostPort(first.host, first.port)} in ${CONTAINERD_FILES.listeners}`,
        ...at,
      });
    }
  }
  // a dfdaemon is here but no registry route starts at it
  if (
    a.dd?.present &&
    routes.length > 0 &&
    !routes.some((r) => r.hosts[0]?.check?.tcp === 'timeout') &&
    !routes.some((r) => r.firstIsDfdaemon && !r.rejected && r.shadowedBy === undefined)
  ) {
    if (
      !out.some(
        (m) =>
          m.kind === 'not-listening' || m.kind === 'wrong-port' || m.kind === 'rejected' || m.kind === 'wrong-name',
      )
    ) {
      out.push({
        kind: 'no-routing',
        message: `no registry's first host is dfdaemon's proxy (port ${a.dd.endpoints.proxyPorts.join('/')}; ${a.dd.endpoints.source})`,
        ...(routes[0]?.file ? { file: routes[0].file } : {}),
      });
    }
  }
  for (const ev of a.log?.events ?? []) {
    if (ev.kind === 'hosts-toml-decode' && !out.some((m) => m.kind === 'rejected')) {
      out.push({
        kind: 'rejected',
        message: `containerd logged "${ev.msg}"${ev.error ? ` (${ev.error})` : ''}: that file is ignored`,
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
    if (
      ev.kind === 'mirrors-with-config-path' &&
      !out.some((m) => m.kind === 'legacy-with-config-path' || m.kind === 'mirrors-refused')
    ) {
      out.push({
        kind: 'legacy-with-config-path',
        message:
          'containerd logged "`mirrors` cannot be set when `config_path` is provided": the CRI plugin did not load',
        file: a.log?.file ?? '',
        line: ev.line,
      });
    }
  }
}
