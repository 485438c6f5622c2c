import { spawn } from 'node:child_process';
import { access, constants, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { criV1Layout, readContainerdConfig, splitConfigPath } from '../parsers/containerd-config.js';
import { dig, isTable, parseTomlLocated } from '../parsers/containerd-toml.js';
import { hostDirCandidates, parseHostsToml } from '../parsers/hosts-toml.js';
import { UsageError } from '../errors.js';
import { imageRefProblem, type ImageRefParts, splitImageRef } from '../parsers/image-ref.js';
import { rootedPath } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';
import { feedProgress, newProgress, type PullProgress } from './bench-ctr-progress.js';

/** The node's real pull path for one image: containerd's socket, its hosts dir, mirror and concurrency. */
export interface PullPath {
  address: string;
  ref: string;
  registryHost: string;
  repo: string;
  /** Rooted hosts dir containerd would use for this registry, when config_path names one that exists. */
  hostsDir: string | null;
  /** The file containerd reads for this registry (for evidence). */
  hostsFile: string | null;
  /** The first pull-capable host containerd tries before the registry itself. */
  mirror: { url: string; headers: Record<string, string> } | null;
  /** The registry's own endpoint (hosts.toml `server`, or https://<host>). */
  origin: string;
  plainHttp: boolean;
  maxConcurrentDownloads: number;
  maxConcurrentDownloadsFrom: 'config' | 'default';
  snapshotter?: string;
  /** containerd's blob store (`<root>/io.containerd.content.v1.content/blobs/sha256`), to tell held blobs from fetched ones. */
  blobDir: string;
  notes: string[];
}

export interface ImageRef extends ImageRefParts {
  /** What ctr needs (fully qualified). */
  ref: string;
}

/** docker-style reference → registry host and repository (docker.io/library normalisation). */
export function parseImageRef(image: string): ImageRef {
  const parts = splitImageRef(image);
  if (!parts) throw new UsageError(`not an image reference: "${image}": ${imageRefProblem(image)}`);
  const { registryHost, repo, suffix } = parts;
  return { registryHost, repo, suffix, ref: `${registryHost}/${repo}${suffix}` };
}

export async function readPullPath(o: {
  root: string;
  image: string;
  containerdConfig?: string;
  containerdAddress?: string;
}): Promise<PullPath> {
  const img = parseImageRef(o.image);
  const notes: string[] = [];
  const address = rootedPath(o.root, o.containerdAddress ?? '/run/containerd/containerd.sock');
  try {
    await access(address, constants.R_OK | constants.W_OK);
  } catch {
    throw new UsageError(`containerd socket ${address}: not found or not accessible (--containerd-address)`);
  }
  const cfgPath = rootedPath(o.root, o.containerdConfig ?? '/etc/containerd/config.toml');
  let mcd: number | undefined;
  let configPath: string | undefined;
  let snapshotter: string | undefined;
  let cdRoot = '/var/lib/containerd';
  const cfg = await readNodeFile(cfgPath);
  if (cfg.kind === 'ok') {
    const t = parseTomlLocated(cfg.text);
    if (t.ok) {
      const c = readContainerdConfig(t.value, cfg.text).config;
      mcd = criV1Layout(c.layout)
        ? (c.transfer.maxConcurrentDownloads ?? c.cri.maxConcurrentDownloads)
        : c.cri.maxConcurrentDownloads;
      configPath = c.cri.configPath;
      snapshotter = c.cri.snapshotter;
      if (c.root) cdRoot = c.root;
    } else {
      notes.push(`${cfgPath}:${t.line ?? '?'}: not valid TOML (${t.message}); containerd defaults assumed`);
    }
  } else {
    notes.push(`${cfg.reason}; containerd defaults assumed (max_concurrent_downloads 3, no hosts dir)`);
  }
  let hostsDir: string | null = null;
  let hostsFile: string | null = null;
  let mirror: PullPath['mirror'] = null;
  let origin = img.registryHost === 'docker.io' ? 'https://registry-1.docker.io' : `https://${img.registryHost}`;
  for (const dir of splitConfigPath(configPath)) {
    const base = rootedPath(o.root, dir);
    for (const cand of hostDirCandidates(img.registryHost)) {
      const file = join(base, cand, 'hosts.toml');
      const r = await readNodeFile(file);
      if (r.kind !== 'ok') continue;
      hostsDir = base;
      hostsFile = file;
      const parsed = parseHostsToml(r.text);
      if (!parsed.ok) {
        notes.push(`${file}:${parsed.line ?? '?'}: ${parsed.message}`);
        break;
      }
      if (parsed.file.server)
        origin = `${parsed.file.server.scheme}://${parsed.file.server.host}:${parsed.file.server.port}`;
      const first = parsed.file.hosts.find((h) => h.capabilities.includes('pull'));
      if (first) {
        const doc = parseTomlLocated(r.text);
        const hdr = doc.ok ? dig(doc.value, 'host', first.raw, 'header') : undefined;
        const headers: Record<string, string> = {};
        if (isTable(hdr)) {
          for (const [k, v] of Object.entries(hdr)) headers[k] = Array.isArray(v) ? String(v[0] ?? '') : String(v);
        }
        mirror = {
          url: `${first.scheme}://${first.host}:${first.port}${first.path && first.path !== '/' ? first.path : ''}`,
          headers,
        };
      }
      break;
    }
    if (hostsFile) break;
  }
  return {
    address,
    ref: img.ref,
    registryHost: img.registryHost,
    repo: img.repo,
    hostsDir,
    hostsFile,
    mirror,
    origin,
    plainHttp: origin.startsWith('http://'),
    maxConcurrentDownloads: mcd ?? 3,
    maxConcurrentDownloadsFrom: mcd === undefined ? 'default' : 'config',
    ...(snapshotter ? { snapshotter } : {}),
    blobDir: join(rootedPath(o.root, cdRoot), 'io.containerd.content.v1.content', 'blobs', 'sha256'),
    notes,
  };
}

/**
 * Whether containerd already held a blob before `sinceMs` (epoch): its file in the blob store is
 * older than the pull. containerd shares content between namespaces, and ctr then shows the layer
 * "done" without fetching it. Null when the blob store is not readable.
 */
export async function heldBefore(path: PullPath, digest: string, sinceMs: number): Promise<boolean | null> {
  const dir = await stat(path.blobDir).catch(() => null);
  if (!dir?.isDirectory()) return null;
  const st = await stat(join(path.blobDir, digest.replace(/^sha256:/, ''))).catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? 'missing' : null,
  );
  if (st === null) return null;
  if (st === 'missing') return false;
  return st.ctimeMs < sinceMs;
}

/** The same request containerd makes for a blob through a mirror (hosts.go: `?ns=<registry>` plus the host's headers). */
export function mirrorBlobRequest(
  path: PullPath,
  digest: string,
): { url: string; headers: Record<string, string> } | null {
  if (!path.mirror) return null;
  const base = path.mirror.url.replace(/\/$/, '');
  const v2 = /\/v2$/.test(base) ? base : `${base}/v2`;
  return {
    url: `${v2}/${path.repo}/blobs/${digest}?ns=${encodeURIComponent(path.registryHost)}`,
    headers: {
      accept: 'application/vnd.docker.image.rootfs.diff.tar.gzip, application/vnd.oci.image.layer.v1.tar+gzip, */*',
      ...path.mirror.headers,
    },
  };
}

export function originBlobRequest(path: PullPath, digest: string): { url: string; headers: Record<string, string> } {
  return { url: `${path.origin.replace(/\/$/, '')}/v2/${path.repo}/blobs/${digest}`, headers: { accept: '*/*' } };
}

// --- ctr, in the bench's own namespace ---------------------------------------------------------

export interface Ctr {
  address: string;
  namespace: string;
}

const ctrArgs = (c: Ctr, args: string[]) => ['--address', c.address, '-n', c.namespace, ...args];

export function assertBenchNamespace(ns: string): void {
  // the kubelet's images live in k8s.io: the bench must never touch them
  if (ns === 'k8s.io' || ns === 'moby' || ns === 'default' || !ns.startsWith('dfdoctor-bench-')) {
    throw new Error(`refusing to use containerd namespace "${ns}"`);
  }
}

export interface CtrPull {
  ok: boolean;
  wallSeconds: number;
  progress: PullProgress;
  /** Snapshot key (chain ID) → seconds since the pull started when it was first seen committed during the unpack. */
  commits: Map<string, number>;
  /** ctr's last error line when it failed. */
  error?: string;
}

/** `ctr image pull` with the node's hosts dir and concurrency, its progress read as it arrives. */
export function ctrPull(c: Ctr, path: PullPath, o: { timeoutMs: number; signal: AbortSignal }): Promise<CtrPull> {
  assertBenchNamespace(c.namespace);
  const args = ctrArgs(c, [
    'image',
    'pull',
    ...(path.hostsDir ? ['--hosts-dir', path.hostsDir] : []),
    ...(path.plainHttp ? ['--plain-http'] : []),
    ...(path.snapshotter ? ['--snapshotter', path.snapshotter] : []),
    '--max-concurrent-downloads',
    String(path.maxConcurrentDownloads),
    path.ref,
  ]);
  const progress = newProgress();
  const commits = new Map<string, number>();
  const snapArgs = ctrArgs(c, ['snapshots', ...(path.snapshotter ? ['--snapshotter', path.snapshotter] : []), 'ls']);
  return new Promise((resolve) => {
    const t0 = performance.now();
    let running = true;
    // while containerd unpacks, watch its snapshots get committed: one per layer, in layer order
    const poll = async (at?: number) => {
      const r = await runCommand('ctr', snapArgs, { timeoutMs: 10_000 });
      const seen = at ?? (performance.now() - t0) / 1000;
      if (r.kind !== 'ok') return;
      for (const line of r.stdout.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        const key = cols[0];
        if (key && cols.at(-1) === 'Committed' && !commits.has(key)) commits.set(key, seen);
      }
    };
    const watch = async () => {
      while (running) {
        if (progress.unpackStartedAt !== null) await poll();
        await sleep(100);
      }
    };
    const watching = watch();
    const child = spawn('ctr', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => feedProgress(progress, d, (performance.now() - t0) / 1000));
    child.stderr.on('data', (d: Buffer) => {
      if (err.length < 64 * 1024) err += d.toString('utf8');
    });
    const kill = () => child.kill('SIGKILL');
    const timer = setTimeout(kill, o.timeoutMs);
    o.signal.addEventListener('abort', kill, { once: true });
    const finish = (ok: boolean, why?: string) => {
      running = false;
      clearTimeout(timer);
      o.signal.removeEventListener('abort', kill);
      const wallSeconds = (performance.now() - t0) / 1000;
      // the last layer is committed just before ctr exits: its commit time is at most the exit
      const last = ok && progress.unpackStartedAt !== null ? watching.then(() => poll(wallSeconds)) : Promise.resolve();
      void last.finally(() => resolve({ ok, wallSeconds, progress, commits, ...(why ? { error: why } : {}) }));
    };
    child.once('error', (e) =>
      finish(false, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'ctr not found on PATH' : e.message),
    );
    child.once('close', (code) => {
      if (code === 0) return finish(true);
      const line =
        err
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .at(-1) ?? `exit ${code}`;
      finish(
        false,
        o.signal.aborted
          ? 'interrupted'
          : code === null
            ? `timed out after ${o.timeoutMs / 1000} s`
            : line.replace(/^ctr: /, ''),
      );
    });
  });
}

async function ctrList(c: Ctr, args: string[]): Promise<string[]> {
  const r = await runCommand('ctr', ctrArgs(c, args), { timeoutMs: 30_000 });
  if (r.kind !== 'ok') return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Removes what the bench put in its namespace: images, leases, content, snapshots. */
export async function emptyNamespace(c: Ctr): Promise<void> {
  assertBenchNamespace(c.namespace);
  const images = await ctrList(c, ['image', 'ls', '-q']);
  if (images.length > 0)
    await runCommand('ctr', ctrArgs(c, ['image', 'rm', '--sync', ...images]), { timeoutMs: 60_000 });
  for (const id of await ctrList(c, ['leases', 'ls', '-q']))
    await runCommand('ctr', ctrArgs(c, ['leases', 'rm', '--sync', id]), { timeoutMs: 30_000 });
  const content = (await ctrList(c, ['content', 'ls', '-q'])).filter((d) => d.startsWith('sha256:'));
  if (content.length > 0) await runCommand('ctr', ctrArgs(c, ['content', 'rm', ...content]), { timeoutMs: 60_000 });
  // snapshots form chains: remove leaves first, a few passes
  for (let pass = 0; pass < 32; pass++) {
    const snaps = (await ctrList(c, ['snapshots', 'ls'])).slice(1).map((l) => l.split(/\s+/)[0] as string);
    if (snaps.length === 0) break;
    for (const s of snaps) await runCommand('ctr', ctrArgs(c, ['snapshots', 'rm', s]), { timeoutMs: 30_000 });
  }
}

/**
 * Empties the bench's namespace and drops it. A ctr killed mid-pull may have sent a blob commit or a
 * snapshot commit that containerd finishes after the namespace was emptied, and containerd refuses
 * to drop a namespace that still has images, blobs or snapshots: so empty and drop again until it
 * goes or `patienceMs` runs out. Returns what could not be removed, for the operator.
 */
export async function removeBenchNamespace(c: Ctr, o: { patienceMs: number }): Promise<string[]> {
  assertBenchNamespace(c.namespace);
  const until = performance.now() + o.patienceMs;
  for (;;) {
    await emptyNamespace(c);
    const r = await runCommand('ctr', ['--address', c.address, 'namespaces', 'rm', c.namespace], { timeoutMs: 30_000 });
    // never created (interrupted before ctr wrote anything) is as good as removed
    if (r.kind === 'ok' || (r.kind === 'failed' && /not found/i.test(r.stderr))) return [];
    if (performance.now() >= until) return [`namespace ${c.namespace}: ${r.reason}`];
    await sleep(250);
  }
}
