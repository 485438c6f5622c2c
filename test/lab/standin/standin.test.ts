import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { announceSkip, labUnavailable } from '../../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, withContainerdLab } from '../containerd-lab.js';
import { rustDurationDebug, startStandin, taskSizeLevel } from './standin.js';
import { samplesDir } from '../../helpers/samples.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('dfdaemon stand-in', why);

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
// tracing-subscriber compact, v1.5 timer: `2026-11-25T19:20:07.965688Z  INFO span:span: file.rs:N: message k="v"`
const COMPACT =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z (ERROR| WARN| INFO|DEBUG) (?:[a-z_]+(?::[a-z_]+)*: )?[\w./-]+\.rs:\d+: .+$/;

describe('dfdaemon stand-in', () => {
  it("computes the client's task size levels", () => {
    expect(taskSizeLevel(0)).toBe(0);
    expect(taskSizeLevel(512 * 1024)).toBe(1);
    expect(taskSizeLevel(50 * 2 ** 20)).toBe(6);
    expect(taskSizeLevel(2 * 2 ** 40)).toBe(20);
  });

  it('runs as a process: prints where it listens, serves metrics, stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-standin-cli-'));
    try {
      const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          cli,
          '--cache-dir',
          join(dir, 'cache'),
          '--log-dir',
          join(dir, 'log'),
          '--origin',
          'http://127.0.0.1:9',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const closed = new Promise<number | null>((r) => child.on('close', r));
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0] as string);
        });
        child.on('close', () => reject(new Error('stand-in exited before it listened')));
      });
      const info = JSON.parse(line) as {
        proxyUrl: string;
        metricsUrl: string;
        ports: { proxy: number; metrics: number };
        pid: number;
      };
      expect(info.proxyUrl).toBe(`http://127.0.0.1:${info.ports.proxy}`);
      expect(await (await fetch(info.metricsUrl)).text()).toContain('dragonfly_client_proxy_request_total 0');
      // the origin refuses: a blob request fails as dfdaemon's would, with an error status
      expect((await fetch(`${info.proxyUrl}/v2/a/b/blobs/sha256:${'1'.repeat(64)}`)).status).toBe(500);
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(why)(
    'serves blobs from its cache after one back-to-source fetch, passes manifests through, and speaks the real formats',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 6 << 20 }, { bytes: 1 << 20, content: 'text' }] });
        await lab.push(img, reg, 'lab/standin:v1');
        const s = await startStandin({ cacheDir: lab.path('cache'), logDir: lab.path('log'), originUrl: reg.url });
        try {
          const digest = img.layers[0]!.digest;
          const url = `${s.proxyUrl}/v2/lab/standin/blobs/${digest}?ns=${reg.host}`;
          const first = Buffer.from(await (await fetch(url)).arrayBuffer());
          const second = Buffer.from(await (await fetch(url)).arrayBuffer());
          expect(sha(first)).toBe(digest);
          expect(sha(second)).toBe(digest);
          const man = await fetch(`${s.proxyUrl}/v2/lab/standin/manifests/v1`, {
            headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
          });
          expect(man.status).toBe(200);
          expect(((await man.json()) as { layers: unknown[] }).layers).toHaveLength(2);
          const missing = await fetch(`${s.proxyUrl}/v2/lab/standin/blobs/sha256:${'0'.repeat(64)}`);
          expect(missing.status).toBe(404);
          expect(s.stats()).toMatchObject({
            hits: 1,
            misses: 2,
            direct: 1,
            bytesLocal: first.length,
            bytesSource: first.length,
          });

          const metrics = await (await fetch(s.metricsUrl)).text();
          expect(metrics).toContain(`dragonfly_client_download_traffic{type="LOCAL_PEER"} ${first.length}`);
          expect(metrics).toContain(`dragonfly_client_download_traffic{type="BACK_TO_SOURCE"} ${first.length}`);
          expect(metrics).toContain('dragonfly_client_proxy_request_total 4');
          expect(metrics).toContain('dragonfly_client_proxy_request_via_dfdaemon_total 3');
          expect(metrics).toMatch(
            /dragonfly_client_download_task_duration_milliseconds_count\{task_size_level="3",task_type="0"\} 2/,
          );
          expect(metrics).toContain('# TYPE dragonfly_client_download_traffic counter');
          expect(metrics).toMatch(
            /dragonfly_client_version\{build_time="[^"]+",git_commit="[0-9a-f]+",git_version="v1\.5\.1",platform="[^"]+"\} 1/,
          );
          // every family the stand-in exposes exists in the recorded sample of the real client
          const sample = await readFile(`${samplesDir()}metrics-rust-client-v1.5.1.SYNTHESISED.prom`, 'utf8');
          const families = (t: string) => new Set([...t.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
          const real = families(sample);
          for (const f of families(metrics)) expect(real, `family ${f}`).toContain(f);
        } finally {
          await s.stop();
        }
        const log = (await readFile(s.logFile, 'utf8')).trimEnd().split('\n');
        for (const l of log) expect(l).toMatch(COMPACT);
        expect(
          log.filter((l) => l.includes('proxy HTTP request via dfdaemon by rule config: Request { method: GET')),
        ).toHaveLength(3);
        expect(
          log.filter((l) => l.includes('proxy HTTP request directly to remote server: Request { method: GET')),
        ).toHaveLength(1);
        // v1.5.1 at INFO: the download span (proxy/task.rs:50) records host_id, task_id, peer_id and content_length — no url
        const span = /host_id="[^"]+" task_id="[0-9a-f]{64}" peer_id="[^"]+" content_length=(\d+)$/;
        const source = log.filter((l) =>
          l.includes(
            ' INFO http_handler:proxy_via_dfdaemon:download: dragonfly-client/src/resource/task.rs:583: all pieces are downloaded from source',
          ),
        );
        expect(source).toHaveLength(1);
        expect(span.exec(source[0]!)?.[1]).toBe(String(img.layers[0]!.compressedBytes));
        const local = log.filter((l) => l.includes('task.rs:462: all pieces are downloaded from local host_id='));
        expect(local).toHaveLength(1);
        expect(local[0]).toMatch(span);
        const started = log.filter((l) =>
          l.includes('proxy/task.rs:127: download task started: Download { url: "http://127.0.0.1:'),
        );
        expect(started).toHaveLength(3);
        for (const l of started) expect(l).not.toMatch(/ url="/);
        // the handler spans are DEBUG-level: at INFO only http_handler is in the span list
        expect(log.filter((l) => l.includes('registry_mirror_http_handler'))).toHaveLength(0);
        expect(
          log.some((l) =>
            /ERROR http_handler:proxy_via_dfdaemon:download: \S+task\.rs:579: download from source error: BackendError\(BackendError \{ message: "back source status code 404", status_code: Some\(404\)/.test(
              l,
            ),
          ),
        ).toBe(true);
        expect(
          log.some((l) =>
            /ERROR http_handler:proxy_via_dfdaemon: \S+proxy\/mod\.rs:845: download task failed: BackendError/.test(l),
          ),
        ).toBe(true);
      });
    },
  );

  it.skipIf(why)(
    'honours the download limit of a dfdaemon.yaml, and sends nothing via dfdaemon without proxy rules',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 8 << 20 }] });
        await lab.push(img, reg, 'lab/limit:v1');
        const cfg = lab.path('dfdaemon.yaml');
        await writeFile(cfg, 'download:\n  bandwidthLimit: 8MB\nproxy:\n  rules:\n    - regex: blobs/sha256.*\n');
        const url = (p: string) => `${p}/v2/lab/limit/blobs/${img.layers[0]!.digest}`;
        const timed = async (u: string) => {
          const t0 = performance.now();
          const b = Buffer.from(await (await fetch(u)).arrayBuffer());
          return { bytes: b.length, seconds: (performance.now() - t0) / 1000 };
        };
        // as in the real client: the limiter applies to back-to-source downloads, not to local reads
        const s = await startStandin({
          cacheDir: lab.path('c1'),
          logDir: lab.path('l1'),
          originUrl: reg.url,
          configPath: cfg,
        });
        try {
          expect(s.rateLimitBps).toBe(8_000_000);
          const miss = await timed(url(s.proxyUrl));
          // 8.4 MB at 8 MB/s with 0.1 s of burst: at least ~0.9 s
          expect(miss.seconds).toBeGreaterThan((miss.bytes / 8e6) * 0.85);
          const hit = await timed(url(s.proxyUrl));
          expect(hit.seconds).toBeLessThan(miss.seconds / 2);
        } finally {
          await s.stop();
        }
        // the lab knob that limits cache hits too
        const all = await startStandin({
          cacheDir: lab.path('c1'),
          logDir: lab.path('l1b'),
          originUrl: reg.url,
          configPath: cfg,
          rateLimitScope: 'all',
        });
        try {
          const hit = await timed(url(all.proxyUrl));
          expect(all.stats().hits).toBe(1);
          expect(hit.seconds).toBeGreaterThan((hit.bytes / 8e6) * 0.85);
        } finally {
          await all.stop();
        }
        const noRules = lab.path('norules.yaml');
        await writeFile(noRules, 'download:\n  bandwidthLimit: 50GB\n');
        const d = await startStandin({
          cacheDir: lab.path('c2'),
          logDir: lab.path('l2'),
          originUrl: reg.url,
          configPath: noRules,
        });
        try {
          const b = Buffer.from(await (await fetch(url(d.proxyUrl))).arrayBuffer());
          expect(sha(b)).toBe(img.layers[0]!.digest);
          expect(d.stats()).toMatchObject({ viaDfdaemon: 0, direct: 1, bytesLocal: 0, bytesSource: 0 });
        } finally {
          await d.stop();
        }
      });
    },
  );
});

describe('rustDurationDebug', () => {
  it("prints a Duration as Rust's Debug does: the largest unit with an integer part, no trailing zeros", () => {
    expect(rustDurationDebug(734_123_456)).toBe('734.123456ms');
    expect(rustDurationDebug(1_500_000_000)).toBe('1.5s');
    expect(rustDurationDebug(2_000_000_000)).toBe('2s');
    expect(rustDurationDebug(12_000)).toBe('12µs');
    expect(rustDurationDebug(999)).toBe('999ns');
  });
});
