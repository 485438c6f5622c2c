// Endpoints that misbehave (issue 9 §2): dfdaemon's metrics and proxy URLs, and containerd's mirror
// host, point at a loopback server that never answers, trickles, pours 50 MB of garbage or resets. `diagnose --timeout 10`
// must end within 12 s with exit 0/1, and the probes that reached the endpoint must say why.
// Runs the built CLI (npx tsc -p . first).
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { HOSTILE_KINDS, type HostileServer, startHostile } from '../helpers/hostile-servers.js';

interface ProbeRecord {
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  durationMs: number;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'dfdoctor-h9-endpoints-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** Worst case seen per kind, printed at the end for the closing note. */
const times: string[] = [];
afterAll(() => {
  if (times.length > 0) console.log(`diagnose --timeout 10 against hostile endpoints:\n${times.join('\n')}`);
});

describe.each(HOSTILE_KINDS.map((k) => [k]))('diagnose with dfdaemon endpoints that %s', (kind) => {
  it('ends within 12 s, exits 0 or 1, and names the endpoint in the reason of the probe that reached it', async () => {
    const srv: HostileServer = await startHostile(kind);
    const tmp = join(work, kind);
    const cache = join(work, `${kind}-cache`);
    await mkdir(tmp, { recursive: true });
    await mkdir(cache, { recursive: true });
    try {
      const r = await runCli(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '10',
          '--dfdaemon-metrics',
          `${srv.origin}/metrics`,
          '--dfdaemon-proxy',
          srv.origin,
          '--cache-dir',
          cache,
          '--disk-bytes',
          '16MiB',
          '--scrape-interval',
          '1',
        ],
        // TMPDIR: the bundle dir diagnose makes must be gone afterwards, and we look for it here
        { timeoutMs: 60_000, env: { TMPDIR: tmp } },
      );
      times.push(
        `  ${kind.padEnd(12)} ${(r.ms / 1000).toFixed(1)} s, exit ${r.code}, ${srv.accepted()} connection(s) accepted`,
      );
      expect(r.signal, r.stderr).toBeNull();
      expect([0, 1], r.stderr).toContain(r.code);
      expect(r.ms, `diagnose took ${r.ms} ms`).toBeLessThan(12_000);
      expect(srv.accepted(), 'the CLI never reached the endpoint: nothing was tested').toBeGreaterThan(0);

      const report = JSON.parse(r.stdout) as { probes: Record<string, ProbeRecord> };
      for (const [name, p] of Object.entries(report.probes)) {
        expect(['ok', 'skipped', 'failed'], name).toContain(p.status);
        if (p.status !== 'ok') expect(p.reason, `${name} is ${p.status} without a reason`).toBeTruthy();
      }
      // the probe that scraped the endpoint says what went wrong with it, naming it
      const naming = Object.entries(report.probes).filter(([, p]) =>
        (p.reason ?? '').includes(`127.0.0.1:${srv.port}`),
      );
      expect(
        naming.map(([n]) => n),
        JSON.stringify(report.probes, null, 1),
      ).toContain('dfdaemon');
      const dfd = report.probes.dfdaemon as ProbeRecord;
      expect(dfd.reason).toMatch(
        /timed? ?out|no answer|within|reset|ECONNRESET|socket|closed|too large|MiB|invalid|parse|garbage|not read|HTTP|refused|error/i,
      );

      expect(await readdir(tmp), 'diagnose left files in the temp dir').toEqual([]);
      expect(await readdir(cache), 'diagnose left files in the cache dir').toEqual([]);
    } finally {
      await srv.close();
    }
  }, 90_000);
});

describe.each(HOSTILE_KINDS.map((k) => [k]))('diagnose with a containerd mirror (hosts.toml) that %s', (kind) => {
  it('ends within 12 s and exits 0 or 1; a mirror that never answers is reported as hung', async () => {
    const srv: HostileServer = await startHostile(kind);
    const dir = join(work, `mirror-${kind}`);
    await mkdir(join(dir, 'certs.d', 'docker.io'), { recursive: true });
    await writeFile(
      join(dir, 'config.toml'),
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "${join(dir, 'certs.d')}"\n`,
    );
    await writeFile(
      join(dir, 'certs.d', 'docker.io', 'hosts.toml'),
      `server = "https://registry-1.docker.io"\n[host."${srv.origin}"]\n  capabilities = ["pull", "resolve"]\n`,
    );
    try {
      // the mirror is dfdaemon's proxy (as dfinit writes it): --dfdaemon-proxy tells dfdoctor so
      const r = await runCli(
        [
          'diagnose',
          '--format',
          'json',
          '--timeout',
          '10',
          '--probes',
          'dfdaemon,containerd',
          '--dfdaemon-proxy',
          srv.origin,
          '--containerd-config',
          join(dir, 'config.toml'),
          '--fail-on',
          'never',
        ],
        { timeoutMs: 60_000 },
      );
      times.push(
        `  mirror ${kind.padEnd(12)} ${(r.ms / 1000).toFixed(1)} s, exit ${r.code}, ${srv.accepted()} connection(s) accepted`,
      );
      expect(r.signal, r.stderr).toBeNull();
      expect(r.code, r.stderr).toBe(0);
      expect(r.ms, `diagnose took ${r.ms} ms`).toBeLessThan(12_000);
      expect(srv.accepted(), 'the mirror check never reached the endpoint').toBeGreaterThan(0);
      const report = JSON.parse(r.stdout) as {
        probes: Record<string, ProbeRecord>;
        diagnoses: { rule: string; evidence: string[] }[];
        notes: { text: string }[];
      };
      expect(report.probes.containerd?.status).toBe('ok');
      expect(report.notes.filter((n) => n.text.startsWith('internal:'))).toEqual([]);
      const fallback = report.diagnoses.find((d) => d.rule === 'containerd.mirror-fallback');
      if (kind === 'silent')
        expect(fallback?.evidence.join('\n')).toContain(
          `${srv.origin} accepts TCP connections but GET /v2/ got no answer`,
        );
    } finally {
      await srv.close();
    }
  }, 90_000);
});
