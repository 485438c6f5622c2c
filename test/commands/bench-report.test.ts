// `bench pull`'s report and bundle: the bench's figures join the bundle's measurements.json, and both
// the bundle and the report printed on the node go through the redactor.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redactor } from '../../src/bundle/redact.js';
import { PROBE_NAMES, type ProbeName } from '../../src/causes.js';
import { addBenchToBundle, benchReport } from '../../src/commands/bench-report.js';
import { CleanupStack } from '../../src/commands/cleanup.js';
import { makeProgress } from '../../src/commands/progress.js';
import type { BenchMeasurement } from '../../src/bundle/measurements.js';
import { renderMarkdown } from '../../src/report/markdown.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const PASSWORD = 'BenchMirrorPass-31';
const bench: BenchMeasurement = {
  image: 'docker.io/library/nginx:1.27',
  mirror: `http://mirror-user:${PASSWORD}@127.0.0.1:65001`,
  pulls: [],
  floors: { dfdaemonFetchMBps: null, diskReadMBps: null, loopbackMBps: null, gunzipMBps: null, sha256MBps: null },
  notes: [`containerd's mirror for docker.io is http://mirror-user:${PASSWORD}@127.0.0.1:65001`],
};

describe('addBenchToBundle', () => {
  it('keeps what the probes measured and adds the bench, redacted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-bench-bundle-'));
    dirs.push(dir);
    await writeFile(join(dir, 'measurements.json'), JSON.stringify({ cpu: { gunzipMBps: 100, sha256MBps: 500 } }));
    await addBenchToBundle(dir, bench, redactor);
    const text = await readFile(join(dir, 'measurements.json'), 'utf8');
    expect(text).not.toContain(PASSWORD);
    const m = JSON.parse(text);
    expect(m.cpu).toEqual({ gunzipMBps: 100, sha256MBps: 500 });
    expect(m.bench.image).toBe('docker.io/library/nginx:1.27');
    expect(m.bench.mirror).toMatch(/^http:\/\/REDACTED@127\.0\.0\.1:65001$/);
  });
});

describe('benchReport', () => {
  it('prints no password of the mirror on the node either, where no bundle is kept', async () => {
    const cleanup = new CleanupStack();
    // no probe runs: the report holds the bench's figures and what the analysis makes of them
    const deselected = new Map<ProbeName, string>(PROBE_NAMES.map((n) => [n, 'not selected (--probes)']));
    const report = await benchReport(bench, {
      options: {
        root: '/',
        timeoutSeconds: 5,
        scrapeIntervalSeconds: 0,
        diskBytes: 0,
        diskMethod: 'o_direct',
        forBundle: false,
      },
      deselected,
      signal: new AbortController().signal,
      cleanup,
      progress: makeProgress(false),
      settings: {},
    });
    await cleanup.runAll();
    const b = report.measurements.bench as BenchMeasurement;
    expect(b.image).toBe(bench.image);
    expect(b.mirror).toBe('http://REDACTED@127.0.0.1:65001');
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
    expect(renderMarkdown(report)).not.toContain(PASSWORD);
  });
});
