import type { BundleReader } from '../bundle/reader.js';
import {
  type ContainerdConfig,
  leftoverCriKeys,
  mergeTomlTables,
  migrateLeftoverCri,
  readContainerdConfig,
} from '../parsers/containerd-config.js';
import { type EnvValue, goParseBoolTrue, parseEnvLines, parseSystemdEnvironment } from '../parsers/containerd-env.js';
import { type ContainerdLogEvent, HOST_MESSAGES, parseContainerdLogLine } from '../parsers/containerd-log.js';
import { normalizePastedLines } from '../parsers/paste-normalize.js';
import { criPluginRow, parseCtrPlugins } from '../parsers/containerd-plugins.js';
import { dig, parseTomlLocated, type TomlParse, type TomlTable } from '../parsers/containerd-toml.js';
import { type ContainerdVersion, formatVersion, parseContainerdVersion } from '../parsers/containerd-version.js';
import {
  criTableInV3File,
  defaultConfigPath,
  gzipDecompressors,
  type DefaultConfigPath,
} from '../knowledge/containerd.js';
import { ContainerdVersionPicker, type VersionAssumption } from './containerd-versioned.js';
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

import { buildRoutes, effectiveConfigPath, readHostsDirs, type HostsDir } from './containerd-hosts-dirs.js';
import { findMisconfigs, type LeftoverCri, type Misconfig } from './containerd-misconfigs.js';
import { dfdaemonEndpoints, readListeners, readMirrorChecks } from './containerd-endpoints.js';

export type { MirrorCheck, RegistryRoute, RouteHost, DfdaemonEndpoints } from './containerd-routes.js';

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
  /** dump = `containerd config dump` (effective values), file = config.toml (+imports), defaults = no config found, invalid = config.toml does not parse (containerd does not start). */
  configSource: 'dump' | 'file' | 'defaults' | 'invalid';
  /** Bundle path of the file the values came from. */
  configFile: string | null;
  /**
   * config.toml's path on the node, as the probe looked for it (containerd's --config, else the
   * default); null when the bundle does not say (a bundle of loose files, an older bundle).
   */
  configOnNode: string | null;
  config: ContainerdConfig;
  /** A version 3 file's leftover CRI table that this containerd (2.3+) copied over its images table. */
  leftoverCri: LeftoverCri | null;
  pull: PullMode;
  /** Line of max_concurrent_downloads in configFile, when the file sets it (for "what dfdoctor read"). */
  downloadsLine?: number;
  snapshotter: string;
  discardUnpackedLayers: boolean;
  imagePullProgressTimeout: string | null;
  /** The hosts directories in effect: from the config, or containerd's default (≥ 2.2.0 on Linux). */
  configPath: string[];
  configPathFrom: 'config' | 'default' | 'none';
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
  log: { file: string; events: ContainerdLogEvent[] } | null;
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
    const { config, source, file, lineOf, leftoverCri } = await readConfig(ctx, pk);
    const dflt = pk.value(defaultConfigPath, describeDefault) ?? { kind: 'none' };
    const { configPath, from: configPathFrom } = effectiveConfigPath(config, dflt);
    const listeners = await readListeners(ctx);
    const dd = dfdaemonEndpoints(ctx.facts, listeners);
    const checks = await readMirrorChecks(ctx);
    const hostsDirs = await readHostsDirs(b, configPath);
    const routes = await buildRoutes(ctx, config, configPath, hostsDirs, dd?.endpoints ?? null, checks ?? [], pk);
    const pull = pullMode(config, pk);
    const env = await readEnv(b);
    const log = await readLog(ctx);
    const pluginsText = await b.text(CONTAINERD_FILES.plugins);
    const cri = pluginsText === undefined ? undefined : criPluginRow(parseCtrPlugins(pluginsText));
    const criPlugin = cri ? { status: cri.status, line: cri.line } : null;
    const misconfigs = findMisconfigs({
      criPlugin,
      configValid: source !== 'invalid',
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
      leftoverCri,
    });
    const isMirror = (h: RegistryRoute['hosts'][number]) =>
      h.role === 'mirror' || (h.role === 'server' && (h.isDfdaemon || isLoopbackHost(h.host)));
    const mirrorHosts = [
      ...new Set(routes.flatMap((r) => r.hosts.filter(isMirror).map((h) => hostPort(h.host, h.port)))),
    ];
    const facts: ContainerdFacts = {
      version,
      configSource: source,
      configFile: file,
      configOnNode: configOnNode(ctx.facts.manifest.probes.containerd?.config),
      config,
      pull,
      snapshotter: config.cri.snapshotter ?? 'overlayfs',
      discardUnpackedLayers: config.cri.discardUnpackedLayers ?? false,
      imagePullProgressTimeout: progressTimeout(config, pk),
      configPath,
      configPathFrom,
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
    if (!facts.pull.downloads.fromDefault) {
      const line = lineOf?.(facts.pull.downloads.path);
      if (line !== undefined) facts.downloadsLine = line;
    }
    if (
      criPlugin?.status === 'error' &&
      !misconfigs.some((m) => m.kind === 'legacy-with-config-path' || m.kind === 'mirrors-refused')
    ) {
      ctx.note(
        `containerd's CRI plugin failed to load (\`ctr plugins ls\`: error): the kubelet cannot pull through this containerd at all; its log says why`,
        `${CONTAINERD_FILES.plugins}:${criPlugin.line}`,
      );
    }
    if (facts.discardUnpackedLayers) {
      ctx.note(
        'containerd discards layer blobs after unpacking (discard_unpacked_layers = true): once the image is garbage-collected, the next "cache hit" pull fetches every blob again, and on 2.1+ this setting also forces the older local pull',
        facts.configFile ?? CONTAINERD_FILES.config,
      );
    }
    if (source === 'defaults') {
      ctx.note(
        `containerd: no config.toml in the bundle — containerd runs on its defaults (${configPathFrom === 'default' ? `config_path ${configPath.join(':')}, the default of containerd ≥ 2.2.0 on Linux` : 'no config_path, so no mirror, before containerd 2.2.0'})`,
        CONTAINERD_FILES.config,
      );
    }
    if (pull.downloads.ignored) {
      ctx.note(
        `containerd ${version ? formatVersion(version) : ''}: ${pull.downloads.setting} has no effect on CRI pulls in ${pull.downloads.ignored.range} (containerd#6054: the unpacker that fetches the layers was built without the limit), so every layer downloads at once; the setting works again from 1.5.12 / 1.6.0`,
        facts.configFile ?? CONTAINERD_FILES.version,
      );
    }
    if (pk.assumptions.length > 0) {
      ctx.note(
        `containerd version unknown (no ${CONTAINERD_FILES.version}): assumed ${pk.assumptions.map((a) => `${a.assumed} (${a.range})`).join('; ')}`,
        CONTAINERD_FILES.version,
      );
    }
    return facts;
  },
});

async function readVersion(b: BundleReader): Promise<ContainerdVersion | null> {
  const t = await b.text(CONTAINERD_FILES.version);
  return t === undefined ? null : parseContainerdVersion(t);
}

/** The config in effect, where it came from, and (a file that parsed) where its keys are written. */
async function readConfig(
  ctx: FactsContext,
  pk: ContainerdVersionPicker,
): Promise<{
  config: ContainerdConfig;
  source: ContainerdFacts['configSource'];
  file: string | null;
  lineOf?: Extract<TomlParse, { ok: true }>['lineOf'];
  leftoverCri: LeftoverCri | null;
}> {
  const b = ctx.bundle;
  const dump = await b.text(CONTAINERD_FILES.dump);
  const mainText = await b.text(CONTAINERD_FILES.config);
  const mainVersion = mainText === undefined ? undefined : /^\s*version\s*=\s*(\d+)/m.exec(mainText)?.[1];
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
      return { config: r.config, source: 'dump', file: CONTAINERD_FILES.dump, lineOf: p.lineOf, leftoverCri: null };
    } else if (!p.ok) ctx.problem({ file: CONTAINERD_FILES.dump, line: p.line, column: p.column, message: p.message });
  }
  const main = mainText;
  if (main === undefined)
    return { config: readContainerdConfig({}).config, source: 'defaults', file: null, leftoverCri: null };
  const p = parseTomlLocated(main);
  if (!p.ok) {
    ctx.problem({
      file: CONTAINERD_FILES.config,
      line: p.line,
      column: p.column,
      message: `${p.message} (containerd refuses to start with this file)`,
    });
    return {
      config: readContainerdConfig({}).config,
      source: 'invalid',
      file: CONTAINERD_FILES.config,
      leftoverCri: null,
    };
  }
  let leftoverCri: LeftoverCri | null = null;
  const loaded = (t: TomlTable, path: string): TomlTable => {
    const r = asLoaded(ctx, pk, t, path);
    if (r.leftover) leftoverCri ??= r.leftover;
    return r.table;
  };
  let merged: TomlTable = loaded(p.value, CONTAINERD_FILES.config);
  // list() gives bundle-relative paths
  for (const path of await b.list(CONTAINERD_FILES.imports)) {
    const text = (await b.text(path)) ?? '';
    const ip = parseTomlLocated(text);
    if (!ip.ok) {
      ctx.problem({ file: path, line: ip.line, column: ip.column, message: ip.message });
      continue;
    }
    // an imported file's own version/imports do not override the main file's
    const { version: _v, imports: _i, ...rest } = loaded(ip.value, path);
    merged = mergeTomlTables(merged, rest);
  }
  const r = readContainerdConfig(merged, main);
  for (const q of r.problems)
    ctx.problem({
      file: CONTAINERD_FILES.config,
      ...(q.line === undefined ? {} : { line: q.line }),
      message: q.message,
    });
  return { config: r.config, source: 'file', file: CONTAINERD_FILES.config, lineOf: p.lineOf, leftoverCri };
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

function describeDefault(d: DefaultConfigPath): string {
  if (d.kind === 'none') return 'config_path has no default (containerd < 2.2.0)';
  return `config_path defaults to ${d.dirs.join(':')} (containerd ≥ 2.2.0)`;
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
  // a journal pasted into an issue: colour residue, logrus' terminal format, lost heads undone
  for (const line of normalizePastedLines(present.split('\n'), { logrus: true, knownMessages: HOST_MESSAGES })) {
    n++;
    const ev = parseContainerdLogLine(line, n);
    if (ev) events.push(ev);
    else if (line.trim() !== '' && !/\b(?:msg|level)=/.test(line)) {
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
  return { file: CONTAINERD_FILES.journal, events };
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

/** The probe's record of config.toml's node path (`config`), when it holds an absolute path. */
function configOnNode(recorded: unknown): string | null {
  return typeof recorded === 'string' && recorded.startsWith('/') ? recorded : null;
}
