// Reproducible analysis: `diagnose --format json` on a node, then `collect` of the same node, then
// `analyze` of that tarball from a clean temp dir must name the same causes in the same order.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportSchema } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';
import { writeSecretNode } from '../helpers/secret-node.js';

// The probes that sample load (CPU busy, disk and loopback timings) are left out: two runs a few seconds
// apart on a shared machine may rightly see different load, and this test is about the analysis.
const PROBE_ARGS = ['--skip', 'system,disk,loopback', '--scrape-interval', '0.5', '--timeout', '30'];

describe('diagnose ≡ collect + analyze', () => {
  let root: string;
  let work: string;
  beforeAll(async () => {
    root = await writeSecretNode();
    work = await mkdtemp(join(tmpdir(), 'dfdoctor-repro-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('gives the same causes in the same order', async () => {
    const live = await runCli(['diagnose', '--root', root, '--format', 'json', '--fail-on', 'never', ...PROBE_ARGS], {
      timeoutMs: 90_000,
    });
    expect(live.code, live.stderr).toBe(0);
    const a = ReportSchema.parse(JSON.parse(live.stdout));

    const tarball = join(work, 'node.tar.gz');
    const col = await runCli(['collect', '-o', tarball, '--root', root, ...PROBE_ARGS], { timeoutMs: 90_000 });
    expect(col.code, col.stderr).toBe(0);
    const clean = await mkdtemp(join(work, 'clean-'));
    const off = await runCli(['analyze', tarball, '--format', 'json', '--fail-on', 'never'], { cwd: clean });
    expect(off.code, off.stderr).toBe(0);
    const b = ReportSchema.parse(JSON.parse(off.stdout));

    const key = (r: typeof a) => r.diagnoses.map((d) => `${d.rank} ${d.cause} ${d.rule}`);
    console.info(`diagnose: [${key(a).join('; ')}]`);
    expect(key(b)).toEqual(key(a));
    expect(b.source.kind).toBe('bundle');
    expect(a.source.kind).toBe('live');
    // the secret node is misconfigured on purpose (see test/helpers/secret-node.ts): something must be found
    expect(a.diagnoses.length).toBeGreaterThan(0);
  }, 200_000);
});
