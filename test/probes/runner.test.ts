import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.js';
import { CleanupStack } from '../../src/commands/cleanup.js';
import { defineProbe, type ProbeOptions } from '../../src/probes/context.js';
import { runProbes } from '../../src/probes/runner.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const options: ProbeOptions = { root: '/', timeoutSeconds: 2, scrapeIntervalSeconds: 1, diskBytes: 1, diskMethod: 'o_direct', forBundle: false };

describe('probe runner', () => {
  it('abandons a probe that ignores its deadline, records why, runs the next, and survives its late failure', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-runner-'));
    dirs.push(dir);
    const out = new BundleWriter(dir);
    let rejectLate: (e: Error) => void = () => {};
    const stubborn = defineProbe({
      name: 'disk',
      description: 'ignores its abort signal',
      budget: 0.1,
      run: () => new Promise((_, reject) => (rejectLate = reject)),
    });
    let nextRan = false;
    const next = defineProbe({
      name: 'loopback',
      description: 'quick',
      budget: 0.1,
      run: async () => {
        nextRan = true;
        return { status: 'skipped', reason: 'nothing to do' };
      },
    });
    const t0 = performance.now();
    await runProbes({
      probes: [stubborn, next],
      deselected: new Map(),
      options: { ...options, timeoutSeconds: 10 },
      out,
      signal: new AbortController().signal,
      cleanup: new CleanupStack(),
      progress: () => {},
    });
    const took = performance.now() - t0;
    // the abandoned probe fails after the run moved on: Promise.race already subscribed, so nothing escapes
    rejectLate(new Error('late failure'));
    await sleep(50);
    const m = await out.finish({ tool: { name: 'dfdoctor', version: '0' }, host: { hostname: 'h', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 }, createdAt: 'x' });
    expect(m.probes.disk?.status).toBe('failed');
    expect(m.probes.disk?.reason).toMatch(/timed out after 3\.0 s/);
    expect(nextRan).toBe(true);
    expect(m.probes.loopback).toMatchObject({ status: 'skipped', reason: 'nothing to do' });
    expect(took).toBeLessThan(10_000);
  });

  it('marks probes left after SIGINT as interrupted, without running them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-runner-'));
    dirs.push(dir);
    const out = new BundleWriter(dir);
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    let ran = false;
    await runProbes({
      probes: [defineProbe({ name: 'system', description: '', budget: 0.1, run: async () => ((ran = true), { status: 'ok' }) })],
      deselected: new Map(),
      options,
      out,
      signal: ac.signal,
      cleanup: new CleanupStack(),
      progress: () => {},
    });
    const m = await out.finish({ tool: { name: 'dfdoctor', version: '0' }, host: { hostname: 'h', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 }, createdAt: 'x' });
    expect(ran).toBe(false);
    expect(m.probes.system).toEqual({ status: 'skipped', reason: 'interrupted', durationMs: 0 });
  });
});
