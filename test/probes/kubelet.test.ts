import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.js';
import type { ProbeContext } from '../../src/probes/context.js';
import { kubeletProbe } from '../../src/probes/kubelet.js';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function run(kubeletConfig: string) {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-'));
  temps.push(dir);
  const ctx: ProbeContext = {
    options: { root: '/', timeoutSeconds: 10, scrapeIntervalSeconds: 1, diskBytes: 0, diskMethod: 'o_direct', forBundle: false, kubeletConfig },
    out: new BundleWriter(dir),
    signal: new AbortController().signal,
    remainingMs: () => 5000,
    progress: () => undefined,
    discovery: {},
    cleanup: { add: () => () => undefined },
    nodePath: (p) => p,
  };
  return { dir, outcome: await kubeletProbe.run(ctx) };
}

describe('kubelet probe', () => {
  it('copies the config named by --kubelet-config', async () => {
    const src = join(await mkdtemp(join(tmpdir(), 'dfdoctor-kubelet-src-')), 'config.yaml');
    temps.push(join(src, '..'));
    await writeFile(src, 'kind: KubeletConfiguration\nserializeImagePulls: false\n');
    const { dir, outcome } = await run(src);
    expect(outcome.status).toBe('ok');
    expect(await readFile(join(dir, 'raw/kubelet/config.yaml'), 'utf8')).toContain('serializeImagePulls: false');
  });
  it('skips with the reason when there is no kubelet and no config', async () => {
    const { outcome } = await run('/nonexistent/kubelet/config.yaml');
    // a kubelet process on the test machine would make this ok with a partial reason; either way the missing file is named
    expect(outcome.status === 'skipped' || outcome.status === 'ok').toBe(true);
    expect(outcome.reason).toContain('/nonexistent/kubelet/config.yaml');
  });
});
