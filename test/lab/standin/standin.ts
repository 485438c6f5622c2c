/**
 * standin — a small dfdaemon (Rust client, dragonflyoss/client v1.x) stand-in for the fault lab.
 *
 * dfdaemon itself cannot be installed here, so lab tests run this instead. It is a real HTTP
 * registry-mirror proxy on loopback that behaves, on the wire and in its files, the way the Rust
 * client's proxy (dragonflyoss/client v1.5.1) does for a containerd pull:
 *
 * - `GET /v2/<name>/blobs/sha256:<hex>` whose URL matches a `proxy.rules[].regex` goes "via dfdaemon":
 *   served from its cache dir (`<cacheDir>/content/tasks/<first 3 hex of task id>/<task id>`, the
 *   v1.5 layout) or, on a miss, fetched from the origin registry ("back-to-source"), verified against
 *   the digest, cached, then served.
 * - every other request (manifests, `/v2/` ping, HEAD, tokens) and blob URLs that no rule matches go
 *   "directly" to the origin and are streamed back — manifests are never cached. With a
 *   config file that has no `proxy.rules`, nothing goes via dfdaemon, as in the real client.
 * - the origin is the `X-Dragonfly-Registry` header when containerd sends one (hosts.toml header),
 *   else `originUrl`.
 * - `GET /metrics` on its own port: real `dragonfly_client_*` families of the v1.x client (names,
 *   labels and HELP texts of dragonflyoss/client v1.5.1 dragonfly-client-metric/src/lib.rs:66-575):
 *   download_traffic{type}, download_task_total / _failure_total / concurrent_download_task_total
 *   {type,tag,app,priority}, download_task_duration_milliseconds{task_type,task_size_level},
 *   proxy_request_total / _failure_total / _via_dfdaemon_total, backend_request_* {scheme,method},
 *   upload_traffic, disk_space_total, disk_usage_space_total, version, process_*.
 * - `<logDir>/dfdaemon.log` as client v1.5.1 writes it: tracing-subscriber's compact layout with the
 *   v1.5 timer (`2026-11-25T19:16:16.123456Z  INFO span:span: file.rs:line: message k=v`), the spans
 *   and levels of v1.5.1 (dragonflyoss/client v1.5.1 dragonfly-client/src/proxy/mod.rs, proxy/task.rs,
 *   resource/task.rs, dragonfly-client-metric/src/lib.rs; file:line as at that tag):
 *   - INFO `http_handler: proxy/mod.rs:467: proxy HTTP request via dfdaemon by rule config: Request {…}`
 *     and `…:517: proxy HTTP request directly to remote server: Request {…}`; `handler` (fields url,
 *     method, remote_ip) and `registry_mirror_http_handler` are DEBUG spans (mod.rs:281, :372), in
 *     the span list only at `logLevel: 'debug'`;
 *   - INFO `…:proxy_via_dfdaemon:download: proxy/task.rs:127: download task started: Download {…}`
 *     (the RedactedDownload Debug, dragonfly-client-util/src/types/redacted.rs:97-115); the `download`
 *     span (proxy/task.rs:50) records host_id, task_id, peer_id — no url;
 *   - hit: INFO `interested pieces after downloading from local: []` (resource/task.rs:452) and
 *     `all pieces are downloaded from local` (:462); DEBUG `download the pieces from local` (:429),
 *     `finished piece <id> from local` (:1963, span download_partial_from_local);
 *   - miss: DEBUG `finished piece <id> from source` (:2312, span download_partial_from_source), INFO
 *     `all pieces are downloaded from source` (:583) — the path a client takes when its scheduler
 *     cannot be used; the real client first logs ERROR `download with scheduler error: …` (:556),
 *     which the stand-in leaves out because it has no scheduler to fail;
 *   - ERROR `download from source error: <Debug of the ClientError>` (:579), ERROR `download task
 *     failed: <Debug>` (proxy/mod.rs:845, span proxy_via_dfdaemon), ERROR `request failed: <Debug>`
 *     (proxy/mod.rs:1190) when a direct request fails;
 *   - WARN `download task, cost: <Rust Duration Debug, e.g. 734.123456ms>, size: N bytes` for tasks
 *     below 4 MiB taking over 500 ms (dragonfly-client-metric/src/lib.rs:1001-1005); DEBUG `download
 *     task succeeded` (proxy/task.rs:262).
 *
 * Knobs (the faults the lab injects):
 * - download rate limit: the dfdaemon-format YAML `download.bandwidthLimit` (from v1.2.8, bytesize
 *   string such as "20MB", "50GB", "1GiB", or a number of bytes/s) or `download.rateLimit` (the key
 *   through v1.2.7). One limiter shared by all downloads, like the client's; the real client takes it
 *   for pieces from parents and from the source, not for local reads (v1.5.1 resource/piece.rs:393-395
 *   parent, :521-528 source, :344 local) — the lab has no parents, so here it applies to back-to-source.
 *   `rateLimitScope: 'all'` also limits bytes served from the cache: not what dfdaemon does, only for
 *   a lab that wants a limit on cache hits (say so when you rely on it).
 * - per-request delay: `requestDelayMs` (option or `--request-delay-ms`) before each blob response —
 *   no real config key exists for it; it stands for per-task overhead (task registration, scheduling).
 * - ports: `proxy.server.port` / `metrics.server.port` from the config, else the options, else free
 *   ephemeral ports (0). Always bound to 127.0.0.1 unless `host` says otherwise.
 * - `storage.readBufferSize` (bytes, default 512 KiB as v1.5) is the read size of cached blobs.
 *
 * API (stable: other lab tests and `npm run lab` use it)
 *   const s = await startStandin({ cacheDir, logDir, configPath?, originUrl, requestDelayMs?,
 *                                  rateLimitScope?, proxyPort?, metricsPort?, host?, logLevel?, hostId? });
 *   s.proxyUrl      // http://127.0.0.1:<port>  — put it in hosts.toml
 *   s.metricsUrl    // http://127.0.0.1:<port>/metrics
 *   s.ports         // { proxy, metrics }
 *   s.logFile       // <logDir>/dfdaemon.log
 *   s.rateLimitBps  // the download limit in effect (bytes/s), null when unlimited
 *   s.stats()       // { viaDfdaemon, direct, hits, misses, bytesLocal, bytesSource }
 *   await s.stop()  // closes the listeners and the log; the cache dir stays (it is the caller's)
 *
 * CLI: `node --import tsx test/lab/standin/cli.ts --cache-dir D --log-dir D --origin URL [--config F]
 * [--proxy-port N] [--metrics-port N] [--request-delay-ms N]` prints one JSON line
 * `{"proxyUrl","metricsUrl","ports","pid"}` on stdout when ready and stops on SIGTERM/SIGINT.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, originRequest } from './http.js';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse as parseYaml } from 'yaml';
import { parseRustBytes } from '../../../src/parsers/dfdaemon-config-rust.js';

export interface StandinOptions {
  /** dfdaemon's storage dir (`storage.dir`); blobs land under `content/tasks/`. */
  cacheDir: string;
  /** Where dfdaemon.log is written. */
  logDir: string;
  /**
   * A dfdaemon.yaml (Rust client keys). Without it: rule `blobs/sha256.*`, no limit — a lab
   * convenience: the real client with no `proxy.rules` sends every request directly (dfdaemon.rs:1377).
   */
  configPath?: string;
  /** The origin registry, e.g. http://127.0.0.1:5000. */
  originUrl: string;
  host?: string;
  proxyPort?: number;
  metricsPort?: number;
  requestDelayMs?: number;
  rateLimitScope?: 'all' | 'back-to-source';
  logLevel?: 'info' | 'debug';
  hostId?: string;
}

export interface StandinStats {
  viaDfdaemon: number;
  direct: number;
  hits: number;
  misses: number;
  bytesLocal: number;
  bytesSource: number;
}

export interface Standin {
  proxyUrl: string;
  metricsUrl: string;
  ports: { proxy: number; metrics: number };
  logFile: string;
  rateLimitBps: number | null;
  stats(): StandinStats;
  stop(): Promise<void>;
}

export const STANDIN_VERSION = {
  git_version: 'v1.5.1',
  git_commit: 'ecaf24d',
  build_time: '2026-08-18 13:06:48 UTC',
  platform: 'x86_64-unknown-linux-gnu',
};

interface StandinConfig {
  rules: RegExp[];
  rateLimitBps: number | null;
  proxyPort?: number;
  metricsPort?: number;
  readBufferSize: number;
}

export async function readStandinConfig(path: string | undefined): Promise<StandinConfig> {
  const def: StandinConfig = { rules: [/blobs\/sha256.*/], rateLimitBps: null, readBufferSize: 512 * 1024 };
  if (!path) return def;
  const doc = (parseYaml(await readFile(path, 'utf8')) ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const download = doc.download ?? {};
  const limit = parseRustBytes(download.bandwidthLimit ?? download.rateLimit);
  const proxy = (doc.proxy ?? {}) as {
    rules?: { regex?: string }[];
    server?: { port?: number };
    readBufferSize?: number;
  };
  const metrics = (doc.metrics ?? {}) as { server?: { port?: number } };
  const storage = (doc.storage ?? {}) as { readBufferSize?: number };
  const cfg: StandinConfig = {
    rules: (proxy.rules ?? []).filter((r) => typeof r?.regex === 'string').map((r) => new RegExp(r.regex as string)),
    rateLimitBps: limit !== undefined && limit > 0 ? limit : null,
    readBufferSize: typeof storage.readBufferSize === 'number' ? storage.readBufferSize : def.readBufferSize,
  };
  if (typeof proxy.server?.port === 'number') cfg.proxyPort = proxy.server.port;
  if (typeof metrics.server?.port === 'number') cfg.metricsPort = metrics.server.port;
  return cfg;
}

/** One token bucket for all downloads (bytes/s), 1/10 s of burst. */
class Limiter {
  private next = 0;
  constructor(readonly bps: number) {}
  async take(n: number): Promise<void> {
    const now = performance.now();
    const burstMs = 100;
    this.next = Math.max(this.next, now - burstMs) + (n / this.bps) * 1000;
    const wait = this.next - now;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  stream(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _e, cb) => {
        this.take(chunk.length).then(() => cb(null, chunk), cb);
      },
    });
  }
}

// --- log in tracing-subscriber compact layout ---------------------------------------------

type Level = 'ERROR' | 'WARN' | 'INFO' | 'DEBUG';

class TracingLog {
  private readonly out: WriteStream;
  constructor(
    file: string,
    private readonly level: 'info' | 'debug',
  ) {
    this.out = createWriteStream(file, { flags: 'a' });
  }
  /** `<ts> <LEVEL:>5> <spans>: <file>:<line>: <message> <fields>` (compact, ANSI off, target off). */
  write(
    level: Level,
    spans: string[],
    loc: string,
    message: string,
    fields: Record<string, string | number> = {},
  ): void {
    if (level === 'DEBUG' && this.level !== 'debug') return;
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    const ts = `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1_000_000).padStart(6, '0')}Z`;
    const f = Object.entries(fields)
      .map(([k, v]) => `${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`)
      .join(' ');
    const span = spans.length > 0 ? `${spans.join(':')}: ` : '';
    this.out.write(`${ts} ${level.padStart(5)} ${span}${loc}: ${message}${f ? ` ${f}` : ''}\n`);
  }
  close(): Promise<void> {
    return new Promise((r) => this.out.end(() => r()));
  }
}

/** hyper's `Debug` of a request, as the proxy logs it. */
function requestDebug(req: IncomingMessage, uri: string): string {
  const h = Object.entries(req.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(Array.isArray(v) ? v.join(', ') : v)}`)
    .join(', ');
  return `Request { method: ${req.method}, uri: ${uri}, version: HTTP/${req.httpVersion}, headers: {${h}}, body: Body(Streaming) }`;
}

// --- metrics ------------------------------------------------------------------------------

const BUCKETS = Array.from({ length: 24 }, (_, i) => 2 ** i);

class Histogram {
  readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  observe(labels: string, v: number): void {
    const s = this.series.get(labels) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (v <= b) s.counts[i] = (s.counts[i] ?? 0) + 1;
    });
    s.sum += v;
    s.count += 1;
    this.series.set(labels, s);
  }
  render(name: string, out: string[]): void {
    for (const [labels, s] of this.series) {
      BUCKETS.forEach((b, i) => out.push(`${name}_bucket{${labels},le="${b}"} ${s.counts[i]}`));
      out.push(`${name}_bucket{${labels},le="+Inf"} ${s.count}`);
      out.push(`${name}_sum{${labels}} ${s.sum}`);
      out.push(`${name}_count{${labels}} ${s.count}`);
    }
  }
}

/** TaskSize::calculate_size_level of dragonfly-client-metric (MiB steps). */
export function taskSizeLevel(size: number): number {
  if (size === 0) return 0;
  const MiB = 1024 * 1024;
  const steps = [
    1, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576,
  ];
  const i = steps.findIndex((s) => size < s * MiB);
  return i === -1 ? 20 : i + 1;
}

class Metrics {
  traffic = { BACK_TO_SOURCE: 0, REMOTE_PEER: 0, LOCAL_PEER: 0 };
  tasks = 0;
  taskFailures = 0;
  concurrent = 0;
  proxyRequests = 0;
  proxyFailures = 0;
  proxyViaDfdaemon = 0;
  backendRequests = new Map<string, number>();
  backendFailures = new Map<string, number>();
  backendDuration = new Histogram();
  taskDuration = new Histogram();

  async render(cacheDir: string): Promise<string> {
    const o: string[] = [];
    const fam = (name: string, type: string, help: string) =>
      o.push(`# HELP dragonfly_client_${name} ${help}`, `# TYPE dragonfly_client_${name} ${type}`);
    const taskLabels = 'app="",priority="0",tag="",type="0"';
    if (this.backendDuration.series.size > 0) {
      fam('backend_request_duration_milliseconds', 'histogram', 'Histogram of the backend request duration.');
      this.backendDuration.render('dragonfly_client_backend_request_duration_milliseconds', o);
      fam('backend_request_failure_total', 'counter', 'Counter of the number of failed of the backend request.');
      for (const [l] of this.backendRequests)
        o.push(`dragonfly_client_backend_request_failure_total{${l}} ${this.backendFailures.get(l) ?? 0}`);
      fam('backend_request_total', 'counter', 'Counter of the number of the backend request.');
      for (const [l, n] of this.backendRequests) o.push(`dragonfly_client_backend_request_total{${l}} ${n}`);
    }
    fam('concurrent_download_task_total', 'gauge', 'Gauge of the number of concurrent of the download task.');
    o.push(`dragonfly_client_concurrent_download_task_total{${taskLabels}} ${this.concurrent}`);
    fam('concurrent_upload_piece_total', 'gauge', 'Gauge of the number of concurrent of the upload piece.');
    o.push('dragonfly_client_concurrent_upload_piece_total 0');
    const fs = await statfs(cacheDir).catch(() => null);
    if (fs) {
      const total = fs.blocks * fs.bsize;
      fam('disk_space_total', 'gauge', 'Gauge of the disk space in bytes');
      o.push(`dragonfly_client_disk_space_total ${total}`);
      fam('disk_usage_space_total', 'gauge', 'Gauge of the disk usage space in bytes');
      o.push(`dragonfly_client_disk_usage_space_total ${total - fs.bavail * fs.bsize}`);
    }
    if (this.taskDuration.series.size > 0) {
      fam('download_task_duration_milliseconds', 'histogram', 'Histogram of the download task duration.');
      this.taskDuration.render('dragonfly_client_download_task_duration_milliseconds', o);
    }
    fam('download_task_failure_total', 'counter', 'Counter of the number of failed of the download task.');
    o.push(`dragonfly_client_download_task_failure_total{${taskLabels}} ${this.taskFailures}`);
    fam('download_task_total', 'counter', 'Counter of the number of the download task.');
    o.push(`dragonfly_client_download_task_total{${taskLabels}} ${this.tasks}`);
    fam('download_traffic', 'counter', 'Counter of the number of the download traffic.');
    for (const t of ['BACK_TO_SOURCE', 'LOCAL_PEER', 'REMOTE_PEER'] as const)
      o.push(`dragonfly_client_download_traffic{type="${t}"} ${this.traffic[t]}`);
    fam('proxy_request_failure_total', 'counter', 'Counter of the number of failed of the proxy request.');
    o.push(`dragonfly_client_proxy_request_failure_total ${this.proxyFailures}`);
    fam('proxy_request_total', 'counter', 'Counter of the number of the proxy request.');
    o.push(`dragonfly_client_proxy_request_total ${this.proxyRequests}`);
    fam('proxy_request_via_dfdaemon_total', 'counter', 'Counter of the number of the proxy request via dfdaemon.');
    o.push(`dragonfly_client_proxy_request_via_dfdaemon_total ${this.proxyViaDfdaemon}`);
    fam('upload_traffic', 'counter', 'Counter of the number of the upload traffic.');
    o.push('dragonfly_client_upload_traffic 0');
    fam('version', 'gauge', 'Version info of the service.');
    const v = STANDIN_VERSION;
    o.push(
      `dragonfly_client_version{build_time="${v.build_time}",git_commit="${v.git_commit}",git_version="${v.git_version}",platform="${v.platform}"} 1`,
    );
    const cpu = process.cpuUsage();
    o.push(
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
    );
    o.push(`process_cpu_seconds_total ${Math.round((cpu.user + cpu.system) / 1e6)}`);
    o.push(
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
    );
    o.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);
    return `${o.join('\n')}\n`;
  }
}

// --- the proxy ----------------------------------------------------------------------------

const BLOB = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/;
const PROXY_TASK_RS = 'dragonfly-client/src/proxy/task.rs';
const TASK_RS = 'dragonfly-client/src/resource/task.rs';
const PROXY_RS = 'dragonfly-client/src/proxy/mod.rs';

/**
 * Rust's `Debug` of a `Duration`: the largest unit with a non-zero integer part (s, ms, µs, ns) and the
 * fraction without trailing zeros, e.g. `734.123456ms`, `1.5s`, `12µs`.
 */
export function rustDurationDebug(ns: number): string {
  const n = Math.max(0, Math.round(ns));
  const [div, unit] = n >= 1e9 ? [1e9, 's'] : n >= 1e6 ? [1e6, 'ms'] : n >= 1e3 ? [1e3, 'µs'] : [1, 'ns'];
  const int = Math.floor(n / div);
  const frac =
    div === 1
      ? ''
      : String(n % div)
          .padStart(Math.log10(div), '0')
          .replace(/0+$/, '');
  return `${int}${frac ? `.${frac}` : ''}${unit}`;
}

/** The Debug of a ClientError the stand-in can meet (dragonfly-client-core/src/error/mod.rs). */
function clientErrorDebug(e: Error & { status?: number; expected?: string; actual?: string }): string {
  if (e.expected !== undefined) return `DigestMismatch(${JSON.stringify(e.expected)}, ${JSON.stringify(e.actual)})`;
  if (e.status !== undefined)
    return `BackendError(BackendError { message: ${JSON.stringify(e.message)}, status_code: Some(${e.status}), header: None })`;
  return `IO(Custom { kind: Other, error: ${JSON.stringify(e.message)} })`;
}

export async function startStandin(o: StandinOptions): Promise<Standin> {
  const cfg = await readStandinConfig(o.configPath);
  const host = o.host ?? '127.0.0.1';
  const hostId = o.hostId ?? `127.0.0.1-${hostname()}`;
  await mkdir(o.logDir, { recursive: true });
  await mkdir(join(o.cacheDir, 'content', 'tasks'), { recursive: true });
  const logFile = join(o.logDir, 'dfdaemon.log');
  const log = new TracingLog(logFile, o.logLevel ?? 'info');
  // DEBUG-level spans (proxy/mod.rs:281, :372) are in the span list only when DEBUG is on
  const debugOn = (o.logLevel ?? 'info') === 'debug';
  const handlerSpans = (): string[] =>
    debugOn ? ['handler', 'registry_mirror_http_handler', 'http_handler'] : ['http_handler'];
  const handlerFields = (req: IncomingMessage, uri: string): Record<string, string> =>
    debugOn ? { url: uri, method: req.method ?? 'GET', remote_ip: req.socket.remoteAddress ?? '' } : {};
  const metrics = new Metrics();
  const limiter = cfg.rateLimitBps ? new Limiter(cfg.rateLimitBps) : null;
  const limitHits = limiter !== null && (o.rateLimitScope ?? 'back-to-source') === 'all';
  const stats: StandinStats = { viaDfdaemon: 0, direct: 0, hits: 0, misses: 0, bytesLocal: 0, bytesSource: 0 };
  const inflight = new Map<string, Promise<void>>();
  const defaultOrigin = new URL(o.originUrl);

  const taskPath = (taskId: string) => join(o.cacheDir, 'content', 'tasks', taskId.slice(0, 3), taskId);
  const originOf = (req: IncomingMessage) => {
    const h = req.headers['x-dragonfly-registry'];
    const v = Array.isArray(h) ? h[0] : h;
    try {
      return v ? new URL(v) : defaultOrigin;
    } catch {
      return defaultOrigin;
    }
  };
  const forwardHeaders = (req: IncomingMessage, origin: URL) => {
    const h: Record<string, string | string[] | undefined> = { ...req.headers, host: origin.host };
    delete h['x-dragonfly-registry'];
    delete h.connection;
    return h;
  };

  /** Back-to-source: fetch the blob, check its digest, move it into the cache. */
  async function fetchToCache(
    origin: URL,
    path: string,
    digest: string,
    taskId: string,
    headers: Record<string, string | string[] | undefined>,
    span: Record<string, string | number>,
    spans: string[],
  ): Promise<void> {
    const dest = taskPath(taskId);
    await mkdir(join(dest, '..'), { recursive: true });
    const tmp = `${dest}.${randomUUID()}.tmp`;
    const url = new URL(path, origin);
    const key = `method="GET",scheme="${url.protocol.replace(':', '')}"`;
    metrics.backendRequests.set(key, (metrics.backendRequests.get(key) ?? 0) + 1);
    const t0 = performance.now();
    try {
      const res = await originRequest(url, 'GET', { ...headers, 'accept-encoding': 'identity' });
      if (res.statusCode !== 200) {
        res.resume();
        throw Object.assign(new Error(`back source status code ${res.statusCode}`), { status: res.statusCode });
      }
      const hash = createHash('sha256');
      let n = 0;
      let piece = 0;
      const pieceLen = 4 * 1024 * 1024;
      let inPiece = 0;
      const count = new Transform({
        transform(chunk: Buffer, _e, cb) {
          hash.update(chunk);
          n += chunk.length;
          inPiece += chunk.length;
          while (inPiece >= pieceLen) {
            inPiece -= pieceLen;
            log.write(
              'DEBUG',
              [...spans, 'download_partial_from_source'],
              `${TASK_RS}:2312`,
              `finished piece ${taskId}-${piece++} from source`,
              span,
            );
          }
          cb(null, chunk);
        },
      });
      const stages: (Readable | Transform | WriteStream)[] = [res, count];
      if (limiter) stages.push(limiter.stream());
      await pipeline([...stages, createWriteStream(tmp)] as unknown as readonly NodeJS.ReadWriteStream[]);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest)
        throw Object.assign(new Error(`digest mismatch for ${digest}`), { expected: digest, actual });
      await rename(tmp, dest);
      metrics.traffic.BACK_TO_SOURCE += n;
      stats.bytesSource += n;
      metrics.backendDuration.observe(key, Math.round(performance.now() - t0));
      log.write('INFO', spans, `${TASK_RS}:583`, 'all pieces are downloaded from source', {
        ...span,
        content_length: n,
      });
    } catch (e) {
      metrics.backendFailures.set(key, (metrics.backendFailures.get(key) ?? 0) + 1);
      await rm(tmp, { force: true });
      log.write('ERROR', spans, `${TASK_RS}:579`, `download from source error: ${clientErrorDebug(e as Error)}`, span);
      throw e;
    }
  }

  async function viaDfdaemon(
    req: IncomingMessage,
    res: ServerResponse,
    name: string,
    digest: string,
    uri: string,
  ): Promise<void> {
    metrics.proxyViaDfdaemon += 1;
    stats.viaDfdaemon += 1;
    log.write(
      'INFO',
      handlerSpans(),
      `${PROXY_RS}:467`,
      `proxy HTTP request via dfdaemon by rule config: ${requestDebug(req, uri)}`,
      handlerFields(req, uri),
    );
    const origin = originOf(req);
    const blobPath = `/v2/${name}/blobs/${digest}`;
    const taskUrl = new URL(blobPath, origin).toString();
    const taskId = createHash('sha256').update(taskUrl).digest('hex');
    const peerId = `${hostId}-${randomUUID()}`;
    // the fields tracing prints after the message: the download span's (no url: proxy/task.rs:50), then
    // at DEBUG the handler span's (url = the request URI, method, remote_ip)
    const span: Record<string, string | number> = {
      host_id: hostId,
      task_id: taskId,
      peer_id: peerId,
      ...handlerFields(req, uri),
    };
    const spans = [...handlerSpans(), 'proxy_via_dfdaemon', 'download'];
    const t0 = performance.now();
    metrics.tasks += 1;
    metrics.concurrent += 1;
    log.write(
      'INFO',
      spans,
      `${PROXY_TASK_RS}:127`,
      `download task started: Download { url: ${JSON.stringify(taskUrl)}, range: None, tag: None, application: None, piece_length: None, output_path: None, prefetch: false, is_prefetch: false, remote_ip: Some(${JSON.stringify(req.socket.remoteAddress ?? '127.0.0.1')}), request_header: {}, object_storage: None, hdfs: None, hugging_face: None, model_scope: None, .. }`,
      span,
    );
    try {
      if (o.requestDelayMs) await new Promise((r) => setTimeout(r, o.requestDelayMs));
      const file = taskPath(taskId);
      let size = await stat(file).then(
        (s) => s.size,
        () => -1,
      );
      const hit = size >= 0;
      if (!hit) {
        stats.misses += 1;
        let p = inflight.get(taskId);
        if (!p) {
          p = fetchToCache(origin, blobPath, digest, taskId, forwardHeaders(req, origin), span, spans).finally(() =>
            inflight.delete(taskId),
          );
          inflight.set(taskId, p);
        }
        await p;
        size = (await stat(file)).size;
        span.content_length = size;
      } else {
        span.content_length = size;
        stats.hits += 1;
      }
      res.writeHead(200, {
        'content-length': String(size),
        'content-type': 'application/octet-stream',
        'docker-content-digest': digest,
      });
      const stages: (Readable | Transform | ServerResponse)[] = [
        createReadStream(file, { highWaterMark: cfg.readBufferSize }),
      ];
      if (hit && limiter && limitHits) stages.push(limiter.stream());
      await pipeline([...stages, res] as unknown as readonly NodeJS.ReadWriteStream[]);
      if (hit) {
        metrics.traffic.LOCAL_PEER += size;
        stats.bytesLocal += size;
        const pieces = Math.max(1, Math.ceil(size / (4 * 1024 * 1024)));
        log.write('DEBUG', spans, `${TASK_RS}:429`, 'download the pieces from local', span);
        for (let i = 0; i < pieces; i++)
          log.write(
            'DEBUG',
            [...spans, 'download_partial_from_local'],
            `${TASK_RS}:1963`,
            `finished piece ${taskId}-${i} from local`,
            span,
          );
        log.write('INFO', spans, `${TASK_RS}:452`, 'interested pieces after downloading from local: []', span);
        log.write('INFO', spans, `${TASK_RS}:462`, 'all pieces are downloaded from local', span);
      }
      const cost = performance.now() - t0;
      metrics.taskDuration.observe(`task_size_level="${taskSizeLevel(size)}",task_type="0"`, Math.round(cost));
      if (taskSizeLevel(size) <= 2 && cost > 500) {
        log.write(
          'WARN',
          spans,
          'dragonfly-client-metric/src/lib.rs:1005',
          `download task, cost: ${rustDurationDebug(cost * 1e6)}, size: ${size} bytes`,
          span,
        );
      }
      log.write('DEBUG', spans, `${PROXY_TASK_RS}:262`, 'download task succeeded', span);
    } catch (e) {
      metrics.taskFailures += 1;
      metrics.proxyFailures += 1;
      log.write(
        'ERROR',
        [...handlerSpans(), 'proxy_via_dfdaemon'],
        `${PROXY_RS}:845`,
        `download task failed: ${clientErrorDebug(e as Error)}`,
        handlerFields(req, uri),
      );
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) res.writeHead(status === 404 ? 404 : 500).end();
      else res.destroy(e as Error);
    } finally {
      metrics.concurrent -= 1;
    }
  }

  async function direct(req: IncomingMessage, res: ServerResponse, uri: string): Promise<void> {
    stats.direct += 1;
    log.write(
      'INFO',
      handlerSpans(),
      `${PROXY_RS}:517`,
      `proxy HTTP request directly to remote server: ${requestDebug(req, uri)}`,
      handlerFields(req, uri),
    );
    const origin = originOf(req);
    try {
      const up = await originRequest(new URL(req.url ?? '/', origin), req.method ?? 'GET', forwardHeaders(req, origin));
      const headers = { ...up.headers };
      delete headers.connection;
      delete headers['transfer-encoding'];
      res.writeHead(up.statusCode ?? 502, headers as Record<string, string | string[]>);
      await pipeline(up, res);
    } catch (e) {
      metrics.proxyFailures += 1;
      // proxy_via_http's own span is DEBUG-level (mod.rs:1159)
      log.write(
        'ERROR',
        debugOn ? [...handlerSpans(), 'proxy_via_http'] : handlerSpans(),
        `${PROXY_RS}:1190`,
        `request failed: ${clientErrorDebug(e as Error)}`,
        handlerFields(req, uri),
      );
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy(e as Error);
    }
  }

  const proxy = createServer((req, res) => {
    metrics.proxyRequests += 1;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const uri = new URL(req.url ?? '/', originOf(req)).toString();
    const m = BLOB.exec(path);
    const viaRule = req.method === 'GET' && m !== null && cfg.rules.some((r) => r.test(uri));
    const work = viaRule && m ? viaDfdaemon(req, res, m[1] as string, m[2] as string, uri) : direct(req, res, uri);
    work.catch(() => res.destroy());
  });
  const metricsServer = createServer((req, res) => {
    if (req.method === 'GET' && (req.url ?? '').split('?')[0] === '/metrics') {
      metrics.render(o.cacheDir).then(
        (text) => res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text),
        () => res.writeHead(500).end(),
      );
    } else res.writeHead(404).end();
  });
  const proxyPort = await listen(proxy, host, o.proxyPort ?? cfg.proxyPort ?? 0);
  const metricsPort = await listen(metricsServer, host, o.metricsPort ?? cfg.metricsPort ?? 0);

  let stopped = false;
  return {
    proxyUrl: `http://${host}:${proxyPort}`,
    metricsUrl: `http://${host}:${metricsPort}/metrics`,
    ports: { proxy: proxyPort, metrics: metricsPort },
    logFile,
    rateLimitBps: cfg.rateLimitBps,
    stats: () => ({ ...stats }),
    async stop() {
      if (stopped) return;
      stopped = true;
      const close = (s: Server) =>
        new Promise<void>((r) => {
          s.close(() => r());
          s.closeAllConnections();
        });
      await Promise.all([close(proxy), close(metricsServer)]);
      await log.close();
    },
  };
}
