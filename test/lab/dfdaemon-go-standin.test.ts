// The Go dfdaemon stand-in (dragonflyoss/dragonfly v2.1.49 formats) against `diagnose --probes dfdaemon`:
// a dfget.yaml without registryMirror.url answers every mirror request 404 and dfdoctor says so; with
// the URL set, manifest-only `proxies` do not matter (no useProxies) and blobs go through P2P.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { goChartConfig } from '../facts/dfdaemon-fixture-configs.js';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, withContainerdLab } from './containerd-lab.js';
import { startGoStandin } from './standin/standin-go.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS.filter((t) => t === 'docker-registry' || t === 'skopeo'));
if (why) announceSkip('dfdaemon diagnose against the Go stand-in', why);

interface Report {
  probes: Record<string, { status: string; reason?: string }>;
  diagnoses: { rule: string; cause: string; severity: string; evidence: string[] }[];
}

async function diagnose(cfg: string, logDir: string, metricsUrl: string, proxyUrl: string): Promise<Report> {
  const r = await runCli(
    [
      'diagnose',
      '--probes',
      'dfdaemon',
      '--dfdaemon-config',
      cfg,
      '--dfdaemon-log-dir',
      `${logDir}/daemon`,
      '--dfdaemon-metrics',
      metricsUrl,
      '--dfdaemon-proxy',
      proxyUrl,
      '--scrape-interval',
      '1',
      '--format',
      'json',
      '--fail-on',
      'never',
    ],
    { timeoutMs: 60_000 },
  );
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('Go dfdaemon stand-in', () => {
  it.skipIf(why)(
    'without registryMirror.url: every mirror request 404s and dfdoctor names the disabled mirror',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 1 << 20 }] });
        await lab.push(img, reg, 'lab/gonomirror:v1');
        const cfg = lab.path('dfget.yaml');
        await writeFile(cfg, goChartConfig({ keepStorage: true, mirrorUrl: null }));
        const s = await startGoStandin({ configPath: cfg, logDir: lab.path('log'), dataDir: lab.path('data') });
        try {
          const res = await fetch(`${s.proxyUrl}/v2/lab/gonomirror/blobs/${img.layers[0]!.digest}`, {
            headers: { 'x-dragonfly-registry': reg.url },
          });
          expect(res.status).toBe(404);
          expect(await res.text()).toBe('registry mirror feature is disabled\n');
          const rep = await diagnose(cfg, lab.path('log'), s.metricsUrl, s.proxyUrl);
          const d = rep.diagnoses.find((x) => x.rule === 'dfdaemon.mirror-disabled');
          expect(d?.cause, JSON.stringify(rep.diagnoses.map((x) => x.rule))).toBe('mirror-fallback');
          expect(d?.evidence.join('\n')).toMatch(
            /core\.log:\d+: "registry mirror url is empty, registry mirror feature is disabled"/,
          );
        } finally {
          await s.stop();
        }
      });
    },
  );

  it.skipIf(why)(
    'with the URL set and manifest-only proxies (no useProxies): blobs go through P2P, a re-pull is reused, no proxy-rules finding',
    async () => {
      await withContainerdLab(async (lab) => {
        const reg = await lab.startRegistry();
        const img = await lab.buildImage({ layers: [{ bytes: 2 << 20 }, { bytes: 1 << 20, content: 'text' }] });
        await lab.push(img, reg, 'lab/gomirror:v1');
        const cfg = lab.path('dfget.yaml');
        await writeFile(
          cfg,
          goChartConfig({
            keepStorage: true,
            multiplex: true,
            verbose: true,
            mirrorUrl: reg.url,
            proxies: '    - regx: manifests/.*',
          }),
        );
        const s = await startGoStandin({ configPath: cfg, logDir: lab.path('log'), dataDir: lab.path('data') });
        try {
          for (let round = 0; round < 2; round++) {
            const man = await fetch(`${s.proxyUrl}/v2/lab/gomirror/manifests/v1`, {
              headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
            });
            expect(man.status).toBe(200);
            await man.arrayBuffer();
            for (const l of img.layers)
              expect(
                (await (await fetch(`${s.proxyUrl}/v2/lab/gomirror/blobs/${l.digest}`)).arrayBuffer()).byteLength,
              ).toBe(l.compressedBytes);
          }
          expect(s.stats()).toMatchObject({ viaDragonfly: 4, direct: 2, hits: 2, misses: 2, disabled: 0 });
          const rep = await diagnose(cfg, lab.path('log'), s.metricsUrl, s.proxyUrl);
          const rules = rep.diagnoses.map((x) => x.rule);
          expect(rules).not.toContain('dfdaemon.proxy-rules');
          expect(rules).not.toContain('dfdaemon.mirror-disabled');
          // manifests went to the origin: the DEBUG routing lines show them
          expect(rep.diagnoses.find((x) => x.rule === 'dfdaemon.registry-roundtrip')?.evidence.join('\n')).toMatch(
            /core\.log:\d+: "round trip directly, method: GET, url: http:\/\/127\.0\.0\.1:\d+\/v2\/lab\/gomirror\/manifests\/v1"/,
          );
        } finally {
          await s.stop();
        }
      });
    },
  );
});
