import { RUST_PROXY_READ_BUFFER } from '../knowledge/dfdaemon-rust.js';
import { formatRange, parseRelease, pick } from '../knowledge/versioned.js';
import type { Facts } from '../facts/types.js';
import { isBlobUrl, isManifestUrl, isTokenUrl, type TaskTimeline } from '../parsers/dfdaemon-timeline.js';
import { hitNotLocal, multiplexOff, cacheNotPersistent, schedulerBackSource, taskIdChurn } from './dfdaemon-cache.js';
import { mirrorDisabled } from './dfdaemon-mirror.js';
import { defineLegacyRule, type Rule } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import {
  applySteps,
  configSnippet,
  describeTask,
  gen,
  lastPull,
  mb,
  mbps,
  nonLocal,
  pullTasks,
  quote,
  secs,
  setting,
} from './dfdaemon-evidence.js';
import { cmd, prose } from './steps.js';

/** With nothing measured, a limit is compared with what a node should deliver for image serving. */
const UNMEASURED_FLOOR_MBPS = 100;
/** A proxy read buffer at or below this copies large blobs in many small reads (client PR #1021). */
const SMALL_PROXY_BUFFER = 32 * 1024;
/** A register/schedule wait from which it counts as a delay worth naming. */
const SLOW_REGISTER_MS = 1000;

const bytesOf = (ts: TaskTimeline[]) => ts.reduce((a, t) => a + (t.contentLength ?? 0), 0);
const allLocal = (ts: TaskTimeline[]) => ts.length > 0 && ts.every((t) => t.servedBy === 'local');

/** What the path around dfdaemon carries (disk read, loopback), MB/s, and where that came from. */
function pathCapacity(f: Facts): { mbps: number; from: string } {
  const c: { mbps: number; from: string }[] = [];
  const d = f.measurements.disk?.seqReadMBps;
  if (typeof d === 'number' && d > 0)
    c.push({ mbps: d, from: `cache-disk sequential read ${d.toFixed(0)} MB/s (measurements.disk.seqReadMBps)` });
  const l = f.measurements.loopback?.baseline?.throughputMBps;
  if (typeof l === 'number' && l > 0)
    c.push({ mbps: l, from: `loopback ${l.toFixed(0)} MB/s (measurements.loopback.baseline.throughputMBps)` });
  if (c.length === 0)
    return {
      mbps: UNMEASURED_FLOOR_MBPS,
      from: `${UNMEASURED_FLOOR_MBPS} MB/s, the least a node should deliver for image serving (disk and loopback not measured)`,
    };
  return c.reduce((a, b) => (b.mbps < a.mbps ? b : a));
}

export const rateLimit = defineLegacyRule({
  id: 'dfdaemon.rate-limit',
  cause: 'dfdaemon-rate-limit',
  title: 'dfdaemon rate limit below what the disk and loopback carry',
  description:
    'The download limit (Go download.totalRateLimit/perPeerRateLimit, Rust download.rateLimit/bandwidthLimit) is below the measured cache-disk read or loopback throughput, or limiter errors are logged',
  severities: ['critical', 'warning', 'info'],
  remediationSummary: 'Raise the download rate limit to at least what the disk and network carry.',
  when(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    if (!d || !cfg) return null;
    const tasks = pullTasks(d);
    const remote = nonLocal(tasks);
    // the total limit caps the node; the per-task limit caps each of the pull's parallel downloads
    let effective = cfg.downloadRateLimit.value;
    if (cfg.perPeerRateLimit && remote.length > 0)
      effective = Math.min(effective, cfg.perPeerRateLimit.value * remote.length);
    const cap = pathCapacity(f);
    const limiterErrors = d.logs?.summary.rateLimitErrors ?? [];
    const below = effective / 1e6 < cap.mbps;
    if (!below && limiterErrors.length === 0) return null;
    const evidence = [`${setting(cfg.downloadRateLimit, cfg.file, mbps)} — for the whole node`];
    if (cfg.perPeerRateLimit)
      evidence.push(
        `${setting(cfg.perPeerRateLimit, cfg.file, mbps)} — per task${remote.length > 0 ? `, ${remote.length} task(s) downloading in the last pull` : ''}`,
      );
    evidence.push(`path capacity: ${cap.from}`);
    const logged = d.logs?.summary.rateLimitSetting;
    if (logged) evidence.push(`${quote(logged.ref)} — the limit in effect at startup`);
    for (const e of limiterErrors.slice(0, 3)) evidence.push(quote(e));
    const bytes = bytesOf(remote);
    let impactSeconds: number | undefined;
    if (bytes > 0 && below) {
      impactSeconds = Math.max(0, bytes / effective - bytes / (cap.mbps * 1e6));
      evidence.push(
        `last pull: ${mb(bytes)} fetched by P2P/back-to-source at ≤ ${mbps(effective)} instead of ${cap.mbps.toFixed(0)} MB/s ⇒ ≈ ${impactSeconds.toFixed(1)} s added`,
      );
    } else if (allLocal(tasks)) {
      evidence.push(
        'the last pull was served from the local cache, and both generations apply the limiter only to P2P and back-to-source piece downloads, not to local reads: this limit does not explain that pull',
      );
    }
    // the key is named as the running release reads it (rateLimit until v1.2.7, bandwidthLimit from v1.2.8)
    const key =
      cfg.generation === 'go'
        ? 'download.totalRateLimit / download.perPeerRateLimit'
        : `download.${cfg.rateKey ?? 'bandwidthLimit'}`;
    const value = cfg.generation === 'go' ? '2048Mi' : '50GB';
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : allLocal(tasks) ? 'info' : 'warning',
      confidence: f.measurements.disk || f.measurements.loopback ? 0.8 : 0.55,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose(
            `Set ${key} to at least the disk/loopback capacity, e.g. ${key.split(' / ')[0]}: ${value}${cfg.generation === 'go' ? ' (and download.perPeerRateLimit likewise; upload.rateLimit for peers fetching from this node)' : ''}.`,
          ),
          ...applySteps(cfg.generation),
        ],
      },
    };
  },
});

export const verification = defineLegacyRule({
  id: 'dfdaemon.digest-verification',
  cause: 'dfdaemon-verification',
  title: 'Digest computation or verification in dfdaemon',
  description:
    'Go download.calculateDigest: true (MD5 per piece while downloading), or digest mismatches logged by either generation',
  severities: ['warning', 'info'],
  remediationSummary:
    'Digests are computed while downloading, not when serving a local hit: keep them off for speed only where integrity is checked elsewhere; investigate mismatches.',
  when(f) {
    const d = f.dfdaemon;
    if (!d) return null;
    const cfg = d.config;
    const onCfg = cfg?.calculateDigest?.value === true;
    const onLog = d.logs?.summary.digestSetting?.on === true;
    const failures = pullTasks(d).flatMap((t) => t.digestFailures);
    const allFailures = failures.length > 0 ? failures : (d.logs?.summary.tasks ?? []).flatMap((t) => t.digestFailures);
    if (!onCfg && !onLog && allFailures.length === 0) return null;
    const evidence: string[] = [];
    if (cfg?.calculateDigest && onCfg) evidence.push(setting(cfg.calculateDigest, cfg.file));
    const ds = d.logs?.summary.digestSetting;
    if (ds && ds.on) evidence.push(quote(ds.ref));
    for (const x of allFailures.slice(0, 3)) evidence.push(quote(x));
    const tasks = pullTasks(d);
    const remote = nonLocal(tasks);
    const bytes = bytesOf(remote);
    let impactSeconds: number | undefined;
    const sha = f.measurements.cpu?.sha256MBps;
    if ((onCfg || onLog) && bytes > 0 && typeof sha === 'number' && sha > 0) {
      impactSeconds = bytes / (sha * 1e6);
      evidence.push(
        `last pull: ${mb(bytes)} downloaded by P2P/back-to-source, hashed at ≈ ${sha.toFixed(0)} MB/s (measurements.cpu.sha256MBps, an MD5 stand-in) ⇒ ≤ ${impactSeconds.toFixed(1)} s of CPU on the download path`,
      );
    }
    const hitOnly = allLocal(tasks) && allFailures.length === 0;
    if (hitOnly || (onCfg && bytes === 0)) {
      evidence.push(
        'per the sources, digests are computed while pieces are downloaded (Go piece_manager.go, Rust per-piece CRC32) and a cache hit is read back without re-verification (Go local_storage.go ReadAllPieces, Rust local reads): this does not explain a slow cache hit',
      );
    }
    return {
      severity: allFailures.length > 0 ? 'warning' : 'info',
      confidence: allFailures.length > 0 ? 0.8 : 0.6,
      evidence,
      ...(impactSeconds === undefined || hitOnly ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          ...(onCfg || onLog
            ? [
                prose(
                  'Go dfdaemon: download.calculateDigest: false (the chart 1.1.65 default) unless you rely on dfdaemon for piece integrity.',
                ),
                configSnippet('go', 'download:\n  calculateDigest: false'),
                ...applySteps('go'),
              ]
            : []),
          ...(allFailures.length > 0
            ? [
                prose(
                  "Digest mismatches mean a parent served corrupt pieces or the disk returns bad data: grep the task id in the parent peer's log, check the cache disk (dmesg, SMART), and clear the task from the cache.",
                ),
              ]
            : []),
        ],
      },
    };
  },
});

/** Does a Go proxy rule (regx, matched against the whole URL) catch a registry blob URL? */
function goRuleMatchesBlob(regex: string): boolean {
  try {
    return new RegExp(regex).test('https://index.docker.io/v2/library/nginx/blobs/sha256:0123456789abcdef');
  } catch {
    return false;
  }
}

export const proxyRules = defineLegacyRule({
  id: 'dfdaemon.proxy-rules',
  cause: 'dfdaemon-proxy-rules',
  title: 'Blob requests bypass P2P: the proxy rules do not send them through dfdaemon',
  description:
    'Rust proxy.rules empty (nothing goes via P2P); Go registryMirror.direct: true, or registryMirror.useProxies: true with no proxies rule matching …/blobs/sha256…; or blob URLs logged as proxied "directly"',
  severities: ['critical', 'warning'],
  remediationSummary: 'Add a proxy rule that matches registry blobs (regex "blobs/sha256.*").',
  when(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const evidence: string[] = [];
    let severity: 'critical' | 'warning' = 'warning';
    if (cfg?.generation === 'rust' && cfg.proxyRules.value.length === 0) {
      evidence.push(
        `${cfg.proxyRules.key}: ${cfg.proxyRules.from === 'default' ? 'not set' : 'empty'} (${cfg.file}${cfg.proxyRules.line ? `:${cfg.proxyRules.line}` : ''}) — with no rule the Rust proxy sends every request directly (proxy/mod.rs:1433-1441)`,
      );
      severity = 'critical';
    }
    // Go: containerd's mirror requests take the registry-mirror path, where `proxies` count only with
    // useProxies; otherwise a built-in rule sends GET …/blobs/sha256… through P2P (proxy.go:657-664)
    if (cfg?.generation === 'go' && cfg.registryMirrorDirect?.value === true) {
      evidence.push(
        `${setting(cfg.registryMirrorDirect, cfg.file)} — every registry-mirror request goes straight to the registry (proxy.go:657-659)`,
      );
      severity = 'critical';
    } else if (cfg?.generation === 'go' && cfg.registryMirrorUseProxies?.value === true) {
      const usable = cfg.proxyRules.value.filter((r) => !r.direct && goRuleMatchesBlob(r.regex));
      if (usable.length === 0) {
        evidence.push(
          `${setting(cfg.registryMirrorUseProxies, cfg.file)} — registry-mirror requests follow proxy.proxies instead of the built-in blob rule`,
        );
        evidence.push(
          `proxy.proxies (${cfg.proxyRules.from === 'default' ? 'not set' : `${cfg.file}${cfg.proxyRules.line ? `:${cfg.proxyRules.line}` : ''}`}): ${cfg.proxyRules.value.map((r) => `regx ${r.regex}${r.direct ? ' direct' : ''}`).join(', ') || 'no rule'} — none sends …/blobs/sha256:… through P2P`,
        );
        severity = 'critical';
      }
    }
    const directBlobs = (d?.logs?.summary.proxy ?? []).filter((p) => !p.viaP2P && isBlobUrl(p.url));
    if (directBlobs.length > 0) {
      evidence.push(`${directBlobs.length} blob request(s) proxied directly to the origin, e.g.:`);
      for (const p of directBlobs.slice(0, 3)) evidence.push(`  ${quote(p.ref)}`);
    }
    if (evidence.length === 0) return null;
    const rule =
      cfg?.generation === 'go'
        ? cfg.registryMirrorDirect?.value === true
          ? configSnippet('go', 'proxy:\n  registryMirror:\n    direct: false')
          : configSnippet(
              'go',
              'proxy:\n  proxies:\n    - regx: blobs/sha256.*   # or drop registryMirror.useProxies: the built-in blob rule then applies',
            )
        : configSnippet('rust', 'proxy:\n  rules:\n    - regex: blobs/sha256.*');
    return {
      severity,
      confidence: 0.85,
      evidence,
      remediation: { summary: this.remediationSummary, steps: [rule, ...applySteps(gen(f))] },
    };
  },
});

export const schedulerWait = defineLegacyRule({
  id: 'dfdaemon.scheduler-wait',
  cause: 'dfdaemon-scheduler',
  title: 'Scheduler register/schedule waits delay the download',
  description: `Register waits ≥ ${SLOW_REGISTER_MS} ms, "scheduler did not response" / schedule timeouts that end in back-to-source, or scheduler stream errors`,
  severities: ['critical', 'warning'],
  remediationSummary:
    'Fix the scheduler path (reachability, load) or shorten scheduler.scheduleTimeout so a stuck scheduler falls back to the source sooner.',
  when(f) {
    const d = f.dfdaemon;
    if (!d?.logs) return null;
    const tasks = pullTasks(d);
    const wait = (t: TaskTimeline) => Math.max(t.registerWaitMs ?? 0, t.backSourceOrderWaitMs ?? 0);
    const slow = tasks.filter((t) => t.scheduleTimeout || wait(t) >= SLOW_REGISTER_MS);
    const errors = d.logs.summary.schedulerErrors;
    if (slow.length === 0 && errors.length === 0) return null;
    const evidence: string[] = [];
    for (const t of slow.slice(0, 4)) {
      evidence.push(
        `${describeTask(t)}${t.registerWaitMs !== null ? `, register wait ${secs(t.registerWaitMs)}` : ''}${t.backSourceOrderWaitMs !== null ? `, ${secs(t.backSourceOrderWaitMs)} from registering to the scheduler's back-to-source order` : ''}${t.scheduleTimeout ? ', schedule timeout → back-to-source' : ''}`,
      );
      if (t.refs.register) evidence.push(`  ${quote(t.refs.register)}`);
      if (t.refs.schedulerOrder) evidence.push(`  ${quote(t.refs.schedulerOrder)}`);
      if (t.refs.timeout) evidence.push(`  ${quote(t.refs.timeout)}`);
    }
    for (const e of errors.slice(0, 2)) evidence.push(quote(e));
    const cfg = d.config;
    if (cfg) evidence.push(setting(cfg.scheduleTimeoutSeconds, cfg.file, (v) => `${v} s`));
    const waits = slow.map(wait);
    const impactSeconds = waits.length > 0 ? Math.max(...waits) / 1000 : undefined;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 5 ? 'critical' : 'warning',
      confidence: 0.8,
      evidence,
      ...(impactSeconds === undefined || impactSeconds === 0 ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          cmd(
            "kubectl -n dragonfly-system logs deploy/dragonfly-scheduler | grep -i error    # the scheduler's errors",
          ),
          prose(
            "Check the scheduler's load (dragonfly_scheduler_* metrics), and that this node reaches it on its gRPC port (8002) without loss.",
          ),
          cfg?.generation === 'rust'
            ? configSnippet('rust', 'scheduler:\n  scheduleTimeout: 30s')
            : configSnippet('go', 'scheduler:\n  scheduleTimeout: 30s   # fall back to the source after this'),
          ...applySteps(gen(f)),
        ],
      },
    };
  },
});

/** Helm chart 1.1.65 limits the dfdaemon container to 2 CPU / 2Gi. */
const CHART_CPU = 2;
const CHART_MEM = 2 * 2 ** 30;

export const resource = defineLegacyRule({
  id: 'dfdaemon.resource',
  cause: 'dfdaemon-resource',
  title: 'dfdaemon is short of CPU or memory',
  description:
    "dfdaemon's own process_cpu_seconds_total rate near the chart's 2-CPU limit or all the node's CPUs, or its resident memory near the 2 GiB limit or half the node's memory",
  severities: ['warning'],
  remediationSummary: 'Give dfdaemon more CPU/memory (requests and limits), or lower its concurrency.',
  when(f) {
    const m = f.dfdaemon?.metrics;
    if (!m) return null;
    const cpus = f.system?.cpus ?? f.manifest.host.cpus;
    const cpuCap = Math.min(CHART_CPU, cpus || CHART_CPU);
    const mem = f.manifest.host.memoryBytes;
    const evidence: string[] = [];
    if (typeof m.cpuCores === 'number' && m.cpuCores >= 0.9 * cpuCap) {
      evidence.push(
        `dfdaemon used ${m.cpuCores.toFixed(2)} CPU cores between the scrapes (process_cpu_seconds_total, ${BUNDLE.dfdaemon.metrics0} → metrics-1.prom), against ${cpuCap} (the node's ${cpus} CPUs, or the Helm chart 1.1.65's default limit of ${CHART_CPU} if it was deployed by it — the bundle does not show its limits)`,
      );
    }
    const memCap = Math.min(CHART_MEM, mem > 0 ? mem / 2 : CHART_MEM);
    if (typeof m.rssBytes === 'number' && m.rssBytes >= 0.9 * memCap) {
      evidence.push(
        `dfdaemon resident memory ${(m.rssBytes / 2 ** 30).toFixed(2)} GiB (process_resident_memory_bytes) near ${(memCap / 2 ** 30).toFixed(2)} GiB (half the node's memory, or the Helm chart 1.1.65's default limit of 2Gi if it was deployed by it — the bundle does not show its limits)`,
      );
    }
    if (evidence.length === 0) return null;
    return {
      severity: 'warning',
      confidence: 0.6,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose(
            gen(f) === 'rust'
              ? 'Helm: raise client.resources.limits.cpu / .memory'
              : 'Helm: raise dfdaemon.resources.limits.cpu / .memory (chart 1.1.65 default 2 / 2Gi)',
          ),
          cmd(
            'kubectl top pod -n dragonfly-system -l component=dfdaemon --containers   # confirm, and check for CPU throttling (container_cpu_cfs_throttled_periods_total)',
          ),
        ],
      },
    };
  },
});

export const version = defineLegacyRule({
  id: 'dfdaemon.version',
  cause: 'dfdaemon-version',
  title: 'A dfdaemon version with a known slow path',
  description:
    'Rust client of a release whose default proxy read buffer is ≤ 32 KiB (up to v0.2.16; raised to 4 MiB in v0.2.17 by client PR #1021, 512 KiB from v1.4.1), still reading through that small a buffer; a warning when the log shows cache hits served through it, a tuning note (info) when no pull in the bundle went that way',
  severities: ['warning', 'info'],
  remediationSummary: 'Upgrade the Rust client (≥ v0.2.17) or raise proxy.readBufferSize.',
  when(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    if (!d || !cfg || cfg.generation !== 'rust' || !cfg.proxyReadBufferSize) return null;
    if (cfg.proxyReadBufferSize.value > SMALL_PROXY_BUFFER) return null;
    const v = d.version ?? d.metrics?.version;
    const hits = pullTasks(d).filter((t) => t.servedBy === 'local');
    const byDefault = cfg.proxyReadBufferSize.from === 'default';
    // a release whose own default is that small: upgrading fixes it (a small buffer set by hand on a
    // newer release is a setting, not a version's slow path)
    const known =
      cfg.rustDefaults && !cfg.rustDefaults.assumed
        ? pick(RUST_PROXY_READ_BUFFER, parseRelease(cfg.rustDefaults.version))
        : null;
    const slowEntry = known?.kind === 'known' && known.value <= SMALL_PROXY_BUFFER ? known.entry : undefined;
    if (!slowEntry) return null;
    const evidence = [
      `client version ${v ?? 'unknown'}${v ? ` (${d.versionFrom === 'container image' ? 'the tag of its container image' : `${BUNDLE.dfdaemon.version} or dragonfly_client_version`})` : ''}`,
      `${setting(cfg.proxyReadBufferSize, cfg.file, (n) => `${n} bytes`)}${byDefault ? ` — the default of ${formatRange(slowEntry.range)} (${slowEntry.source})` : ''}`,
      'the proxy copies each response through this buffer, cache hits included: dragonflyoss/client PR #1021 (first release v0.2.17) raised it to 4 MiB ("improved data transfer efficiency in the proxy")',
    ];
    if (hits.length > 0)
      evidence.push(`the last pull served ${hits.length} blob(s) from the local cache through that path`);
    else
      evidence.push(
        'no cache-hit pull in the bundle went through this buffer: a tuning note, nothing here was shown slowed by it',
      );
    // a stock config of an older release on a node with no pull to show is healthy until a hit pays for it
    return {
      severity: hits.length > 0 ? 'warning' : 'info',
      confidence: 0.6,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose('Helm: client.image.tag ≥ v0.2.17 (newest charts ship v1.4+), then helm upgrade.'),
          prose('Or, on the current version:'),
          configSnippet('rust', 'proxy:\n  readBufferSize: 4194304'),
        ],
      },
    };
  },
});

export const registryRoundtrip = defineLegacyRule({
  id: 'dfdaemon.registry-roundtrip',
  cause: 'registry-roundtrip',
  title: 'Manifest and token requests go to the origin registry on every pull',
  description:
    'The proxy logged manifest/token requests sent "directly" to the registry (only blobs go via P2P), or the metrics count direct requests',
  severities: ['warning', 'info'],
  remediationSummary:
    'Manifests are never cached by dfdaemon: every pull, cache hit or not, waits for the origin registry. Cut that latency or the number of round trips.',
  when(f) {
    const d = f.dfdaemon;
    if (!d) return null;
    const pull = lastPull(d);
    const direct = (pull?.direct ?? []).filter((p) => isManifestUrl(p.url) || isTokenUrl(p.url) || !isBlobUrl(p.url));
    const m = d.metrics;
    const directCount = m?.proxyDirect;
    if (direct.length === 0 && !(directCount && directCount.total > 0)) return null;
    const evidence: string[] = [];
    let impactSeconds: number | undefined;
    if (pull && direct.length > 0) {
      const firstDirect = Math.min(...direct.map((p) => p.ref.tsMs ?? Number.POSITIVE_INFINITY));
      const firstBlob = Math.min(...pull.tasks.map((t) => t.startMs ?? Number.POSITIVE_INFINITY));
      evidence.push(`last pull: ${direct.length} request(s) sent directly to the registry before/around the blobs:`);
      for (const p of direct.slice(0, 4)) evidence.push(`  ${quote(p.ref)}`);
      if (Number.isFinite(firstDirect) && Number.isFinite(firstBlob) && firstBlob > firstDirect) {
        impactSeconds = (firstBlob - firstDirect) / 1000;
        evidence.push(
          `first direct request → first blob request: ${secs(firstBlob - firstDirect)} spent on manifests/tokens at the origin before any byte came from the cache`,
        );
      }
    }
    if (direct.length === 0 && gen(f) === 'go' && d.logs && d.logs.stats.debugLines === 0) {
      evidence.push(
        'the Go log was written at INFO: its routing lines ("round trip directly …") are DEBUG, so the requests themselves and their timing are not visible; the counter below is all there is',
      );
    }
    if (directCount && directCount.total > 0) {
      evidence.push(
        `${directCount.total} proxy request(s) not via P2P since dfdaemon started${directCount.delta !== null ? `, ${directCount.delta} during the scrape interval` : ''} (${directCount.at})`,
      );
    }
    const mirror = d.config?.registryMirror;
    if (mirror && d.config) evidence.push(setting(mirror, d.config.file));
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'warning' : 'info',
      confidence: impactSeconds !== undefined ? 0.75 : 0.5,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose(
            'Pull by digest (image@sha256:…) where you can: the runtime then skips the tag→manifest resolution round trip.',
          ),
          prose(
            'Put a registry cache that also serves manifests (e.g. a pull-through distribution/Harbor proxy project near the nodes) behind dfdaemon\'s registryMirror, so the "direct" requests stay local.',
          ),
          cmd(
            `time curl -sI ${mirror?.value ?? 'https://index.docker.io'}/v2/   # the origin round trip every pull pays`,
          ),
        ],
      },
    };
  },
});

export const dfdaemonRules: Rule[] = [
  rateLimit,
  verification,
  hitNotLocal,
  taskIdChurn,
  multiplexOff,
  cacheNotPersistent,
  proxyRules,
  mirrorDisabled,
  schedulerWait,
  schedulerBackSource,
  resource,
  version,
  registryRoundtrip,
];
