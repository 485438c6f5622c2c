import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeLine, parseSliceMap } from '../../src/facts/dfdaemon-log-slices.js';
import { BundleWriter } from '../../src/bundle/writer.js';
import type { ProbeContext, ProbeOptions } from '../../src/probes/context.js';
import { dfdaemonProbe } from '../../src/probes/dfdaemon.js';
import { discover } from '../../src/probes/dfdaemon-discover.js';
import { rootedPath } from '../../src/probes/context.js';
import { goChartConfig, goMetrics, rustConfig } from '../facts/dfdaemon-fixture-configs.js';
import { goTaskLines, hex64 } from '../facts/dfdaemon-loggen.js';

const temps: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function tmp(prefix: string) {
  const d = await mkdtemp(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

async function serve(handler: (n: number) => { status: number; body: string } | 'hang'): Promise<string> {
  let n = 0;
  const s = createServer((req, res) => {
    const r = handler(n++);
    if (r === 'hang') return; // never answers
    res.writeHead(r.status, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(r.body);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const addr = s.address() as { port: number };
  return `http://127.0.0.1:${addr.port}/metrics`;
}

async function run(root: string, over: Partial<ProbeOptions> = {}, budgetMs = 8000) {
  const dir = await tmp('dfdoctor-dfd-bundle-');
  const t0 = Date.now();
  const ctx: ProbeContext = {
    options: {
      root,
      timeoutSeconds: 10,
      scrapeIntervalSeconds: 0.3,
      diskBytes: 0,
      diskMethod: 'o_direct',
      forBundle: false,
      ...over,
    },
    out: new BundleWriter(dir),
    signal: new AbortController().signal,
    remainingMs: () => Math.max(0, budgetMs - (Date.now() - t0)),
    progress: () => undefined,
    discovery: {},
    cleanup: { add: () => () => undefined },
    nodePath: (p) => rootedPath(root, p),
  };
  const outcome = await dfdaemonProbe.run(ctx);
  return { dir, outcome, discovery: ctx.discovery, ms: Date.now() - t0 };
}

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

describe('dfdaemon probe', () => {
  it('finds a Go dfdaemon under --root from its config, scrapes twice and copies rotated logs', async () => {
    const root = await tmp('dfdoctor-dfd-root-');
    await mkdir(join(root, 'etc/dragonfly'), { recursive: true });
    await mkdir(join(root, 'var/log/dragonfly/daemon'), { recursive: true });
    await writeFile(
      join(root, 'etc/dragonfly/dfget.yaml'),
      goChartConfig({ metrics: true }).replace('dataDir: /var/lib/dragonfly', 'dataDir: /data/df'),
    );
    const log = goTaskLines({
      startMs: T0,
      peer: 'p1',
      task: 't1',
      url: blob(1),
      size: 1e6,
      mode: 'hit',
      costMs: 0,
    }).join('\n');
    await writeFile(join(root, 'var/log/dragonfly/daemon/core.log'), `${log}\n`);
    await writeFile(join(root, 'var/log/dragonfly/daemon/core-2024-06-20T10-00-00.000.log.gz'), gzipSync(`${log}\n`));
    await writeFile(join(root, 'var/log/dragonfly/daemon/grpc.log'), 'not ours\n');
    const url = await serve((n) => ({
      status: 200,
      body: goMetrics({ tasks: 1, hits: 1 + n, via: 2, direct: 1, getBytes: 1e6, cpu: 1 + n, rss: 1e8 }),
    }));
    const { dir, outcome, discovery } = await run(root, { dfdaemonMetrics: url });
    expect(outcome.status).toBe('ok');
    expect(discovery.dfdaemon).toMatchObject({
      generation: 'go',
      cacheDir: '/data/df',
      proxyUrl: 'http://127.0.0.1:65001',
    });
    expect(discovery.dfdaemon?.ports).toEqual(expect.arrayContaining([65000, 65001, 65002, 40901, 8000]));
    expect(await readFile(join(dir, 'raw/dfdaemon/generation.txt'), 'utf8')).toBe('go\n');
    expect(await readFile(join(dir, 'raw/dfdaemon/config/dfget.yaml'), 'utf8')).toContain('dataDir: /data/df');
    expect(await readFile(join(dir, 'raw/dfdaemon/metrics-0.prom'), 'utf8')).toContain('peer_task_cache_hit_total 1\n');
    expect(await readFile(join(dir, 'raw/dfdaemon/metrics-1.prom'), 'utf8')).toContain('peer_task_cache_hit_total 2\n');
    expect(await readFile(join(dir, 'raw/dfdaemon/version.txt'), 'utf8')).toBe('v2.1.49\n');
    expect(await readFile(join(dir, 'raw/dfdaemon/logs/core.log'), 'utf8')).toBe(`${log}\n`);
    // the rotated .gz is stored decompressed; grpc.log is not dfdaemon's core log
    expect(await readFile(join(dir, 'raw/dfdaemon/logs/core-2024-06-20T10-00-00.000.log'), 'utf8')).toBe(`${log}\n`);
    const d = outcome.details as { scrapeTimes: string[]; logFiles: unknown[] };
    expect(d.scrapeTimes).toHaveLength(2);
    expect(Date.parse(d.scrapeTimes[1] as string) - Date.parse(d.scrapeTimes[0] as string)).toBeGreaterThanOrEqual(250);
    expect(d.logFiles).toHaveLength(2);
  });

  it("checks a Go proxy given a port range at its start, and says the node's listeners tell which port it holds", async () => {
    const root = await tmp('dfdoctor-dfd-range-');
    await mkdir(join(root, 'etc/dragonfly'), { recursive: true });
    await writeFile(
      join(root, 'etc/dragonfly/dfget.yaml'),
      'proxy:\n  tcpListen:\n    port:\n      start: 65101\n      end: 65110\n',
    );
    const { outcome, discovery } = await run(root, { dfdaemonMetrics: 'http://127.0.0.1:9/metrics' });
    expect(discovery.dfdaemon).toMatchObject({ generation: 'go', proxyUrl: 'http://127.0.0.1:65101' });
    expect(outcome.reason).toContain(
      'proxy.tcpListen.port is the range 65101–65110: the daemon holds its first free port; the proxy is checked at 65101',
    );
  });

  it("reads a Go daemon's config with the defaults of the release its image tag names", async () => {
    const root = await tmp('dfdoctor-dfd-release-');
    await mkdir(join(root, 'etc/dragonfly'), { recursive: true });
    // v2.0.1 reads no metrics or logDir key and keeps its cache in root's home (client/config/peerhost_linux.go:37-38)
    await writeFile(join(root, 'etc/dragonfly/dfget.yaml'), "metrics: ':8000'\nlogDir: /data/log\n");
    const ctx = {
      options: { root, timeoutSeconds: 10, scrapeIntervalSeconds: 0.3, diskBytes: 0, diskMethod: 'o_direct' },
      remainingMs: () => 5000,
      nodePath: (p: string) => rootedPath(root, p),
    } as unknown as ProbeContext;
    const at = (tag: string) =>
      discover(
        ctx,
        () => Promise.resolve({ generation: 'go', pid: 2 ** 22 + 7, args: ['dfget', 'daemon'] }),
        () => Promise.resolve({ kind: 'container', value: { id: 'c'.repeat(64), runtime: 'containerd', tag } }),
      );
    const old = await at('v2.0.1');
    expect(old).toMatchObject({
      release: 'v2.0.1',
      cacheDir: { path: '/root/.dragonfly/dfget-daemon', from: 'default' },
      logDir: '/var/log/dragonfly/daemon',
    });
    expect(old.metricsUrl).toBeUndefined();
    const now = await at('v2.1.49');
    expect(now).toMatchObject({
      release: 'v2.1.49',
      cacheDir: { path: '/var/lib/dragonfly', from: 'default' },
      logDir: '/data/log/daemon',
      metricsUrl: 'http://127.0.0.1:8000/metrics',
    });
    // no config at all: the release's default still names the cache dir
    await rm(join(root, 'etc/dragonfly/dfget.yaml'));
    expect((await at('v2.0.0')).cacheDir).toEqual({ path: '/root/.dragonfly/dfget-daemon', from: 'default' });
    // a tag that is no release ("latest") leaves the release unknown: the newest's defaults
    const latest = await at('latest');
    expect(latest.release).toBeUndefined();
    expect(latest.cacheDir.path).toBe('/var/lib/dragonfly');
  });

  it('sets discovery defaults and skips with a reason when no dfdaemon is there', async () => {
    const root = await tmp('dfdoctor-dfd-empty-');
    const { outcome, discovery } = await run(root, { cacheDir: '/mnt/cache' });
    expect(outcome.status).toBe('skipped');
    expect(outcome.reason).toContain('no dfdaemon found');
    expect(discovery.dfdaemon).toMatchObject({ generation: null, cacheDir: '/mnt/cache' });
    expect(discovery.dfdaemon?.ports).toEqual(expect.arrayContaining([4001, 65001]));
  });

  it('bounds a hung metrics endpoint in time and says so', async () => {
    const root = await tmp('dfdoctor-dfd-hang-');
    await mkdir(join(root, 'etc/dragonfly'), { recursive: true });
    await writeFile(join(root, 'etc/dragonfly/dfdaemon.yaml'), rustConfig({ series: 'v1' }));
    const url = await serve(() => 'hang');
    const { outcome, ms, discovery } = await run(root, { dfdaemonMetrics: url }, 6000);
    expect(outcome.status).toBe('ok');
    expect(outcome.reason).toMatch(/metrics: .*no answer within/);
    expect(ms).toBeLessThan(5000);
    expect(discovery.dfdaemon).toMatchObject({
      generation: 'rust',
      proxyUrl: 'http://127.0.0.1:4001',
      metricsUrl: url,
    });
  });

  it('honours --dfdaemon-config, --dfdaemon-log-dir and --since', async () => {
    const root = await tmp('dfdoctor-dfd-flags-');
    const cfg = join(root, 'my.yaml');
    await writeFile(cfg, rustConfig({ series: 'v1' }).replace('dir: /var/lib/dragonfly/', 'dir: /srv/df/'));
    await mkdir(join(root, 'logs'), { recursive: true });
    await writeFile(
      join(root, 'logs/dfdaemon.log'),
      '2026-11-20T08:00:00.000000Z  INFO x: a.rs:1: download task succeeded\n',
    );
    const { dir, outcome, discovery } = await run('/', {
      dfdaemonConfig: cfg,
      dfdaemonLogDir: join(root, 'logs'),
      sinceMs: 3600_000,
      dfdaemonMetrics: 'http://127.0.0.1:9/metrics',
    });
    expect(discovery.dfdaemon).toMatchObject({ generation: 'rust', cacheDir: '/srv/df/' });
    expect(outcome.status).toBe('ok');
    expect(outcome.reason).toContain('connection refused');
    expect(await readFile(join(dir, 'raw/dfdaemon/logs/dfdaemon.log'), 'utf8')).toContain('download task succeeded');
    expect((outcome as { details: { sinceCutoff?: string } }).details.sinceCutoff).toMatch(/^\d{4}-/);
  });

  it('stores a bounded relevant slice of a log larger than the cap in collect mode', async () => {
    const root = await tmp('dfdoctor-dfd-slice-');
    await mkdir(join(root, 'var/log/dragonfly/daemon'), { recursive: true });
    const { LOG_CAP } = await import('../../src/probes/dfdaemon-logs.js');
    const lines: string[] = [];
    let i = 0;
    let t = T0;
    // many fast tasks, then one slow task that must be kept
    while (lines.join('\n').length < LOG_CAP.collect * 1.3) {
      for (let k = 0; k < 500; k++, i++)
        lines.push(
          ...goTaskLines({
            startMs: (t += 70_000),
            peer: `p${i}`,
            task: hex64(i),
            url: blob(i),
            size: 1e6,
            mode: 'p2p',
            costMs: 40,
          }),
        );
    }
    lines.push(
      ...goTaskLines({
        startMs: t + 70_000,
        peer: 'slow-peer',
        task: 'slowtask',
        url: blob(99999),
        size: 5e8,
        mode: 'p2p',
        costMs: 31_000,
      }),
    );
    await writeFile(join(root, 'var/log/dragonfly/daemon/core.log'), `${lines.join('\n')}\n`);
    await mkdir(join(root, 'etc/dragonfly'), { recursive: true });
    await writeFile(join(root, 'etc/dragonfly/dfget.yaml'), goChartConfig());
    // a --since window that begins before the file's first line: the whole file, sliced (without it,
    // the default window reads only the last pull: test/probes/dfdaemon-logs-window-copy.test.ts)
    const { dir, outcome } = await run(root, { forBundle: true, sinceMs: Date.now() - T0 + 86_400_000 }, 60_000);
    expect(outcome.status).toBe('ok');
    const sliced = await readFile(join(dir, 'raw/dfdaemon/logs/core.log'), 'utf8');
    expect(sliced.length).toBeLessThanOrEqual(LOG_CAP.collect);
    expect(sliced).toContain('peer task done, cost: 31000ms');
    expect(sliced).toContain('"peer":"slow-peer"');
    expect((outcome.details as { logFiles: { sliced: boolean }[] }).logFiles[0]?.sliced).toBe(true);
    // every bundled line maps back to the same text on the node
    const map = parseSliceMap(await readFile(join(dir, 'raw/dfdaemon/log-slices/core.log.json'), 'utf8'));
    expect(map?.source).toBe(join(root, 'var/log/dragonfly/daemon/core.log'));
    const bundledLines = sliced.split('\n');
    const done = bundledLines.findIndex((l) => l.includes('peer task done, cost: 31000ms')) + 1;
    const at = nodeLine(map as NonNullable<typeof map>, done) as number;
    expect(lines[at - 1]).toBe(bundledLines[done - 1]);
    for (const n of [1, Math.floor(bundledLines.length / 2), bundledLines.length - 1])
      expect(lines[(nodeLine(map as NonNullable<typeof map>, n) as number) - 1]).toBe(bundledLines[n - 1]);
    expect(nodeLine(map as NonNullable<typeof map>, bundledLines.length + 5)).toBeUndefined();
  }, 120_000);
});
