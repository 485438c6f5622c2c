/**
 * containerd-lab — run "a pull through containerd" for real, in isolation (docs/architecture.md#lab).
 *
 * Everything lives in one temp dir and is torn down by `lab.close()` (processes killed with their
 * process group, temp dir removed), which `withContainerdLab()` calls in a `finally`, so a failing
 * test leaves nothing behind. Needs root and the Debian tools `containerd`, `ctr`, `docker-registry`,
 * `skopeo` (see `CONTAINERD_LAB_TOOLS` and `labUnavailable()` in test/helpers/lab.ts).
 *
 *   import { withContainerdLab } from './containerd-lab.js';
 *   await withContainerdLab(async (lab) => {
 *     const reg = await lab.startRegistry();                       // docker-registry on 127.0.0.1:<free port>
 *     const img = await lab.buildImage({ layers: [{ bytes: 8 << 20 }, { bytes: 4 << 20, content: 'text' }] });
 *     const ref = await lab.push(img, reg, 'demo/app:v1');          // skopeo copy oci:… docker://…
 *     const hosts = await lab.writeHostsToml(reg.host, { server: `http://${reg.host}`,
 *       hosts: [{ url: 'http://127.0.0.1:4001', capabilities: ['pull', 'resolve'] }] });
 *     const cd = await lab.startContainerd({ configVersion: 2, configPath: hosts, maxConcurrentDownloads: 3 });
 *     const pull = await lab.pull(cd, ref, { hostsDir: hosts });   // ctr … image pull --hosts-dir … --plain-http
 *     console.log(pull.wallSeconds, pull.ok, pull.output);
 *   });
 *
 * API
 * - `withContainerdLab(fn, opts?)` — creates a `ContainerdLab`, runs `fn`, always closes it.
 * - `createContainerdLab(opts?)` — the same without the wrapper; call `close()` yourself (afterAll).
 * - `lab.dir` — the lab's temp dir; `lab.path(...parts)` — a path inside it.
 * - `lab.startRegistry()` → `Registry { host: '127.0.0.1:PORT', port, url, root, stop() }`.
 * - `lab.buildImage({ layers: LayerSpec[], tag? })` → `OciImage` — an OCI image layout on disk with one
 *   gzip layer per spec (`bytes` uncompressed payload; `content`: 'random' (incompressible, default),
 *   'text' (compresses ~4–6×), 'mixed' (half each)). Reports each layer's digest, compressed and
 *   uncompressed size.
 * - `lab.push(image, registry, 'repo:tag')` → the pullable reference `127.0.0.1:PORT/repo:tag`.
 * - `lab.writeHostsToml(namespace, { server?, hosts[] , raw? }, hostsDir?)` → the hosts dir
 *   (`<hostsDir>/<namespace>/hosts.toml`; a namespace with a port is written as `host:port`).
 * - `lab.startContainerd(opts: ContainerdOptions)` → `Containerd { address, root, state, configFile,
 *   pid, version, log(), stop() }` with its own root/state/grpc socket and a config written from the
 *   options (layout v2 or v3, config_path, CRI max_concurrent_downloads, snapshotter, extra TOML, env).
 * - `lab.pull(cd, ref, opts?)` → `PullResult { ok, wallSeconds, exitCode, output, command }`.
 *   `ctr` does not read the CRI's max_concurrent_downloads (it pulls client-side), so `pull` passes
 *   `--max-concurrent-downloads` explicitly: `opts.maxConcurrentDownloads`, else the value the
 *   containerd was configured with, else containerd's CRI default 3 — i.e. what a CRI pull would use.
 * - `lab.removeImage(cd, ref, ns?)` drops the image AND its content so that the next pull fetches again.
 * - `lab.close()` — idempotent teardown.
 * - `freeLoopbackPort()` — a TCP port nothing listens on right now (also for "mirror nothing listens on").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export const CONTAINERD_LAB_TOOLS = ['containerd', 'ctr', 'docker-registry', 'skopeo'];

export type LayerContent = 'random' | 'text' | 'mixed';
export interface LayerSpec {
  /** Uncompressed payload bytes (one file in the layer tar). */
  bytes: number;
  content?: LayerContent;
}
export interface OciLayer {
  digest: string;
  diffId: string;
  compressedBytes: number;
  uncompressedBytes: number;
}
export interface OciImage {
  layoutDir: string;
  tag: string;
  manifestDigest: string;
  layers: OciLayer[];
  compressedBytes: number;
}
export interface Registry {
  /** 127.0.0.1:PORT — also the hosts.toml namespace of images pushed there. */
  host: string;
  port: number;
  url: string;
  root: string;
  stop(): Promise<void>;
}
export interface ContainerdOptions {
  /** Config layout: 2 (containerd 1.x `io.containerd.grpc.v1.cri`) or 3 (2.x `io.containerd.cri.v1.images`). */
  configVersion?: 2 | 3;
  /** CRI registry config_path (a hosts dir, or several joined with ':'). */
  configPath?: string;
  /** CRI max_concurrent_downloads; omitted = containerd's default (3). */
  maxConcurrentDownloads?: number;
  snapshotter?: string;
  /** Appended verbatim to the config (e.g. legacy registry.mirrors, a transfer section). */
  extraToml?: string;
  /** Extra environment for the daemon (e.g. CONTAINERD_DISABLE_PIGZ=1, PATH without unpigz). */
  env?: Record<string, string>;
  /** Disable the CRI plugin (faster start; ctr pulls do not need it). Default false. */
  disableCri?: boolean;
  logLevel?: 'info' | 'debug';
  /** `[debug] format`: logrus' text (the default) or its JSON lines. */
  logFormat?: 'text' | 'json';
}
export interface Containerd {
  address: string;
  root: string;
  state: string;
  configFile: string;
  configVersion: 2 | 3;
  maxConcurrentDownloads: number | undefined;
  pid: number;
  /** `containerd --version` output. */
  version: string;
  /** The daemon's stderr/stdout so far. */
  log(): string;
  stop(): Promise<void>;
}
export interface PullOptions {
  hostsDir?: string;
  namespace?: string;
  plainHttp?: boolean;
  maxConcurrentDownloads?: number;
  /** Pass ctr's global --debug (resolver "trying next host" lines land in `output`). */
  debug?: boolean;
  timeoutMs?: number;
  env?: Record<string, string>;
}
export interface PullResult {
  ok: boolean;
  exitCode: number | null;
  wallSeconds: number;
  output: string;
  command: string[];
}
export interface LabOptions {
  /** Prefix of the temp dir (helps finding leftovers). */
  name?: string;
}

export interface ContainerdLab {
  dir: string;
  path(...parts: string[]): string;
  startRegistry(): Promise<Registry>;
  buildImage(opts: { layers: LayerSpec[]; tag?: string }): Promise<OciImage>;
  push(image: OciImage, registry: Registry, repoTag: string): Promise<string>;
  writeHostsToml(namespace: string, spec: HostsSpec, hostsDir?: string): Promise<string>;
  startContainerd(opts?: ContainerdOptions): Promise<Containerd>;
  pull(cd: Containerd, ref: string, opts?: PullOptions): Promise<PullResult>;
  removeImage(cd: Containerd, ref: string, namespace?: string): Promise<void>;
  close(): Promise<void>;
}
export interface HostsSpec {
  server?: string;
  hosts?: { url: string; capabilities?: string[]; skipVerify?: boolean; overridePath?: boolean }[];
  /** Written instead of the generated text (for malformed-file tests). */
  raw?: string;
}

/** A loopback TCP port that nothing listens on at the time of the call. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function withContainerdLab<T>(fn: (lab: ContainerdLab) => Promise<T>, opts: LabOptions = {}): Promise<T> {
  const lab = await createContainerdLab(opts);
  try {
    return await fn(lab);
  } finally {
    await lab.close();
  }
}

const DEFAULT_NS = 'dfdoctor-lab';

export async function createContainerdLab(opts: LabOptions = {}): Promise<ContainerdLab> {
  const dir = await mkdtemp(join(tmpdir(), `${opts.name ?? 'dfdoctor-cd-lab'}-`));
  const procs: ManagedProcess[] = [];
  let closed = false;
  const path = (...parts: string[]) => join(dir, ...parts);
  let counter = 0;
  const unique = (p: string) => `${p}${++counter}`;

  const lab: ContainerdLab = {
    dir,
    path,

    async startRegistry() {
      const root = path(unique('registry'));
      await mkdir(join(root, 'data'), { recursive: true });
      const port = await freeLoopbackPort();
      const cfg = join(root, 'config.yml');
      await writeFile(
        cfg,
        [
          'version: 0.1',
          'log:',
          '  level: warn',
          '  accesslog:',
          '    disabled: true',
          'storage:',
          '  filesystem:',
          `    rootdirectory: ${join(root, 'data')}`,
          '  delete:',
          '    enabled: true',
          'http:',
          `  addr: 127.0.0.1:${port}`,
          '',
        ].join('\n'),
      );
      const p = startProcess('docker-registry', ['serve', cfg], {});
      procs.push(p);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => {
          if (p.exited) throw new Error(`docker-registry exited: ${p.output()}`);
          const r = await fetch(`${url}/v2/`).catch(() => null);
          return r !== null && r.status === 200;
        },
        15_000,
        `docker-registry on ${url}`,
      );
      return { host: `127.0.0.1:${port}`, port, url, root, stop: () => p.stop() };
    },

    async buildImage({ layers, tag = 'latest' }) {
      const layoutDir = path(unique('oci'));
      const blobs = join(layoutDir, 'blobs', 'sha256');
      await mkdir(blobs, { recursive: true });
      const built: OciLayer[] = [];
      for (const [i, spec] of layers.entries()) built.push(await writeLayer(blobs, `layer${i}.bin`, spec));
      const config = {
        architecture: 'amd64',
        os: 'linux',
        config: {},
        rootfs: { type: 'layers', diff_ids: built.map((l) => l.diffId) },
      };
      const configDesc = await writeBlob(blobs, JSON.stringify(config), 'application/vnd.oci.image.config.v1+json');
      const manifest = {
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: configDesc,
        layers: built.map((l) => ({
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: l.digest,
          size: l.compressedBytes,
        })),
      };
      const manDesc = await writeBlob(blobs, JSON.stringify(manifest), 'application/vnd.oci.image.manifest.v1+json');
      await writeFile(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
      await writeFile(
        join(layoutDir, 'index.json'),
        JSON.stringify({
          schemaVersion: 2,
          manifests: [{ ...manDesc, annotations: { 'org.opencontainers.image.ref.name': tag } }],
        }),
      );
      return {
        layoutDir,
        tag,
        manifestDigest: manDesc.digest,
        layers: built,
        compressedBytes: built.reduce((s, l) => s + l.compressedBytes, 0),
      };
    },

    async push(image, registry, repoTag) {
      const dest = `${registry.host}/${repoTag}`;
      const r = await run(
        'skopeo',
        [
          '--insecure-policy',
          'copy',
          '--quiet',
          '--dest-tls-verify=false',
          `oci:${image.layoutDir}:${image.tag}`,
          `docker://${dest}`,
        ],
        {
          timeoutMs: 120_000,
        },
      );
      if (r.exitCode !== 0) throw new Error(`skopeo push to ${dest} failed: ${r.output}`);
      return dest;
    },

    async writeHostsToml(namespace, spec, hostsDir) {
      const root = hostsDir ?? path(unique('certs.d'));
      const nsDir = join(root, namespace);
      await mkdir(nsDir, { recursive: true });
      await writeFile(join(nsDir, 'hosts.toml'), spec.raw ?? hostsTomlText(spec));
      return root;
    },

    async startContainerd(o = {}) {
      const base = path(unique('containerd'));
      const root = join(base, 'root');
      const state = join(base, 'state');
      await mkdir(root, { recursive: true });
      await mkdir(state, { recursive: true });
      const address = join(state, 'containerd.sock');
      const configVersion = o.configVersion ?? 2;
      const configFile = join(base, 'config.toml');
      await writeFile(configFile, containerdConfigText({ ...o, configVersion }, { root, state, address, base }));
      const version = (await run('containerd', ['--version'], { timeoutMs: 10_000 })).output.trim();
      const p = startProcess('containerd', ['--config', configFile], o.env ?? {});
      procs.push(p);
      await waitFor(
        async () => {
          if (p.exited) throw new Error(`containerd exited: ${p.output()}`);
          const r = await run('ctr', ['--address', address, 'version'], { timeoutMs: 5_000 });
          return r.exitCode === 0;
        },
        30_000,
        `containerd on ${address}`,
      );
      return {
        address,
        root,
        state,
        configFile,
        configVersion,
        maxConcurrentDownloads: o.maxConcurrentDownloads,
        pid: p.pid,
        version,
        log: () => p.output(),
        stop: () => p.stop(),
      };
    },

    async pull(cd, ref, po = {}) {
      const mcd = po.maxConcurrentDownloads ?? cd.maxConcurrentDownloads ?? 3;
      const args = [
        ...(po.debug ? ['--debug'] : []),
        '--address',
        cd.address,
        '-n',
        po.namespace ?? DEFAULT_NS,
        'image',
        'pull',
        ...(po.hostsDir ? ['--hosts-dir', po.hostsDir] : []),
        ...(po.plainHttp === false ? [] : ['--plain-http']),
        '--max-concurrent-downloads',
        String(mcd),
        ref,
      ];
      const t0 = performance.now();
      const r = await run('ctr', args, { timeoutMs: po.timeoutMs ?? 240_000, env: po.env ?? {} });
      const wallSeconds = (performance.now() - t0) / 1000;
      return { ok: r.exitCode === 0, exitCode: r.exitCode, wallSeconds, output: r.output, command: ['ctr', ...args] };
    },

    async removeImage(cd, ref, namespace = DEFAULT_NS) {
      await run('ctr', ['--address', cd.address, '-n', namespace, 'image', 'rm', '--sync', ref], { timeoutMs: 30_000 });
      // image rm leaves the blobs in the content store; drop them so the next pull really fetches
      const ls = await run('ctr', ['--address', cd.address, '-n', namespace, 'content', 'ls', '-q'], {
        timeoutMs: 30_000,
      });
      const digests = ls.output
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('sha256:'));
      if (digests.length > 0)
        await run('ctr', ['--address', cd.address, '-n', namespace, 'content', 'rm', ...digests], {
          timeoutMs: 30_000,
        });
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const p of procs.reverse()) await p.stop().catch(() => undefined);
      // containerd may leave overlay mounts behind in its root when killed mid-pull
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    },
  };
  return lab;
}

export function hostsTomlText(spec: HostsSpec): string {
  const out: string[] = [];
  if (spec.server) out.push(`server = ${JSON.stringify(spec.server)}`, '');
  for (const h of spec.hosts ?? []) {
    out.push(`[host.${JSON.stringify(h.url)}]`);
    out.push(`  capabilities = [${(h.capabilities ?? ['pull', 'resolve']).map((c) => JSON.stringify(c)).join(', ')}]`);
    if (h.skipVerify !== undefined) out.push(`  skip_verify = ${h.skipVerify}`);
    if (h.overridePath !== undefined) out.push(`  override_path = ${h.overridePath}`);
    out.push('');
  }
  return out.join('\n');
}

export function containerdConfigText(
  o: ContainerdOptions & { configVersion: 2 | 3 },
  p: { root: string; state: string; address: string; base: string },
): string {
  const q = JSON.stringify;
  const lines = [
    `version = ${o.configVersion}`,
    `root = ${q(p.root)}`,
    `state = ${q(p.state)}`,
    ...(o.disableCri
      ? [
          `disabled_plugins = [${q(o.configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri')}]`,
        ]
      : []),
    '',
    '[grpc]',
    `  address = ${q(p.address)}`,
    '[ttrpc]',
    `  address = ${q(p.address + '.ttrpc')}`,
    '[debug]',
    `  level = ${q(o.logLevel ?? 'info')}`,
    ...(o.logFormat ? [`  format = ${q(o.logFormat)}`] : []),
    '',
  ];
  // the opt plugin otherwise writes to the node's /opt/containerd
  lines.push(`[plugins.${q('io.containerd.internal.v1.opt')}]`, `  path = ${q(join(p.base, 'opt'))}`, '');
  const cri = o.configVersion === 3 ? 'io.containerd.cri.v1.images' : 'io.containerd.grpc.v1.cri';
  lines.push(`[plugins.${q(cri)}]`);
  if (o.maxConcurrentDownloads !== undefined) lines.push(`  max_concurrent_downloads = ${o.maxConcurrentDownloads}`);
  if (o.snapshotter && o.configVersion === 3) lines.push(`  snapshotter = ${q(o.snapshotter)}`);
  if (o.snapshotter && o.configVersion === 2)
    lines.push(`  [plugins.${q(cri)}.containerd]`, `    snapshotter = ${q(o.snapshotter)}`);
  if (o.configPath !== undefined) lines.push(`  [plugins.${q(cri)}.registry]`, `    config_path = ${q(o.configPath)}`);
  lines.push('');
  if (o.extraToml) lines.push(o.extraToml, '');
  return lines.join('\n');
}

// ---- layers -------------------------------------------------------------------------------

const CHUNK = 1 << 20;
const TEXT_CHUNK = Buffer.from(
  Array.from(
    { length: CHUNK / 64 },
    (_, i) => `line ${String(i).padStart(8, '0')} the quick brown fox jumps over the lazy dog`.padEnd(63, '.') + '\n',
  ).join(''),
);
if (TEXT_CHUNK.length !== CHUNK) throw new Error('containerd-lab: text chunk must be exactly 1 MiB');

function chunkOf(kind: LayerContent, index: number, size: number): Buffer {
  const text = kind === 'text' || (kind === 'mixed' && index % 2 === 1);
  if (text) return TEXT_CHUNK.subarray(0, size);
  return randomBytes(size);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512, 0);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'ascii');
  h.write('0000000\0', 108, 'ascii');
  h.write('0000000\0', 116, 'ascii');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'ascii');
  h.write('00000000000\0', 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return h;
}

async function* tarStream(name: string, spec: LayerSpec, diff: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  const emit = (b: Buffer) => {
    diff.update(b);
    return b;
  };
  yield emit(tarHeader(name, spec.bytes));
  let left = spec.bytes;
  let i = 0;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    yield emit(chunkOf(spec.content ?? 'random', i++, n));
    left -= n;
  }
  const pad = (512 - (spec.bytes % 512)) % 512;
  yield emit(Buffer.alloc(pad + 1024, 0));
}

async function writeLayer(blobs: string, fileName: string, spec: LayerSpec): Promise<OciLayer> {
  const diff = createHash('sha256');
  const comp = createHash('sha256');
  let compressedBytes = 0;
  const tmp = join(blobs, `.tmp-${fileName}`);
  const file = createWriteStream(tmp);
  const tee = new Writable({
    write(chunk: Buffer, _enc, cb) {
      comp.update(chunk);
      compressedBytes += chunk.length;
      if (file.write(chunk)) cb();
      else file.once('drain', () => cb());
    },
    final(cb) {
      file.end(() => cb());
    },
  });
  await pipeline(Readable.from(tarStream(fileName, spec, diff)), createGzip({ level: 1 }), tee);
  const digest = `sha256:${comp.digest('hex')}`;
  await rename(tmp, join(blobs, digest.slice(7)));
  const uncompressedBytes = 512 + spec.bytes + ((512 - (spec.bytes % 512)) % 512) + 1024;
  return { digest, diffId: `sha256:${diff.digest('hex')}`, compressedBytes, uncompressedBytes };
}

async function writeBlob(
  blobs: string,
  text: string,
  mediaType: string,
): Promise<{ mediaType: string; digest: string; size: number }> {
  const buf = Buffer.from(text);
  const hex = createHash('sha256').update(buf).digest('hex');
  await writeFile(join(blobs, hex), buf);
  return { mediaType, digest: `sha256:${hex}`, size: buf.length };
}

// ---- processes ----------------------------------------------------------------------------

interface ManagedProcess {
  pid: number;
  exited: boolean;
  output(): string;
  stop(): Promise<void>;
}

const MAX_LOG = 4 * 1024 * 1024;

// Process groups still running; killed when this process exits on any path a finally cannot cover
// (a worker torn down on timeout), since they run detached and would otherwise outlive the test.
const live = new Set<number>();
let exitHook = false;
function track(pid: number): void {
  live.add(pid);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const p of live) {
      try {
        process.kill(-p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

function startProcess(cmd: string, args: string[], env: Record<string, string>): ManagedProcess {
  // detached: its own process group, so stop() also reaches children (containerd shims)
  const child: ChildProcess = spawn(cmd, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > MAX_LOG) out = out.slice(out.length - MAX_LOG);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const state = { exited: false };
  const exitedP = new Promise<void>((resolve) => {
    child.once('exit', () => {
      state.exited = true;
      resolve();
    });
    child.once('error', (e) => {
      keep(Buffer.from(String(e)));
      state.exited = true;
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    track(pid);
    void exitedP.then(() => live.delete(pid));
  }
  return {
    pid,
    get exited() {
      return state.exited;
    },
    output: () => out,
    async stop() {
      if (state.exited || pid < 0) return;
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const t = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5_000);
      await exitedP;
      clearTimeout(t);
    },
  };
}

async function run(
  cmd: string,
  args: string[],
  o: { timeoutMs: number; env?: Record<string, string> },
): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(o.env ?? {}) } });
    let out = '';
    const keep = (b: Buffer) => {
      if (out.length < MAX_LOG) out += b.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const t = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(t);
      resolve({ exitCode: null, output: String(e) });
    });
    child.once('close', (code) => {
      clearTimeout(t);
      resolve({ exitCode: code, output: out });
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function unmountUnder(dir: string): Promise<void> {
  const mounts = await readFile('/proc/self/mounts', 'utf8').catch(() => '');
  const targets = mounts
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((t): t is string => t !== undefined && t.startsWith(dir + '/'))
    .sort((a, b) => b.length - a.length);
  for (const t of targets) await run('umount', ['-l', t], { timeoutMs: 10_000 });
}

/**
 * A containerd with a version 2 config whose config_path holds a docker.io hosts.toml (dfdaemon's proxy
 * first), and `extraToml` beside it: what the CRI plugin refuses together with config_path.
 */
export async function startWithConfigPath(
  lab: ContainerdLab,
  extraToml: string,
  opts: Omit<ContainerdOptions, 'configVersion' | 'configPath' | 'extraToml'> = {},
): Promise<Containerd> {
  const hostsDir = await lab.writeHostsToml('docker.io', {
    server: 'https://index.docker.io',
    hosts: [{ url: 'http://127.0.0.1:4001' }],
  });
  return lab.startContainerd({ ...opts, configVersion: 2, configPath: hostsDir, extraToml });
}
