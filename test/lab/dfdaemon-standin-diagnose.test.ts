// `diagnose --probes dfdaemon` against the dfdaemon stand-in (Rust client formats): the probe must
// find it through the flags, scrape its metrics twice and read its log, and the analysis must quote both.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, withContainerdLab } from './containerd-lab.js';
import { startStandin } from './standin/standin.js';

const why = labUnavailable(CONTAINERD_LAB_TOOLS.filter((t) => t === 'docker-registry' || t === 'skopeo'));
if (why) announceSkip('dfdaemon diagnose against the stand-in', why);

interface Report {
  probes: Record<string, { status: string; reason?: string }>;
  diagnoses: { rule: string; cause: string; evidence: string[]; impactSeconds?: number }[];
  notes: { text: string }[];
}

describe('dfdaemon probe against the stand-in', () => {
  it.skipIf(why)("reads the stand-in's metrics and logs and reports from both", async () => {
    await withContainerdLab(async (lab) => {
      const reg = await lab.startRegistry();
      const img = await lab.buildImage({ layers: [{ bytes: 3 << 20 }, { bytes: 1 << 20, content: 'text' }] });
      await lab.push(img, reg, 'lab/dfd:v1');
      const cfg = lab.path('dfdaemon.yaml');
      await writeFile(
        cfg,
        'download:\n  bandwidthLimit: 50GB\nproxy:\n  rules:\n    - regex: blobs/sha256.*\nstorage:\n  keep: true\n',
      );
      const s = await startStandin({
        cacheDir: lab.path('cache'),
        logDir: lab.path('log'),
        originUrl: reg.url,
        configPath: cfg,
        logLevel: 'debug',
      });
      try {
        // a pull as containerd does it: the manifest (direct to the origin), then the layers, twice
        for (let round = 0; round < 2; round++) {
          const man = await fetch(`${s.proxyUrl}/v2/lab/dfd/manifests/v1`, {
            headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
          });
          expect(man.status).toBe(200);
          await man.arrayBuffer();
          for (const l of img.layers) await (await fetch(`${s.proxyUrl}/v2/lab/dfd/blobs/${l.digest}`)).arrayBuffer();
        }
        const r = await runCli(
          [
            'diagnose',
            '--probes',
            'dfdaemon',
            '--dfdaemon-config',
            cfg,
            '--dfdaemon-log-dir',
            lab.path('log'),
            '--dfdaemon-metrics',
            s.metricsUrl,
            '--dfdaemon-proxy',
            s.proxyUrl,
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
        const rep = JSON.parse(r.stdout) as Report;
        expect(rep.probes.dfdaemon?.status).toBe('ok');
        // both scrapes and the log were read: no partial reason about them
        expect(rep.probes.dfdaemon?.reason ?? '').not.toMatch(/metrics:|second scrape|no dfdaemon log/);
        const rt = rep.diagnoses.find((d) => d.rule === 'dfdaemon.registry-roundtrip');
        expect(rt, JSON.stringify(rep.diagnoses.map((d) => d.rule))).toBeDefined();
        expect(rt?.evidence.join('\n')).toMatch(
          /raw\/dfdaemon\/logs\/dfdaemon\.log:\d+: "proxy HTTP request directly to remote server/,
        );
        expect(rt?.evidence.join('\n')).toMatch(
          /proxy request\(s\) not via P2P since dfdaemon started.*raw\/dfdaemon\/metrics-1\.prom/,
        );
        // healthy stand-in: no limit, rules present, cache kept
        expect(rep.diagnoses.map((d) => d.cause)).not.toContain('dfdaemon-rate-limit');
        expect(rep.diagnoses.map((d) => d.cause)).not.toContain('dfdaemon-proxy-rules');
      } finally {
        await s.stop();
      }
    });
  });
});
