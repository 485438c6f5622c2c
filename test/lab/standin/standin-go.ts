/**
 * standin-go — a Go dfdaemon (dragonflyoss/dragonfly v2.1.49 `dfget daemon`) stand-in for the fault lab:
 * the registry-mirror side of its proxy, its core.log and its metrics, as v2.1.49 writes them.
 *
 * - Config: a real `dfget.yaml`, read with dfdoctor's own parser. `proxy.registryMirror.url` unset →
 *   startup WARN `registry mirror url is empty, registry mirror feature is disabled` and every request
 *   answered 404 "registry mirror feature is disabled" (client/daemon/proxy/proxy.go:180-187).
 * - Routing of a mirror request (proxy.go:657-664): `registryMirror.direct: true` → direct; with
 *   `registryMirror.useProxies: true` the first `proxy.proxies` rule whose `regx` matches the URL
 *   decides; otherwise the built-in rule: GET of `…/blobs/sha256…` goes through P2P
 *   (transport.go:268-270). The origin is `X-Dragonfly-Registry` when sent, else the mirror URL.
 * - Log `<logDir>/daemon/core.log` (internal/dflog/loginit.go:101), zap production JSON
 *   (`{"level","ts":"2006-01-02 15:04:05.000","caller","msg",…}`), INFO unless `verbose: true`:
 *   DEBUG `round trip with dragonfly: <url>` (transport.go:242) / `round trip directly, method: …, url: …`
 *   (:246); INFO `start download with url: <url>` (:338); a hit: `reuse from peer task: <peer>, total
 *   size: N` (peer/peertask_reuse.go:268) and `download stream attribute: map[…]` (transport.go:397);
 *   a miss, as a node whose scheduler answers Code_SchedNeedBackSource: `step 1: peer … start to
 *   register` (peertask_conductor.go:270), `register task success, SizeScope: NORMAL` (:298), `receive
 *   back source code` (:738), `start to download from source` (piece_manager.go:318), `download from
 *   source ok` (peertask_conductor.go:527), `peer task done, cost: Nms` (:1393). Reuse needs
 *   `storage.multiplex: true`, as in the daemon (peertask_manager.go:368).
 * - Metrics on the `metrics` address's port (or the option): dragonfly_dfdaemon_proxy_request_total
 *   {method}, _via_dragonfly_total, _not_via_dragonfly_total, peer_task_total,
 *   peer_task_cache_hit_total, version, process_* (client/daemon/metrics/metrics.go:52-180).
 * The stand-in keeps blobs as `<dataDir>/<task id[:3]>/<task id>` (not the daemon's storage layout:
 * dfdoctor never reads it) and has no scheduler, no peers and no rate limiter.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { listen, originRequest } from './http.js';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type DfdaemonConfig, goDaemonLogDir, parseDfdaemonConfig } from '../../../src/parsers/dfdaemon-config.js';

export interface GoStandinOptions {
  configPath: string;
  /** The daemon's `logDir` (the parent): core.log goes to `<logDir>/daemon/`. */
  logDir: string;
  dataDir: string;
  host?: string;
  proxyPort?: number;
  metricsPort?: number;
}

export interface GoStandin {
  proxyUrl: string;
  metricsUrl: string;
  logFile: string;
  stats(): { viaDragonfly: number; direct: number; disabled: number; hits: number; misses: number };
  stop(): Promise<void>;
}

export const GO_STANDIN_VERSION = 'v2.1.49';

/** zap's production JSON line with the daemon's layout ("2006-01-02 15:04:05.000", local time). */
function zapLine(
  level: 'debug' | 'info' | 'warn' | 'error',
  caller: string,
  msg: string,
  fields: Record<string, string> = {},
): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const ts = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  return `${JSON.stringify({ level, ts, caller, msg, ...fields })}\n`;
}

const BLOB_PATH = /^.+\/blobs\/sha256.*$/;

export async function startGoStandin(o: GoStandinOptions): Promise<GoStandin> {
  const parsed = parseDfdaemonConfig(await readFile(o.configPath, 'utf8'), 'go');
  if (!parsed.ok) throw new Error(`${o.configPath}: ${parsed.problems[0]?.message}`);
  const cfg: DfdaemonConfig = parsed.config;
  const verbose = cfg.verbose?.value === true;
  const host = o.host ?? '127.0.0.1';
  const dir = goDaemonLogDir(o.logDir);
  await mkdir(dir, { recursive: true });
  await mkdir(o.dataDir, { recursive: true });
  const logFile = join(dir, 'core.log');
  const out: WriteStream = createWriteStream(logFile, { flags: 'a' });
  const log = (
    level: 'debug' | 'info' | 'warn' | 'error',
    caller: string,
    msg: string,
    fields?: Record<string, string>,
  ) => {
    if (level === 'debug' && !verbose) return;
    out.write(zapLine(level, caller, msg, fields));
  };
  const stats = { viaDragonfly: 0, direct: 0, disabled: 0, hits: 0, misses: 0 };
  const m = { requests: new Map<string, number>(), via: 0, notVia: 0, tasks: 0, hits: 0 };
  const lastPeer = new Map<string, string>();
  const mirror = cfg.registryMirror?.value ? new URL(cfg.registryMirror.value) : null;
  const multiplex = cfg.multiplex?.value === true;

  log(
    'info',
    'peer/piece_manager.go:92',
    `set calculateDigest to ${cfg.calculateDigest?.value === true} for piece manager`,
  );
  log(
    'info',
    'peer/piece_manager.go:100',
    `set download limiter ${cfg.downloadRateLimit.value.toFixed(6)} for piece manager`,
  );
  if (!mirror) log('warn', 'proxy/proxy.go:182', 'registry mirror url is empty, registry mirror feature is disabled');

  const useDragonfly = (method: string, url: URL): boolean => {
    if (cfg.registryMirrorDirect?.value) return false;
    if (cfg.registryMirrorUseProxies?.value) {
      for (const r of cfg.proxyRules.value)
        if (new RegExp(r.regex).test(url.toString())) return method === 'GET' && !r.direct;
      return false;
    }
    return method === 'GET' && BLOB_PATH.test(url.pathname);
  };

  async function viaDragonfly(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    stats.viaDragonfly++;
    m.via++;
    log('debug', 'transport/transport.go:242', `round trip with dragonfly: ${url}`);
    const taskId = createHash('sha256').update(url.toString()).digest('hex');
    const peer = `${host}-${process.pid}-${randomUUID()}`;
    const f = { peer, component: 'transport', task: taskId };
    const pt = { peer, task: taskId, component: 'PeerTask' };
    log('info', 'transport/transport.go:338', `start download with url: ${url}`, f);
    const file = join(o.dataDir, taskId.slice(0, 3), taskId);
    const t0 = performance.now();
    let size = await stat(file).then(
      (s) => s.size,
      () => -1,
    );
    const reused = size >= 0 && multiplex && lastPeer.has(taskId);
    if (reused) {
      stats.hits++;
      m.hits++;
      log('info', 'peer/peertask_reuse.go:268', `reuse from peer task: ${lastPeer.get(taskId)}, total size: ${size}`, {
        peer,
        task: taskId,
        component: 'reuseStreamPeerTask',
      });
    } else {
      stats.misses++;
      m.tasks++;
      log('info', 'peer/peertask_conductor.go:270', `step 1: peer ${peer} start to register`, pt);
      log('info', 'peer/peertask_conductor.go:298', 'register task success, SizeScope: NORMAL', pt);
      log('info', 'peer/peertask_conductor.go:738', 'receive back source code', pt);
      log('info', 'peer/piece_manager.go:318', 'start to download from source', pt);
      const up = await originRequest(url, 'GET', { ...req.headers, host: url.host, 'accept-encoding': 'identity' });
      if (up.statusCode !== 200) {
        up.resume();
        log('error', 'peer/piece_manager.go:387', `back source status code ${up.statusCode}`, pt);
        res.writeHead(up.statusCode ?? 502).end();
        return;
      }
      await mkdir(join(file, '..'), { recursive: true });
      const tmp = `${file}.${randomUUID()}.tmp`;
      await pipeline(up, createWriteStream(tmp));
      await rename(tmp, file);
      size = (await stat(file)).size;
      log('info', 'peer/peertask_conductor.go:527', 'download from source ok', pt);
      log(
        'info',
        'peer/peertask_conductor.go:1393',
        `peer task done, cost: ${Math.round(performance.now() - t0)}ms`,
        pt,
      );
    }
    lastPeer.set(taskId, lastPeer.get(taskId) ?? peer);
    log(
      'info',
      'transport/transport.go:397',
      `download stream attribute: map[Content-Length:[${size}] X-Dragonfly-Peer:[${peer}] X-Dragonfly-Task:[${taskId}]]`,
      f,
    );
    res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
    await pipeline(createReadStream(file), res);
  }

  async function direct(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    stats.direct++;
    m.notVia++;
    log('debug', 'transport/transport.go:246', `round trip directly, method: ${req.method}, url: ${url}`);
    const up = await originRequest(url, req.method ?? 'GET', { ...req.headers, host: url.host });
    const headers = { ...up.headers };
    delete headers.connection;
    delete headers['transfer-encoding'];
    res.writeHead(up.statusCode ?? 502, headers as Record<string, string | string[]>);
    await pipeline(up, res);
  }

  const proxy = createServer((req, res) => {
    const method = req.method ?? 'GET';
    m.requests.set(method, (m.requests.get(method) ?? 0) + 1);
    if (!mirror) {
      stats.disabled++;
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
        .end('registry mirror feature is disabled\n');
      return;
    }
    const h = req.headers['x-dragonfly-registry'];
    const origin = (Array.isArray(h) ? h[0] : h) ?? mirror.toString();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', origin);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const work = useDragonfly(method, url) ? viaDragonfly(req, res, url) : direct(req, res, url);
    work.catch((e: Error) => {
      log('error', 'transport/transport.go:254', `round trip error: ${e.message}`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy(e);
    });
  });
  const metricsServer = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const o2: string[] = [];
    const fam = (name: string, type: string, help: string) =>
      o2.push(`# HELP dragonfly_dfdaemon_${name} ${help}`, `# TYPE dragonfly_dfdaemon_${name} ${type}`);
    fam('peer_task_cache_hit_total', 'counter', 'Counter of the total cache hit peer tasks.');
    o2.push(`dragonfly_dfdaemon_peer_task_cache_hit_total ${m.hits}`);
    fam('peer_task_total', 'counter', 'Counter of the total peer tasks.');
    o2.push(`dragonfly_dfdaemon_peer_task_total ${m.tasks}`);
    fam('proxy_request_not_via_dragonfly_total', 'counter', 'Counter of the total proxy request not via Dragonfly.');
    o2.push(`dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total ${m.notVia}`);
    fam('proxy_request_total', 'counter', 'Counter of the total proxy request.');
    for (const [method, n] of m.requests) o2.push(`dragonfly_dfdaemon_proxy_request_total{method="${method}"} ${n}`);
    fam('proxy_request_via_dragonfly_total', 'counter', 'Counter of the total proxy request via Dragonfly.');
    o2.push(`dragonfly_dfdaemon_proxy_request_via_dragonfly_total ${m.via}`);
    fam('version', 'gauge', 'Version info of the service.');
    o2.push(
      `dragonfly_dfdaemon_version{build_time="standin",git_commit="standin",git_version="${GO_STANDIN_VERSION}",go_gcflags="",go_tags="",go_version="standin",major="2",minor="1",platform="linux/amd64"} 1`,
    );
    const cpu = process.cpuUsage();
    o2.push(
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
    );
    o2.push(
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
    );
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(`${o2.join('\n')}\n`);
  });
  const proxyPort = await listen(proxy, host, o.proxyPort ?? 0);
  const metricsPort = await listen(metricsServer, host, o.metricsPort ?? cfg.ports.metrics?.value ?? 0);
  let stopped = false;
  return {
    proxyUrl: `http://${host}:${proxyPort}`,
    metricsUrl: `http://${host}:${metricsPort}/metrics`,
    logFile,
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
      await new Promise<void>((r) => out.end(() => r()));
    },
  };
}
