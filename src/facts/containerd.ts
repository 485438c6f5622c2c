import {
  BOTTLEROCKET,
  type GeneratingDistribution,
  MICROK8S,
  NODEADM,
  TALOS,
} from '../knowledge/containerd-distributions.js';
import type { Manifest } from '../bundle/manifest.js';
import type { BundleReader } from '../bundle/reader.js';
import {
  type ContainerdConfig,
  asImagesTable,
  CRI_PLUGIN_ID,
  criKeysSet,
  fileVersion,
  hasImagesTableBeforeV3,
  leftoverCriKeys,
  migrateLeftoverCri,
  readContainerdConfig,
  strandedOffDefault,
  withoutStrandedKeys,
} from '../parsers/containerd-config.js';
import { type EnvValue, goParseBoolTrue, parseEnvLines, parseSystemdEnvironment } from '../parsers/containerd-env.js';
import {
  type ContainerdLogEvent,
  HEADLESS_MESSAGES,
  parseContainerdLogLine,
  withoutRepeatedClientFailures,
} from '../parsers/containerd-log.js';
import { KUBEADM_WRAP_END, parseKlogLine } from '../parsers/klog-line.js';
import { type CutLine, parseCutLine } from '../parsers/containerd-cut-line.js';
import { type CtrPullPastMirror, ctrPullsPastMirror } from './containerd-ctr-hosts-dir.js';
import { normalizePastedLines } from '../parsers/paste-normalize.js';
import { criPluginRow, parseCtrPlugins } from '../parsers/containerd-plugins.js';
import { dig, isTable, parseTomlLocated, type TomlTable } from '../parsers/containerd-toml.js';
import {
  CHECK_1_5,
  importLoadOrder,
  type LoadedFiles,
  loadFiles,
  mergedTable,
  renameV1Cri,
} from './containerd-load.js';
import { missingImportRefusal, missingImportsOf } from './containerd-missing-import.js';
import { elidedLines } from '../parsers/paste-elision.js';
import { type ContainerdVersion, formatVersion, parseContainerdVersion } from '../parsers/containerd-version.js';
import {
  configImportMerge,
  configPluginUriCheck,
  configVersionCeiling,
  type ImportMerge,
  type PluginUriCheck,
  criTableInV3File,
  imagesTableInOlderFile,
  defaultConfigPath,
  gzipDecompressors,
  type DefaultConfigPath,
} from '../knowledge/containerd.js';
import { assumptionsText, ContainerdVersionPicker, type VersionAssumption } from './containerd-versioned.js';
import { defineFacts, type FactsContext } from './context.js';
import { quotedInput } from './problems.js';
import { type PullMode, progressTimeout, pullMode } from './containerd-pull-mode.js';
import {
  type DfdaemonEndpoints,
  hostPort,
  isLoopbackHost,
  type MirrorCheck,
  type RegistryRoute,
} from './containerd-routes.js';
import { CONTAINERD_FILES } from './containerd-files.js';
import {
  type ConfigFileRead,
  type ConfigSetIn,
  type Locate,
  locateIn,
  type SetIn,
  settingsSetIn,
} from './containerd-set-in.js';
import { type HostAttempt, hostAttempts } from './containerd-host-attempts.js';
import { versionCeiling } from './containerd-version-ceiling.js';

import { buildRoutes, effectiveConfigPath, readHostsDirs, type HostsDir } from './containerd-hosts-dirs.js';
import { findMisconfigs, type LeftoverCri, type Misconfig } from './containerd-misconfigs.js';
import { v2CriTableInV1ConfigNote } from './containerd-v1-config-cri.js';
import { v1CriTableInV2ConfigNote } from './containerd-v1-cri-table-in-v2-config.js';
import { misspeltCriTable, misspeltPluginsNote, type MisspeltCriTable } from './containerd-misspelt-plugins.js';
import { builtInConfig } from './containerd-built-in.js';
import { dfdaemonEndpoints, readListeners, readMirrorChecks } from './containerd-endpoints.js';

export type { MirrorCheck, RegistryRoute, RouteHost, DfdaemonEndpoints } from './containerd-routes.js';
export type { HostAttempt } from './containerd-host-attempts.js';

export interface Decompression {
  unpigz: string | null;
  igzip: string | null;
  /** Env settings that switch the external decompressor off (CONTAINERD_DISABLE_PIGZ / _IGZIP). */
  disabledBy: string[];
  /** What containerd will use for gzip layers. */
  effective: 'igzip' | 'unpigz' | 'go-stdlib';
  pathFrom: 'process' | 'default' | 'unknown';
  /** What containerd itself logged it used (DEBUG only: `using pigz|igzip|unpigz for decompression`). */
  logged?: { tool: string; file: string; line: number };
}

export interface ContainerdFacts {
  version: ContainerdVersion | null;
  /**
   * dump = `containerd config dump` (effective values), file = config.toml (+imports), defaults = no config
   * found, invalid = config.toml does not parse (containerd does not start), not-given = files given to
   * `analyze` without a config (the values are the defaults', config_path unknown).
   */
  configSource: 'dump' | 'file' | 'defaults' | 'invalid' | 'not-given';
  /** config.toml is a paste's excerpt (`...` lines mark what it leaves out): read as invalid, said as an excerpt. */
  configExcerpt: boolean;
  /** Bundle path of the file the values came from. */
  configFile: string | null;
  /**
   * config.toml's path on the node, as the probe looked for it (containerd's --config, else the
   * default); null when the bundle does not say (a bundle of loose files, an older bundle).
   */
  configOnNode: string | null;
  /** Each import's path on the node (bundle path → node path), as the probe recorded where it copied it from. */
  importsOnNode: Record<string, string>;
  /**
   * The distribution that generates config.toml (and the hosts.toml files it points at) at every start,
   * from its first line: k3s's and RKE2's template opens with "# File generated by k3s. DO NOT EDIT.
   * Use config.toml.tmpl instead." (k3s-io/k3s pkg/agent/templates: "File generated by {{ .Program }}").
   */
  generatedBy: GeneratingDistribution | null;
  /**
   * What writes config.toml again, so that an edit to it does not last (knowledge/containerd-distributions.ts):
   * EKS's nodeadm at every boot, when the probe found its nodeadm-config.service and containerd reads the
   * file it writes; Bottlerocket from its settings, when the host's os-release names it; MicroK8s from
   * its containerd-template.toml each time its containerd starts, when the config names its snap's paths;
   * Talos from its machine config (containerd.toml, the cri.toml it imports, the hosts.toml files).
   */
  rewrittenAtBoot:
    | { by: 'nodeadm'; unit: string }
    | { by: 'bottlerocket' }
    | { by: 'microk8s' }
    /** Talos, from its os-release (its release when it names one) or its config path. */
    | { by: 'talos'; release: { major: number; minor: number } | null }
    | null;
  config: ContainerdConfig;
  /** A version 3 file's leftover CRI table that this containerd (2.3+) copied over its images table. */
  leftoverCri: LeftoverCri | null;
  pull: PullMode;
  snapshotter: string;
  discardUnpackedLayers: boolean;
  imagePullProgressTimeout: string | null;
  /** The hosts directories in effect: from the config, or containerd's default (≥ 2.2.0 on Linux). */
  configPath: string[];
  /** assumed: no config given (loose files), or config.toml does not parse; the hosts directories given are taken as read. */
  configPathFrom: 'config' | 'default' | 'none' | 'assumed';
  /** Where each setting read is set: the last of config.toml and its imports to set it (or the dump), with its line. */
  setIn: ConfigSetIn;
  /** Version-dependent facts taken without a known version, and what was assumed. */
  versionAssumptions: VersionAssumption[];
  hostsDirs: HostsDir[];
  /** Per registry, the ordered hosts containerd tries (read by net facts for the mirror names). */
  routes: RegistryRoute[];
  /** host:port of every mirror (`[host]` entries, legacy endpoints, a `server` that is dfdaemon or on loopback; never the origin), for the loopback/net areas. */
  mirrorHosts: string[];
  dfdaemon: DfdaemonEndpoints | null;
  /** True when the bundle shows a dfdaemon on this node (its facts or a listener it owns). */
  dfdaemonPresent: boolean;
  misconfigs: Misconfig[];
  decompression: Decompression | null;
  env: Record<string, string>;
  /** containerd's log: the lines the rules read, and the failed host attempts its timestamps time. */
  log: { file: string; events: ContainerdLogEvent[]; attempts: HostAttempt[] } | null;
  mirrorChecks: MirrorCheck[] | null;
  /** The CRI plugin's status from `ctr plugins ls` (raw/containerd/plugins.txt), when captured. */
  criPlugin: { status: string; line: number } | null;
}

export const containerdFacts = defineFacts({
  area: 'containerd',
  async build(ctx) {
    const b = ctx.bundle;
    const present = await b.list(CONTAINERD_FILES.dir);
    if (present.length === 0) return undefined;

    const version = await readVersion(b);
    const pk = new ContainerdVersionPicker(version);
    // config.toml as the bundle holds it: read for the values (unless a dump has them) and for its header
    const mainText = await b.text(CONTAINERD_FILES.config);
    const { config, source, file, locate, leftoverCri, excerpt, criDisabled, misspeltCri } = await readConfig(
      ctx,
      pk,
      mainText,
    );
    const dflt = pk.value(defaultConfigPath, describeDefault) ?? { kind: 'none' };
    // files given to `analyze` without a containerd config: which directories its config_path names is not
    // known, so those given are read as containerd reads its config_path (a note says so), and nothing is
    // said of a config the files do not show
    const notGiven = source === 'defaults' && ctx.facts.manifest.probes.containerd?.configGiven === false;
    // a config.toml that does not parse (or that containerd refuses) names no directory dfdoctor can read:
    // its config_path is not known, not unset, so the hosts.toml files given are read as those of a config
    // not given (an issue's paste with "..." for what it leaves out is the common case)
    const unread = source === 'invalid';
    const effective = notGiven || unread ? null : effectiveConfigPath(config, dflt);
    // its config given to `analyze` without hosts.toml files: the directories config_path names are not
    // known to be empty, only not shown
    const hostsNotGiven = ctx.facts.manifest.probes.containerd?.hostsGiven === false;
    const listeners = await readListeners(ctx);
    const dd = dfdaemonEndpoints(ctx.facts, listeners);
    const checks = await readMirrorChecks(ctx);
    const read = await readHostsDirs(b, effective?.configPath ?? []);
    const hostsDirs = effective ? read : read.map((d) => ({ ...d, inConfigPath: true }));
    const configPath = effective ? effective.configPath : hostsDirs.map((d) => d.path);
    const configPathFrom: ContainerdFacts['configPathFrom'] = effective ? effective.from : 'assumed';
    const at: Locate = locate ?? (() => undefined);
    const setIn = settingsSetIn(config, at);
    const routes = await buildRoutes(ctx, config, configPath, hostsDirs, dd?.endpoints ?? null, checks ?? [], pk, {
      file: file ?? CONTAINERD_FILES.config,
      mirrors: setIn.mirrors,
    });
    const pull = pullMode(config, pk);
    const downloadsSetIn = at(pull.downloads.path);
    if (downloadsSetIn) setIn.downloads = downloadsSetIn;
    const env = await readEnv(b);
    const log = await readLog(ctx);
    const pluginsText = await b.text(CONTAINERD_FILES.plugins);
    const cri = pluginsText === undefined ? undefined : criPluginRow(parseCtrPlugins(pluginsText));
    const criPlugin = cri ? { status: cri.status, line: cri.line } : null;
    const misconfigs = findMisconfigs({
      criPlugin,
      configKnown: source !== 'invalid' && !notGiven,
      hostsKnown: !hostsNotGiven,
      config,
      configPath,
      configPathFrom,
      dflt,
      pull,
      pk,
      hostsDirs,
      routes,
      dd,
      listeners,
      log,
      file,
      setIn,
      leftoverCri,
      misspeltCri: misspeltCri ?? null,
    });
    const isMirror = (h: RegistryRoute['hosts'][number]) =>
      h.role === 'mirror' || (h.role === 'server' && (h.isDfdaemon || isLoopbackHost(h.host)));
    const mirrorHosts = [
      ...new Set(routes.flatMap((r) => r.hosts.filter(isMirror).map((h) => hostPort(h.host, h.port)))),
    ];
    const facts: ContainerdFacts = {
      version,
      configSource: notGiven ? 'not-given' : source,
      configExcerpt: excerpt,
      configFile: file,
      configOnNode: configOnNode(ctx.facts.manifest.probes.containerd?.config),
      importsOnNode: importsOnNode(ctx.facts.manifest, await b.list(CONTAINERD_FILES.imports)),
      generatedBy: generatedBy(mainText),
      rewrittenAtBoot: rewrittenAtBoot(ctx.facts.manifest, mainText),
      config,
      pull,
      snapshotter: config.cri.snapshotter ?? 'overlayfs',
      discardUnpackedLayers: config.cri.discardUnpackedLayers ?? false,
      imagePullProgressTimeout: progressTimeout(config, pk),
      configPath,
      configPathFrom,
      setIn: configPathFrom === 'config' ? setIn : withoutConfigPath(setIn),
      leftoverCri,
      versionAssumptions: pk.assumptions,
      hostsDirs,
      routes,
      mirrorHosts,
      dfdaemon: dd?.endpoints ?? null,
      dfdaemonPresent: dd?.present ?? false,
      misconfigs,
      decompression: withLoggedDecompressor(await readDecompression(ctx, env.vars, pk), log),
      env: env.vars,
      log,
      mirrorChecks: checks,
      criPlugin,
    };
    if (
      criPlugin?.status === 'error' &&
      !misconfigs.some((m) => m.kind === 'legacy-with-config-path' || m.kind === 'mirrors-refused')
    ) {
      ctx.note(
        `containerd's CRI plugin failed to load (\`ctr plugins ls\`: error): the kubelet cannot pull through this containerd at all; its log says why`,
        `${CONTAINERD_FILES.plugins}:${criPlugin.line}`,
      );
    }
    if (criDisabled)
      ctx.note(
        // per release line and version (LoadedFiles.criDisabled, facts/containerd-load.ts)
        `containerd's CRI plugin is disabled (disabled_plugins = [${facts.config.disabledPlugins.map((p) => `"${p}"`).join(', ')}]${facts.config.disabledPlugins.includes('cri') ? ", as the config.toml of Docker's containerd.io package has it" : ''}): the kubelet cannot pull through this containerd at all, and the CRI settings read from the config do not apply`,
        facts.configFile ?? CONTAINERD_FILES.config,
      );
    if (facts.discardUnpackedLayers) {
      ctx.note(
        // a layer whose snapshot exists is not fetched again, blob or not (v2.1.6 core/unpack/unpacker.go:365-380)
        'containerd deletes each layer blob once it is unpacked (discard_unpacked_layers = true). A pull of an image whose snapshots are still there fetches nothing either way, and one whose image was removed fetches every blob either way; what the setting takes away is the blobs for what reads them later (ctr export, a push, another snapshotter), and on 2.1+ it also forces the older local pull',
        setInText(facts.setIn.discardUnpackedLayers) ?? facts.configFile ?? CONTAINERD_FILES.config,
      );
    }
    if (hostsNotGiven && !notGiven && configPath.length > 0)
      ctx.note(
        `containerd: config_path names ${configPath.join(', ')}, but no hosts.toml from there was given: which registries have a mirror, and whether it is dfdaemon, is not known (give them as files too: <dir>/<registry>/hosts.toml)`,
        setInText(facts.setIn.configPath) ?? facts.configFile ?? CONTAINERD_FILES.config,
      );
    if (unread && hostsDirs.length > 0)
      ctx.note(
        `containerd: config.toml ${facts.configExcerpt ? 'is an excerpt (lines of dots mark what the paste leaves out)' : 'does not parse'}, so its config_path is not known — the hosts.toml files given are read as containerd reads them from its config_path`,
        CONTAINERD_FILES.certsD,
      );
    else if (notGiven && hostsDirs.length > 0)
      ctx.note(
        `containerd: no config.toml given — the hosts.toml files given are read as containerd reads them from its config_path; whether its config_path names their directory is not known`,
        CONTAINERD_FILES.certsD,
      );
    else if (source === 'defaults' && !notGiven) {
      ctx.note(
        `containerd: no config.toml in the bundle — containerd runs on its defaults (${configPathFrom === 'default' ? `config_path ${configPath.join(':')}, the default of containerd ≥ 2.2.0 on Linux` : 'no config_path, so no mirror, before containerd 2.2.0'})`,
        CONTAINERD_FILES.config,
      );
    }
    if (pull.downloads.ignored) {
      ctx.note(
        `containerd ${version ? formatVersion(version) : ''}: ${pull.downloads.setting} has no effect on CRI pulls in ${pull.downloads.ignored.range} (containerd#6054: the unpacker that fetches the layers was built without the limit), so every layer downloads at once; the setting works again from 1.5.12 / 1.6.0`,
        setInText(facts.setIn.downloads) ?? facts.configFile ?? CONTAINERD_FILES.version,
      );
    }
    for (const p of ctrPullsPastMirror(log?.events ?? [], routes).slice(0, 1))
      ctx.note(ctrPastMirrorText(p), `${log!.file}:${p.event.line}`);
    if (pk.assumptions.length > 0) {
      ctx.note(
        `containerd version unknown (no ${CONTAINERD_FILES.version}): assumed ${assumptionsText(pk.assumptions, CONTAINERD_FILES.version)}`,
        CONTAINERD_FILES.version,
      );
    }
    return facts;
  },
});

/** Why a ctr pull that failed at the registry's own host did not go through the mirror hosts.toml lists first. */
function ctrPastMirrorText({ event, route, first }: CtrPullPastMirror): string {
  const via = first.isDfdaemon ? 'dfdaemon' : 'that mirror';
  const dir = route.nodeFile?.endsWith(`/${route.registry}/hosts.toml`)
    ? route.nodeFile.slice(0, -`/${route.registry}/hosts.toml`.length)
    : `<the directory holding ${route.registry}/hosts.toml>`;
  return `ctr's pull failed at ${event.failedAt!.host}, the registry's own host for ${route.registry}, not at ${first.url}, which ${route.file ?? 'hosts.toml'} lists first: ctr reads hosts.toml only when given --hosts-dir, so this pull did not go through ${via} (\`ctr images pull --hosts-dir ${dir} …\` uses it; a mirror that answered 404 for the manifest would leave the same error, as containerd passes over a 404 without keeping it)`;
}

async function readVersion(b: BundleReader): Promise<ContainerdVersion | null> {
  const t = await b.text(CONTAINERD_FILES.version);
  return t === undefined ? null : parseContainerdVersion(t);
}

/** The config in effect, where it came from, and (a file that parsed) where its keys are written. */
async function readConfig(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
  mainText: string | undefined,
): Promise<{
  config: ContainerdConfig;
  source: ContainerdFacts['configSource'];
  file: string | null;
  /** Where a key of the config in effect is set (a file that parsed): the dump, or the last of config.toml and its imports. */
  locate?: Locate;
  leftoverCri: LeftoverCri | null;
  /** config.toml is a paste's excerpt (lines of dots), read as invalid. */
  excerpt: boolean;
  /** disabled_plugins turns the CRI plugin off (LoadedFiles.criDisabled). */
  criDisabled: boolean;
  /** CRI settings under a top-level key containerd does not have (`[plugin.…]`), which it never reads. */
  misspeltCri?: MisspeltCriTable;
}> {
  const b = ctx.bundle;
  const dump = await b.text(CONTAINERD_FILES.dump);
  const mainVersion = declaredVersion(mainText);
  if (dump !== undefined && dump.trim() !== '') {
    const p = parseTomlLocated(dump);
    const dumpVersion = p.ok ? String(p.value.version ?? '1') : undefined;
    if (p.ok && mainVersion !== undefined && dumpVersion !== mainVersion) {
      // an older binary prints its own layout and drops keys it does not know (a 1.x dump of a v3 file);
      // a newer one migrates the file on load and prints its own version (2.x: v2 → v3, 2.3+: v3 → v4,
      // v2.3.4 cmd/containerd/command/config.go:76). Either way config.toml is read, in its own
      // layout, so that a snippet fits the file it goes into.
      ctx.note(
        Number(dumpVersion) < Number(mainVersion)
          ? `containerd config dump printed layout v${dumpVersion} for a v${mainVersion} config.toml: the running containerd does not understand this layout; values read from config.toml`
          : `containerd config dump printed layout v${dumpVersion} for a v${mainVersion} config.toml: this containerd migrates the file to v${dumpVersion} when it loads it; values read from config.toml, in its own layout`,
        CONTAINERD_FILES.dump,
      );
    } else if (p.ok) {
      const r = readContainerdConfig(p.value, dump);
      for (const q of r.problems)
        ctx.problem({
          file: CONTAINERD_FILES.dump,
          ...(q.line === undefined ? {} : { line: q.line }),
          message: q.message,
        });
      return {
        config: r.config,
        source: 'dump',
        file: CONTAINERD_FILES.dump,
        // the dump prints the merged config: it sets every key it shows
        locate: locateIn([{ path: CONTAINERD_FILES.dump, table: p.value, lineOf: p.lineOf }]),
        leftoverCri: null,
        excerpt: false,
        // the dump prints the merged config in the version this containerd reads it as: ids at version 1
        criDisabled: r.config.disabledPlugins.includes(
          Number(p.value.version ?? 1) <= 1 ? CRI_PLUGIN_ID[1] : CRI_PLUGIN_ID[2],
        ),
      };
    } else if (!p.ok) ctx.problem({ file: CONTAINERD_FILES.dump, line: p.line, column: p.column, message: p.message });
  }
  const main = mainText;
  if (main === undefined)
    return {
      config: builtInConfig(pk),
      source: 'defaults',
      file: null,
      leftoverCri: null,
      excerpt: false,
      criDisabled: false,
    };
  const p = parseTomlLocated(main);
  if (!p.ok) {
    const elided = elidedLines(main);
    // an excerpt's elision marks are the paste's, not the file's: no claim on what containerd makes of the file
    ctx.problem(
      elided.length > 0
        ? {
            file: CONTAINERD_FILES.config,
            line: elided[0]!,
            message: `an excerpt: lines of dots (${elided.map((n) => `line ${n}`).join(', ')}) mark lines the paste leaves out, so it is not the file containerd reads and is not read as one; what the left-out lines hold (a version, imports, other settings) is not known`,
          }
        : {
            file: CONTAINERD_FILES.config,
            line: p.line,
            column: p.column,
            message: `${p.message} (containerd refuses to start with this file)`,
          },
    );
    return {
      config: readContainerdConfig({}).config,
      source: 'invalid',
      file: CONTAINERD_FILES.config,
      leftoverCri: null,
      excerpt: elided.length > 0,
      criDisabled: false,
    };
  }
  const files: ConfigFileRead[] = [{ path: CONTAINERD_FILES.config, table: p.value, lineOf: p.lineOf }];
  // list() gives bundle-relative paths
  for (const path of await b.list(CONTAINERD_FILES.imports)) {
    const text = (await b.text(path)) ?? '';
    const ip = parseTomlLocated(text);
    if (!ip.ok) {
      ctx.problem({ file: path, line: ip.line, column: ip.column, message: ip.message });
      continue;
    }
    files.push({ path, table: ip.value, lineOf: ip.lineOf });
  }
  // imports of imports: in the order containerd loads them (the bundle lists them by name)
  const onNode = importsOnNode(
    ctx.facts.manifest,
    files.slice(1).map((f) => f.path),
  );
  const order = importLoadOrder(
    configOnNode(ctx.facts.manifest.probes.containerd?.config),
    importsOf(p.value),
    files.slice(1).map((f) => ({
      path: f.path,
      ...(onNode[f.path] === undefined ? {} : { node: onNode[f.path] }),
      imports: importsOf(f.table),
    })),
  );
  files.splice(1, files.length - 1, ...order.map((path) => files.find((f) => f.path === path)!));
  // each reading loaded once: the unknown-version comparison, the reading in force and the 1.x one a note asks for
  const loads = new Map<string, LoadedFiles>();
  const load: LoadFiles = (how, check = CHECK_1_5) => {
    // only 1.x checks plugin names this way
    const key = JSON.stringify([how, how === 'plugin-tables-replaced' ? check : null]);
    let r = loads.get(key);
    if (!r) loads.set(key, (r = loadFiles(files, how, check)));
    return r;
  };
  const how = importMerge(pk, files, load);
  // 1.x's ValidateV2 differs by release (knowledge/containerd.ts configPluginUriCheck); 1.x is read only with the version known
  const l = load(how, how === 'plugin-tables-replaced' ? pk.value(configPluginUriCheck) : undefined);
  // only a version above 2 tells the release lines apart
  const ceiling =
    l.version > 2
      ? pk.value(configVersionCeiling, (c) =>
          c.kind === 'by-uri'
            ? `config version ${l.version} is read as version 2`
            : l.version > c.max
              ? `config version ${l.version} stops containerd`
              : `config version ${l.version} is read`,
        )
      : undefined;
  const lastFile = files.at(-1)!;
  const outcome = versionCeiling(
    l,
    files,
    ceiling,
    pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd',
    lastFile === files[0]
      ? // containerd's default --config (v1.7.17 cmd/containerd/command/main.go:83, defaults.DefaultConfigDir /etc/containerd)
        (configOnNode(ctx.facts.manifest.probes.containerd?.config) ?? '/etc/containerd/config.toml')
      : (importsOnNode(ctx.facts.manifest, [lastFile.path])[lastFile.path] ??
          `<${lastFile.path.split('/').at(-1)!} on the node>`),
  );
  // a missing import stops the load before the merged version is checked
  const onNodeOf = Object.fromEntries(Object.entries(onNode).map(([bundle, node]) => [node, bundle]));
  const mainNode = configOnNode(ctx.facts.manifest.probes.containerd?.config);
  const missing = missingImportRefusal(missingImportsOf(ctx.facts.manifest.probes.containerd), files, (node) =>
    node === mainNode ? CONTAINERD_FILES.config : onNodeOf[node],
  );
  // containerd checks the merged config's version before what it lists (ValidateV2, ValidateVersion)
  const refused = missing ?? l.refused ?? (outcome?.kind === 'refused' ? outcome : undefined) ?? l.invalid;
  if (refused) {
    const f = files.find((x) => x.path === refused.file);
    const key = refused.key;
    // a table written only through its sub-tables (`[plugins.cri.registry]`) has the line of its first one
    const sub = dig(f?.table, ...key);
    const line =
      f?.lineOf(key) ??
      Object.keys(isTable(sub) ? sub : {}).reduce<number | undefined>((n, k) => n ?? f?.lineOf([...key, k]), undefined);
    ctx.problem({ file: refused.file, ...(line === undefined ? {} : { line }), message: refused.message });
    return {
      config: readContainerdConfig({}).config,
      source: 'invalid',
      file: CONTAINERD_FILES.config,
      leftoverCri: null,
      excerpt: false,
      criDisabled: false,
    };
  }
  if (l.versionFrom) versionFromNote(ctx, l.version, l.versionFrom, files[0]!);
  if (outcome?.kind === 'by-uri') byUriNote(ctx, pk, outcome);
  // the note on an images table in a version 1 or 2 file (1.x ignores it, 2.x reads it)
  readsImagesTable(ctx, pk, files);
  for (const f of files) {
    const keys = strandedOffDefault(f.table, l.stranded[f.path] ?? []);
    if (keys.length > 0) strandedNote(ctx, pk, f, keys);
  }
  // and on a version 1 file's CRI settings written under the version 2 id (1.x ignores them)
  const v2Cri = v2CriTableInV1ConfigNote(pk, l.version, files);
  if (v2Cri) ctx.note(v2Cri.text, v2Cri.at);
  // and on a version 2+ file's CRI settings under the version 1 id (2.x ignores them, 1.x does not start)
  const refusedOn1x = pk.version === null && load('plugin-tables-replaced').invalid?.key.join('.') === 'plugins.cri';
  const v1Cri = v1CriTableInV2ConfigNote(pk, files, l.version, refusedOn1x);
  if (v1Cri) ctx.note(v1Cri.text, v1Cri.at);
  // and on CRI settings under a top-level key containerd does not have (`[plugin.…]`): no release reads them
  const misspelt = misspeltCriTable(files);
  if (misspelt) {
    const n = misspeltPluginsNote(pk, misspelt);
    ctx.note(n.text, n.at);
  }
  let leftoverCri: LeftoverCri | null = null;
  // 2.0–2.2 migrate the merged config, and only below version 3: a version 3 file's CRI table is then migrated with the rest
  const mergedMigration = l.forms.includes('images-table') && l.version < 3;
  const loaded = (f: ConfigFileRead, i: number): TomlTable => {
    if (fileVersion(f.table) === 3 && !mergedMigration) {
      const r = asLoaded(ctx, pk, f.table, f.path);
      if (r.leftover) leftoverCri ??= r.leftover;
      return r.table;
    }
    const form = l.forms[i];
    const stranded = l.stranded[f.path] ?? [];
    if (form === 'images-table') return asImagesTable(f.table, stranded.length === 0);
    if (form === 'renamed') {
      const t = renameV1Cri(f.table);
      const named = isTable(dig(f.table, 'plugins', CRI_PLUGIN_ID[1])) ? 'renamed' : 'as-written';
      if (l.version >= 3) criIgnoredNote(ctx, pk, f.path, t, l.version, named);
      return withoutStrandedKeys(t, stranded);
    }
    return withoutStrandedKeys(f.table, stranded);
  };
  // containerd loads the main file, then each import in order, each merged over what came before: the last
  // to set a key wins (facts/containerd-load.ts, by release line)
  const asRead = l.files.map((f, i) => ({ ...f, table: loaded(f, i) }));
  const merged = mergedTable(
    // an older 1.6/1.7 reads each plugin's table by URI, as in version 2
    outcome?.kind === 'by-uri' ? 2 : l.version,
    asRead.map((f) => f.table),
  );
  const imagesTable = l.imagesTable;
  const r = readContainerdConfig(merged, main, imagesTable);
  for (const q of r.problems)
    ctx.problem({
      file: CONTAINERD_FILES.config,
      ...(q.line === undefined ? {} : { line: q.line }),
      message: q.message,
    });
  return {
    config: r.config,
    source: 'file',
    file: CONTAINERD_FILES.config,
    locate: locateIn(asRead),
    leftoverCri,
    excerpt: false,
    criDisabled: l.criDisabled,
    ...(misspelt ? { misspeltCri: misspelt } : {}),
  };
}

/** The files as one way loads them, with 1.x's check of plugin names (loadFiles), each reading loaded once. */
type LoadFiles = (how: ImportMerge, check?: PluginUriCheck) => LoadedFiles;

/** Which way this containerd loads its config files; an assumption only where the ways differ for these files. */
function importMerge(pk: ContainerdVersionPicker, files: readonly ConfigFileRead[], load: LoadFiles): ImportMerge {
  const ways = configImportMerge.entries.map((e) => e.value);
  if (pk.version === null) {
    const readOne = (l: LoadedFiles) => {
      // keys left behind at the value that holds without them read alike
      const stranded = files.map((f) => strandedOffDefault(f.table, l.stranded[f.path] ?? []));
      return JSON.stringify([
        l.version,
        l.forms,
        l.imagesTable,
        l.refused,
        l.invalid,
        l.criDisabled,
        stranded,
        l.files.map((f) => f.table),
      ]);
    };
    const assumed = ways[configImportMerge.assumeWhenUnknown]!;
    const base = readOne(load(assumed));
    // 1.x reads alike only if every 1.x release's check of plugin names does
    const alike = (w: ImportMerge) =>
      w === 'plugin-tables-replaced'
        ? configPluginUriCheck.entries.every((e) => readOne(load(w, e.value)) === base)
        : readOne(load(w)) === base;
    if (ways.every(alike)) return assumed;
  }
  // a file without imports has no merge: the two 2.x ways then read it alike (migrated from its version),
  // and the assumption names what holds for every 2.x release, not the one way the newest releases merge
  const alone = files.length === 1;
  return (
    pk.value(configImportMerge, (w) =>
      w === 'plugin-tables-replaced'
        ? alone
          ? 'config.toml read in the layout its version names'
          : 'each plugin table of an import replaces the earlier one whole'
        : alone
          ? 'config.toml migrated from its version to the current layout'
          : w === 'merged-then-migrated'
            ? 'config files merged, then migrated from the merged version'
            : 'each config file migrated from its own version before the merge',
    ) ?? ways[configImportMerge.assumeWhenUnknown]!
  );
}

/** An import's `version` is the merged config's: containerd reads every file's plugin tables in its layout. */
function versionFromNote(ctx: FactsContext, version: number, from: ConfigFileRead, main: ConfigFileRead): void {
  const line = from.lineOf(['version']);
  ctx.note(
    `${from.path} declares version = ${String(from.table.version)}${main.table.version === undefined ? ', config.toml none' : `, config.toml version = ${String(main.table.version)}`}: containerd merges an import's version over the main file's like any other key (the last file to declare one wins), so it reads the plugin tables of config.toml and of every import as version ${version}; the image and registry settings shown are read that way`,
    line === undefined ? from.path : `${from.path}:${line}`,
  );
}

/**
 * A version 0 or 1 file's CRI table under a merged version 3 (2.0–2.2): renamed when written as
 * `[plugins.cri]`, and then never migrated. v1Migrate renames only a plugin id without a dot (v2.0.0
 * cmd/containerd/server/config/config.go:152-190, :193-207; v2.1.0 and v2.2.0 :148-186, :189-203), so a table
 * written as `[plugins."io.containerd.grpc.v1.cri"]` keeps its name; either way LoadConfig gives the file
 * the version loaded so far (v2.0.0 :316-319, v2.1.0 :312-315, v2.2.0 :313-316) and the merged config,
 * version 3, skips the plugins' ConfigMigration (v2.0.0 server.go:246-254, v2.1.0 :244-252, v2.2.0 :266-274).
 */
function criIgnoredNote(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
  path: string,
  renamed: TomlTable,
  version: number,
  named: 'renamed' | 'as-written',
): void {
  // not migrated at all: every key the table sets is unused, runtimes or none
  const keys = criKeysSet(renamed);
  if (keys.length === 0) return;
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd 2.0–2.2';
  ctx.note(
    `${path} has no version line (or version = 1): ${release} ${named === 'renamed' ? 'renames its [plugins.cri] to [plugins."io.containerd.grpc.v1.cri"] and reads it' : 'reads its [plugins."io.containerd.grpc.v1.cri"] under that name'} as part of a version ${version} config, which it does not migrate, so what that table sets of the image and registry settings (${keys.join(', ')}) is not used; they belong under [plugins."io.containerd.cri.v1.images"] with version = 3 (2.3+ migrates such a file)`,
    path,
  );
}

/**
 * A version 1 or 2 file's snapshotter, disable_snapshot_annotations or discard_unpacked_layers in a CRI
 * `.containerd` table without `runtimes`: 2.x's migration does not move them (hasCriRuntimes), so the
 * images plugin's defaults hold (v2.2.0 internal/cri/config/config_unix.go:32-33: the platform's default
 * snapshotter, disable_snapshot_annotations true).
 */
function strandedNote(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
  f: ConfigFileRead,
  keys: readonly string[],
): void {
  const id = isTable(dig(f.table, 'plugins', CRI_PLUGIN_ID[2])) ? CRI_PLUGIN_ID[2] : CRI_PLUGIN_ID[1];
  const names = keys.map((k) => k.slice('containerd.'.length));
  const line = f.lineOf(['plugins', id, 'containerd', names[0]!]);
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd 2.x';
  const table = id === CRI_PLUGIN_ID[1] ? '[plugins.cri.containerd]' : `[plugins."${id}".containerd]`;
  ctx.note(
    `${f.path} sets ${names.join(', ')} in ${table}, which has no runtimes table: ${release} migrates a version ${fileVersion(f.table)} config to version 3 and moves these to [plugins."io.containerd.cri.v1.images"] only from a .containerd table that has runtimes, so they are not used: what [plugins."io.containerd.cri.v1.images"] sets holds, else the defaults (snapshotter overlayfs, disable_snapshot_annotations = true, discard_unpacked_layers = false); set them under [plugins."io.containerd.cri.v1.images"] in a version 3 config (\`containerd config migrate\` writes one)`,
    line === undefined ? f.path : `${f.path}:${line}`,
  );
}

/** A version above 2 on a 1.6/1.7 release that does not check it: read as version 2 (configVersionCeiling). */
function byUriNote(ctx: FactsContext, pk: ContainerdVersionPicker, o: { file: string; version: number }): void {
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd';
  ctx.note(
    `${o.file} declares version = ${o.version}, which ${release} does not know: it starts, reads each plugin's table by its URI as in version 2, and has no io.containerd.cri.v1.images plugin, so the image and registry settings of [plugins."io.containerd.cri.v1.images"] are not used (only [plugins."io.containerd.grpc.v1.cri"] is read); 1.6.32+ and 1.7.17+ refuse to start with it`,
    o.file,
  );
}

/** A file's `imports` strings. */
function importsOf(t: TomlTable): string[] {
  return Array.isArray(t.imports) ? t.imports.filter((s): s is string => typeof s === 'string') : [];
}

/** "file:line" of where a setting is set, for a note's source. */
function setInText(s: SetIn | undefined): string | undefined {
  return s && (s.line === undefined ? s.file : `${s.file}:${s.line}`);
}

/** containerd's own default config_path (2.2+) is written in no file. */
function withoutConfigPath(s: ConfigSetIn): ConfigSetIn {
  const { configPath: _c, ...rest } = s;
  return rest;
}

/**
 * One config file as this containerd loads it, before the files are merged: containerd migrates each
 * file from its own version. A version 3 file's leftover `[plugins."io.containerd.grpc.v1.cri"]` is
 * copied over the images table from 2.3 on, and ignored before; the note says which values hold.
 */
function asLoaded(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
  t: TomlTable,
  file: string,
): { table: TomlTable; leftover?: LeftoverCri } {
  const keys = leftoverCriKeys(t);
  if (keys.length === 0) return { table: t };
  const how = pk.value(
    criTableInV3File,
    (v) => `a [plugins."io.containerd.grpc.v1.cri"] table in a version 3 config is ${v}`,
  );
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd';
  const table = `[plugins."io.containerd.grpc.v1.cri"] (${keys.join(', ')})`;
  ctx.note(
    how === 'migrated'
      ? `${file} is a version 3 config that still holds ${table}: ${release} migrates a version 3 file when it loads it and copies these over [plugins."io.containerd.cri.v1.images"], so they are the values in force (2.0–2.2 ignore that table)`
      : `${file} is a version 3 config that still holds ${table}: ${release} ignores that table in a version 3 file, so the values under [plugins."io.containerd.cri.v1.images"] are in force (2.3+ would copy these over them)`,
    file,
  );
  if (how !== 'migrated') return { table: t };
  const before = dig(t, 'plugins', 'io.containerd.cri.v1.images', 'registry', 'config_path');
  return {
    table: migrateLeftoverCri(t, keys),
    leftover: {
      file,
      keys,
      release,
      ...(typeof before === 'string' && before !== '' ? { configPathDropped: before } : {}),
    },
  };
}

/**
 * Whether the CRI settings are read from the images table: a version 1 or 2 file holds
 * `[plugins."io.containerd.cri.v1.images"]`, which 2.x reads (with the CRI table's keys copied over it)
 * and 1.x ignores; the note says which.
 */
function readsImagesTable(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
  files: readonly { path: string; table: TomlTable }[],
): boolean {
  const holder = files.find((f) => hasImagesTableBeforeV3(f.table));
  if (!holder) return false;
  const how = pk.value(
    imagesTableInOlderFile,
    (v) => `a [plugins."io.containerd.cri.v1.images"] table in a version 2 config is ${v}`,
  );
  const release = pk.version ? `containerd ${formatVersion(pk.version)}` : 'containerd';
  const what =
    holder.table.version === undefined
      ? 'config without a version line (read as version 1)'
      : `version ${String(holder.table.version)} config`;
  ctx.note(
    how === 'read'
      ? `${holder.path} is a ${what} that holds [plugins."io.containerd.cri.v1.images"]: ${release} reads that table whatever the file's version${files.some((f) => dig(f.table, 'plugins', CRI_PLUGIN_ID[2]) !== undefined) ? ', with what [plugins."io.containerd.grpc.v1.cri"] sets of registry, max_concurrent_downloads, snapshotter… copied over it' : ''}, so the image and registry settings are read from it`
      : `${holder.path} is a ${what} that holds [plugins."io.containerd.cri.v1.images"]: ${release} has no such plugin and ignores that table (2.x reads it)`,
    holder.path,
  );
  return how === 'read';
}

function describeDefault(d: DefaultConfigPath): string {
  // the note that lists assumptions adds the releases each holds for
  if (d.kind === 'none') return 'config_path has no default';
  return `config_path defaults to ${d.dirs.join(':')}`;
}

/** The hosts directories containerd reads: its config's config_path, else its default (≥ 2.2.0, Linux, and only without mirrors from 2.2.2). */
async function readEnv(b: BundleReader): Promise<{ vars: Record<string, string> }> {
  const t = await b.text(CONTAINERD_FILES.env);
  let env = t === undefined ? new Map<string, EnvValue>() : parseEnvLines(t, CONTAINERD_FILES.env);
  if (t === undefined) {
    // no process environment: the drop-ins say what the next start will get (in systemd's order: by name)
    for (const path of (await b.list(CONTAINERD_FILES.systemd)).sort())
      env = parseSystemdEnvironment((await b.text(path)) ?? '', path, env);
  }
  return { vars: Object.fromEntries([...env].map(([k, v]) => [k, v.value])) };
}

async function readLog(ctx: FactsContext): Promise<ContainerdFacts['log']> {
  const present = await ctx.bundle.text(CONTAINERD_FILES.journal);
  if (present === undefined) return null;
  const events: ContainerdLogEvent[] = [];
  let n = 0;
  let unrecognised = 0;
  let first: { line: number; text: string } | undefined;
  const cuts: CutLine[] = [];
  // the text after the last newline is no line of its own when it is empty
  const lines = present.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // a journal pasted into an issue: colour residue, logrus' terminal format, lost heads undone
  for (const line of normalizePastedLines(lines, { logrus: true, knownMessages: HEADLESS_MESSAGES })) {
    n++;
    const ev = parseContainerdLogLine(line, n);
    const cut = ev ? null : parseCutLine(line, n);
    if (ev) events.push(ev);
    else if (cut) cuts.push(cut);
    // a klog line is the CRI client's (crictl's stderr pasted with the journal), read above when it
    // records a pull's failure, and kubeadm's wrap of crictl's output ends on a line of its own: neither
    // is a line of an unknown format
    else if (
      line.trim() !== '' &&
      !/\b(?:msg|level)=|"msg":/.test(line) &&
      !parseKlogLine(line) &&
      !KUBEADM_WRAP_END.test(line)
    ) {
      unrecognised++;
      first ??= { line: n, text: line };
    }
  }
  if (first) {
    ctx.problem({
      file: CONTAINERD_FILES.journal,
      line: first.line,
      message: `${unrecognised} of ${n} lines not recognised as containerd log lines (first: "${quotedInput(first.text, 80)}")`,
    });
  }
  for (const c of cuts) ctx.note(cutNote(c), CONTAINERD_FILES.journal);
  const read = withoutRepeatedClientFailures(events);
  return { file: CONTAINERD_FILES.journal, events: read, attempts: hostAttempts(read) };
}

/** What a line whose head the paste cut still says, and that its message and time went with the cut. */
function cutNote(c: CutLine): string {
  const o = c.outcome;
  const said =
    o === undefined
      ? `names host ${c.host}, and nothing more that can be placed`
      : 'transport' in o
        ? `says host ${c.host} gave no answer (${o.transport})`
        : `says host ${c.host} answered ${o.status}`;
  return (
    `${CONTAINERD_FILES.journal}:${c.line}: the paste cut this line's head, and its message and time with it; ` +
    `what is left ("…${quotedInput(c.tail.slice(-80), 80)}") ${said}${c.request ? ` to ${c.request}` : ''}`
  );
}

function withLoggedDecompressor(d: Decompression | null, log: ContainerdFacts['log']): Decompression | null {
  const ev = log?.events.findLast((e) => e.kind === 'decompressor-used' && e.tool !== undefined);
  if (!d || !ev || !log) return d;
  return { ...d, logged: { tool: ev.tool!, file: log.file, line: ev.line } };
}

async function readDecompression(
  ctx: FactsContext,
  env: Record<string, string>,
  pk: ContainerdVersionPicker,
): Promise<Decompression | null> {
  const t = await ctx.bundle.text(CONTAINERD_FILES.decompressors);
  if (t === undefined) return null;
  let d: { unpigz?: string | null; igzip?: string | null; pathFrom?: string };
  try {
    const v = JSON.parse(t) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('expected a JSON object');
    d = v as typeof d;
  } catch (e) {
    ctx.problem({ file: CONTAINERD_FILES.decompressors, message: `unreadable: ${(e as Error).message}` });
    return null;
  }
  const disabledBy: string[] = [];
  const pigzOff = goParseBoolTrue(env.CONTAINERD_DISABLE_PIGZ);
  const igzipOff = goParseBoolTrue(env.CONTAINERD_DISABLE_IGZIP);
  if (pigzOff) disabledBy.push(`CONTAINERD_DISABLE_PIGZ=${env.CONTAINERD_DISABLE_PIGZ}`);
  if (igzipOff) disabledBy.push(`CONTAINERD_DISABLE_IGZIP=${env.CONTAINERD_DISABLE_IGZIP}`);
  const unpigz = typeof d.unpigz === 'string' ? d.unpigz : null;
  const igzip = typeof d.igzip === 'string' ? d.igzip : null;
  // igzip is tried first from 2.0 on; 1.x knows only unpigz
  const tools = pk.value(gzipDecompressors, (t) => `containerd tries ${t.join(', then ')} for gzip`) ?? [];
  const igzipUsable = igzip !== null && !igzipOff && tools.includes('igzip');
  const effective = igzipUsable ? 'igzip' : unpigz !== null && !pigzOff ? 'unpigz' : 'go-stdlib';
  return {
    unpigz,
    igzip,
    disabledBy,
    effective,
    pathFrom: d.pathFrom === 'process' || d.pathFrom === 'default' ? d.pathFrom : 'unknown',
  };
}

function generatedBy(text: string | undefined): ContainerdFacts['generatedBy'] {
  const m = /^\s*# File generated by (k3s|rke2)\. DO NOT EDIT\./.exec(text ?? '');
  return m ? (m[1] as GeneratingDistribution) : null;
}

/**
 * What writes config.toml again: Bottlerocket or Talos, when the host's os-release names it (Talos also by
 * its config path); MicroK8s, when the
 * file is its containerd.toml (the paths it renders into it, or where the probe found it); else nodeadm,
 * as the probe recorded it, when containerd reads the file nodeadm writes (its default path).
 */
function rewrittenAtBoot(manifest: Manifest, text: string | undefined): ContainerdFacts['rewrittenAtBoot'] {
  if (manifest.host.os.startsWith(BOTTLEROCKET.osPrefix)) return { by: 'bottlerocket' };
  const rec = manifest.probes.containerd;
  const config = configOnNode(rec?.config);
  if (manifest.host.os.startsWith(TALOS.osPrefix) || config === TALOS.config) {
    const m = /^Talos \(v(\d+)\.(\d+)\./.exec(manifest.host.os);
    return { by: 'talos', release: m ? { major: Number(m[1]), minor: Number(m[2]) } : null };
  }
  if (MICROK8S.rendered.test(text ?? '') || MICROK8S.config.test(config ?? '')) return { by: 'microk8s' };
  const w = rec?.bootWriter as { by?: unknown; unit?: unknown } | undefined;
  if (w?.by !== 'nodeadm' || typeof w.unit !== 'string') return null;
  return config === null || config === NODEADM.configToml ? { by: 'nodeadm', unit: w.unit } : null;
}

/** The node path the manifest records for each import the bundle holds (its `sources`), when absolute. */
function importsOnNode(manifest: Manifest, imports: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of imports) {
    const node = manifest.sources?.[f];
    if (typeof node === 'string' && node.startsWith('/')) out[f] = node;
  }
  return out;
}

/** The probe's record of config.toml's node path (`config`), when it holds an absolute path. */
function configOnNode(recorded: unknown): string | null {
  return typeof recorded === 'string' && recorded.startsWith('/') ? recorded : null;
}

/** The `version = N` config.toml's text declares, as written; undefined without the text or the line. */
function declaredVersion(text: string | undefined): string | undefined {
  return text === undefined ? undefined : /^\s*version\s*=\s*(\d+)/m.exec(text)?.[1];
}
