import { lookup } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopbackMeasurement } from '../bundle/measurements.js';
import { defineProbe, type ProbeContext } from './context.js';
import { runCommand } from './exec.js';
import {
  bulkThroughput,
  freshConnRtt,
  keepAliveRtt,
  quantile,
  startBaselineServer,
  type ThroughputResult,
} from './net-measure.js';
import { checkConnect, type EndpointCheck, endpointsToTry, p50, p99, timedGet } from './net-endpoints.js';
import { readNodeFile } from './read-node.js';
import { BUNDLE } from '../bundle/layout.js';

const MAX_RTT_SAMPLES = 2000;
const MAX_FRESH_SAMPLES = 500;
const MAX_BULK_BYTES = 64 * 1024 * 1024;

async function copyNodeFiles(ctx: ProbeContext, missing: string[]): Promise<void> {
  const files: [string, string, boolean][] = [
    ['/etc/hosts', BUNDLE.net.hosts, true],
    ['/etc/resolv.conf', BUNDLE.net.resolv, true],
    ['/etc/nsswitch.conf', BUNDLE.net.nsswitch, true],
    ['/etc/gai.conf', BUNDLE.net.gai, false],
  ];
  for (const [src, rel, wanted] of files) {
    const r = await readNodeFile(ctx.nodePath(src), 1024 * 1024);
    if (r.kind === 'ok') await ctx.out.writeText(rel, r.text);
    else if (wanted || r.kind !== 'missing') missing.push(r.reason);
  }
  // lo's MTU is the live kernel's, whatever --root says
  const mtu = await readNodeFile('/sys/class/net/lo/mtu', 64);
  if (mtu.kind === 'ok') await ctx.out.writeText(BUNDLE.net.loMtu, mtu.text);
}

async function commands(ctx: ProbeContext, missing: string[]): Promise<void> {
  const opts = { timeoutMs: 3000, signal: ctx.signal, maxBuffer: 8 * 1024 * 1024 };
  let ss = await runCommand('ss', ['-ltnp'], opts);
  if (ss.kind !== 'ok') ss = await runCommand('ss', ['-ltn'], opts);
  if (ss.kind === 'ok') await ctx.out.writeText(BUNDLE.net.listeners, ss.stdout);
  else missing.push(`listeners: ${ss.reason}`);
  const tc = await runCommand('tc', ['qdisc', 'show', 'dev', 'lo'], opts);
  if (tc.kind === 'ok') await ctx.out.writeText(BUNDLE.net.qdisc, tc.stdout);
  else missing.push(`qdisc: ${tc.reason}`);
}

/** The node's own getaddrinfo answer, in its order, for every name a mirror may use. */
async function liveResolution(
  ctx: ProbeContext,
  hosts: string[],
): Promise<Record<string, { addresses: string[]; error?: string }>> {
  const out: Record<string, { addresses: string[]; error?: string }> = {};
  for (const h of hosts) {
    try {
      const r = await Promise.race([
        lookup(h, { all: true, verbatim: true }),
        sleep(2000, null, { signal: ctx.signal }).then(() => {
          throw new Error('lookup timed out after 2000 ms');
        }),
      ]);
      out[h] = { addresses: (r ?? []).map((a) => a.address) };
    } catch (e) {
      out[h] = { addresses: [], error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
  }
  return out;
}

function hostOf(hostPort: string): string {
  try {
    return new URL(hostPort.includes('://') ? hostPort : `http://${hostPort}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return hostPort;
  }
}

export const loopbackProbe = defineProbe({
  name: 'loopback',
  description:
    "loopback RTT and throughput to dfdoctor's own listener and to dfdaemon's endpoints; listeners, lo qdisc, name-resolution files",
  budget: 0.15,
  async run(ctx) {
    const missing: string[] = [];
    await copyNodeFiles(ctx, missing);
    await commands(ctx, missing);

    const endpoints = endpointsToTry(ctx.options.dfdaemonProxy, ctx.discovery.dfdaemon);
    const names = new Set<string>(['localhost', '127.0.0.1']);
    for (const h of ctx.discovery.containerd?.mirrorHosts ?? []) names.add(hostOf(h));
    for (const e of endpoints) if (e.from !== 'default') names.add(hostOf(e.url));
    // a live lookup describes this process's view; under --root that is the pod's, not the node's
    if (ctx.options.root === '/' || ctx.options.root === '') {
      await ctx.out.writeJson(BUNDLE.net.resolve, await liveResolution(ctx, [...names]));
    }

    // from here on the probe measures: nothing else of dfdoctor may load the CPUs or loopback meanwhile
    await ctx.schedule?.measuring();
    const m: LoopbackMeasurement = {};
    // split what is left between the phases; each has its own bound in samples and bytes
    const left = () => Math.max(0, ctx.remainingMs() - 500);
    const share = (frac: number, cap: number) => Math.max(100, Math.min(cap, left() * frac));
    let baselineError: string | null = null;
    ctx.progress('baseline listener');
    let server: Awaited<ReturnType<typeof startBaselineServer>> | null = null;
    const unregister = ctx.cleanup.add(async () => {
      await server?.stop();
    });
    try {
      server = await startBaselineServer();
      const keep = await keepAliveRtt(server.port, {
        maxSamples: MAX_RTT_SAMPLES,
        budgetMs: share(0.2, 1500),
        signal: ctx.signal,
      });
      const fresh = await freshConnRtt(server.port, {
        maxSamples: MAX_FRESH_SAMPLES,
        budgetMs: share(0.25, 1500),
        signal: ctx.signal,
      });
      // a transfer that fails (a lossy path can reset or stall one) costs that transfer, not the RTT figures
      const bulkErrors: string[] = [];
      const tcpRun = (maxBytes: number, budgetMs: number) =>
        bulkThroughput(server?.port ?? 0, { maxBytes, budgetMs }).catch(
          (e: Error) => (bulkErrors.push(e.message), null),
        );
      // a short first transfer warms the JIT and the socket buffers; only the later ones count
      await tcpRun(4 * 1024 * 1024, share(0.05, 200));
      // best of two: on a busy node one transfer can lose the CPU for a while; a shaper slows both
      const best = (a: ThroughputResult | null, b: ThroughputResult | null) =>
        !a ? b : !b ? a : b.MBps > a.MBps ? b : a;
      let bulk = await tcpRun(MAX_BULK_BYTES, share(0.15, 500));
      // the same transfer over a UNIX socket: same CPUs, same moment, no lo qdisc and no netfilter
      const unixRun = () =>
        server?.unixPath
          ? bulkThroughput(server.unixPath, { maxBytes: MAX_BULK_BYTES, budgetMs: share(0.08, 250) }).catch(() => null)
          : Promise.resolve(null);
      let unix = await unixRun();
      bulk = best(bulk, await tcpRun(MAX_BULK_BYTES, share(0.15, 500)));
      unix = best(unix, await unixRun());
      const ks = [...keep.samples].sort((a, b) => a - b);
      const fs = [...fresh.samples].sort((a, b) => a - b);
      if (ks.length > 0 && !bulk)
        missing.push(
          `no bulk transfer on loopback completed (${bulkErrors[0] ?? 'no bytes moved'}): RTT measured, throughput not`,
        );
      if (ks.length > 0 && bulk) {
        m.baseline = {
          rttP50Ms: quantile(ks, 0.5),
          rttP99Ms: quantile(ks, 0.99),
          throughputMBps: bulk.MBps,
          samples: ks.length,
          throughputBytes: bulk.bytes,
        };
        if (unix && unix.bytes > 0) m.baseline.unixThroughputMBps = unix.MBps;
        if (fs.length > 0) {
          m.baseline.freshConnRttP50Ms = quantile(fs, 0.5);
          m.baseline.freshConnRttP99Ms = quantile(fs, 0.99);
          m.baseline.freshSamples = fs.length;
        }
      }
      if (keep.censored + fresh.censored > 0)
        missing.push(
          `${keep.censored + fresh.censored} round trip(s) did not complete before the phase deadline (counted at their elapsed time)`,
        );
    } catch (e) {
      baselineError = (e as Error).message;
    } finally {
      await server?.stop();
      unregister();
    }

    ctx.progress("dfdaemon's endpoints");
    const checks: EndpointCheck[] = [];
    for (const e of endpoints) {
      if (ctx.signal.aborted || left() < 150) break;
      checks.push(await checkConnect(e, share(0.1, 300), 50));
    }
    await ctx.out.writeJson(BUNDLE.net.endpoints, {
      dfdaemon: checks.map((c) => ({ role: c.role, url: c.url, port: c.port, from: c.from, tcp: c.tcp })),
      untried: endpoints.filter((e) => !checks.some((c) => c.url === e.url)).map((e) => e.url),
    });
    const proxy =
      checks.find((c) => c.role === 'proxy' && c.tcp === 'open') ??
      checks.find((c) => c.role === 'proxy' && c.from !== 'default');
    const getter =
      checks.find((c) => c.get && c.tcp === 'open' && c.role === 'metrics') ??
      checks.find((c) => c.get && c.tcp === 'open');
    if (proxy || getter) {
      const ttfb: number[] = [];
      let bytes = 0;
      let best: number | null = null;
      const deadline = performance.now() + share(0.6, 1500);
      for (let i = 0; getter && i < 20 && performance.now() < deadline; i++) {
        const r = await timedGet(getter.url, {
          budgetMs: Math.max(50, deadline - performance.now()),
          maxBytes: MAX_BULK_BYTES,
        });
        if ('error' in r) {
          // a hung, trickling or resetting dfdaemon is a finding: say so rather than leave the figures empty
          if (ttfb.length === 0) missing.push(`GET ${getter.url}: ${r.error}`);
          break;
        }
        ttfb.push(r.ttfbMs);
        bytes = Math.max(bytes, r.bodyBytes);
        if (r.MBps !== null) best = Math.max(best ?? 0, r.MBps);
      }
      const main = proxy ?? getter;
      m.dfdaemon = {
        endpoint: main?.url ?? '',
        connectP50Ms: p50(main?.connectMs ?? []),
        ttfbP50Ms: p50(ttfb),
        ttfbP99Ms: p99(ttfb),
        throughputMBps: best,
        endpoints: checks.map((c) => ({ url: c.url, role: c.role, tcp: c.tcp, connectP50Ms: p50(c.connectMs) })),
      };
      if (getter && ttfb.length > 0) {
        m.dfdaemon.responseUrl = getter.url;
        m.dfdaemon.responseBytes = bytes;
      }
    }
    if (m.baseline || m.dfdaemon) ctx.out.setMeasurement('loopback', m);
    if (baselineError && !m.baseline) return { status: 'failed', reason: `baseline listener: ${baselineError}` };
    const notes = [...missing];
    if (!m.dfdaemon)
      notes.push(`no dfdaemon endpoint answered on loopback (tried ${endpoints.map((e) => e.url).join(', ')})`);
    return {
      status: 'ok',
      ...(notes.length > 0 ? { reason: `partial: ${notes.join('; ')}` } : {}),
      details: { endpointsTried: checks.length },
    };
  },
});
