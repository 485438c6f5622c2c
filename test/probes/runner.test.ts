import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { BundleWriter } from '../../src/bundle/writer.js';
import { CleanupStack } from '../../src/commands/cleanup.js';
import { defineProbe, type Probe, type ProbeOptions } from '../../src/probes/context.js';
import { runProbes } from '../../src/probes/runner.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const options: ProbeOptions = {
  root: '/',
  timeoutSeconds: 2,
  scrapeIntervalSeconds: 1,
  diskBytes: 1,
  diskMethod: 'o_direct',
  forBundle: false,
};

/** Runs `probes` into a fresh bundle dir, with what a test varies; `finish()` then writes the manifest. */
async function run(probes: Probe[], o: { timeoutSeconds?: number; signal?: AbortSignal } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-runner-'));
  dirs.push(dir);
  const out = new BundleWriter(dir);
  await runProbes({
    probes,
    deselected: new Map(),
    options: { ...options, timeoutSeconds: o.timeoutSeconds ?? options.timeoutSeconds },
    out,
    signal: o.signal ?? new AbortController().signal,
    cleanup: new CleanupStack(),
    progress: () => {},
  });
  return {
    finish: () =>
      out.finish({
        tool: { name: 'dfdoctor', version: '0' },
        host: { hostname: 'h', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 },
        createdAt: 'x',
      }),
  };
}

describe('probe runner', () => {
  it('abandons a probe that ignores its deadline, records why, runs the next, and survives its late failure', async () => {
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
    const r = await run([stubborn, next], { timeoutSeconds: 10 });
    const took = performance.now() - t0;
    // the abandoned probe fails after the run moved on: Promise.race already subscribed, so nothing escapes
    rejectLate(new Error('late failure'));
    await sleep(50);
    const m = await r.finish();
    expect(m.probes.disk?.status).toBe('failed');
    expect(m.probes.disk?.reason).toMatch(/timed out after 3\.0 s/);
    expect(nextRan).toBe(true);
    expect(m.probes.loopback).toMatchObject({ status: 'skipped', reason: 'nothing to do' });
    expect(took).toBeLessThan(10_000);
  });

  it('marks probes left after SIGINT as interrupted, without running them', async () => {
    const ac = new AbortController();
    ac.abort(new Error('SIGINT'));
    let ran = false;
    const r = await run(
      [
        defineProbe({
          name: 'system',
          description: '',
          budget: 0.1,
          run: async () => ((ran = true), { status: 'ok' }),
        }),
      ],
      { signal: ac.signal },
    );
    const m = await r.finish();
    expect(ran).toBe(false);
    expect(m.probes.system).toEqual({ status: 'skipped', reason: 'interrupted', durationMs: 0 });
  });

  it('runs readers side by side, a measurement alone, and a dependent probe after its discovery', async () => {
    const log: { probe: string; event: 'start' | 'end' }[] = [];
    const at = (probe: string, event: 'start' | 'end') => log.push({ probe, event });
    const reader = (name: 'containerd' | 'kubelet') =>
      defineProbe({
        name,
        description: 'reads',
        budget: 0.5,
        run: async () => {
          at(name, 'start');
          await sleep(150);
          at(name, 'end');
          return { status: 'ok' };
        },
      });
    const measurer = defineProbe({
      name: 'disk',
      description: 'reads a little, then measures',
      budget: 0.5,
      run: async (ctx) => {
        await ctx.schedule?.measuring();
        at('disk', 'start');
        await sleep(100);
        at('disk', 'end');
        return { status: 'ok' };
      },
    });
    // publishes what it discovered, then waits (idle: the measurement may run meanwhile), then reads again
    let discovered = false;
    const discoverer = defineProbe({
      name: 'dfdaemon',
      description: 'discovers, waits, reads',
      budget: 0.5,
      run: async (ctx) => {
        at('dfdaemon', 'start');
        discovered = true;
        ctx.schedule?.publish();
        await ctx.schedule?.idle(sleep(400));
        at('dfdaemon', 'end');
        return { status: 'ok' };
      },
    });
    let sawDiscovery: boolean | undefined;
    const dependent = defineProbe({
      name: 'netfilter',
      description: 'needs the discovery',
      budget: 0.5,
      after: { dfdaemon: 'discovery' },
      run: async () => {
        sawDiscovery = discovered;
        return { status: 'ok' };
      },
    });
    const r = await run([discoverer, reader('containerd'), measurer, reader('kubelet'), dependent], {
      timeoutSeconds: 20,
    });
    const idx = (probe: string, event: 'start' | 'end') => log.findIndex((e) => e.probe === probe && e.event === event);
    // the two readers overlap
    expect(idx('kubelet', 'start')).toBeLessThan(idx('containerd', 'end'));
    expect(idx('containerd', 'start')).toBeLessThan(idx('kubelet', 'end'));
    // the measurement starts after both readers ended and while the discoverer waits, and ends before it resumes
    expect(idx('disk', 'start')).toBeGreaterThan(Math.max(idx('containerd', 'end'), idx('kubelet', 'end')));
    expect(idx('disk', 'start')).toBeGreaterThan(idx('dfdaemon', 'start'));
    expect(idx('disk', 'end')).toBeLessThan(idx('dfdaemon', 'end'));
    expect(sawDiscovery).toBe(true);
    const m = await r.finish();
    // the manifest lists the probes in their declared order, whatever order they ended in
    expect(Object.keys(m.probes)).toEqual(['dfdaemon', 'containerd', 'disk', 'kubelet', 'netfilter']);
    expect(Object.values(m.probes).every((p) => p.status === 'ok')).toBe(true);
  });

  it('a probe returning from a wait does not start work while another measures', async () => {
    const log: string[] = [];
    await run(
      [
        defineProbe({
          name: 'dfdaemon',
          description: 'waits briefly, then works',
          budget: 0.5,
          run: async (ctx) => {
            await ctx.schedule?.idle(sleep(20));
            log.push('dfdaemon resumed');
            return { status: 'ok' };
          },
        }),
        defineProbe({
          name: 'loopback',
          description: 'measures for longer than the other waits',
          budget: 0.5,
          run: async (ctx) => {
            await ctx.schedule?.measuring();
            log.push('loopback measuring');
            await sleep(200);
            log.push('loopback done');
            return { status: 'ok' };
          },
        }),
      ],
      { timeoutSeconds: 20 },
    );
    expect(log).toEqual(['loopback measuring', 'loopback done', 'dfdaemon resumed']);
  });

  it('a probe that has measured lets another measure, and times its next part after a milestone, alone again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-runner-'));
    dirs.push(dir);
    const out = new BundleWriter(dir);
    const log: string[] = [];
    await runProbes({
      probes: [
        defineProbe({
          name: 'loopback',
          description: 'measures, then waits for dfdaemon to end, then measures again',
          budget: 0.5,
          run: async (ctx) => {
            await ctx.schedule?.measuring();
            log.push('loopback measuring');
            await sleep(50);
            ctx.schedule?.measured();
            await ctx.schedule?.idle(ctx.schedule.reached('dfdaemon', 'end'));
            await ctx.schedule?.measuring();
            log.push('loopback measuring again');
            return { status: 'ok' };
          },
        }),
        defineProbe({
          name: 'containerd',
          description: 'reads, then measures',
          budget: 0.5,
          run: async (ctx) => {
            await sleep(20);
            await ctx.schedule?.measuring();
            log.push('containerd measuring');
            await sleep(150);
            log.push('containerd done');
            return { status: 'ok' };
          },
        }),
        defineProbe({
          name: 'dfdaemon',
          description: 'waits, then reads once no probe measures',
          budget: 0.5,
          run: async (ctx) => {
            await ctx.schedule?.idle(sleep(100));
            log.push('dfdaemon done');
            return { status: 'ok' };
          },
        }),
      ],
      deselected: new Map(),
      options: { ...options, timeoutSeconds: 20 },
      out,
      signal: new AbortController().signal,
      cleanup: new CleanupStack(),
      progress: () => {},
    });
    expect(log).toEqual([
      'loopback measuring',
      'containerd measuring',
      'containerd done',
      'dfdaemon done',
      'loopback measuring again',
    ]);
  });

  it("does not count a wait for another probe against a probe's deadline, and records when it did what", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-runner-'));
    dirs.push(dir);
    const out = new BundleWriter(dir);
    await runProbes({
      probes: [
        defineProbe({
          name: 'dfdaemon',
          description: 'takes longer than the 3 s a probe gets by default',
          budget: 0.5,
          run: async (ctx) => {
            await ctx.schedule?.idle(sleep(3300));
            return { status: 'ok' };
          },
        }),
        defineProbe({
          name: 'loopback',
          description: 'reads, waits for dfdaemon, then works past its own 3 s',
          budget: 0.1,
          run: async (ctx) => {
            ctx.progress('reading');
            await sleep(50);
            ctx.progress('after dfdaemon');
            await ctx.schedule?.idle(ctx.schedule.reached('dfdaemon', 'end'));
            await sleep(200);
            return { status: 'ok', details: { left: Math.round(ctx.remainingMs()) } };
          },
        }),
      ],
      deselected: new Map(),
      options: { ...options, timeoutSeconds: 10 },
      out,
      signal: new AbortController().signal,
      cleanup: new CleanupStack(),
      progress: () => {},
    });
    const m = await out.finish({
      tool: { name: 'dfdoctor', version: '0' },
      host: { hostname: 'h', kernel: 'k', os: 'o', cpus: 1, memoryBytes: 1 },
      createdAt: 'x',
    });
    const l = m.probes.loopback;
    expect(l?.status).toBe('ok');
    expect(l?.durationMs).toBeGreaterThan(3000);
    // ~3.3 s waited for dfdaemon moved the 3 s deadline: most of the probe's own time is left
    expect(l?.left).toBeGreaterThan(2000);
    expect(l?.startMs).toBeGreaterThanOrEqual(0);
    const steps = (l?.steps ?? []).map((s) => s.what);
    expect(steps.slice(0, 3)).toEqual(['running', 'reading', 'after dfdaemon']);
    expect(steps).toContain('after dfdaemon, waiting');
    const at = (what: string) => l?.steps?.find((s) => s.what === what)?.atMs ?? NaN;
    expect(at('after dfdaemon') - at('reading')).toBeGreaterThanOrEqual(40);
  });
});
