// The secret test: a node prepared with a secret in every place a bundle copies from, the real CLI's
// `collect --root`, and a scan of every byte of the tarball (and of every extracted file) for every
// secret and its base64 / URL-encoded forms. Then `analyze` of the same tarball must still work.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../src/bundle/manifest.js';
import { ReportSchema } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bundlePathOf,
  forbiddenForms,
  METRICS_URL_PASSWORD,
  secretNodeFiles,
  writeSecretNode,
} from '../helpers/secret-node.js';

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

describe('collect of a node full of secrets (real CLI, --root)', () => {
  let root: string;
  let work: string;
  let tarball: string;
  let collected: Awaited<ReturnType<typeof runCli>>;
  // a metrics endpoint given with credentials in its URL: the scrapes are recorded with where they came from
  let metrics: Server;
  beforeAll(async () => {
    root = await writeSecretNode();
    work = await mkdtemp(join(tmpdir(), 'dfdoctor-collect-secrets-'));
    tarball = join(work, 'node.tar.gz');
    metrics = createServer((_req, res) =>
      res.end('# TYPE dragonfly_dfdaemon_version gauge\ndragonfly_dfdaemon_version 1\n'),
    );
    await new Promise<void>((done) => metrics.listen(0, '127.0.0.1', done));
    const { port } = metrics.address() as AddressInfo;
    collected = await runCli(
      [
        'collect',
        '-o',
        tarball,
        '--root',
        root,
        '--dfdaemon-metrics',
        `http://metrics-user:${METRICS_URL_PASSWORD}@127.0.0.1:${port}/metrics`,
        '--disk-bytes',
        '4MiB',
        '--scrape-interval',
        '0.5',
        '--timeout',
        '40',
      ],
      { timeoutMs: 90_000 },
    );
  }, 120_000);
  afterAll(async () => {
    metrics.close();
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('writes the tarball', () => {
    expect(collected.code, collected.stderr).toBe(0);
    expect(collected.stderr).toContain('wrote');
  });

  it('no secret occurs in any byte of the tar stream (names, headers, contents)', async () => {
    const bytes = gunzipSync(await readFile(tarball)).toString('latin1');
    expect(bytes.length).toBeGreaterThan(0);
    expect(forbiddenForms().filter((f) => bytes.includes(f))).toEqual([]);
  });

  it('no secret occurs in any extracted file', async () => {
    const out = join(work, 'x');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    await tar.extract({ file: tarball, cwd: out });
    const files = await walk(out);
    const copied = files.map((f) => relative(out, f)).sort();
    const expected = Object.keys(secretNodeFiles()).map(bundlePathOf);
    // which of the secret node's files the probes copied (the rest are covered by test/bundle/redact.test.ts)
    console.info(
      `collect copied ${copied.length} files; of the secret node's: ${expected.filter((p) => copied.includes(p)).join(', ') || 'none yet'}`,
    );
    for (const f of files) {
      const text = (await readFile(f)).toString('latin1');
      expect(
        forbiddenForms().filter((s) => text.includes(s)),
        relative(out, f),
      ).toEqual([]);
    }
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    // every copied file that held a secret says so in the manifest
    const redactedFiles = new Set((manifest.redactions ?? []).map((r) => r.file));
    for (const p of expected.filter((p) => copied.includes(p) && p !== 'raw/kubelet/config.yaml'))
      expect(redactedFiles, p).toContain(p);
  });

  it('analyze still works on the redacted tarball', async () => {
    const r = await runCli(['analyze', tarball, '--format', 'json', '--fail-on', 'never'], { cwd: work });
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.source.kind).toBe('bundle');
    expect(Object.keys(report.probes).length).toBeGreaterThan(0);
    // the bundle files the report cites, each with where it came from on the node
    expect(report.files?.length ?? 0).toBeGreaterThan(0);
    for (const f of report.files ?? []) expect(f.path).toMatch(/^raw\//);
  });

  it("says where every copied file came from, in the node's own paths (not under --root)", async () => {
    const out = join(work, 'sources');
    await import('node:fs/promises').then((fs) => fs.mkdir(out));
    await tar.extract({ file: tarball, cwd: out });
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')));
    const raw = (await walk(out)).map((f) => relative(out, f)).filter((f) => f.startsWith('raw/'));
    expect(raw.length).toBeGreaterThan(10);
    expect(raw.filter((f) => typeof manifest.sources?.[f] !== 'string')).toEqual([]);
    expect(Object.values(manifest.sources ?? {}).filter((s) => String(s).includes(root))).toEqual([]);
    expect(manifest.sources?.['raw/containerd/config.toml']).toBe('/etc/containerd/config.toml');
    // the scrape says where it came from, without the URL's password
    expect(manifest.sources?.['raw/dfdaemon/metrics-0.prom']).toMatch(
      /^GET http:\/\/REDACTED@127\.0\.0\.1:\d+\/metrics at /,
    );
  });
});
