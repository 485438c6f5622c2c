// containerd config text that several rules advise, written in the layout the node's config.toml
// uses, so one fix reads the same wherever it is given. Table names per config `version`
// (containerd/containerd v1.6.38 pkg/cri/config/config.go; v2.1.0 internal/cri/config/config.go,
// docs/cri/config.md): see src/parsers/containerd-config.ts.
import type { ContainerdFacts } from '../../facts/containerd.js';
import { CONTAINERD_FILES } from '../../facts/containerd-files.js';
import type { SetIn } from '../../facts/containerd-set-in.js';
import { GENERATING_DISTRIBUTIONS, MICROK8S, TALOS } from '../../knowledge/containerd-distributions.js';
import { type ConfigLayout, criV1Layout } from '../../parsers/containerd-config.js';
import type { Step } from '../../report/model.js';
import { cmd, prose, snippet } from '../steps.js';

const DEFAULT_CONFIG_TOML = '/etc/containerd/config.toml';
const DEFAULT_HOSTS_DIR = '/etc/containerd/certs.d';
const DEFAULT_PROXY_PORT = 4001;
/** The Go proxy port the deb/rpm dfget.yaml and the Helm chart write (dragonfly v2.1.49 build/package/nfpm/config/dfget.yaml:121). */
export const GO_PROXY_PORT = 65001;

/**
 * How a config.toml change takes effect: containerd's restart, or on k3s and RKE2, which run containerd
 * and write its config as they start, theirs.
 */
export function restart(c: ContainerdFacts): Step {
  if (c.rewrittenAtBoot?.by === 'talos')
    return prose(
      'Talos applies the machine config change and restarts its CRI containerd where the change needs it: there is no containerd unit to restart.',
    );
  if (c.rewrittenAtBoot?.by === 'microk8s')
    return cmd(
      `snap restart ${MICROK8S.service}    # MicroK8s writes containerd.toml from its template as containerd starts`,
    );
  if (c.generatedBy === null)
    return cmd('systemctl restart containerd    # config.toml changes need a restart; hosts.toml edits do not');
  const d = GENERATING_DISTRIBUTIONS[c.generatedBy];
  return cmd(
    `systemctl restart ${d.units.server}    # ${d.units.agent} on an agent node: ${d.name} runs containerd and writes its config as it starts`,
  );
}

/** After a hosts.toml change alone: nothing to restart, unless the distribution writes hosts.toml from registries.yaml. */
export function afterHostsToml(c: ContainerdFacts): Step {
  return c.generatedBy === null && c.rewrittenAtBoot?.by !== 'talos'
    ? prose('hosts.toml edits take effect without restarting containerd.')
    : restart(c);
}

/**
 * A containerd rule's steps as they apply on this node: where k3s or RKE2 generates the files the steps
 * edit, an edit would be undone at the next start, so a first step says where the change goes instead.
 */
export function onThisNode(c: ContainerdFacts, steps: Step[]): Step[] {
  const by = c.generatedBy;
  if (by === null) return atBoot(c, steps);
  const file = configToml(c);
  const dir = file.slice(0, file.lastIndexOf('/'));
  const template = `${dir}/${c.config.layout >= 3 ? 'config-v3.toml.tmpl' : 'config.toml.tmpl'}`;
  // first: a step of the list may end in a colon that its snippet completes
  return [
    prose(
      `${by} writes ${file} (its first line says DO NOT EDIT) and the hosts.toml files of its certs.d each time it starts: a registry mirror goes in ${GENERATING_DISTRIBUTIONS[by].registries}; any other change in ${template}, a copy of the generated file with the change. The other steps say what to change, not where.`,
    ),
    ...steps,
  ];
}

/**
 * Where config.toml is written again (EKS's nodeadm at every boot, Bottlerocket from its settings), steps
 * that change it say first where the change must go, or it does not last.
 */
function atBoot(c: ContainerdFacts, steps: Step[]): Step[] {
  const file = configToml(c);
  // a step changes config.toml when its snippet goes there or its prose names it (a table to delete)
  const w = c.rewrittenAtBoot;
  // Talos writes the hosts.toml files beside the config too (/etc/cri/conf.d/hosts)
  const changes = (s: Step) =>
    (s.kind === 'snippet' && (s.file === file || (w?.by === 'talos' && s.file.startsWith(TALOS.writes)))) ||
    (s.kind === 'prose' && s.text.includes(file));
  if (w === null || !steps.some(changes)) return steps;
  if (w.by === 'talos') return [prose(talosWhere(file, w.release)), ...steps];
  if (w.by === 'microk8s')
    return [
      prose(
        `MicroK8s writes ${c.configOnNode ?? MICROK8S.rendersTo} from ${file} each time its containerd starts, so an edit to the written file does not last: make the change in the template.`,
      ),
      ...steps,
    ];
  return [
    prose(
      w.by === 'nodeadm'
        ? `EKS's nodeadm writes ${file} again at every boot (${w.unit} runs \`nodeadm init --skip run\`): put a change to it in the NodeConfig's spec.containerd.config as well, the inline TOML that nodeadm merges over the file it writes (the instance's user data: the launch template), or the next boot undoes it.`
        : `Bottlerocket writes ${file} from its settings, so an edit to the file does not last: make the change through the settings that render it, with \`apiclient set\` or in the instance's user data (registry mirrors: settings.container-registry.mirrors; max_concurrent_downloads and the snapshotter: settings.container-runtime.max-concurrent-downloads and .snapshotter).`,
    ),
    ...steps,
  ];
}

/** Where a Talos user makes the change: the machine config, by the documents their release has. */
function talosWhere(file: string, release: { major: number; minor: number } | null): string {
  const from = (v: { major: number; minor: number }) =>
    release === null ? null : release.major > v.major || (release.major === v.major && release.minor >= v.minor);
  const docs = from(TALOS.mirrorDocsFrom);
  const mirrors =
    docs === null
      ? 'a RegistryMirrorConfig document per registry (Talos 1.12+; machine.registries.mirrors before)'
      : docs
        ? 'a RegistryMirrorConfig document per registry (name: the registry, endpoints: - url: …)'
        : 'machine.registries.mirrors.<registry>.endpoints';
  const cri = from(TALOS.criDocsFrom);
  const part =
    cri === null
      ? `a CRICustomizationConfig document (Talos 1.14+: name, content: the TOML) or, before 1.14, a machine.files entry with path ${TALOS.customizationPart} and op: create`
      : cri
        ? 'a CRICustomizationConfig document (name: one of your choosing, content: the TOML)'
        : `a machine.files entry with path ${TALOS.customizationPart}, op: create and the TOML as its content`;
  return `Talos writes ${file}, the cri.toml it imports and the hosts.toml files under /etc/cri/conf.d from its machine config, so an edit to those files does not last: make the change in the machine config (talosctl patch machineconfig). A registry mirror goes in ${mirrors}; any other containerd setting below in ${part}, which Talos merges into cri.toml.`;
}

/** A grep of the last hour of containerd's log: its journal (MicroK8s': its snap service's), or the file k3s and RKE2 have it write. */
export function logGrep(c: ContainerdFacts, pattern: string, comment: string): Step {
  // Talos's CRI containerd is its service `cri` (siderolabs/talos v1.13.0 internal/app/machined/pkg/system/services/cri.go:56-58)
  if (c.rewrittenAtBoot?.by === 'talos')
    return cmd(`talosctl logs cri --tail 2000 | grep -E '${pattern}'    # ${comment}`);
  if (c.rewrittenAtBoot?.by === 'microk8s')
    return cmd(`journalctl -u ${MICROK8S.unit} --since -1h | grep -E '${pattern}'    # ${comment}`);
  const by = c.generatedBy;
  return cmd(
    by === null
      ? `journalctl -u containerd --since -1h | grep -E '${pattern}'    # ${comment}`
      : `grep -E '${pattern}' ${GENERATING_DISTRIBUTIONS[by].log}    # ${comment} (${by} runs containerd with its log in this file)`,
  );
}

/** The CRI table that holds the image and registry settings, per config layout. */
const CRI: Record<ConfigLayout, string> = {
  1: 'plugins.cri',
  2: 'plugins."io.containerd.grpc.v1.cri"',
  3: "plugins.'io.containerd.cri.v1.images'",
  4: "plugins.'io.containerd.cri.v1.images'",
};
/** The 2.1+ transfer service: only in version 3 and 4 configs. */
const TRANSFER = "plugins.'io.containerd.transfer.v1.local'";

/** `[table]` with one `key = value`; strings quoted as the layout's examples quote them (v3, v4: literal). */
function setting(layout: ConfigLayout, table: string, key: string, value: string | number, comment = ''): string {
  const v = typeof value === 'number' ? String(value) : criV1Layout(layout) ? `'${value}'` : `"${value}"`;
  return `[${table}]\n  ${key} = ${v}${comment}`;
}

/**
 * The config.toml a step names, on the node: where the probe looked for it, else containerd's default.
 * Never the bundle's copy (raw/containerd/config.toml): the SRE edits the node's file.
 */
export function configToml(c: ContainerdFacts): string {
  // MicroK8s writes its containerd.toml from this template at every start: a change goes in the template
  if (c.rewrittenAtBoot?.by === 'microk8s') return MICROK8S.template;
  return c.configOnNode ?? (c.rewrittenAtBoot?.by === 'talos' ? TALOS.config : DEFAULT_CONFIG_TOML);
}

/**
 * The file a step that changes a setting edits: the import that sets it, where one does — containerd merges
 * each import over config.toml, the last file to set a key winning (facts/containerd-set-in.ts), so a value
 * written in config.toml stays overridden — else config.toml. Where a distribution writes the config
 * (k3s, RKE2, MicroK8s, nodeadm, Bottlerocket), config.toml as before: its own advice says where a change goes.
 */
export function configTomlFor(c: ContainerdFacts, set: SetIn | undefined): string {
  if (!set || !set.file.startsWith(`${CONTAINERD_FILES.imports}/`) || c.generatedBy !== null || c.rewrittenAtBoot)
    return configToml(c);
  return (
    c.importsOnNode[set.file] ?? `${set.file} (an import of ${configToml(c)}; its path on the node is not recorded)`
  );
}

/** The files that set the registry.mirrors tables, as configTomlFor names them. */
export function mirrorsFiles(c: ContainerdFacts): string {
  const files = Object.keys(c.config.cri.mirrors).map((r) => configTomlFor(c, c.setIn.mirrors[r]));
  return [...new Set(files.length > 0 ? files : [configToml(c)])].join(' and ');
}

/** The files that set what containerd refuses beside config_path: registry.mirrors, else registry.configs.*.tls. */
export function refusedFiles(c: ContainerdFacts): string {
  if (Object.keys(c.config.cri.mirrors).length > 0) return mirrorsFiles(c);
  const files = c.config.cri.configsTls.map((h) => configTomlFor(c, c.setIn.configs[h]));
  return [...new Set(files.length > 0 ? files : [configToml(c)])].join(' and ');
}

/** The first hosts directory containerd reads (config_path), or the conventional one. */
export function hostsDir(c: ContainerdFacts): string {
  return c.configPath[0] ?? DEFAULT_HOSTS_DIR;
}

/**
 * dfdaemon's proxy as containerd should reach it, on loopback: at the proxy port the node's own routes
 * already name (a Go daemon's 65001 beside the Rust default), else at dfdaemon's first proxy port.
 */
export function proxyUrl(c: ContainerdFacts): string {
  const named = c.routes.flatMap((r) => r.hosts).find((h) => h.isDfdaemon)?.port;
  // a Go daemon serving no proxy is told to serve it on GO_PROXY_PORT
  const port = c.dfdaemon?.proxyOff === undefined ? DEFAULT_PROXY_PORT : GO_PROXY_PORT;
  return `http://127.0.0.1:${named ?? c.dfdaemon?.proxyPorts[0] ?? port}`;
}

/** config.toml: a legacy `registry.mirrors` table, with the endpoints given. */
export function legacyMirrorSnippet(
  c: ContainerdFacts,
  registry: string,
  endpoints: readonly string[],
  set: SetIn | undefined = c.setIn.mirrors[registry],
): Step {
  const layout = c.config.layout;
  return snippet({
    file: configTomlFor(c, set),
    format: 'toml',
    text: `[${CRI[layout]}.registry.mirrors."${registry}"]\n  endpoint = [${endpoints.map((e) => JSON.stringify(e)).join(', ')}]`,
  });
}

/** config.toml (or the import that sets it, `set`): the hosts directory. */
export function configPathSnippet(c: ContainerdFacts, dir = hostsDir(c), set = c.setIn.configPath): Step {
  const layout = c.config.layout;
  return snippet({
    file: configTomlFor(c, set),
    format: 'toml',
    text: setting(layout, `${CRI[layout]}.registry`, 'config_path', dir),
  });
}

/** config.toml: max_concurrent_downloads in the section that governs this containerd's pulls. */
export function downloadsSnippet(c: ContainerdFacts, n: number): Step {
  const layout = c.config.layout;
  let text: string;
  // back to the transfer service only when the CRI count alone forced the local pull; another reason
  // (use_local_image_pull, mirrors…) keeps it local, and the CRI key governs (config.go CheckLocalImagePullConfigs)
  if (c.pull.mode === 'transfer' || c.pull.countAloneForcesLocal)
    text = `${setting(3, TRANSFER, 'max_concurrent_downloads', n, '    # node-wide on 2.1+, shared by concurrent pulls')}\n# leave ${CRI[3]}.max_concurrent_downloads at 3: another value forces the slower local pull`;
  else
    text = setting(
      layout,
      CRI[layout],
      'max_concurrent_downloads',
      n,
      c.pull.defaultPath === 'transfer'
        ? '    # one limit for all pulls on 2.1+'
        : layout === 2
          ? '    # per image pull in 1.x'
          : '',
    );
  return snippet({ file: configTomlFor(c, c.setIn.downloads), format: 'toml', text });
}

/** config.toml: more room before a pull without progress is cancelled. */
export function progressTimeoutSnippet(c: ContainerdFacts): Step {
  const layout = c.config.layout;
  return snippet({
    file: configTomlFor(c, c.setIn.imagePullProgressTimeout),
    format: 'toml',
    text: setting(layout, CRI[layout], 'image_pull_progress_timeout', '5m0s'),
  });
}

/** config.toml: the CRI's snapshotter (v1 and v2 keep it in the CRI plugin's `containerd` table). */
export function snapshotterSnippet(c: ContainerdFacts, name: 'overlayfs' | 'zfs', comment = ''): Step {
  const layout = c.config.layout;
  const text = criV1Layout(layout)
    ? setting(layout, CRI[layout], 'snapshotter', name, comment)
    : setting(layout, `${CRI[layout]}.containerd`, 'snapshotter', name, comment);
  return snippet({ file: configTomlFor(c, c.setIn.snapshotter), format: 'toml', text });
}

/** The hosts.toml of each registry, for a snippet that applies to all of them. */
function hostsTomlFile(c: ContainerdFacts): string {
  return `${hostsDir(c)}/<registry>/hosts.toml`;
}

/** dfdaemon's [host] table: pull and resolve through the proxy; dial_timeout is 2.0.7+ (and 2.1+). */
function dfdaemonHost(c: ContainerdFacts, dialTimeout?: string): string {
  const dial = dialTimeout === undefined ? '' : `\n  dial_timeout = "${dialTimeout}"`;
  return `[host."${proxyUrl(c)}"]\n  capabilities = ["pull", "resolve"]${dial}`;
}

/** hosts.toml of every registry: dfdaemon as the first host. */
export function dfdaemonHostSnippet(c: ContainerdFacts, opts: { dialTimeout?: string } = {}): Step {
  return snippet({ file: hostsTomlFile(c), format: 'toml', text: dfdaemonHost(c, opts.dialTimeout) });
}

/** One registry's whole hosts.toml: the origin as `server`, dfdaemon tried first. */
export function hostsTomlSnippet(c: ContainerdFacts, registry = 'docker.io'): Step {
  const origin = registry === 'docker.io' ? 'https://index.docker.io' : `https://${registry}`;
  return snippet({
    file: `${hostsDir(c)}/${registry}/hosts.toml`,
    format: 'toml',
    text: `server = "${origin}"\n${dfdaemonHost(c)}`,
  });
}

/** hosts.toml with dfdaemon as the `server`: no fallback to the origin. */
export function dfdaemonServerSnippet(c: ContainerdFacts): Step {
  return snippet({ file: hostsTomlFile(c), format: 'toml', text: `server = "${proxyUrl(c)}"` });
}
