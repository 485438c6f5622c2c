// Regenerates the dfdaemon fixtures (fixtures/dfdaemon-*/) and the dfdaemon part of
// fixtures/seed-cache-hit-slow/ from the real-format writers in this folder:
//   npx tsx test/facts/dfdaemon-fixtures-gen.ts
// The seed's containerd/kubelet files and their expected.json entries are kept as they are.
// Only this script's own files and manifest fields are rewritten: files other generators or people add
// to these fixtures (raw/dfdaemon/mountinfo.txt, container.json) and manifest fields this script does
// not set (probes.dfdaemon.generation, .container…) stay as they are.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goChartConfig, goMetrics, rustConfig, rustMetrics } from './dfdaemon-fixture-configs.js';
import {
  goDirect,
  goJson,
  goStartupLines,
  goTaskLines,
  hex64,
  rustCompact,
  rustProxy,
  rustTaskLines,
  rustTaskStarted,
} from './dfdaemon-loggen.js';
import type { Expected } from '../helpers/expected.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures');
const MB = 1e6;
const MiB = 2 ** 20;

const ALL = [
  'dfdaemon.rate-limit',
  'dfdaemon.digest-verification',
  'dfdaemon.hit-not-local',
  'dfdaemon.task-id-churn',
  'dfdaemon.reuse-disabled',
  'dfdaemon.cache-not-kept',
  'dfdaemon.proxy-rules',
  'dfdaemon.mirror-disabled',
  'dfdaemon.proxy-request-limit',
  'dfdaemon.proxy-tls',
  'dfdaemon.proxy-not-http',
  'dfdaemon.proxy-body-cut',
  'dfdaemon.cannot-listen',
  'dfdaemon.scheduler-wait',
  'dfdaemon.scheduler-back-source',
  'dfdaemon.scheduler-gave-up',
  'dfdaemon.parent-failures',
  'dfdaemon.storage-full',
  'dfdaemon.origin-failed',
  'dfdaemon.resource',
  'dfdaemon.version',
  'dfdaemon.registry-roundtrip',
];
const silentExcept = (...fires: string[]) => ALL.filter((r) => !fires.includes(r));

function manifest(
  host: string,
  createdAt: string,
  scrape: [string, string] | null,
  extra: Record<string, unknown> = {},
) {
  return {
    format: 'dfdoctor-bundle',
    version: 1,
    createdAt,
    tool: { name: 'dfdoctor', version: '0.1.0' },
    host: {
      hostname: host,
      kernel: '6.1.0-27-amd64',
      os: 'Debian GNU/Linux 12 (bookworm)',
      cpus: 4,
      memoryBytes: 16777216000,
    },
    probes: {
      dfdaemon: { status: 'ok', durationMs: 2150, ...(scrape ? { scrapeTimes: scrape } : {}), ...extra },
    },
  };
}

// The files this script writes. One of them that a fixture no longer gets is removed; any other file is not ours.
const OWNED_FILE =
  /^(manifest\.json|expected\.json|measurements\.json|raw\/dfdaemon\/(generation\.txt|version\.txt|config\/[^/]+|logs\/[^/]+|metrics-\d+\.prom)|raw\/containerd\/(version\.txt|config\.toml|hosts-dirs\.json|certs\.d\/.+))$/;
// The fields of a manifest's probe entry this script sets (manifest() below); the others are kept.
const OWNED_PROBE_FIELDS = ['status', 'durationMs', 'scrapeTimes', 'cacheDir'];

/** Writes `files` into `dir`, removing only the files of ours (`owned`) it no longer writes. */
function writeOwned(dir: string, files: Record<string, string>, owned: (rel: string) => boolean): void {
  if (existsSync(dir)) {
    for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      const r = rel.split('\\').join('/');
      if (!(r in files) && owned(r) && statSync(join(dir, rel)).isFile()) rmSync(join(dir, rel));
    }
  }
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

type ManifestJson = { probes: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/** The generated manifest over the existing one: our fields replaced, every other field and probe kept. */
function mergeManifest(existing: ManifestJson | null, generated: ManifestJson): ManifestJson {
  if (!existing) return generated;
  const probes: Record<string, Record<string, unknown>> = { ...existing.probes };
  for (const [name, entry] of Object.entries(generated.probes)) {
    // assigned over the existing entry, so the fields keep their order in the file
    const merged = Object.fromEntries(
      Object.entries(probes[name] ?? {}).filter(([k]) => !OWNED_PROBE_FIELDS.includes(k) || k in entry),
    );
    probes[name] = Object.assign(merged, entry);
  }
  return { ...existing, ...generated, probes };
}

function readJson<T>(path: string): T | null {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : null;
}

function write(name: string, files: Record<string, string>, expected: Expected): void {
  const dir = join(FIXTURES, name);
  const out: Record<string, string> = { ...files, 'expected.json': `${JSON.stringify(expected, null, 2)}\n` };
  if (files['manifest.json'] !== undefined) {
    out['manifest.json'] = json(
      mergeManifest(
        readJson<ManifestJson>(join(dir, 'manifest.json')),
        JSON.parse(files['manifest.json']) as ManifestJson,
      ),
    );
  }
  writeOwned(dir, out, (rel) => OWNED_FILE.test(rel));
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const blob = (repo: string, i: number) => `https://index.docker.io/v2/library/${repo}/blobs/sha256:${hex64(i)}`;
const manifestUrl = (repo: string, ref: string) => `https://index.docker.io/v2/library/${repo}/manifests/${ref}`;
const goPeer = (i: number) =>
  `10.244.1.17-1-${hex64(i + 1000).slice(0, 8)}-${hex64(i + 1000).slice(8, 12)}-4${hex64(i + 1000).slice(13, 16)}-a${hex64(i + 1000).slice(17, 20)}-${hex64(i + 1000).slice(20, 32)}`;
const goTask = (i: number) => hex64(i + 5000);
const lines = (...ls: (string | string[])[]) => `${ls.flat().join('\n')}\n`;

// ---- Go dfdaemon v2.1.49 -----------------------------------------------------------------------

const GO_T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const GO_SCRAPE: [string, string] = ['2024-06-21T10:15:00.000Z', '2024-06-21T10:15:02.004Z'];

/** A first pull by P2P, then a re-pull served from the cache, for a Go node. */
function goTwoPulls(
  repo: string,
  sizes: number[],
  o: { firstMode?: 'p2p' | 'source'; secondMode?: 'hit' | 'p2p'; verbose?: boolean; register?: number } = {},
): string[] {
  const out: string[] = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  const t1 = GO_T0;
  sizes.forEach((s, i) => {
    out.push(
      ...goTaskLines({
        startMs: t1 + 1000 + i * 50,
        peer: goPeer(i),
        task: goTask(i),
        url: blob(repo, i),
        size: s,
        mode: o.firstMode ?? 'p2p',
        costMs: Math.round(500 + (s / (150 * MB)) * 1000),
        registerMs: o.register ?? 14,
        verbose: o.verbose ?? false,
      }),
    );
  });
  const t2 = GO_T0 + 600_000;
  sizes.forEach((s, i) => {
    const mode = o.secondMode ?? 'hit';
    out.push(
      ...goTaskLines({
        startMs: t2 + 1000 + i * 50,
        peer: goPeer(i + 100),
        task: goTask(i),
        url: blob(repo, i),
        size: s,
        mode,
        costMs: mode === 'hit' ? 0 : Math.round(500 + (s / (150 * MB)) * 1000),
        registerMs: o.register ?? 14,
        parentPeer: goPeer(i),
        verbose: o.verbose ?? false,
      }),
    );
  });
  return out.sort(byTs);
}

function byTs(a: string, b: string): number {
  const ta = /"ts":"([^"]+)"/.exec(a)?.[1] ?? /^(\S+)/.exec(a)?.[1] ?? '';
  const tb = /"ts":"([^"]+)"/.exec(b)?.[1] ?? /^(\S+)/.exec(b)?.[1] ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function goBundle(o: {
  config: string;
  log: string[];
  metrics?: [string, string];
  version?: string;
}): Record<string, string> {
  const f: Record<string, string> = {
    'raw/dfdaemon/generation.txt': 'go\n',
    'raw/dfdaemon/version.txt': `${o.version ?? 'v2.1.49'}\n`,
    'raw/dfdaemon/config/dfget.yaml': o.config,
    'raw/dfdaemon/logs/core.log': lines(o.log),
  };
  if (o.metrics) {
    f['raw/dfdaemon/metrics-0.prom'] = o.metrics[0];
    f['raw/dfdaemon/metrics-1.prom'] = o.metrics[1];
  }
  return f;
}

const goIdle = (tasks: number, hits: number) =>
  goMetrics({ tasks, hits, via: tasks + hits, direct: 6, getBytes: 1.05e9, cpu: 14.52, rss: 115343360 });

// healthy Go node: cache kept on the host, hits served locally, nothing waiting
write(
  'dfdaemon-go-healthy',
  {
    'manifest.json': json(
      manifest('node-go-ok', '2024-06-21T10:15:03.000Z', GO_SCRAPE, {
        cacheDir: { path: '/var/lib/dragonfly', from: 'config' },
      }),
    ),
    ...goBundle({
      config: goChartConfig({ keepStorage: true, metrics: true }),
      log: goTwoPulls('nginx', [30 * MB, 12 * MB, 4 * MB]),
      metrics: [
        goIdle(3, 3).replace('not_via_dragonfly_total 6', 'not_via_dragonfly_total 0'),
        goIdle(3, 3).replace('not_via_dragonfly_total 6', 'not_via_dragonfly_total 0'),
      ],
    }),
  },
  {
    mustNotInclude: [
      'dfdaemon-rate-limit',
      'dfdaemon-verification',
      'dfdaemon-cache-miss',
      'dfdaemon-proxy-rules',
      'dfdaemon-scheduler',
      'dfdaemon-resource',
      'dfdaemon-version',
      'registry-roundtrip',
    ],
    silentRules: ALL,
  },
);

// Go: chart-0.5.x era limits (200Mi/100Mi) and calculateDigest on, P2P pull of 3 layers
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 200 * MiB, true)];
  const sizes = [320 * MB, 160 * MB, 80 * MB];
  sizes.forEach((s, i) =>
    log.push(
      ...goTaskLines({
        startMs: GO_T0 + i * 40,
        peer: goPeer(i),
        task: goTask(i),
        url: blob('app', i),
        size: s,
        mode: 'p2p',
        costMs: Math.round((s / (100 * MiB)) * 1000) + 120,
      }),
    ),
  );
  write(
    'dfdaemon-go-rate-limit',
    {
      'manifest.json': json(manifest('node-go-limit', '2024-06-21T10:15:03.000Z', null)),
      'measurements.json': json({
        disk: {
          path: '/var/lib/dragonfly',
          device: 'nvme0n1',
          fsType: 'ext4',
          rotational: false,
          seqReadMBps: 1450,
          randReadP50Ms: 0.09,
          randReadP99Ms: 0.4,
          method: 'o_direct',
          bytesRead: 268435456,
          freeBytes: 2e11,
          totalBytes: 5e11,
        },
        loopback: { baseline: { rttP50Ms: 0.03, rttP99Ms: 0.08, throughputMBps: 2100 } },
        cpu: { gunzipMBps: null, sha256MBps: 420 },
      }),
      ...goBundle({
        config: goChartConfig({
          keepStorage: true,
          totalRateLimit: '200Mi',
          perPeerRateLimit: '100Mi',
          calculateDigest: true,
        }),
        log: log.sort(byTs),
      }),
    },
    {
      mustInclude: ['dfdaemon-rate-limit', 'dfdaemon-verification'],
      topN: { cause: 'dfdaemon-rate-limit', n: 1 },
      firesRules: ['dfdaemon.rate-limit', 'dfdaemon.digest-verification'],
      silentRules: silentExcept('dfdaemon.rate-limit', 'dfdaemon.digest-verification'),
    },
  );
}

// Go: scheduler does not answer within scheduleTimeout (30 s) → back-to-source
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  [90 * MB, 40 * MB].forEach((s, i) =>
    log.push(
      ...goTaskLines({
        startMs: GO_T0 + i * 30,
        peer: goPeer(i),
        task: goTask(i),
        url: blob('api', i),
        size: s,
        mode: 'timeout-source',
        registerMs: 30_000,
        scheduleTimeout: '30s',
        costMs: 30_000 + Math.round((s / (80 * MB)) * 1000),
      }),
    ),
  );
  write(
    'dfdaemon-go-scheduler-timeout',
    {
      'manifest.json': json(manifest('node-go-sched', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-scheduler'],
      topN: { cause: 'dfdaemon-scheduler', n: 1 },
      firesRules: ['dfdaemon.scheduler-wait'],
      silentRules: silentExcept('dfdaemon.scheduler-wait'),
    },
  );
}

// Go: a parent the scheduler assigned does not answer on its upload port; the piece goes to another peer.
// The line as v2.1.49 client/daemon/peer/piece_manager.go:202 writes it, the error as
// piece_downloader.go:117 words it (a real one: dragonflyoss/dragonfly#1677)
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  [120 * MB, 30 * MB].forEach((s, i) =>
    log.push(
      ...goTaskLines({
        startMs: GO_T0 + i * 40,
        peer: goPeer(i),
        task: goTask(i),
        url: blob('shop', i),
        size: s,
        mode: 'p2p',
        costMs: 31_200 + i * 10,
      }),
    ),
  );
  const gone = '10.0.9.41-1-5b0e7c1d-2f3a-4d8e-9c6b-0a1e2f3d4c5b';
  const url = `http://10.0.9.41:65002/download/${goTask(0).slice(0, 3)}/${goTask(0)}?peerId=${gone}`;
  log.push(
    goJson(
      GO_T0 + 30_060,
      'error',
      'peer/piece_manager.go:202',
      `download piece failed, piece num: 0, error: connect with ${url} with error: Get "${url}": dial tcp 10.0.9.41:65002: i/o timeout, from peer: ${gone}`,
      { peer: goPeer(0), task: goTask(0), component: 'PeerTask' },
    ),
    goJson(
      GO_T0 + 30_061,
      'warn',
      'peer/peertask_conductor.go:927',
      'single piece download failed, switch to download from other peers',
      { peer: goPeer(0), task: goTask(0), component: 'PeerTask' },
    ),
  );
  write(
    'dfdaemon-go-parent-unreachable',
    {
      'manifest.json': json(manifest('node-go-parent', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-scheduler'],
      firesRules: ['dfdaemon.parent-failures'],
      silentRules: silentExcept('dfdaemon.parent-failures'),
    },
  );
}

// Go: a parent's piece that reached the daemon could not be written, the storage filesystem full: the line as
// v2.1.49 client/daemon/peer/piece_manager.go:232 writes it, the error os.File.Write's *PathError on the task's
// data file (<dataDir>/<task id>/<peer id>/data: storage_manager.go:432, :468; daemon.go:273)
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  log.push(
    ...goTaskLines({
      startMs: GO_T0,
      peer: goPeer(0),
      task: goTask(0),
      url: blob('shop', 0),
      size: 80 * MB,
      mode: 'p2p',
      costMs: 21_400,
    }),
    goJson(
      GO_T0 + 9_000,
      'error',
      'peer/piece_manager.go:232',
      `put piece to storage failed, piece num: 12, wrote: 1310720, error: write /var/lib/dragonfly/${goTask(0)}/${goPeer(0)}/data: no space left on device`,
      { peer: goPeer(0), task: goTask(0), component: 'PeerTask' },
    ),
  );
  write(
    'dfdaemon-go-storage-full',
    {
      'manifest.json': json(manifest('node-go-full', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['disk-space-pressure'],
      firesRules: ['dfdaemon.storage-full'],
      silentRules: silentExcept('dfdaemon.storage-full'),
    },
  );
}

// Go: storage.multiplex false — the re-pull goes through P2P again instead of reusing the cache
write(
  'dfdaemon-go-reuse-disabled',
  {
    'manifest.json': json(manifest('node-go-nomux', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true, multiplex: false }),
      log: goTwoPulls('web', [150 * MB, 60 * MB], { secondMode: 'p2p' }),
    }),
  },
  {
    mustInclude: ['dfdaemon-cache-miss'],
    firesRules: ['dfdaemon.reuse-disabled'],
    silentRules: silentExcept('dfdaemon.reuse-disabled'),
  },
);

// Go: a reuse that fails to read the cached task and falls back to P2P under the same request
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  const peer = goPeer(7);
  const task = goTask(7);
  const url = blob('db', 7);
  log.push(
    ...goTaskLines({
      startMs: GO_T0 - 600_000,
      peer: goPeer(70),
      task,
      url,
      size: 210 * MB,
      mode: 'p2p',
      costMs: 2100,
    }),
  );
  const hit = goTaskLines({ startMs: GO_T0, peer, task, url, size: 210 * MB, mode: 'hit', costMs: 0 });
  log.push(hit[0] as string, hit[1] as string);
  log.push(
    goJson(
      GO_T0 + 2,
      'error',
      'peer/peertask_reuse.go:290',
      'read pieces error when reuse peer task: open /var/lib/dragonfly/tasks/data: no such file or directory',
      { peer, task, component: 'reuseStreamPeerTask' },
    ),
  );
  log.push(...goTaskLines({ startMs: GO_T0 + 3, peer, task, url, size: 210 * MB, mode: 'p2p', costMs: 2600 }).slice(1));
  write(
    'dfdaemon-go-hit-not-local',
    {
      'manifest.json': json(manifest('node-go-partial', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-cache-miss'],
      firesRules: ['dfdaemon.hit-not-local'],
      silentRules: silentExcept('dfdaemon.hit-not-local'),
    },
  );
}

// Go: registryMirror.useProxies: true with proxy rules that only match manifests; blobs go directly
// (verbose log shows it). Only with useProxies do `proxies` decide mirror requests (v2.1.49
// client/daemon/proxy/proxy.go:657-664).
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  for (let i = 0; i < 3; i++) log.push(goDirect(GO_T0 + 400 + i * 10, 'GET', blob('cms', i)));
  write(
    'dfdaemon-go-proxy-rules',
    {
      'manifest.json': json(manifest('node-go-rules', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({
        config: goChartConfig({
          keepStorage: true,
          verbose: true,
          proxies: '    - regx: manifests/.*',
          useProxies: true,
        }),
        log,
      }),
    },
    {
      mustInclude: ['dfdaemon-proxy-rules'],
      firesRules: ['dfdaemon.proxy-rules'],
      silentRules: silentExcept('dfdaemon.proxy-rules', 'dfdaemon.registry-roundtrip'),
    },
  );
}

// Go: the same manifest-only proxies without useProxies: the mirror path's built-in rule sends the
// blobs through P2P (round trip with dragonfly), so the proxies are no finding
write(
  'dfdaemon-go-proxies-ignored',
  {
    'manifest.json': json(manifest('node-go-rules-ok', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true, verbose: true, proxies: '    - regx: manifests/.*' }),
      log: goTwoPulls('cms', [40 * MB, 9 * MB], { verbose: true }),
    }),
  },
  { mustNotInclude: ['dfdaemon-proxy-rules'], silentRules: ALL },
);

/** containerd sending docker.io pulls to the Go dfdaemon at 127.0.0.1:65001, then to the origin. */
function containerdToGoMirror(): Record<string, string> {
  return {
    'raw/containerd/version.txt': 'containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da\n',
    'raw/containerd/config.toml':
      'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    'raw/containerd/hosts-dirs.json': json([
      { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
    ]),
    'raw/containerd/certs.d/docker.io/hosts.toml':
      'server = "https://index.docker.io"\n\n[host."http://127.0.0.1:65001"]\n  capabilities = ["pull", "resolve"]\n  [host."http://127.0.0.1:65001".header]\n    X-Dragonfly-Registry = "https://index.docker.io"\n',
  };
}

// Go: dfget.yaml without proxy.registryMirror.url while containerd uses the daemon as its mirror:
// every mirror request is answered 404 "registry mirror feature is disabled" (v2.1.49
// client/daemon/proxy/proxy.go:180-187), containerd falls back to the origin, nothing goes P2P
{
  const log = [
    ...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false),
    goJson(
      GO_T0 - 3600_000,
      'warn',
      'proxy/proxy.go:182',
      'registry mirror url is empty, registry mirror feature is disabled',
    ),
  ];
  write(
    'dfdaemon-go-mirror-disabled',
    {
      'manifest.json': json(manifest('node-go-nomirror', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true, mirrorUrl: null }), log }),
      ...containerdToGoMirror(),
    },
    {
      mustInclude: ['mirror-fallback'],
      firesRules: ['dfdaemon.mirror-disabled'],
      silentRules: silentExcept('dfdaemon.mirror-disabled'),
    },
  );
  // the neighbour: the same node with the URL set
  write(
    'dfdaemon-go-mirror-set',
    {
      'manifest.json': json(manifest('node-go-mirror', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: goTwoPulls('nginx', [30 * MB, 12 * MB]) }),
      ...containerdToGoMirror(),
    },
    { mustNotInclude: ['mirror-fallback'], silentRules: ALL },
  );
}

// Go: the re-pull of blobs this node downloaded ten minutes earlier is ordered back to the origin by
// the scheduler ("receive back source code" = Code_SchedNeedBackSource), 2.2 s after registering
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  const sizes = [120 * MB, 45 * MB];
  sizes.forEach((s, i) =>
    log.push(
      ...goTaskLines({
        startMs: GO_T0 + i * 40,
        peer: goPeer(60 + i),
        task: goTask(60 + i),
        url: blob('svc', 60 + i),
        size: s,
        mode: 'p2p',
        costMs: 1400,
      }),
    ),
  );
  sizes.forEach((s, i) =>
    log.push(
      ...goTaskLines({
        startMs: GO_T0 + 600_000 + i * 40,
        peer: goPeer(70 + i),
        task: goTask(60 + i),
        url: blob('svc', 60 + i),
        size: s,
        mode: 'source',
        registerMs: 2200,
        costMs: 2200 + Math.round((s / (60 * MB)) * 1000),
      }),
    ),
  );
  write(
    'dfdaemon-go-sched-back-source',
    {
      'manifest.json': json(manifest('node-go-b2s', '2024-06-21T10:15:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true, multiplex: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-cache-miss', 'dfdaemon-scheduler'],
      firesRules: ['dfdaemon.scheduler-back-source', 'dfdaemon.scheduler-wait'],
      silentRules: silentExcept('dfdaemon.scheduler-back-source', 'dfdaemon.scheduler-wait'),
    },
  );
}

// Go: the same layer pulled under two task ids (tag vs digest reference ⇒ different Range/tag meta,
// here a registry host alias), so the second pull fetches it again by P2P
{
  const log = [...goStartupLines(GO_T0 - 3600_000, 1024 * MiB, false)];
  const digest = hex64(41);
  const u1 = `https://index.docker.io/v2/library/api/blobs/sha256:${digest}`;
  const u2 = `https://registry-1.docker.io/v2/library/api/blobs/sha256:${digest}`;
  log.push(
    ...goTaskLines({
      startMs: GO_T0,
      peer: goPeer(41),
      task: goTask(41),
      url: u1,
      size: 260 * MB,
      mode: 'p2p',
      costMs: 2400,
    }),
  );
  log.push(
    ...goTaskLines({
      startMs: GO_T0 + 900_000,
      peer: goPeer(42),
      task: goTask(42),
      url: u2,
      size: 260 * MB,
      mode: 'p2p',
      costMs: 2300,
    }),
  );
  write(
    'dfdaemon-go-task-id-churn',
    {
      'manifest.json': json(manifest('node-go-churn', '2024-06-21T10:30:03.000Z', null)),
      ...goBundle({ config: goChartConfig({ keepStorage: true }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-cache-miss'],
      topN: { cause: 'dfdaemon-cache-miss', n: 1 },
      firesRules: ['dfdaemon.task-id-churn'],
      silentRules: silentExcept('dfdaemon.task-id-churn'),
    },
  );
}

// Go: dfdaemon burning its 2-CPU chart limit during the scrapes, RSS near 2 GiB
write(
  'dfdaemon-go-resource',
  {
    'manifest.json': json(manifest('node-go-busy', '2024-06-21T10:15:03.000Z', GO_SCRAPE)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true, metrics: true }),
      log: goTwoPulls('svc', [20 * MB]),
      metrics: [
        goMetrics({ tasks: 900, hits: 300, via: 1200, direct: 0, getBytes: 9e10, cpu: 8120.5, rss: 1.98e9 }),
        goMetrics({ tasks: 904, hits: 301, via: 1205, direct: 0, getBytes: 9.1e10, cpu: 8124.3, rss: 1.99e9 }),
      ],
    }),
  },
  {
    mustInclude: ['dfdaemon-resource'],
    firesRules: ['dfdaemon.resource'],
    silentRules: silentExcept('dfdaemon.resource'),
  },
);

// Go as an HTTPS proxy hijacking a registry (proxy.hijackHTTPS): one client refuses the cert dfdaemon
// answers its CONNECT with (the client's alert, v2.1.49 proxy/proxy.go:490), and a hijacked request fails
// at the registry, whose cert dfdaemon does not trust (Go's ReverseProxy default handler, std-log, 502)
write(
  'dfdaemon-go-hijack-tls',
  {
    'manifest.json': json(manifest('node-go-hijack', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true }),
      log: [
        ...goTwoPulls('nginx', [30 * MB, 12 * MB, 4 * MB]),
        goJson(
          GO_T0 + 600_000,
          'error',
          'proxy/proxy.go:490',
          'handshake failed for harbor.example.com:443: remote error: tls: bad certificate',
        ),
        '2024/06/21 10:10:01 http: proxy error: x509: certificate signed by unknown authority',
      ],
    }),
  },
  {
    mustInclude: ['mirror-fallback'],
    firesRules: ['dfdaemon.proxy-tls'],
    severityOf: { 'dfdaemon.proxy-tls': 'warning' },
    silentRules: silentExcept('dfdaemon.proxy-tls'),
  },
);

// Go as an HTTPS proxy hijacking a registry that this node cannot reach: after answering the CONNECT
// and the client's TLS, the hijack's tls.Dial to the registry is refused and the client's connection
// closed with no HTTP response ("dial failed for %s: %v", v2.3.4 client/daemon/proxy/proxy.go:534)
write(
  'dfdaemon-go-hijack-dial',
  {
    'manifest.json': json(manifest('node-go-hijack-dial', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true }),
      log: [
        ...goTwoPulls('nginx', [30 * MB, 12 * MB, 4 * MB]),
        goJson(
          GO_T0 + 600_000,
          'error',
          'proxy/proxy.go:534',
          'dial failed for harbor.example.com:443: dial tcp 10.20.0.7:443: connect: connection refused',
        ),
        goJson(
          GO_T0 + 601_500,
          'error',
          'proxy/proxy.go:534',
          'dial failed for harbor.example.com:443: dial tcp 10.20.0.7:443: connect: connection refused',
        ),
      ],
    }),
  },
  {
    mustInclude: ['mirror-fallback'],
    firesRules: ['dfdaemon.proxy-tls'],
    severityOf: { 'dfdaemon.proxy-tls': 'warning' },
    silentRules: silentExcept('dfdaemon.proxy-tls'),
  },
);

// Go as a proxy whose P2P task the scheduler ends after the response began (dragonfly#2631): the stream
// task closes its pipe with "stream close with peer task fail: 5006/…" (v2.1.0
// client/daemon/peer/peertask_stream.go:256-258) and Go's ReverseProxy, which had sent the headers, logs the
// failed body read on stderr and cuts the response (net/http/httputil reverseproxy.go copyBuffer)
write(
  'dfdaemon-go-stream-cut',
  {
    'manifest.json': json(manifest('node-go-stream-cut', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true }),
      log: goTwoPulls('nginx', [30 * MB, 12 * MB, 4 * MB]),
    }),
    'raw/dfdaemon/logs/stderr.log': lines([
      '2024/06/21 10:10:01 httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006',
      '2024/06/21 10:10:04 httputil: ReverseProxy read error during body copy: context done due to: context canceled',
    ]),
  },
  {
    mustInclude: ['dfdaemon-scheduler'],
    firesRules: ['dfdaemon.proxy-body-cut'],
    severityOf: { 'dfdaemon.proxy-body-cut': 'critical' },
    silentRules: silentExcept('dfdaemon.proxy-body-cut'),
  },
);

// Go whose proxy port another process of the node holds (dragonfly#1171): ListenWithPortRange skips the
// port in use and fails (v2.1.49 pkg/rpc/server_listen.go:62, :69), the proxy's listener fails
// (client/daemon/daemon.go:676) and the root command logs the error as the daemon exits (cmd/dfget/cmd/root.go:126)
write(
  'dfdaemon-go-port-taken',
  {
    'manifest.json': json(manifest('node-go-port-taken', '2024-06-21T10:15:03.000Z', null)),
    ...goBundle({
      config: goChartConfig({ keepStorage: true }),
      log: [
        ...goStartupLines(GO_T0, 1024 * MiB, false),
        goJson(
          GO_T0 + 40,
          'warn',
          'rpc/server_listen.go:62',
          'listen port 0.0.0.0:65001 is in used, sys error: listen tcp 0.0.0.0:65001: bind: address already in use',
        ),
        goJson(
          GO_T0 + 40,
          'error',
          'daemon/daemon.go:676',
          'failed to listen for proxy service: no available port to listen, port: 65001 - 65001',
        ),
        goJson(GO_T0 + 41, 'error', 'cmd/root.go:126', 'no available port to listen, port: 65001 - 65001'),
      ],
    }),
  },
  {
    mustInclude: ['mirror-fallback'],
    firesRules: ['dfdaemon.cannot-listen'],
    severityOf: { 'dfdaemon.cannot-listen': 'critical' },
    silentRules: silentExcept('dfdaemon.cannot-listen'),
  },
);

// ---- Rust client ------------------------------------------------------------------------------

const RS_T0 = Date.UTC(2026, 10, 20, 7, 50, 0);
const RS_SCRAPE: [string, string] = ['2026-11-20T08:00:00.000Z', '2026-11-20T08:00:02.001Z'];
const rsPeer = (i: number) =>
  `10.244.2.9-node-b-${hex64(i + 2000).slice(0, 8)}-${hex64(i + 2000).slice(8, 12)}-4${hex64(i + 2000).slice(13, 16)}-8${hex64(i + 2000).slice(17, 20)}-${hex64(i + 2000).slice(20, 32)}`;
const rsTask = (i: number) => hex64(i + 9000);

function rustBundle(o: {
  version: string;
  config: string;
  log: string[];
  metrics?: [string, string];
}): Record<string, string> {
  const f: Record<string, string> = {
    'raw/dfdaemon/generation.txt': 'rust\n',
    'raw/dfdaemon/version.txt': `${o.version}\n`,
    'raw/dfdaemon/config/dfdaemon.yaml': o.config,
    'raw/dfdaemon/logs/dfdaemon.log': lines(o.log),
  };
  if (o.metrics) {
    f['raw/dfdaemon/metrics-0.prom'] = o.metrics[0];
    f['raw/dfdaemon/metrics-1.prom'] = o.metrics[1];
  }
  return f;
}

function rustPull(
  t: number,
  repo: string,
  sizes: number[],
  mode: 'hit' | 'p2p' | 'source',
  series: 'v0' | 'v1',
  offset = 0,
  direct = true,
  release?: string,
): string[] {
  const out: string[] = [];
  if (direct) {
    out.push(rustProxy(t, manifestUrl(repo, '1.4'), false, series, release));
    out.push(rustProxy(t + 180, manifestUrl(repo, `sha256:${hex64(77)}`), false, series, release));
  }
  sizes.forEach((s, i) => {
    out.push(rustProxy(t + 400 + i * 20, blob(repo, i), true, series, release));
    out.push(
      ...rustTaskLines({
        startMs: t + 401 + i * 20,
        host: '10.244.2.9-node-b',
        peer: rsPeer(i + offset),
        task: rsTask(i),
        url: blob(repo, i),
        size: s,
        mode,
        costMs: mode === 'hit' ? Math.round(80 + (s / (900 * MB)) * 1000) : Math.round(300 + (s / (120 * MB)) * 1000),
        series,
        ...(release === undefined ? {} : { release }),
      }),
    );
  });
  return out;
}

write(
  'dfdaemon-rust-healthy',
  {
    'manifest.json': json(
      manifest('node-rs-ok', '2026-11-20T08:00:03.000Z', RS_SCRAPE, {
        cacheDir: { path: '/var/lib/dragonfly/', from: 'config' },
      }),
    ),
    ...rustBundle({
      version: 'v1.5.1',
      config: rustConfig({ series: 'v1' }),
      log: [
        ...rustPull(RS_T0, 'nginx', [30 * MB, 12 * MB, 4 * MB], 'p2p', 'v1', 0, true, 'v1.5.1'),
        ...rustPull(RS_T0 + 600_000, 'nginx', [30 * MB, 12 * MB, 4 * MB], 'hit', 'v1', 100, true, 'v1.5.1'),
      ].sort(byTs),
      metrics: [
        rustMetrics({
          version: 'v1.5.1',
          local: 46e6,
          remote: 46e6,
          source: 0,
          tasks: 6,
          proxy: 10,
          viaDfdaemon: 6,
          cpu: 21,
          rss: 187260928,
          durationsMs: [680, 400, 333, 113, 93, 84],
        }),
        rustMetrics({
          version: 'v1.5.1',
          local: 46e6,
          remote: 46e6,
          source: 0,
          tasks: 6,
          proxy: 10,
          viaDfdaemon: 6,
          cpu: 21.04,
          rss: 187260928,
          durationsMs: [680, 400, 333, 113, 93, 84],
        }),
      ],
    }),
  },
  {
    mustNotInclude: [
      'dfdaemon-rate-limit',
      'dfdaemon-verification',
      'dfdaemon-cache-miss',
      'dfdaemon-proxy-rules',
      'dfdaemon-scheduler',
      'dfdaemon-resource',
      'dfdaemon-version',
    ],
    firesRules: ['dfdaemon.registry-roundtrip'],
    silentRules: silentExcept('dfdaemon.registry-roundtrip'),
  },
);

// Rust v0.1.82 (the client chart 1.1.65 pins): download.rateLimit 50 MB/s, 32 KiB proxy buffer, cache not kept
write(
  'dfdaemon-rust-rate-limit-old-client',
  {
    'manifest.json': json(manifest('node-rs-limit', '2026-11-20T08:00:03.000Z', null)),
    'measurements.json': json({
      disk: {
        path: '/var/lib/dragonfly',
        device: 'sda',
        fsType: 'ext4',
        rotational: false,
        seqReadMBps: 480,
        randReadP50Ms: 0.2,
        randReadP99Ms: 1.1,
        method: 'o_direct',
        bytesRead: 268435456,
        freeBytes: 2e11,
        totalBytes: 5e11,
      },
    }),
    ...rustBundle({
      version: 'v0.1.82',
      config: rustConfig({ series: 'v0', limit: '50000000' }),
      log: rustPull(RS_T0, 'app', [200 * MB, 100 * MB], 'source', 'v0', 0, false, 'v0.1.82'),
    }),
  },
  {
    mustInclude: ['dfdaemon-rate-limit', 'dfdaemon-version'],
    topN: { cause: 'dfdaemon-rate-limit', n: 1 },
    firesRules: ['dfdaemon.rate-limit', 'dfdaemon.version', 'dfdaemon.cache-not-kept'],
    silentRules: silentExcept('dfdaemon.rate-limit', 'dfdaemon.version', 'dfdaemon.cache-not-kept'),
  },
);

// Rust: the same layer fetched under two task ids (a signed URL's query changes every pull) → back-to-source again
{
  const url1 = `${blob('model', 3)}?X-Amz-Expires=300&X-Amz-Signature=${hex64(31).slice(0, 24)}`;
  const url2 = `${blob('model', 3)}?X-Amz-Expires=300&X-Amz-Signature=${hex64(32).slice(0, 24)}`;
  const log = [
    rustProxy(RS_T0, url1, true),
    ...rustTaskLines({
      startMs: RS_T0 + 1,
      host: 'h-1',
      peer: rsPeer(1),
      task: rsTask(31),
      url: url1,
      size: 400 * MB,
      mode: 'source',
      costMs: 3600,
      series: 'v1',
      release: 'v1.5.1',
    }),
    rustProxy(RS_T0 + 900_000, url2, true),
    ...rustTaskLines({
      startMs: RS_T0 + 900_001,
      host: 'h-1',
      peer: rsPeer(2),
      task: rsTask(32),
      url: url2,
      size: 400 * MB,
      mode: 'source',
      costMs: 3500,
      series: 'v1',
      release: 'v1.5.1',
    }),
  ];
  write(
    'dfdaemon-rust-task-id-churn',
    {
      'manifest.json': json(manifest('node-rs-churn', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1' }), log }),
    },
    {
      mustInclude: ['dfdaemon-cache-miss'],
      topN: { cause: 'dfdaemon-cache-miss', n: 1 },
      firesRules: ['dfdaemon.task-id-churn'],
      silentRules: silentExcept('dfdaemon.task-id-churn'),
    },
  );
}

// Rust: "interested pieces after downloading from local" but most pieces then came from a parent; the
// list names the pieces still wanted (resource/task.rs:452-458): its gap (4–7) shows pieces the cache
// held. A list from piece 3 on with no gap is a cold ranged request (piece.rs:146-202): no hit.
for (const [name, host, pieces, hit] of [
  ['dfdaemon-rust-hit-not-local', 'node-rs-partial', '0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15', true],
  ['dfdaemon-rust-ranged-cold-not-hit', 'node-rs-ranged', '3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15', false],
] as const) {
  const f = `host_id="10.244.2.9-node-b" task_id="${rsTask(5)}" peer_id="${rsPeer(5)}" url="${blob('ml', 5)}" content_length=${64 * MiB}`;
  const file = 'dragonfly-client/src/resource/task.rs';
  const log = [
    ...rustTaskLines({
      startMs: RS_T0,
      host: '10.244.2.9-node-b',
      peer: rsPeer(5),
      task: rsTask(5),
      url: blob('ml', 5),
      size: 64 * MiB,
      mode: 'p2p',
      costMs: 2400,
      series: 'v1',
      release: 'v1.5.1',
    }),
  ];
  log.splice(
    1,
    0,
    rustCompact(
      RS_T0 + 1,
      'INFO',
      'download_task',
      `${file}:452`,
      `interested pieces after downloading from local: [${pieces}]`,
      f,
    ),
  );
  write(
    name,
    {
      'manifest.json': json(manifest(host, '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1' }), log: log.sort(byTs) }),
    },
    hit
      ? {
          mustInclude: ['dfdaemon-cache-miss'],
          firesRules: ['dfdaemon.hit-not-local'],
          silentRules: silentExcept('dfdaemon.hit-not-local'),
        }
      : { mustNotInclude: ['dfdaemon-cache-miss'], silentRules: ALL },
  );
}

// Rust: no proxy rules at all → every request, blobs included, proxied directly
{
  const log = [
    rustProxy(RS_T0, manifestUrl('shop', '2.0'), false),
    rustProxy(RS_T0 + 300, blob('shop', 1), false),
    rustProxy(RS_T0 + 310, blob('shop', 2), false),
  ];
  write(
    'dfdaemon-rust-proxy-rules',
    {
      'manifest.json': json(manifest('node-rs-rules', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1', rules: null }), log }),
    },
    {
      mustInclude: ['dfdaemon-proxy-rules'],
      firesRules: ['dfdaemon.proxy-rules'],
      silentRules: silentExcept('dfdaemon.proxy-rules', 'dfdaemon.registry-roundtrip'),
    },
  );
}

// A v2.2.0 scheduler's log handed over with dfdaemon's: many Go peers start one new blob at once, the
// task's back-to-source quota is taken, and a peer that finds no parent in retryLimit tries is given up
// with 5006 (scheduler/scheduling/scheduling.go:335 and :315@v2.2.0): its download fails
{
  const peer = goPeer(40);
  const at = (ms: number) => new Date(Date.UTC(2025, 0, 11, 2, 43, 0) + ms).toISOString();
  const line = (ms: number, level: string, caller: string, msg: string) =>
    `${at(ms)}\t${level}\tscheduling/scheduling.go:${caller}\t${msg}\t{"hostID": "10.244.1.17-1", "taskID": "${hex64(40)}", "peerID": "${peer}"}`;
  const log = [
    ...[1, 2, 3, 4, 5].map((n) =>
      line(n * 2000, 'INFO', '335', `scheduling failed in ${n} times, because of candidate parents not found`),
    ),
    line(10_500, 'ERROR', '315', 'send SchedulePeerFailed to peer, because of scheduling exceeded RetryLimit 5'),
  ];
  write(
    'dfdaemon-go-scheduler-gave-up',
    {
      'manifest.json': json(manifest('node-go-gave-up', '2025-01-11T03:00:00.000Z', null)),
      'raw/dfdaemon/logs/scheduler.log': `${log.join('\n')}\n`,
    },
    {
      mustInclude: ['dfdaemon-scheduler'],
      firesRules: ['dfdaemon.scheduler-gave-up'],
      severityOf: { 'dfdaemon.scheduler-gave-up': 'critical' },
      silentRules: silentExcept('dfdaemon.scheduler-gave-up'),
    },
  );
}

// Rust: a runtime whose mirror entry names the proxy port with https://: each of its connections opens
// with a TLS ClientHello, which hyper fails as "invalid HTTP method parsed" (dragonflyoss/client v1.5.1
// dragonfly-client/src/proxy/mod.rs:265); no request reaches the proxy
{
  const serveFailed = (ms: number, port: number, err: string) =>
    rustCompact(
      ms,
      'ERROR',
      '',
      'dragonfly-client/src/proxy/mod.rs:265',
      `failed to serve connection from 127.0.0.1:${port}: ${err}`,
    );
  write(
    'dfdaemon-rust-proxy-not-http',
    {
      'manifest.json': json(manifest('node-rs-not-http', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({
        version: 'v1.5.1',
        config: rustConfig({ series: 'v1' }),
        log: [0, 1, 2].map((i) => serveFailed(RS_T0 + i * 1500, 51158 + i, 'invalid HTTP method parsed')),
      }),
    },
    {
      mustInclude: ['mirror-misconfigured'],
      firesRules: ['dfdaemon.proxy-not-http'],
      severityOf: { 'dfdaemon.proxy-not-http': 'warning' },
      silentRules: silentExcept('dfdaemon.proxy-not-http'),
    },
  );
  // must not: hyper's other connection errors (a client that hung up mid-request) beside served requests
  write(
    'dfdaemon-rust-proxy-client-hung-up',
    {
      'manifest.json': json(manifest('node-rs-hung-up', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({
        version: 'v1.5.1',
        config: rustConfig({ series: 'v1' }),
        log: [
          rustProxy(RS_T0, manifestUrl('shop', '2.0'), false),
          serveFailed(RS_T0 + 200, 40112, 'connection closed before message completed'),
        ],
      }),
    },
    { silentRules: ALL },
  );
}

// Rust: scheduler stream times out, the task goes back to source on its own (v1.5.1 resource/task.rs:556, :583)
{
  const log = [
    ...rustTaskLines({
      startMs: RS_T0,
      host: '10.244.2.9-node-b',
      peer: rsPeer(8),
      task: rsTask(8),
      url: blob('etl', 8),
      size: 80 * MB,
      mode: 'source',
      costMs: 5200,
      series: 'v1',
      release: 'v1.5.1',
      schedulerError: 'TokioStreamElapsed(Elapsed(()))',
    }),
  ];
  write(
    'dfdaemon-rust-scheduler',
    {
      'manifest.json': json(manifest('node-rs-sched', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1' }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-scheduler'],
      firesRules: ['dfdaemon.scheduler-wait'],
      silentRules: silentExcept('dfdaemon.scheduler-wait'),
    },
  );
}

// Rust: the scheduler orders a first pull's blob to the origin, which answers 401 (a private registry the
// request carried no credentials for): each piece's "backend get failed: <status> <body>" (v1.5.1
// dragonfly-client/src/resource/piece.rs:589), the failure reported to the scheduler (task.rs:994-1013),
// then the direct back-to-source fails alike, "download from source error: {:?}" (task.rs:624), and the
// proxy answers the backend's status ("download task failed: {:?}", proxy/mod.rs:845, outside the task span)
{
  const url = blob('private', 3);
  const ids = `host_id="10.244.2.9-node-b" task_id="${rsTask(30)}" peer_id="${rsPeer(30)}"`;
  const body = '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}';
  const piece = (ms: number, n: number) =>
    rustCompact(
      ms,
      'ERROR',
      'download_task:download_from_source',
      'dragonfly-client/src/resource/piece.rs:589',
      `backend get failed: 401 Unauthorized ${body}`,
      `${ids} piece_id="${rsTask(30)}-${n}"`,
    );
  const backend =
    'BackendError { message: "401 Unauthorized", status_code: Some(401), header: Some({"content-type": "application/json"}) }';
  const log = [
    rustProxy(RS_T0, url, true),
    rustTaskStarted({
      startMs: RS_T0 + 1,
      host: '10.244.2.9-node-b',
      peer: rsPeer(30),
      task: rsTask(30),
      url,
      size: 60 * MB,
      mode: 'source',
      costMs: 421,
      series: 'v1',
      release: 'v1.5.1',
    }),
    rustCompact(
      RS_T0 + 40,
      'INFO',
      'download_task',
      'dragonfly-client/src/resource/task.rs:950',
      'need back to source response',
      ids,
    ),
    piece(RS_T0 + 180, 0),
    piece(RS_T0 + 181, 1),
    piece(RS_T0 + 420, 0),
    rustCompact(
      RS_T0 + 421,
      'ERROR',
      'download_task',
      'dragonfly-client/src/resource/task.rs:624',
      `download from source error: BackendError(${backend})`,
      ids,
    ),
    rustCompact(
      RS_T0 + 422,
      'ERROR',
      'proxy',
      'dragonfly-client/src/proxy/mod.rs:845',
      `download task failed: ${backend}`,
    ),
  ];
  write(
    'dfdaemon-rust-origin-failed',
    {
      'manifest.json': json(manifest('node-rs-origin', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1' }), log }),
    },
    {
      mustInclude: ['registry-roundtrip'],
      severityOf: { 'dfdaemon.origin-failed': 'warning' },
      firesRules: ['dfdaemon.origin-failed'],
      silentRules: silentExcept('dfdaemon.origin-failed'),
    },
  );
}

// Rust: dfdaemon at its CPU limit and near its memory limit during the scrapes: the chart's client limits
// are 4 CPU / 8Gi (charts ≥ 1.3.11), so ~3.9 cores on this 4-CPU node and RSS near half its memory
write(
  'dfdaemon-rust-resource',
  {
    'manifest.json': json(manifest('node-rs-busy', '2026-11-20T08:00:03.000Z', RS_SCRAPE)),
    ...rustBundle({
      version: 'v1.5.1',
      config: rustConfig({ series: 'v1' }),
      log: [],
      metrics: [
        rustMetrics({
          version: 'v1.5.1',
          local: 1e9,
          remote: 4e9,
          source: 1e9,
          tasks: 140,
          proxy: 300,
          viaDfdaemon: 140,
          cpu: 5210.4,
          rss: 7.62e9,
        }),
        rustMetrics({
          version: 'v1.5.1',
          local: 1.2e9,
          remote: 4.3e9,
          source: 1e9,
          tasks: 146,
          proxy: 310,
          viaDfdaemon: 146,
          cpu: 5218.2,
          rss: 7.64e9,
        }),
      ],
    }),
  },
  // its metrics also count direct (manifest) requests, so registry-roundtrip may fire as info
  {
    mustInclude: ['dfdaemon-resource'],
    firesRules: ['dfdaemon.resource'],
    silentRules: silentExcept('dfdaemon.resource', 'dfdaemon.registry-roundtrip'),
  },
);

// Rust: pieces from a parent fail their CRC32 check and are fetched again
{
  const f = `host_id="10.244.2.9-node-b" task_id="${rsTask(12)}" peer_id="${rsPeer(12)}" url="${blob('ai', 12)}" content_length=${96 * MiB}`;
  const log = [
    ...rustTaskLines({
      startMs: RS_T0,
      host: '10.244.2.9-node-b',
      peer: rsPeer(12),
      task: rsTask(12),
      url: blob('ai', 12),
      size: 96 * MiB,
      mode: 'p2p',
      costMs: 4100,
      series: 'v1',
      release: 'v1.5.1',
    }),
    rustCompact(
      RS_T0 + 900,
      'ERROR',
      'download_task:download_from_parent',
      'dragonfly-client/src/resource/piece.rs:490',
      'download piece finished: digest mismatch expected: crc32:4032120726, actual: crc32:1944964255',
      `${f} piece_id="${rsTask(12)}-7"`,
    ),
    rustCompact(
      RS_T0 + 1900,
      'ERROR',
      'download_task:download_from_parent',
      'dragonfly-client/src/resource/piece.rs:490',
      'download piece finished: digest mismatch expected: crc32:1203938811, actual: crc32:99120345',
      `${f} piece_id="${rsTask(12)}-15"`,
    ),
  ];
  write(
    'dfdaemon-rust-digest-mismatch',
    {
      'manifest.json': json(manifest('node-rs-crc', '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({ version: 'v1.5.1', config: rustConfig({ series: 'v1' }), log: log.sort(byTs) }),
    },
    {
      mustInclude: ['dfdaemon-verification'],
      firesRules: ['dfdaemon.digest-verification'],
      silentRules: silentExcept('dfdaemon.digest-verification'),
    },
  );
}

// Rust: the proxy read buffer by release — v0.2.16's default is 32 KiB, v0.2.17's 4 MiB (client PR #1021)
for (const [name, version, fires] of [
  ['dfdaemon-rust-v0.2.16-small-buffer', 'v0.2.16', true],
  ['dfdaemon-rust-v0.2.17-buffer', 'v0.2.17', false],
] as const) {
  write(
    name,
    {
      'manifest.json': json(manifest(`node-rs-${version}`, '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({
        version,
        config: rustConfig({ series: 'v0', keep: true }),
        log: rustPull(RS_T0, 'app', [90 * MB, 30 * MB], 'hit', 'v0', 0, false, version),
      }),
    },
    fires
      ? {
          mustInclude: ['dfdaemon-version'],
          firesRules: ['dfdaemon.version'],
          silentRules: silentExcept('dfdaemon.version'),
        }
      : { mustNotInclude: ['dfdaemon-version'], silentRules: ALL },
  );
}

// Rust: download.rateLimit is the key through v1.2.7; v1.2.8 reads download.bandwidthLimit and ignores it
for (const [name, version, fires] of [
  ['dfdaemon-rust-v1.2.7-rate-limit', 'v1.2.7', true],
  ['dfdaemon-rust-v1.2.8-rate-limit-key-ignored', 'v1.2.8', false],
] as const) {
  write(
    name,
    {
      'manifest.json': json(manifest(`node-rs-${version}`, '2026-11-20T08:00:03.000Z', null)),
      ...rustBundle({
        version,
        config: rustConfig({ series: 'v1', keep: true, rateKey: 'rateLimit', limit: '40MB' }),
        log: rustPull(RS_T0, 'app', [200 * MB, 100 * MB], 'source', 'v1', 0, false, version),
      }),
    },
    fires
      ? {
          mustInclude: ['dfdaemon-rate-limit'],
          firesRules: ['dfdaemon.rate-limit'],
          silentRules: silentExcept('dfdaemon.rate-limit'),
        }
      : { mustNotInclude: ['dfdaemon-rate-limit'], silentRules: ALL },
  );
}

// ---- the seed: dragonflyoss/dragonfly#3455 --------------------------------------------------

{
  // Go dfdaemon v2.1.49 with Helm chart 1.1.65 settings (metrics enabled, verbose on for debugging).
  // First pull 7 s (P2P / back-to-source), re-pull after `crictl rmi` 4.5 s, all blobs "reused".
  const repo = 'team/app';
  const sizes = [8_412, 418 * MB, 312 * MB, 178 * MB, 92 * MB, 50 * MB]; // config + 5 layers ≈ 1.05 GB
  const log: string[] = [...goStartupLines(GO_T0 - 7200_000, 1024 * MiB, false)];
  const t1 = GO_T0;
  log.push(
    goDirect(t1, 'HEAD', manifestUrl(repo, '2.3.1')),
    goDirect(t1 + 380, 'GET', manifestUrl(repo, '2.3.1')),
    goDirect(t1 + 720, 'GET', manifestUrl(repo, `sha256:${hex64(600)}`)),
  );
  const first = [
    { at: 1000, cost: 60, mode: 'source' as const },
    { at: 1100, cost: 5900, mode: 'p2p' as const },
    { at: 1100, cost: 4100, mode: 'p2p' as const },
    { at: 1100, cost: 2300, mode: 'source' as const },
    { at: 3420, cost: 1300, mode: 'p2p' as const },
    { at: 5220, cost: 800, mode: 'p2p' as const },
  ];
  sizes.forEach((s, i) => {
    const f = first[i] as (typeof first)[number];
    log.push(
      ...goTaskLines({
        startMs: t1 + f.at + i,
        peer: goPeer(300 + i),
        task: goTask(300 + i),
        url: blob(repo, 300 + i),
        size: s,
        mode: f.mode,
        costMs: f.cost,
        registerMs: 16,
        verbose: true,
      }),
    );
  });
  const t2 = GO_T0 + 612_000;
  log.push(
    goDirect(t2, 'HEAD', manifestUrl(repo, '2.3.1')),
    goDirect(t2 + 610, 'GET', manifestUrl(repo, '2.3.1')),
    goDirect(t2 + 1180, 'GET', manifestUrl(repo, `sha256:${hex64(600)}`)),
  );
  const second = [1650, 1720, 1721, 1722, 2640, 3180];
  sizes.forEach((s, i) => {
    log.push(
      ...goTaskLines({
        startMs: t2 + (second[i] as number),
        peer: goPeer(400 + i),
        task: goTask(300 + i),
        url: blob(repo, 300 + i),
        size: s,
        mode: 'hit',
        costMs: 0,
        parentPeer: goPeer(300 + i),
        verbose: true,
      }),
    );
  });
  const dir = join(FIXTURES, 'seed-cache-hit-slow');
  mkdirSync(dir, { recursive: true });
  const files: Record<string, string> = {
    ...goBundle({
      config: goChartConfig({ metrics: true, verbose: true }),
      log: log.sort(byTs),
      metrics: [
        goMetrics({ tasks: 6, hits: 6, via: 12, direct: 6, getBytes: 2.1e9, cpu: 31.7, rss: 121634816 }),
        goMetrics({ tasks: 6, hits: 6, via: 12, direct: 6, getBytes: 2.1e9, cpu: 31.71, rss: 121634816 }),
      ],
    }),
  };
  writeOwned(dir, files, (rel) => rel.startsWith('raw/dfdaemon/') && OWNED_FILE.test(rel));
  // keep the other areas' manifest entries and expectations, and the dfdaemon fields set elsewhere; set only ours
  const mPath = join(dir, 'manifest.json');
  const generated = manifest(
    'node-seed',
    '2026-11-20T08:00:00.000Z',
    ['2024-06-21T10:15:00.000Z', '2024-06-21T10:15:02.004Z'],
    { cacheDir: { path: '/var/lib/dragonfly', from: 'config' } },
  );
  const existing = readJson<ManifestJson>(mPath);
  writeFileSync(mPath, json(existing ? mergeManifest(existing, { probes: generated.probes }) : generated));
  const ePath = join(dir, 'expected.json');
  const e: Expected = existsSync(ePath) ? JSON.parse(readFileSync(ePath, 'utf8')) : {};
  const mine = new Set(ALL);
  const add = (list: string[] | undefined, xs: string[]) => [...new Set([...(list ?? []), ...xs])];
  e.mustInclude = add(e.mustInclude, ['registry-roundtrip']);
  // 1.65 s of manifest round trips at the origin before the first cached byte: the largest known share of the 4.5 s
  e.topN ??= { cause: 'registry-roundtrip', n: 1 };
  e.mustNotInclude = add(e.mustNotInclude, [
    'dfdaemon-rate-limit',
    'dfdaemon-verification',
    'dfdaemon-proxy-rules',
    'dfdaemon-scheduler',
    'dfdaemon-resource',
    'dfdaemon-version',
  ]);
  e.firesRules = add(
    (e.firesRules ?? []).filter((r) => !mine.has(r)),
    ['dfdaemon.registry-roundtrip', 'dfdaemon.cache-not-kept'],
  );
  e.silentRules = add(
    (e.silentRules ?? []).filter((r) => !mine.has(r)),
    silentExcept('dfdaemon.registry-roundtrip', 'dfdaemon.cache-not-kept'),
  );
  writeFileSync(ePath, json(e));
}

console.log('dfdaemon fixtures written');
