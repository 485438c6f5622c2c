import { createHash, randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { arch } from 'node:os';
import type { BenchIsolation, BenchMeasurement, BenchPull } from '../bundle/measurements.js';
import { UsageError } from '../errors.js';
import { detectConfigGeneration, parseDfdaemonConfig } from '../parsers/dfdaemon-config.js';
import {
  assertBenchNamespace,
  emptyNamespace,
  removeBenchNamespace,
  type Ctr,
  ctrPull,
  heldBefore,
  mirrorBlobRequest,
  originBlobRequest,
  type PullPath,
  readPullPath,
} from './bench-containerd.js';
import { layerFetchSeconds, type PullProgress } from './bench-ctr-progress.js';
import { diskPhase, gunzipPhase, loopbackPhase, type PhaseResult, sha256Phase, timedFetch } from './bench-phases.js';
import { type Cleanup, rootedPath } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';

export interface BenchOptions {
  image: string;
  runs: number;
  root: string;
  containerdConfig?: string;
  containerdAddress?: string;
  cacheDir?: string;
  dfdaemonConfig?: string;
  dfdaemonProxy?: string;
  pullTimeoutSeconds: number;
  sampleBytes: number;
}

interface ManifestLayer {
  digest: string;
  size: number;
  /** The snapshot key containerd commits when this layer is unpacked (chain ID of the layers up to it). */
  chainId?: string;
}

/** OCI chain IDs: chain(0) = diff(0), chain(i) = sha256(chain(i-1) + " " + diff(i)). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out.at(-1);
    out.push(prev === undefined ? d : `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}`);
  }
  return out;
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };

async function ctrText(c: Ctr, args: string[]): Promise<string | null> {
  const r = await runCommand('ctr', ['--address', c.address, '-n', c.namespace, ...args], { timeoutMs: 30_000 });
  return r.kind === 'ok' ? r.stdout : null;
}

/** The image's layers (digest and size) from its manifest as containerd stored it. */
async function manifestLayers(c: Ctr, ref: string): Promise<ManifestLayer[] | null> {
  const ls = await ctrText(c, ['image', 'ls']);
  const row = ls?.split('\n').find((l) => l.split(/\s+/)[0] === ref);
  const target = row?.match(/sha256:[0-9a-f]{64}/)?.[0];
  if (!target) return null;
  let doc = JSON.parse((await ctrText(c, ['content', 'get', target])) ?? 'null') as {
    manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
    layers?: ManifestLayer[];
    config?: { digest: string };
  } | null;
  if (doc?.manifests) {
    const want = GOARCH[arch()] ?? arch();
    const m =
      doc.manifests.find((x) => x.platform?.os === 'linux' && x.platform?.architecture === want) ?? doc.manifests[0];
    doc = m ? JSON.parse((await ctrText(c, ['content', 'get', m.digest])) ?? 'null') : null;
  }
  const layers = doc?.layers?.map((l) => ({ digest: l.digest, size: l.size }) as ManifestLayer);
  if (!layers) return null;
  if (doc?.config?.digest) {
    try {
      const cfg = JSON.parse((await ctrText(c, ['content', 'get', doc.config.digest])) ?? 'null') as {
        rootfs?: { diff_ids?: string[] };
      } | null;
      const ids = chainIds(cfg?.rootfs?.diff_ids ?? []);
      if (ids.length === layers.length) layers.forEach((l, i) => (l.chainId = ids[i]));
    } catch {
      // no chain IDs: per-layer unpack stays unknown
    }
  }
  return layers;
}

/** Progress of one ctr pull + the manifest → the measured pull (per layer fetch, waves, unpack). */
export function pullFromProgress(
  kind: 'cold' | 'warm',
  wallSeconds: number,
  p: PullProgress,
  layers: ManifestLayer[],
  concurrency: number,
  /** Layers containerd already held (ctr's "exists", or an older blob file): not fetched by this pull. */
  held: ReadonlySet<string> = new Set(),
  /** Snapshot commit times during the unpack (chain ID → seconds since the pull started). */
  commits: ReadonlyMap<string, number> = new Map(),
): BenchPull {
  // layer i's unpack ends when its chain's snapshot is committed and starts with the previous commit
  let prevCommit = p.unpackStartedAt;
  const unpackOf = new Map<string, number>();
  for (const l of layers) {
    const at = l.chainId ? commits.get(l.chainId) : undefined;
    if (at === undefined || prevCommit === null) {
      prevCommit = null;
      continue;
    }
    unpackOf.set(l.digest, Math.max(0, at - prevCommit));
    prevCommit = at;
  }
  const isHeld = (d: string) => held.has(d) || p.refs.get(d)?.existed === true;
  const out: BenchPull['layers'] = layers.map((l) => {
    const t = p.refs.get(l.digest);
    const fetched = t !== undefined && !isHeld(l.digest);
    return {
      digest: l.digest,
      bytes: l.size,
      fetchSeconds: fetched ? layerFetchSeconds(t) : null,
      unpackSeconds: unpackOf.get(l.digest) ?? null,
      ...(fetched ? { fetchMeasured: 'containerd' as const } : {}),
    };
  });
  const timed = layers
    .filter((l) => !isHeld(l.digest))
    .map((l) => p.refs.get(l.digest))
    .filter((t) => t !== undefined && t.doneAt !== null);
  const start = Math.min(...timed.map((t) => t!.startedAfter));
  const end = Math.max(...timed.map((t) => t!.doneAt as number));
  const fetchSeconds = timed.length > 0 ? Math.max(0, end - start) : null;
  const ordered = [...timed].sort((a, b) => a!.startedAfter - b!.startedAfter);
  const waves: NonNullable<BenchPull['waves']> = [];
  for (let i = 0; i < ordered.length; i += Math.max(1, concurrency)) {
    const g = ordered.slice(i, i + Math.max(1, concurrency));
    const ws = Math.min(...g.map((t) => t!.startedAfter));
    const we = Math.max(...g.map((t) => t!.doneAt as number));
    const bytes = g.reduce((s, t) => s + (layers.find((l) => l.digest === t!.digest)?.size ?? 0), 0);
    waves.push({ layers: g.length, bytes, seconds: Math.max(0, we - ws) });
  }
  return {
    kind,
    wallSeconds,
    resolveSeconds: p.resolvedAt === null ? null : Math.max(0, p.resolvedAt - 0.1),
    layers: out,
    fetchSeconds,
    unpackSeconds: p.unpackSeconds,
    waves,
  };
}

async function cacheDirFor(o: BenchOptions): Promise<string | null> {
  if (o.cacheDir) return rootedPath(o.root, o.cacheDir);
  const candidates = o.dfdaemonConfig
    ? [o.dfdaemonConfig]
    : ['/etc/dragonfly/dfdaemon.yaml', '/etc/dragonfly/dfget.yaml'];
  for (const c of candidates) {
    const r = await readNodeFile(rootedPath(o.root, c));
    if (r.kind !== 'ok') continue;
    const gen = detectConfigGeneration(r.text) ?? (c.endsWith('dfget.yaml') ? 'go' : 'rust');
    const parsed = parseDfdaemonConfig(r.text, gen);
    if (parsed.ok) return rootedPath(o.root, parsed.config.storageDir.value);
  }
  const def = rootedPath(o.root, '/var/lib/dragonfly');
  return (await stat(def).then(
    (s) => s.isDirectory(),
    () => false,
  ))
    ? def
    : null;
}

async function dfdaemonProxyPorts(o: BenchOptions): Promise<number[]> {
  const ports = [4001, 65001];
  if (o.dfdaemonProxy) {
    try {
      const u = new URL(o.dfdaemonProxy);
      ports.push(Number(u.port || (u.protocol === 'https:' ? 443 : 80)));
    } catch {
      throw new UsageError(`--dfdaemon-proxy ${o.dfdaemonProxy}: not a URL`);
    }
  }
  if (o.dfdaemonConfig) {
    const r = await readNodeFile(rootedPath(o.root, o.dfdaemonConfig));
    if (r.kind === 'ok') {
      const gen = detectConfigGeneration(r.text) ?? (o.dfdaemonConfig.endsWith('dfget.yaml') ? 'go' : 'rust');
      const parsed = parseDfdaemonConfig(r.text, gen);
      const p = parsed.ok ? parsed.config.ports.proxy?.value : undefined;
      if (p) ports.push(p);
    }
  }
  return ports;
}

/** What the bench needs while it runs: abort, undo steps, and a line of progress on stderr. */
interface BenchRun {
  signal: AbortSignal;
  cleanup: Cleanup;
  progress(message: string): void;
}

/** The pull path as the bench measures it: where containerd's blob requests go, and whether that is dfdaemon. */
interface BenchPath {
  path: PullPath;
  viaDfdaemon: boolean;
  blobRequest(digest: string): { url: string; headers: Record<string, string> };
}

/**
 * Pulls IMAGE through the node's containerd path in a namespace of its own (cold for containerd,
 * then `runs` times again as a cache hit in dfdaemon), then isolates the phases on the largest
 * layer. Everything it puts in containerd is removed, also on SIGINT (the cleanup stack).
 */
export async function runBench(o: BenchOptions, rc: BenchRun): Promise<BenchMeasurement> {
  const path: PullPath = await readPullPath({
    root: o.root,
    image: o.image,
    containerdConfig: o.containerdConfig,
    containerdAddress: o.containerdAddress,
  });
  const version = await runCommand('ctr', ['--address', path.address, 'version'], {
    timeoutMs: 15_000,
    signal: rc.signal,
  });
  if (version.kind !== 'ok') throw new UsageError(`containerd at ${path.address}: ${version.reason}`);
  const ctr: Ctr = { address: path.address, namespace: `dfdoctor-bench-${randomBytes(4).toString('hex')}` };
  assertBenchNamespace(ctr.namespace);
  const notes = [...path.notes];
  // On SIGINT/SIGTERM the cleanup stack and this function's `finally` both want the namespace gone:
  // one removal serves both, and it starts only once the pull in flight has ended (the signal kills
  // its ctr), so that no write of the pull's can land in the namespace after it was emptied
  let pulling: Promise<unknown> = Promise.resolve();
  let removal: Promise<string[]> | undefined;
  const remove = () =>
    (removal ??= pulling.catch(() => undefined).then(() => removeBenchNamespace(ctr, { patienceMs: 15_000 })));
  const unregister = rc.cleanup.add(async () => {
    await remove();
  });
  try {
    const bp = await benchPath(o, path, notes);
    const pulls: BenchPull[] = [];
    let layers: ManifestLayer[] | null = null;
    const kinds: ('cold' | 'warm')[] = ['cold', ...Array.from({ length: o.runs }, () => 'warm' as const)];
    for (const [i, kind] of kinds.entries()) {
      rc.progress(`bench: ${kind} pull ${i + 1}/${kinds.length} of ${path.ref}…`);
      const pull$ = pullOnce(o, rc, bp, ctr, kind, layers, i === 0 ? notes : []);
      pulling = pull$;
      const r = await pull$;
      layers = r.layers;
      pulls.push(r.pull);
      await emptyNamespace(ctr);
    }
    rc.progress('bench: isolating the phases on the largest layer…');
    const largest = [...(layers ?? [])].sort((a, b) => b.size - a.size)[0];
    const { floors, isolation } = largest
      ? await isolatePhases(o, rc, bp, largest, pulls, notes)
      : { floors: { ...NO_FLOORS }, isolation: undefined };
    const m: BenchMeasurement = {
      image: o.image,
      viaDfdaemon: bp.viaDfdaemon,
      mirror: path.mirror?.url ?? null,
      maxConcurrentDownloads: path.maxConcurrentDownloads,
      pulls,
      floors,
      ...(isolation ? { isolation } : {}),
      notes: [
        `pulled with ctr in containerd namespace ${ctr.namespace} (removed afterwards), --max-concurrent-downloads ${path.maxConcurrentDownloads} (${path.maxConcurrentDownloadsFrom === 'config' ? 'max_concurrent_downloads from the config' : "containerd's CRI default"}); per-layer times are read from ctr's progress, good to about 0.1 s`,
        ...notes,
      ],
    };
    // measurements only: which phase the seconds went to is concluded at analysis (report/bench-budget.ts)
    return m;
  } finally {
    rc.progress('bench: removing what the bench put in containerd…');
    unregister();
    const left = await remove();
    for (const l of left) process.stderr.write(`dfdoctor: bench: could not remove ${l}\n`);
  }
}

/** Whether containerd's mirror for the image's registry is a dfdaemon proxy port; says so in `notes` when not. */
async function benchPath(o: BenchOptions, path: PullPath, notes: string[]): Promise<BenchPath> {
  const proxyPorts = await dfdaemonProxyPorts(o);
  const mirrorPort = path.mirror ? Number(new URL(path.mirror.url).port || 80) : null;
  const viaDfdaemon = mirrorPort !== null && proxyPorts.includes(mirrorPort);
  if (!path.mirror)
    notes.push(
      `containerd has no mirror for ${path.registryHost}${path.hostsFile ? ` (${path.hostsFile})` : ' (no hosts.toml)'}: dfdaemon was not in the path; the pull went to ${path.origin}`,
    );
  else if (!viaDfdaemon)
    notes.push(
      `containerd's mirror for ${path.registryHost} is ${path.mirror.url}, not a dfdaemon proxy port (${proxyPorts.join(', ')}): dfdaemon was not in the path as far as dfdoctor can tell`,
    );
  return {
    path,
    viaDfdaemon,
    blobRequest: (digest) => mirrorBlobRequest(path, digest) ?? originBlobRequest(path, digest),
  };
}

/**
 * One `ctr image pull`, read into per-layer times. containerd shares content between namespaces: a
 * layer it already held was not fetched, so the same request through the mirror is timed instead,
 * one layer at a time. `notes` gets what the first pull learns about that.
 */
async function pullOnce(
  o: BenchOptions,
  rc: BenchRun,
  bp: BenchPath,
  ctr: Ctr,
  kind: 'cold' | 'warm',
  known: ManifestLayer[] | null,
  notes: string[],
): Promise<{ pull: BenchPull; layers: ManifestLayer[] }> {
  const path = bp.path;
  const startedMs = Date.now();
  const r = await ctrPull(ctr, path, { timeoutMs: o.pullTimeoutSeconds * 1000, signal: rc.signal });
  if (!r.ok) throw new UsageError(`pull of ${o.image} through containerd failed: ${r.error ?? 'unknown error'}`);
  const layers = known ?? (await manifestLayers(ctr, path.ref));
  if (!layers) throw new UsageError(`pull of ${o.image}: containerd holds no manifest for ${path.ref} afterwards`);
  const held = new Set<string>();
  let unknownHeld = false;
  for (const l of layers) {
    if (r.progress.refs.get(l.digest)?.existed) held.add(l.digest);
    else {
      const h = await heldBefore(path, l.digest, startedMs - 50);
      if (h === null) unknownHeld = true;
      if (h === true) held.add(l.digest);
    }
  }
  const pull = pullFromProgress(kind, r.wallSeconds, r.progress, layers, path.maxConcurrentDownloads, held, r.commits);
  for (const l of pull.layers) {
    if (!held.has(l.digest)) continue;
    const f = await timedFetch(bp.blobRequest(l.digest), {
      keepBytes: 0,
      timeoutMs: o.pullTimeoutSeconds * 1000,
      signal: rc.signal,
    });
    if (f.ok) {
      l.fetchSeconds = f.seconds;
      l.fetchMeasured = 'mirror-request';
    }
  }
  if (unknownHeld)
    notes.push(
      `${path.blobDir} is not readable: layers containerd already held (shared with other namespaces) cannot be told from fetched ones`,
    );
  if (held.size > 0)
    notes.push(
      `${held.size} of ${pull.layers.length} layers were already in containerd's content store (shared with other namespaces): containerd did not fetch them, so their fetch was timed as the same request through the mirror, sequentially`,
    );
  return { pull, layers };
}

const NO_FLOORS: BenchMeasurement['floors'] = {
  dfdaemonFetchMBps: null,
  diskReadMBps: null,
  loopbackMBps: null,
  gunzipMBps: null,
  sha256MBps: null,
};

/**
 * Each phase of a pull on its own, on the largest layer: the fetch from the mirror, a read of the
 * cache dir's disk, loopback, gunzip and sha256 of a sample. Their rates are the floors the pulls are
 * compared with; `realSeconds` is what the layer cost in the slowest pull.
 */
async function isolatePhases(
  o: BenchOptions,
  rc: BenchRun,
  bp: BenchPath,
  largest: ManifestLayer,
  pulls: BenchPull[],
  notes: string[],
): Promise<{ floors: BenchMeasurement['floors']; isolation?: BenchIsolation }> {
  const { path, viaDfdaemon } = bp;
  const req = bp.blobRequest(largest.digest);
  const f = await timedFetch(req, {
    keepBytes: o.sampleBytes,
    timeoutMs: o.pullTimeoutSeconds * 1000,
    signal: rc.signal,
  });
  if (!f.ok) {
    notes.push(`phase isolation skipped: ${f.reason}`);
    return { floors: { ...NO_FLOORS } };
  }
  const fetchMBps = f.seconds > 0 ? f.bytes / 1e6 / f.seconds : null;
  const phases: PhaseResult[] = [
    {
      phase: 'dfdaemon-fetch',
      MBps: fetchMBps,
      how: `GET ${req.url.replace(/\?.*$/, '')} with containerd's headers${viaDfdaemon ? ' (dfdaemon proxy)' : path.mirror ? ' (mirror, not dfdaemon)' : ' (registry: no dfdaemon in the path)'}`,
    },
  ];
  const cacheDir = viaDfdaemon ? await cacheDirFor(o) : null;
  phases.push(
    viaDfdaemon
      ? await diskPhase({ cacheDir, bytes: largest.size, sample: f.sample, cleanup: rc.cleanup, signal: rc.signal })
      : { phase: 'disk-read', MBps: null, how: 'dfdaemon not in the path: no cache dir to read' },
  );
  phases.push(await loopbackPhase(f.sample, 60_000));
  phases.push(await gunzipPhase(f.sample));
  phases.push(sha256Phase(f.sample));
  const rate = (phase: PhaseResult['phase']) => phases.find((p) => p.phase === phase)?.MBps ?? null;
  const floors: BenchMeasurement['floors'] = {
    dfdaemonFetchMBps: viaDfdaemon ? fetchMBps : null,
    diskReadMBps: rate('disk-read'),
    loopbackMBps: rate('loopback'),
    gunzipMBps: rate('gunzip'),
    sha256MBps: rate('sha256'),
  };
  const slowest = [...pulls].sort((a, b) => b.wallSeconds - a.wallSeconds)[0];
  const inSlowest = slowest?.layers.find((l) => l.digest === largest.digest);
  const slowestBytes = slowest?.layers.reduce((s, l) => s + l.bytes, 0) ?? 0;
  const unpackShare =
    slowest?.unpackSeconds != null && slowestBytes > 0 ? slowest.unpackSeconds * (largest.size / slowestBytes) : 0;
  return {
    floors,
    isolation: {
      digest: largest.digest,
      bytes: largest.size,
      sampledBytes: f.sample.length,
      phases: phases.map((p) => ({ ...p, seconds: p.MBps ? largest.size / 1e6 / p.MBps : null })),
      realSeconds:
        inSlowest?.fetchSeconds != null ? inSlowest.fetchSeconds + (inSlowest.unpackSeconds ?? unpackShare) : null,
    },
  };
}
