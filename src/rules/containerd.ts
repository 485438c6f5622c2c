import type { BenchMeasurement } from '../bundle/measurements.js';
import type { ContainerdFacts, RegistryRoute, RouteHost } from '../facts/containerd.js';
import { pullInQuestion } from '../facts/pull.js';
import type { Facts } from '../facts/types.js';
import { hostsDialTimeout } from '../knowledge/containerd.js';
import { pick } from '../knowledge/versioned.js';
import { formatVersion } from '../parsers/containerd-version.js';
import { parseGoDuration } from '../parsers/go-duration.js';
import type { Step } from '../report/model.js';
import { defineLegacyRule, type Rule } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd, prose, snippet } from './steps.js';

type BenchPull = BenchMeasurement['pulls'][number];

const CFG = BUNDLE.containerd.dir;
const RESTART = cmd('systemctl restart containerd    # config.toml changes need a restart; hosts.toml edits do not');

function where(file: string | undefined, line?: number): string {
  if (!file) return '';
  return line === undefined ? ` (${file})` : ` (${file}:${line})`;
}

function versionText(c: ContainerdFacts): string {
  return c.version
    ? `containerd ${formatVersion(c.version)}`
    : `containerd (version unknown; config layout v${c.config.layout})`;
}

/** The config.toml snippet that sets the hosts directory, in the layout the node uses. */
function configPathSnippet(c: ContainerdFacts, dir = c.configPath[0] ?? '/etc/containerd/certs.d'): Step {
  const file = configToml(c);
  if (c.config.layout === 3)
    return snippet({
      file,
      format: 'toml',
      text: `[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '${dir}'`,
    });
  if (c.config.layout === 1)
    return snippet({ file, format: 'toml', text: `[plugins.cri.registry]\n  config_path = "${dir}"` });
  return snippet({
    file,
    format: 'toml',
    text: `[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${dir}"`,
  });
}

/** The config.toml a snippet goes into: the file read, or the default when only the dump was read. */
function configToml(c: ContainerdFacts): string {
  return c.configFile === `${CFG}/config-dump.toml`
    ? '/etc/containerd/config.toml'
    : (c.configFile ?? '/etc/containerd/config.toml');
}

function proxyUrl(c: ContainerdFacts): string {
  return `http://127.0.0.1:${c.dfdaemon?.proxyPorts[0] ?? 4001}`;
}

function hostsTomlSnippet(c: ContainerdFacts, registry = 'docker.io'): Step {
  const origin = registry === 'docker.io' ? 'https://index.docker.io' : `https://${registry}`;
  const dir = c.configPath[0] ?? '/etc/containerd/certs.d';
  return snippet({
    file: `${dir}/${registry}/hosts.toml`,
    format: 'toml',
    text: [`server = "${origin}"`, `[host."${proxyUrl(c)}"]`, `  capabilities = ["pull", "resolve"]`].join('\n'),
  });
}

/** The hosts.toml of each registry (docker.io when none is known), for a snippet's file name. */
function hostsTomlFile(c: ContainerdFacts): string {
  return `${c.configPath[0] ?? '/etc/containerd/certs.d'}/<registry>/hosts.toml`;
}

// ---------------------------------------------------------------------------------------------

export const mirrorMisconfigured = defineLegacyRule({
  id: 'containerd.mirror-misconfigured',
  cause: 'mirror-misconfigured',
  title: 'containerd does not send pulls to dfdaemon',
  description:
    'No config_path/mirrors while dfdaemon runs; hosts.toml in a directory containerd does not read, keyed on the wrong registry name, shadowed by an earlier config_path entry or rejected by containerd; legacy mirrors together with config_path (or, on 2.2.0–2.2.1, with the default config_path); a multi-directory config_path on 2.1+ transfer-service pulls; first mirror on a wrong port/scheme, without "pull", or with nothing listening',
  severities: ['critical', 'warning'],
  remediationSummary:
    "Point containerd at dfdaemon: config_path in config.toml and <config_path>/<registry>/hosts.toml with dfdaemon's proxy as the first host.",
  when(f) {
    const c = f.containerd;
    if (!c || c.misconfigs.length === 0) return null;
    const evidence = c.misconfigs.map((m) => `${m.message}${where(m.file, m.line)}`);
    if (c.versionAssumptions.length > 0)
      evidence.push(
        `containerd version unknown, assumed: ${c.versionAssumptions.map((x) => `${x.assumed} (${x.range})`).join('; ')}`,
      );
    evidence.push(
      `${versionText(c)}; config from ${c.configSource === 'dump' ? '`containerd config dump`' : c.configSource === 'file' ? 'config.toml' : c.configSource === 'invalid' ? 'nowhere (config.toml does not parse)' : 'defaults'}${where(c.configFile ?? undefined)}`,
    );
    if (c.dfdaemon) evidence.push(`dfdaemon proxy port(s) ${c.dfdaemon.proxyPorts.join(', ')} (${c.dfdaemon.source})`);
    const kinds = new Set(c.misconfigs.map((m) => m.kind));
    const steps: Step[] = [];
    if (kinds.has('legacy-with-config-path')) {
      steps.push(
        prose(
          `Remove the registry.mirrors / registry.configs.*.tls tables from ${c.configFile ?? '/etc/containerd/config.toml'} and keep only:`,
        ),
        configPathSnippet(c),
      );
    }
    if (kinds.has('mirrors-refused')) {
      steps.push(
        prose(
          `Move each registry.mirrors entry into a hosts.toml under the default hosts directory and delete the registry.mirrors tables from ${c.configFile ?? '/etc/containerd/config.toml'} (a mirror setting does nothing on this release: the CRI plugin refuses it):`,
        ),
        hostsTomlSnippet(c),
      );
      steps.push(
        prose(
          'Or upgrade containerd to ≥ 2.2.2, which sets its default config_path only when no mirrors are configured (mirrors are deprecated and planned for removal in 2.4).',
        ),
      );
    }
    if (kinds.has('config-path-list-transfer')) {
      const dir =
        c.routes.find((r) => r.dirIndex !== undefined)?.nodeFile?.replace(/\/[^/]+\/hosts\.toml$/, '') ??
        c.configPath[0] ??
        '/etc/containerd/certs.d';
      steps.push(
        prose(
          'Give config_path one directory, the one that holds the hosts.toml files (containerd#12415 is not fixed in any release yet):',
        ),
        configPathSnippet(c, dir),
      );
    }
    if (
      kinds.has('no-routing') ||
      kinds.has('config-path-without-hosts') ||
      kinds.has('wrong-dir') ||
      kinds.has('wrong-name')
    ) {
      if (c.configPathFrom === 'none')
        steps.push(
          prose(`Set the hosts directory in ${c.configFile ?? '/etc/containerd/config.toml'}:`),
          configPathSnippet(c),
        );
      steps.push(
        prose(
          'Write the mirror where containerd reads it (the first config_path directory), named after the registry as images name it ("docker.io", not "index.docker.io"):',
        ),
        hostsTomlSnippet(c),
      );
      steps.push(
        prose(
          'With dfinit: point its containerd configPath at the config.toml containerd really loads (k3s: /var/lib/rancher/k3s/agent/etc/containerd/config.toml) so it writes into the real config_path.',
        ),
      );
    }
    if (kinds.has('rejected'))
      steps.push(
        prose(
          'Fix the hosts.toml containerd rejects: valid TOML, known capabilities (pull, resolve, push), and on containerd ≤ 1.7.31 at least one [host."…"] table:',
        ),
        hostsTomlSnippet(c),
      );
    if (kinds.has('shadowed'))
      steps.push(
        prose(
          "Move the hosts.toml into the first config_path directory, or remove the earlier directory's matching entry (including its _default).",
        ),
      );
    if (
      kinds.has('wrong-port') ||
      kinds.has('scheme') ||
      kinds.has('not-listening') ||
      kinds.has('no-pull-capability')
    ) {
      steps.push(
        prose("Make the first host dfdaemon's proxy, over plain HTTP, with pull and resolve:"),
        snippet({
          file: hostsTomlFile(c),
          format: 'toml',
          text: `[host."${proxyUrl(c)}"]\n  capabilities = ["pull", "resolve"]`,
        }),
      );
      steps.push(cmd(`curl -sS -o /dev/null -w '%{http_code}\\n' ${proxyUrl(c)}/v2/    # check it answers`));
    }
    steps.push(RESTART);
    steps.push(
      cmd(
        `crictl pull <image>    # verify; ctr ignores hosts.toml unless given --hosts-dir ${c.configPath[0] ?? '/etc/containerd/certs.d'}`,
      ),
    );
    const critical = [
      'no-routing',
      'wrong-dir',
      'wrong-name',
      'rejected',
      'legacy-with-config-path',
      'mirrors-refused',
      'config-path-list-transfer',
      'not-listening',
      'config-path-without-hosts',
      'shadowed',
    ];
    return {
      severity: c.misconfigs.some((m) => critical.includes(m.kind)) ? 'critical' : 'warning',
      confidence: c.dfdaemonPresent ? 0.9 : 0.7,
      evidence,
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

// ---------------------------------------------------------------------------------------------

const DEFAULT_DIAL_SECONDS = 30;

function mirrorHostsOf(routes: RegistryRoute[]): RouteHost[] {
  return routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin' && h.isDfdaemon));
}

export const mirrorFallback = defineLegacyRule({
  id: 'containerd.mirror-fallback',
  cause: 'mirror-fallback',
  title: 'The mirror fails and containerd falls back to the origin registry',
  description:
    'containerd\'s log shows "trying next host"/"fetch failed" for a mirror or "cancel pulling image … no progress", or the live check finds dfdaemon\'s port black-holed / erroring, or dfdaemon\'s log has proxy errors while the origin is the fallback',
  severities: ['critical', 'warning'],
  remediationSummary:
    'Fix what makes the mirror fail; on containerd ≥ 2.1 set a short dial_timeout so a dead mirror fails fast; make the mirror the `server` if silent WAN pulls are unwanted.',
  when(f) {
    const c = f.containerd;
    if (!c) return null;
    const mirrors = mirrorHostsOf(c.routes);
    const mirrorKeys = new Set(
      c.routes.flatMap((r) => r.hosts.filter((h) => h.role !== 'origin').map((h) => `${h.host}:${h.port}`)),
    );
    const evidence: string[] = [];
    const fallbacks = (c.log?.events ?? []).filter(
      (e) =>
        (e.kind === 'trying-next-host' || e.kind === 'fetch-failed') &&
        (e.host === undefined || mirrorKeys.has(e.host) || mirrorKeys.size === 0),
    );
    const cancels = (c.log?.events ?? []).filter((e) => e.kind === 'progress-cancel');
    if (fallbacks.length > 0) {
      const first = fallbacks[0]!;
      evidence.push(
        `${fallbacks.length} "${first.msg}" line(s) for ${[...new Set(fallbacks.map((e) => e.host ?? '?'))].join(', ')} in ${c.log?.file}, first at line ${first.line}${first.error ? `: ${first.error}` : ''}`,
      );
    }
    if (cancels.length > 0) {
      evidence.push(
        `${cancels.length} "${cancels[0]!.msg}" line(s) in ${c.log?.file} (line ${cancels[0]!.line}): the whole pull was cancelled, remaining mirrors and the origin skipped`,
      );
    }
    let blackholed: RouteHost | undefined;
    let hung: RouteHost | undefined;
    const seen = new Set<string>();
    for (const h of mirrors) {
      const k = h.check;
      if (!k || seen.has(k.host)) continue;
      seen.add(k.host);
      if (k.tcp === 'timeout') {
        blackholed = h;
        evidence.push(
          `TCP connect to ${k.host} timed out instead of being refused (${CFG}/mirror-check.json): packets are dropped, so containerd waits its dial timeout on every request before falling back`,
        );
      } else if (k.v2Status !== null && k.v2Status >= 500) {
        evidence.push(
          `GET ${k.url}/v2/ answered ${k.v2Status} (${CFG}/mirror-check.json): dfdaemon errors send containerd to the next host`,
        );
      } else if (k.tcp === 'open' && k.v2Status === null && /timed out/.test(k.error ?? '')) {
        // accepts, never answers: containerd's mirror requests have a dial timeout but no response timeout
        hung = h;
        const pt = c.imagePullProgressTimeout;
        evidence.push(
          `${k.url} accepts TCP connections but GET /v2/ got no answer (${k.error}; ${CFG}/mirror-check.json): a hung dfdaemon. containerd sets no response timeout on mirror requests, so it does not fall back; ${
            pt
              ? `the pull stalls until image_pull_progress_timeout (${pt}) cancels it, the origin included (containerd#10624)`
              : `containerd ${c.version ? formatVersion(c.version) : '< 1.7'} has no image_pull_progress_timeout, so the pull waits until the kubelet gives up`
          }`,
        );
      }
    }
    // dfdaemon answering a proxied request with an error sends containerd to the next host as well
    const proxyErrors = f.dfdaemon?.logs?.summary.proxyErrors ?? [];
    const dfRoute = c.routes.some((r) => r.firstIsDfdaemon && r.originFallback);
    if (proxyErrors.length > 0 && dfRoute && evidence.length === 0) {
      const e = proxyErrors[0]!;
      evidence.push(
        `${proxyErrors.length}${proxyErrors.length >= 20 ? '+' : ''} proxy error line(s) in dfdaemon's log, first ${e.file}:${e.line}: ${e.text.slice(0, 160)}`,
      );
    }
    if (evidence.length === 0) return null;
    const fallbackRoutes = c.routes.filter((r) => r.originFallback);
    // a hung mirror alone is waited on, not fallen back from
    const fallsBack = fallbacks.length > 0 || blackholed !== undefined || evidence.length > (hung ? 1 : 0);
    if (fallbackRoutes.length > 0 && fallsBack)
      evidence.push(
        `fallback target after the mirror: ${fallbackRoutes.map((r) => `${r.registry} → ${r.hosts.at(-1)?.url}`).join(', ')}`,
      );
    const pull = pullInQuestion(f);
    let impactSeconds: number | undefined;
    if (blackholed) {
      const dial = parseSeconds(blackholed.dialTimeout) ?? DEFAULT_DIAL_SECONDS;
      // resolve + one request per blob each wait the dial timeout (containerd#10660)
      const requests = pull ? pull.layers + 2 : fallbacks.length > 0 ? fallbacks.length : 1;
      impactSeconds = requests * dial;
      evidence.push(
        `~${requests} requests × ${dial} s dial timeout ≈ ${impactSeconds.toFixed(0)} s${pull ? ` (${pull.evidence})` : ''}`,
      );
    } else if (hung && c.imagePullProgressTimeout) {
      const ms = parseGoDuration(c.imagePullProgressTimeout);
      if (ms !== null && ms > 0) impactSeconds = ms / 1000;
    }
    const steps: Step[] = [
      cmd(`journalctl -u containerd --since -1h | grep -E 'trying next host|fetch failed'    # why the mirror fails`),
      cmd(`curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' ${proxyUrl(c)}/v2/`),
    ];
    if (blackholed)
      steps.push(
        prose('Remove the rule that drops traffic to the mirror port:'),
        cmd('iptables-save | grep -E "DROP|REJECT" ; nft list ruleset'),
      );
    if (hung)
      steps.push(
        prose(
          `dfdaemon is up but stuck: look at its log and CPU, then restart it (kubectl -n <ns> delete pod <dfdaemon pod on this node>, or systemctl restart dfdaemon); curl -m 5 ${hung.url}/v2/ must answer before pulls use it again.`,
        ),
      );
    const dial = pick(hostsDialTimeout, c.version);
    if (dial.kind !== 'none' && dial.value) {
      steps.push(
        prose('In each hosts.toml, fail fast when dfdaemon is down:'),
        snippet({
          file: hostsTomlFile(c),
          format: 'toml',
          text: `[host."${proxyUrl(c)}"]\n  capabilities = ["pull", "resolve"]\n  dial_timeout = "1s"`,
        }),
      );
    } else {
      steps.push(
        prose(
          `containerd ${c.version ? formatVersion(c.version) : '< 2.1'} has no per-host dial_timeout (added in 2.1): keep dfdaemon healthy, or upgrade to use dial_timeout = "1s".`,
        ),
      );
    }
    if (cancels.length > 0) {
      const key =
        c.config.layout === 3
          ? `[plugins.'io.containerd.cri.v1.images']\n  image_pull_progress_timeout = '5m0s'`
          : `[plugins."io.containerd.grpc.v1.cri"]\n  image_pull_progress_timeout = "5m0s"`;
      steps.push(
        prose(
          `A stalled mirror cancelled the whole pull (image_pull_progress_timeout ${c.imagePullProgressTimeout ?? 'default'}); while fixing the mirror, give slow pulls more room:`,
        ),
        snippet({ file: configToml(c), format: 'toml', text: key }),
      );
    }
    steps.push(
      prose('If pulls must never bypass dfdaemon, make the mirror the `server` (no origin fallback):'),
      snippet({ file: hostsTomlFile(c), format: 'toml', text: `server = "${proxyUrl(c)}"` }),
    );
    return {
      severity: blackholed || hung || cancels.length > 0 || fallbacks.length >= 3 ? 'critical' : 'warning',
      confidence: fallbacks.length > 0 || cancels.length > 0 ? 0.9 : 0.7,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

function parseSeconds(s: string | undefined): number | null {
  if (!s) return null;
  const ms = parseGoDuration(s.trim());
  return ms === null ? null : ms / 1000;
}

// ---------------------------------------------------------------------------------------------

export const registryRoundtrip = defineLegacyRule({
  id: 'containerd.registry-roundtrip',
  cause: 'registry-roundtrip',
  title: 'Tag resolution bypasses dfdaemon and goes to the origin registry',
  description:
    'The dfdaemon mirror in hosts.toml (or a legacy mirror) lacks the "resolve" capability, so every manifest/tag lookup goes to the next host — the origin — even on a cache hit',
  severities: ['warning'],
  remediationSummary: 'Give the dfdaemon host the "resolve" capability (dfinit\'s default), or pull by digest.',
  when(f) {
    const c = f.containerd;
    // transfer pulls that cannot read a config_path list use no hosts.toml at all: mirror-misconfigured says so
    if (!c || c.misconfigs.some((m) => m.kind === 'config-path-list-transfer')) return null;
    const hits = c.routes.filter(
      (r) =>
        !r.rejected &&
        r.shadowedBy === undefined &&
        r.hosts[0]?.isDfdaemon &&
        r.hosts[0].capabilities.includes('pull') &&
        !r.hosts[0].capabilities.includes('resolve'),
    );
    if (hits.length === 0) return null;
    const evidence = hits.map((r) => {
      const h = r.hosts[0]!;
      const resolver = r.hosts.find((x) => x.capabilities.includes('resolve'));
      return `${r.registry}: ${h.url} has capabilities [${h.capabilities.join(', ')}] — no "resolve", so tags resolve at ${resolver?.url ?? 'the registry'}${where(r.file, h.line)}`;
    });
    return {
      severity: 'warning',
      confidence: 0.85,
      evidence,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          snippet({
            file: hostsTomlFile(c),
            format: 'toml',
            text: `[host."${proxyUrl(c)}"]\n  capabilities = ["pull", "resolve"]`,
          }),
          prose('hosts.toml edits take effect without restarting containerd.'),
          prose('Or reference images by digest (image@sha256:…) so no tag lookup is needed.'),
        ],
      },
    };
  },
});

// ---------------------------------------------------------------------------------------------

/** Per-stream ceiling containerd reaches from a local cache when nothing better is measured (containerd#8160). */
const PER_STREAM_REF_MBPS = 130;
const SUGGESTED_MAX = 10;

function concurrencySnippet(c: ContainerdFacts, n: number): string {
  if (c.pull.mode === 'transfer' || (c.pull.localReasons.length > 0 && c.pull.defaultPath === 'transfer')) {
    return `[plugins.'io.containerd.transfer.v1.local']\n  max_concurrent_downloads = ${n}    # node-wide on 2.1+, shared by concurrent pulls\n# leave plugins.'io.containerd.cri.v1.images'.max_concurrent_downloads at 3: another value forces the slower local pull`;
  }
  if (c.config.layout === 3) return `[plugins.'io.containerd.cri.v1.images']\n  max_concurrent_downloads = ${n}`;
  if (c.config.layout === 1) return `[plugins.cri]\n  max_concurrent_downloads = ${n}`;
  return `[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = ${n}    # per image pull in 1.x`;
}

export const lowDownloadConcurrency = defineLegacyRule({
  id: 'containerd.low-download-concurrency',
  cause: 'containerd-concurrency',
  title: 'containerd fetches too few layers at once for this image',
  description:
    "The slow pull has more layers than containerd's max_concurrent_downloads (CRI, or the 2.1+ transfer service), so layers download in waves; impact = waves at the measured per-stream rate minus the same pull with more slots, capped by the disk/loopback aggregate",
  severities: ['warning', 'info'],
  remediationSummary: 'Raise max_concurrent_downloads in the section that governs this containerd version.',
  when(f) {
    const c = f.containerd;
    const pull = pullInQuestion(f);
    if (!c || !pull || pull.layers <= 0) return null;
    // on 1.4.0–1.5.11 the limit never reaches the layer downloads (containerd#6054): no waves, and raising it does nothing (the facts note says so)
    if (c.pull.downloads.ignored) return null;
    const L = c.pull.downloads.limit;
    const N = pull.layers;
    if (N <= L) return null;
    const { perStream, perStreamFrom, aggregate, aggregateFrom } = rates(f);
    const avgMB = pull.bytes / 1e6 / N;
    const t = (slots: number) =>
      Math.max(Math.ceil(N / slots) * (avgMB / perStream), aggregate === null ? 0 : (N * avgMB) / aggregate);
    const target = Math.min(N, Math.max(SUGGESTED_MAX, L));
    // a bench pull's measured waves beat the per-stream model: per-request latency counts too
    const measured = measuredWaves(pull.benchPull, aggregate === null ? null : pull.bytes / 1e6 / aggregate);
    const impact = measured ? measured.impact : t(L) - t(target);
    if (impact < 0.5) return null;
    const evidence = [
      `${N} layers in the pull in question vs max_concurrent_downloads ${L}${c.pull.downloads.fromDefault ? ' (default)' : ''} → ${Math.ceil(N / L)} waves (${pull.evidence})`,
      `governed by ${c.pull.downloads.setting} (${c.pull.downloads.scope === 'per-daemon' ? 'one semaphore for the whole node, shared by concurrent pulls' : 'per image pull'}; ${versionText(c)}, ${c.pull.mode} pull${c.pull.localReasons.length > 0 ? ` because ${c.pull.localReasons.join(', ')}` : ''})`,
      `per-stream rate ${perStream.toFixed(0)} MB/s (${perStreamFrom})${aggregate === null ? '' : `, aggregate ceiling ${aggregate.toFixed(0)} MB/s (${aggregateFrom})`}`,
      measured
        ? `measured: ${measured.waves} download waves took ${measured.total.toFixed(2)} s, the longest ${measured.longest.toFixed(2)} s; with every layer in flight at once the fetch takes about ${measured.floor.toFixed(2)} s (measurements.bench.pulls[].waves)`
        : `estimated fetch ${t(L).toFixed(1)} s with ${L} slots vs ${t(target).toFixed(1)} s with ${target}`,
    ];
    const switched = (c.log?.events ?? []).find((e) => e.kind === 'transfer-incompatible');
    if (switched) evidence.push(`containerd logged "${switched.msg.slice(0, 140)}" (${c.log?.file}:${switched.line})`);
    return {
      severity: impact >= 2 || (pull.seconds !== null && impact >= 0.1 * pull.seconds) ? 'warning' : 'info',
      confidence: perStreamFrom.startsWith('reference') ? 0.5 : 0.7,
      evidence,
      impactSeconds: impact,
      remediation: {
        summary: this.remediationSummary,
        steps: [
          snippet({ file: configToml(c), format: 'toml', text: concurrencySnippet(c, target) }),
          RESTART,
          cmd('containerd config dump | grep -n max_concurrent_downloads    # check the value in effect'),
        ],
      },
    };
  },
});

/**
 * From a bench pull's waves: had all layers been in flight at once, the fetch would take about as long
 * as the longest wave, or the transport ceiling for all bytes, whichever is longer.
 */
function measuredWaves(
  p: BenchPull | undefined,
  ceilingSeconds: number | null,
): { waves: number; total: number; longest: number; floor: number; impact: number } | null {
  const waves = p?.waves ?? [];
  if (waves.length < 2) return null;
  const total = waves.reduce((s, w) => s + w.seconds, 0);
  const longest = Math.max(...waves.map((w) => w.seconds));
  const floor = Math.max(longest, ceilingSeconds ?? 0);
  return { waves: waves.length, total, longest, floor, impact: Math.max(0, total - floor) };
}

function rates(f: Facts): {
  perStream: number;
  perStreamFrom: string;
  aggregate: number | null;
  aggregateFrom: string;
} {
  const m = f.measurements;
  let perStream = PER_STREAM_REF_MBPS;
  let perStreamFrom = 'reference figure from containerd#8160: ~130 MB/s per layer from a local cache';
  if (m.loopback?.dfdaemon?.throughputMBps) {
    perStream = m.loopback.dfdaemon.throughputMBps;
    perStreamFrom = `measurements.loopback.dfdaemon.throughputMBps`;
  } else if (m.bench?.floors.dfdaemonFetchMBps) {
    perStream = m.bench.floors.dfdaemonFetchMBps;
    perStreamFrom = 'measurements.bench.floors.dfdaemonFetchMBps';
  }
  const caps: [number, string][] = [];
  if (m.disk?.seqReadMBps) caps.push([m.disk.seqReadMBps, 'measurements.disk.seqReadMBps']);
  if (m.loopback?.baseline?.throughputMBps)
    caps.push([m.loopback.baseline.throughputMBps, 'measurements.loopback.baseline.throughputMBps']);
  caps.sort((a, b) => a[0] - b[0]);
  return { perStream, perStreamFrom, aggregate: caps[0]?.[0] ?? null, aggregateFrom: caps[0]?.[1] ?? '' };
}

// ---------------------------------------------------------------------------------------------

/** gunzip below this share of the transport floor makes unpack, not transfer, the floor of the pull. */
const UNPACK_RATIO = 0.5;
/** Estimated seconds of unpack beyond the transfer that count as a pull it slowed. */
const SLOWED_PULL_SECONDS = 0.5;

export const unpackBound = defineLegacyRule({
  id: 'containerd.unpack-bound',
  cause: 'unpack-bound',
  title: 'Decompression and unpack, not the transfer, set the pull time',
  description: `Native snapshotter (copies each parent); gzip decompression in Go's stdlib (no unpigz/igzip on containerd's PATH, or disabled by env) while the measured gunzip rate is below the transport; or a gunzip rate below ${UNPACK_RATIO * 100} % of min(disk, loopback). Warning with a fault (native snapshotter, stdlib inflate) or a pull it slowed (bench: unpack > fetch; ≥ ${SLOWED_PULL_SECONDS} s estimated); otherwise info: the CPU's floor`,
  severities: ['warning', 'info'],
  remediationSummary:
    'Install pigz (1.x) or isa-l igzip (2.0+) where containerd finds it (when it lacks them), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.',
  when(f) {
    const c = f.containerd;
    const gunzip = f.measurements.cpu?.gunzipMBps ?? null;
    const { aggregate, aggregateFrom } = rates(f);
    const evidence: string[] = [];
    const native = c?.snapshotter === 'native';
    if (native)
      evidence.push(
        `snapshotter = "native"${where(c?.configFile ?? undefined)}: every layer copies its parent's whole tree (no overlay)`,
      );
    const dec = c?.decompression ?? null;
    const stdlib = dec?.effective === 'go-stdlib';
    if (dec && stdlib) {
      evidence.push(
        dec.disabledBy.length > 0
          ? `external gzip disabled by ${dec.disabledBy.join(', ')} (${CFG}/env.txt or systemd drop-in): Go's single-threaded gzip inflates every layer`
          : `no unpigz${c?.version && c.version.major >= 2 ? ' or igzip' : ''} on containerd's PATH (${CFG}/decompressors.json, PATH from ${dec.pathFrom}): Go's single-threaded gzip inflates every layer`,
      );
    }
    const slowCpu = gunzip !== null && aggregate !== null && gunzip < UNPACK_RATIO * aggregate;
    if (gunzip !== null) {
      evidence.push(
        `gunzip ${gunzip.toFixed(0)} MB/s of compressed input on this CPU (measurements.cpu.gunzipMBps)${aggregate === null ? '' : ` vs transport ${aggregate.toFixed(0)} MB/s (${aggregateFrom})`}`,
      );
    }
    // stdlib inflate alone is no finding: on well-compressible layers it can beat an exec'd unpigz (pipe
    // overhead, containerd#2640; measured in bench/containerd-pull.bench.ts). It counts when the CPU is slow.
    const pull = pullInQuestion(f);
    const measuredUnpack = pull?.benchPull?.unpackSeconds ?? null;
    const measuredFetch = pull?.benchPull?.fetchSeconds ?? null;
    if (measuredUnpack !== null && measuredFetch !== null) {
      // bench timed the real unpack: it decides over the CPU probe's estimate, which a busy node skews
      evidence.push(
        `measured by bench: unpack ${measuredUnpack.toFixed(2)} s vs fetch ${measuredFetch.toFixed(2)} s (measurements.bench.pulls[].unpackSeconds / fetchSeconds; ${pull?.evidence})`,
      );
      if (measuredUnpack <= measuredFetch && !native) return null;
    }
    const fires =
      native ||
      slowCpu ||
      (stdlib && gunzip !== null && aggregate !== null && gunzip < aggregate) ||
      (measuredUnpack !== null && measuredFetch !== null && measuredUnpack > measuredFetch);
    if (!fires) return null;
    let impactSeconds: number | undefined;
    if (measuredUnpack !== null && measuredFetch !== null) {
      impactSeconds = Math.max(0, measuredUnpack - measuredFetch);
    } else if (pull && gunzip !== null && gunzip > 0) {
      const unpack = pull.bytes / 1e6 / gunzip;
      const transfer = aggregate === null ? 0 : pull.bytes / 1e6 / aggregate;
      // an estimate longer than the whole measured pull is the probe's busy CPU talking, not the pull
      impactSeconds = Math.max(0, Math.min(unpack - transfer, pull.seconds ?? Infinity));
      evidence.push(
        `${(pull.bytes / 1e6).toFixed(0)} MB to inflate ≈ ${unpack.toFixed(1)} s of unpack${aggregate === null ? '' : ` vs ${transfer.toFixed(1)} s to move it`} (${pull.evidence})`,
      );
    }
    // unpack slower than loopback is the normal floor of a pull on most CPUs: a finding only with a
    // fault to fix (stdlib inflate, native snapshotter) or a pull it measurably slowed
    const slowedPull =
      (measuredUnpack !== null && measuredFetch !== null && measuredUnpack > measuredFetch) ||
      (impactSeconds !== undefined && impactSeconds >= SLOWED_PULL_SECONDS);
    const fault = native || stdlib;
    const cpu = f.measurements.cpu;
    if (gunzip !== null && cpu?.gunzipRunsMBps && cpu.gunzipRunsMBps.length > 1) {
      evidence.push(
        `gunzip runs ${cpu.gunzipRunsMBps.map((r) => r.toFixed(0)).join(', ')} MB/s (${cpu.gunzipStable ? 'two agreed within 10 %' : 'never two within 10 %: the CPU was busy; the figure is a lower bound'})`,
      );
    }
    const steps: Step[] = [];
    // install only what is missing: a decompressor that is there but disabled needs the env var gone
    const missing =
      dec !== null && dec.unpigz === null && (dec.igzip === null || !(c?.version && c.version.major >= 2));
    if (stdlib && missing) {
      steps.push(
        cmd(
          c?.version && c.version.major >= 2
            ? 'apt-get install -y isal pigz    # containerd 2.x tries igzip first, then unpigz (Debian: isal ships igzip)'
            : 'apt-get install -y pigz    # containerd 1.x uses unpigz when it is on its PATH; it helps most on poorly compressible layers',
        ),
      );
    }
    if (stdlib) {
      if (dec?.disabledBy.length)
        steps.push(
          prose(
            `Remove ${dec.disabledBy.map((d) => d.split('=')[0]).join(' / ')} from containerd's environment (systemctl cat containerd), then:`,
          ),
          cmd('systemctl daemon-reload'),
        );
    } else if (dec) {
      evidence.push(
        `containerd inflates with ${dec.effective === 'igzip' ? dec.igzip : dec.unpigz} (${CFG}/decompressors.json): nothing to install`,
      );
    }
    if (native) {
      steps.push(
        snippet({
          file: c ? configToml(c) : '/etc/containerd/config.toml',
          format: 'toml',
          text:
            c?.config.layout === 3
              ? `[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'overlayfs'`
              : `[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"`,
        }),
      );
    }
    if (c && (stdlib || native)) steps.push(RESTART);
    steps.push(prose('Build images with zstd layers (inflates several times faster than gzip) for CPU-poor nodes.'));
    const summary =
      stdlib && !missing
        ? 'Let containerd use the decompressor already installed (remove the variable that disables it), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.'
        : stdlib || native
          ? this.remediationSummary
          : "Nothing is misconfigured: this is the CPU's floor for gzip layers. zstd layers, or more CPU for containerd during pulls, lower it.";
    const floor =
      gunzip === null ? null : `pulls here cannot unpack faster than ${gunzip.toFixed(0)} MB/s of gzip layers`;
    return {
      severity: fault || slowedPull ? 'warning' : 'info',
      ...(fault || slowedPull || floor === null ? {} : { title: `Unpack sets the floor: ${floor}` }),
      confidence: slowCpu || native ? 0.75 : 0.55,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: { summary, steps },
    };
  },
});

export const containerdRules: Rule[] = [
  mirrorMisconfigured,
  mirrorFallback,
  registryRoundtrip,
  lowDownloadConcurrency,
  unpackBound,
];
