import { type DfdaemonConfig, detectConfigGeneration, parseDfdaemonConfig } from '../parsers/dfdaemon-config.js';
import { configMapEntry } from '../parsers/configmap.js';
import { chartConfigMapName, helmGeneration, helmValuesKeys, type ChartConfigMapName } from '../parsers/helm-values.js';
import { urlPort } from '../parsers/net-address.js';
import { isReleaseTag } from '../parsers/proc-cgroup.js';
import { RUST_PIECE_LINES_LEVEL } from '../knowledge/dfdaemon-rust.js';
import { parseRelease, pick } from '../knowledge/versioned.js';
import { defineFacts, type FactsContext } from './context.js';
import { goLogLevelNotes } from './dfdaemon-go-log-level.js';
import { buildLogs, type DfdaemonLogFacts, logsByOwner } from './dfdaemon-logs.js';
import { buildSchedulerLog, type SchedulerLogFacts } from './scheduler-log.js';
import { lastPull, type PullGroup } from './dfdaemon-pulls.js';
import { buildMetrics, type DfdaemonMetrics } from './dfdaemon-metrics.js';
import { buildStorage, type DfdaemonStorage, MOUNTINFO_FILE } from './dfdaemon-storage.js';
import { daemonConfigFile, type DaemonConfigFile } from './dfdaemon-config-file.js';
import { boundPorts, type PortRangeFact, type RangedRole } from './dfdaemon-port-ranges.js';
import { parseSsListeners } from '../parsers/ss-listeners.js';
import { BUNDLE } from '../bundle/layout.js';

/**
 * What the dfdaemon area knows. generation, version, cacheDir, ports and recentPull are read by other
 * areas' rules (disk, containerd, net), so they keep these names; the rest is this area's own.
 */
export interface DfdaemonFacts {
  generation: 'go' | 'rust' | null;
  version?: string;
  /** Where the version was read: the daemon's version gauge, the tag of the image its container runs, or its log's start. */
  versionFrom?: 'metrics' | 'container image' | 'log';
  /** The container the daemon runs in (raw/dfdaemon/container.json), when it runs in one. */
  container?: { id: string; image?: string; pod?: string };
  /** The storage (cache) dir in effect, and whether it came from the config or a default. */
  cacheDir?: { path: string; from: 'config' | 'default' | 'flag' };
  /** The volume under the cache dir, from the daemon's own mount table (when the probe saw its process). */
  storage?: DfdaemonStorage;
  /**
   * TCP ports dfdaemon listens on, by role. A Go listener given a port range has the port of it the listeners
   * table shows the daemon holding, else the range's start (portRanges says which).
   */
  ports?: { proxy?: number; upload?: number; metrics?: number; health?: number; grpc?: number };
  /** Go listeners given a port range (`port: {start, end}`): the daemon holds the first free port of it. */
  portRanges?: Partial<Record<RangedRole, PortRangeFact>>;
  /**
   * The pull in question as dfdaemon's logs show it (the slow, most recent one): total bytes of the
   * blobs served, how many blobs (layers), and the wall time from first request to last byte when known.
   */
  recentPull?: { bytes: number; layers: number; seconds: number | null; evidence: string };
  /** The config file read, with every speed-relevant setting and whether it is a default. */
  config?: DfdaemonConfig & { file: string };
  /** Where the daemon reads that config (for steps that change it), when the probe recorded it. */
  configFile?: DaemonConfigFile;
  metrics?: DfdaemonMetrics;
  logs?: DfdaemonLogFacts;
  /** A Dragonfly scheduler's log handed over with dfdaemon's: its back-to-source orders and their reasons. */
  schedulerLog?: SchedulerLogFacts;
}

const CONFIG_DIR = `${BUNDLE.dfdaemon.configDir}/`;

export const dfdaemonFacts = defineFacts({
  area: 'dfdaemon',
  async build(ctx) {
    const rec = ctx.facts.manifest.probes.dfdaemon;
    const genText = (await ctx.bundle.text(BUNDLE.dfdaemon.generation))?.trim();
    let generation: 'go' | 'rust' | null = genText === 'go' || genText === 'rust' ? genText : null;
    if (genText !== undefined && genText !== '' && generation === null) {
      ctx.problem({
        file: BUNDLE.dfdaemon.generation,
        line: 1,
        message: `"${genText.slice(0, 40)}" is neither "go" nor "rust"`,
      });
    }
    let version = (await ctx.bundle.text(BUNDLE.dfdaemon.version))?.trim() || undefined;

    const configFiles = (await ctx.bundle.list(CONFIG_DIR)).filter((f) => /\.ya?ml$/.test(f));
    const metrics = await buildMetrics(ctx);
    if (!version && metrics?.version) version = metrics.version;
    let versionFrom: DfdaemonFacts['versionFrom'] = version ? 'metrics' : undefined;
    const container = await readContainer(ctx);
    if (!version && container?.tag && isReleaseTag(container.tag)) {
      version = container.tag;
      versionFrom = 'container image';
    }
    // the logs before the config: a Go daemon's start names its release, which decides how the config reads
    const since = typeof rec?.sinceCutoff === 'string' ? Date.parse(rec.sinceCutoff) : Number.NaN;
    const owned = await logsByOwner(ctx);
    const logs = await buildLogs(ctx, Number.isFinite(since) ? since : undefined, owned.daemon);
    const schedulerLog = await buildSchedulerLog(ctx, owned.scheduler);
    const logged = logs?.summary.daemonVersion;
    if (!version && logged && isReleaseTag(logged.release)) {
      version = logged.release;
      versionFrom = 'log';
    }

    let config: (DfdaemonConfig & { file: string }) | undefined;
    for (const file of configFiles) {
      const raw = (await ctx.bundle.text(file)) ?? '';
      // a config handed over as the ConfigMap the Helm charts mount it from (`kubectl get cm -o yaml`)
      const cm = configMapEntry(raw, ['dfdaemon.yaml', 'dfget.yaml']);
      const text = cm?.text ?? raw;
      // a Helm chart's values: what the daemon runs with is the chart's defaults merged with them
      const chart = cm ? null : helmValuesKeys(raw);
      if (chart) {
        // the ConfigMap's name as the chart gives it (parsers/helm-values.ts chartConfigMapName)
        ctx.problem({
          file,
          message: `the Dragonfly Helm chart's values (top-level ${chart.map((k) => `\`${k}\``).join(', ')}), not dfdaemon's config: the daemon runs with the chart's defaults merged with them, which are not in the bundle, so none of its settings is read from this file. Give the config the chart renders: ${configMapStep(chartConfigMapName(raw))}, or \`helm template\` with these values`,
        });
        // which daemon the values deploy is read as `analyze values.yaml` reads it (bundle/sniff.ts), so a
        // bundle without generation.txt names the same generation
        generation ??= helmGeneration(raw);
        continue;
      }
      if (cm)
        ctx.note(
          `${file} is a Kubernetes ConfigMap: the config read is its data["${cm.key}"]${cm.sameLines ? ", whose line numbers are the file's" : ', whose line numbers count from its first line'}.${cm.cut ? ' It ends before the kind: and metadata: that kubectl prints after data: if the paste was cut short, the settings past the cut take their defaults here.' : ''}`,
        );
      const name = file.slice(CONFIG_DIR.length);
      const gen =
        generation ??
        (name.startsWith('dfget')
          ? 'go'
          : name.startsWith('dfdaemon')
            ? 'rust'
            : (detectConfigGeneration(text) ?? metrics?.generation ?? null));
      if (!gen) {
        ctx.problem({ file, message: 'cannot tell whether this is a Go (dfget.yaml) or Rust (dfdaemon.yaml) config' });
        continue;
      }
      const r = parseDfdaemonConfig(text, gen, version);
      for (const p of r.problems)
        ctx.problem({
          file,
          ...(p.line === undefined ? {} : { line: p.line }),
          ...(p.column === undefined ? {} : { column: p.column }),
          message: p.message,
        });
      if (r.ok && !config) {
        config = { ...r.config, file };
        generation ??= gen;
      }
    }
    generation ??= metrics?.generation ?? null;
    generation ??= logs?.generation ?? null;

    if (!rec && !config && !metrics && !logs && !schedulerLog && genText === undefined && generation === null)
      return undefined;

    const out: DfdaemonFacts = { generation };
    if (version) out.version = version;
    if (versionFrom) out.versionFrom = versionFrom;
    if (container)
      out.container = {
        id: container.id,
        ...(container.image ? { image: container.image } : {}),
        ...(container.pod ? { pod: container.pod } : {}),
      };
    if (config) out.config = config;
    // the daemon's own mount table: where its config comes from, and what holds its cache dir
    const mountinfo = await ctx.bundle.text(MOUNTINFO_FILE);
    const configFile = daemonConfigFile(rec, rec?.daemonRoot === undefined ? undefined : mountinfo, container?.pod);
    if (configFile) out.configFile = configFile;
    if (metrics) out.metrics = metrics;
    if (logs) out.logs = logs;
    if (schedulerLog) out.schedulerLog = schedulerLog;

    const probeCache = rec?.cacheDir as { path?: unknown; from?: unknown } | undefined;
    if (probeCache && typeof probeCache.path === 'string' && probeCache.from === 'flag')
      out.cacheDir = { path: probeCache.path, from: 'flag' };
    else if (config) out.cacheDir = { path: config.storageDir.value, from: config.storageDir.from };
    else if (probeCache && typeof probeCache.path === 'string')
      out.cacheDir = { path: probeCache.path, from: probeCache.from === 'config' ? 'config' : 'default' };
    // the daemon's mount table speaks of the daemon's paths, not of a --cache-dir given on this node
    if (out.cacheDir && out.cacheDir.from !== 'flag') {
      const storage = buildStorage(ctx, out.cacheDir.path, mountinfo);
      if (storage) out.storage = storage;
    }

    // a proxy URL the probe was given (--dfdaemon-proxy) or derived names the proxy port when no config was read
    const givenProxy = typeof rec?.proxyUrl === 'string' ? urlPort(rec.proxyUrl) : undefined;
    if (!config && givenProxy !== undefined) out.ports = { proxy: givenProxy };
    if (config) {
      const p = config.ports;
      const ports: NonNullable<DfdaemonFacts['ports']> = {};
      if (p.proxy) ports.proxy = p.proxy.value;
      if (p.upload) ports.upload = p.upload.value;
      if (p.metrics) ports.metrics = p.metrics.value;
      if (p.health) ports.health = p.health.value;
      if (p.grpc) ports.grpc = p.grpc.value;
      out.ports = ports;
      if (config.portRanges) {
        const ranged = config.portRanges;
        const fixed = Object.entries(ports)
          .filter(([role]) => !(role in ranged))
          .map(([, port]) => port);
        const listeners = await ctx.bundle.text(BUNDLE.net.listeners);
        out.portRanges = boundPorts(
          ranged,
          fixed,
          listeners === undefined ? null : parseSsListeners(listeners).listeners,
        );
        for (const [role, r] of Object.entries(out.portRanges))
          if (r.bound !== undefined) ports[role as RangedRole] = r.bound;
      }
    }

    const pull = lastPull(logs?.pulls);
    if (pull && pull.bytes > 0) {
      out.recentPull = {
        bytes: pull.bytes,
        layers: pull.layers,
        seconds: pull.seconds,
        evidence: pullEvidence(pull),
      };
    }
    addNotes(ctx, out);
    return out;
  },
});

/** What the log shows of the pull in question: its image, size, time and first line, and what ran beside it. */
function pullEvidence(pull: PullGroup): string {
  const first = pull.tasks[0];
  const time = pull.seconds === null ? ', wall time not logged' : ` in ${pull.seconds.toFixed(2)} s`;
  const where = first ? `${first.first.file}:${first.first.line}` : 'dfdaemon log';
  const others = pull.overlapping.length;
  const names = [...new Set(pull.overlapping.map((r) => r ?? 'a repository the log does not name'))];
  const beside =
    others === 0
      ? ''
      : `; ${others} other pull(s) ran at the same time, sharing the link, disk and dfdaemon: ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
  return `${pull.repository ? `${pull.repository}: ` : ''}${pull.tasks.length} blobs (${pull.layers} layers), ${(pull.bytes / 1e6).toFixed(0)} MB${time} (${where} onwards)${beside}`;
}

const CONTAINER_FILE = BUNDLE.dfdaemon.container;

/** The daemon's container as the probe recorded it; a damaged file is a located problem, not a stop. */
async function readContainer(
  ctx: FactsContext,
): Promise<{ id: string; image?: string; tag?: string; pod?: string } | undefined> {
  const text = await ctx.bundle.text(CONTAINER_FILE);
  if (text === undefined) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    ctx.problem({ file: CONTAINER_FILE, message: `not JSON: ${(e as Error).message}` });
    return undefined;
  }
  const o = (v ?? {}) as { id?: unknown; image?: unknown; tag?: unknown; labels?: Record<string, unknown> };
  if (typeof o.id !== 'string') {
    ctx.problem({ file: CONTAINER_FILE, message: 'no container "id"' });
    return undefined;
  }
  const ns = o.labels?.['io.kubernetes.pod.namespace'];
  const name = o.labels?.['io.kubernetes.pod.name'];
  return {
    id: o.id,
    ...(typeof o.image === 'string' ? { image: o.image } : {}),
    ...(typeof o.tag === 'string' ? { tag: o.tag } : {}),
    ...(typeof name === 'string' ? { pod: typeof ns === 'string' ? `${ns}/${name}` : name } : {}),
  };
}

/**
 * Why the Go daemon serves no proxy, when its config gives the proxy no port (see listenPort in
 * parsers/dfdaemon-config-go.ts): the file and line, for the evidence of every check of containerd's routes.
 */
export function goProxyOff(cfg: DfdaemonFacts['config']): string | undefined {
  const off = cfg?.unfixedPorts?.proxy;
  if (!cfg || !off) return undefined;
  const at = off.line === undefined ? cfg.file : `${cfg.file}:${off.line}`;
  const what = off.from === 'default' ? 'sets no proxy.tcpListen.port' : 'leaves proxy.tcpListen.port empty or 0';
  return `${at} ${what}, and the Go dfdaemon serves no proxy without one (dragonfly client/daemon/proxy/proxy_manager.go IsEnabled, v2.0.0–v2.3.4; v2.1.49 :158-160)`;
}

function addNotes(ctx: FactsContext, f: DfdaemonFacts): void {
  if (f.generation === 'go') {
    const noMetrics = goWithoutMetrics(f.version ?? f.metrics?.version);
    if (noMetrics)
      ctx.note(
        `The Go dfdaemon serves a cache hit without asking the scheduler, so no scheduler figure counts its hits. This release (${noMetrics}) has no metrics server: dfdaemon's metrics, dragonfly_dfdaemon_peer_task_cache_hit_total among them, came with v2.0.2 (dragonflyoss/dragonfly #960), so its "reuse from peer task" log lines are the evidence.`,
        'dragonfly v2.0.1 client/daemon/peer/peertask_reuse.go:39-58 (no client/daemon/metrics before v2.0.2)',
      );
    else
      ctx.note(
        'The Go dfdaemon serves a cache hit without asking the scheduler, so its hits never appear in the scheduler\'s dragonfly_scheduler_traffic (which only counts REMOTE_PEER and BACK_TO_SOURCE from it): a missing LOCAL_PEER type there proves nothing. The dfdaemon\'s own dragonfly_dfdaemon_peer_task_cache_hit_total and its "reuse from peer task" log lines are the evidence.',
        'dragonfly v2.1.49 scheduler/service/service_v1.go:265-272, client/daemon/peer/peertask_manager.go:368-389',
      );
    const hits = lastPull(f.logs?.pulls)?.tasks.filter((t) => t.reportedHit && t.costMs === null).length ?? 0;
    if (hits > 0) {
      ctx.note(
        `The Go dfdaemon logs no duration for a stream cache hit ("TODO record time when file closed"): the ${hits} hit(s) of the last pull are timed only by their request; the time to the last byte is unknown from dfdaemon and must come from containerd/kubelet or dfdoctor bench.`,
        'dragonfly v2.1.49 client/daemon/peer/peertask_reuse.go:340',
      );
    }
    if (f.config && !f.metrics && !noMetrics && f.config.metricsAddr?.value === '') {
      ctx.note(
        "The Go dfdaemon's metrics server is off (dfget.yaml `metrics:` empty; Helm: dfdaemon.metrics.enable=false), so no hit counters could be read.",
        f.config.file,
      );
    }
  }
  if (f.generation === 'rust' && f.metrics?.traffic) {
    const v = f.version ?? f.metrics.version;
    if (!v || olderOrEqual(v, [1, 5, 1])) {
      ctx.note(
        `Rust clients up to v1.5.1${v ? ` (this one: ${v})` : ''} under-count LOCAL_PEER bytes in dragonfly_client_download_traffic for pieces returned early from local storage (fixed by dragonflyoss/client PR #2028): a low LOCAL_PEER figure alone does not prove a miss.`,
        'https://github.com/dragonflyoss/client/pull/2028',
      );
    }
  }
  const cfg = f.config;
  const off = goProxyOff(cfg);
  if (off)
    ctx.note(
      `${off}: nothing listens for pulls on 65001 (the port the package's and the Helm chart's dfget.yaml write). Where a proxy is meant to run, set the port; \`ss -ltnp | grep dfget\` shows what the daemon does listen on.`,
    );
  const random = Object.values(cfg?.unfixedPorts ?? {}).filter((s) => s.value === 'a port the kernel picks');
  if (cfg && random.length > 0)
    ctx.note(
      `${cfg.file}: ${random.map((s) => `${s.key}${s.line === undefined ? '' : ` (line ${s.line})`}`).join(', ')} is 0, so the Go dfdaemon binds a port the kernel picks, a new one at each start (dragonfly v2.1.49 pkg/rpc/server_listen.go:43-54); \`ss -ltnp | grep dfget\` shows it.`,
    );
  if (cfg?.rustDefaults?.assumed) {
    ctx.note(
      `The Rust client's version is unknown, so ${cfg.file} was read with the key names and defaults of ${cfg.rustDefaults.version} (${cfg.rustDefaults.why}): limits, timeouts and buffer sizes not set in the file are that release's defaults.`,
      'dragonflyoss/client dragonfly-client-config/src/dfdaemon.rs (defaults by release)',
    );
  }
  const st = f.logs?.stats;
  const noDebug = !!st && st.lines > 0 && st.debugLines === 0;
  if (f.generation === 'go' || f.logs?.generation === 'go')
    for (const n of goLogLevelNotes({
      version: f.version,
      config: f.config?.generation === 'go' ? f.config : undefined,
      // the daemon's stderr (std-log, cobra) has no levels: only zap lines say what level the log was written at
      noDebug: noDebug && f.logs?.generation === 'go' && st.byLayout['go-json'] + st.byLayout['go-console'] > 0,
      metricsRead: !!f.metrics,
    }))
      ctx.note(n.text, n.source);
  if (noDebug && f.logs) addLevelNotes(ctx, f, f.logs);
  if (st && st.beforeSince > 0)
    ctx.note(`${st.beforeSince} dfdaemon log lines were older than --since and were left out.`);
}

/** What a Rust log written at INFO cannot show, by release (Go: dfdaemon-go-log-level.ts). */
function addLevelNotes(ctx: FactsContext, f: DfdaemonFacts, logs: DfdaemonLogFacts): void {
  if (logs.generation !== 'rust') return;
  const v = f.version ? parseRelease(f.version) : null;
  const level = pick(RUST_PIECE_LINES_LEVEL, v);
  if (level.kind === 'none' || level.value !== 'debug') return;
  // the note explains tasks whose end the log does not show: a log without one (a start-up, a proxy
  // error) or whose every task ended or failed in it has nothing for it to explain
  const s = logs.summary;
  if (s.droppedTasks === 0 && !s.tasks.some((t) => !t.refs.done && !t.failed)) return;
  // piece lines in a log without DEBUG lines were written at INFO: a release before v1.4.1, whatever the
  // assumption for an unknown version says
  if (
    level.kind === 'assumed' &&
    logs.summary.tasks.some((t) => t.pieces.local + t.pieces.remote + t.pieces.source > 0)
  )
    return;
  ctx.note(
    `The Rust dfdaemon log holds no DEBUG line, and ${level.kind === 'known' ? `from ${level.entry.range.from} (this one: ${f.version})` : 'from v1.4.1 (the version is unknown: assumed ≥ v1.4.1)'} piece lines and "download task succeeded" are DEBUG: a task's end and duration are not in the log unless the scheduler or the origin served it (its INFO "all pieces are downloaded with scheduler" or "…from source"): a cache hit's are not, so durations come from dragonfly_client_download_task_duration_milliseconds${f.metrics ? '' : ' (not read)'}; from v1.4.2 the proxy's download span carries no url field either (the URL is in "download task started"; v1.4.1's still records it).`,
    level.entry.source,
  );
}

/**
 * The Go release, when it is one before v2.0.2: those have no dfdaemon metrics at all (no `metrics` key in
 * client/config/peerhost.go, no client/daemon/metrics at v2.0.0, v2.0.1 and the v2.0.2 alphas; dragonflyoss/dragonfly #960
 * "feat: add daemon metrics support" is first tagged in v2.0.2-beta.0).
 */
function goWithoutMetrics(version: string | undefined): string | undefined {
  return version && /^v?2\.0\.(?:[01](?:$|[^\d])|2-alpha)/.test(version) ? version : undefined;
}

/** "v1.5.1" ≤ [1,5,1]? */
export function olderOrEqual(version: string, ref: [number, number, number]): boolean {
  const m = /v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  for (let i = 0; i < 3; i++) {
    if ((v[i] as number) < ref[i]!) return true;
    if ((v[i] as number) > ref[i]!) return false;
  }
  return true;
}

/** The kubectl command that prints the ConfigMap the chart renders from these values, and what its name rests on. */
function configMapStep(n: ChartConfigMapName): string {
  const get = (name: string) => `\`kubectl -n <namespace> get configmap ${name} -o yaml\``;
  if (n.fixed !== undefined) {
    const go = n.component === null ? `; Go chart: ${n.fixed}-dfdaemon` : '';
    return `${get(`${n.fixed}-${n.component ?? 'client'}`)} (named by the values' fullnameOverride, whatever the release${go})`;
  }
  const component = n.component ?? 'client';
  const documented = n.name === 'dragonfly' ? ', as the documented release `dragonfly` does' : '';
  const go = n.component === null ? '; Go chart: …-dfdaemon' : '';
  return `${get(`<release>-${n.name}-${component}`)} (<release>-${component} when the release name contains "${n.name}"${documented}${go})`;
}
