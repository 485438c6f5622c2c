// `bench --bundle`: the bench's figures join the bundle's measurements.json through the bundle's redactor.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactor } from '../../src/bundle/redact.js';
import { addBenchToBundle } from '../../src/commands/bench-bundle.js';
import type { BenchMeasurement } from '../../src/bundle/measurements.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const bench: BenchMeasurement = {
  image: 'docker.io/library/nginx:1.27',
  mirror: 'http://mirror-user:BenchMirrorPass-31@127.0.0.1:65001',
  pulls: [],
  floors: { dfdaemonFetchMBps: null, diskReadMBps: null, loopbackMBps: null, gunzipMBps: null, sha256MBps: null },
};

describe('addBenchToBundle', () => {
  it('keeps what the probes measured and adds the bench, redacted for a bundle that leaves the node', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-bench-bundle-'));
    dirs.push(dir);
    await writeFile(join(dir, 'measurements.json'), JSON.stringify({ cpu: { gunzipMBps: 100, sha256MBps: 500 } }));
    await addBenchToBundle(dir, bench, redactor);
    const text = await readFile(join(dir, 'measurements.json'), 'utf8');
    expect(text).not.toContain('BenchMirrorPass-31');
    const m = JSON.parse(text);
    expect(m.cpu).toEqual({ gunzipMBps: 100, sha256MBps: 500 });
    expect(m.bench.image).toBe('docker.io/library/nginx:1.27');
    expect(m.bench.mirror).toMatch(/^http:\/\/REDACTED@127\.0\.0\.1:65001$/);
  });

  it('writes the figures as measured when the bundle stays on the node', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-bench-bundle-'));
    dirs.push(dir);
    await addBenchToBundle(dir, bench);
    expect(JSON.parse(await readFile(join(dir, 'measurements.json'), 'utf8')).bench.mirror).toBe(bench.mirror);
  });
});
