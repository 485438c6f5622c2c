import { lookup } from 'node:dns/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoopbackMeasurement } from '../bundle/measurements.js';
import type { ProbeModule, ProbeContext } from './context.js';
import { runCommand } from './exec.js';
import {
  type BaselineServer,
  bulkThroughput,
  freshConnRtt,
  keepAliveRtt,
  quantile,
  startBaselineServer,
  type ThroughputResult,
} from './net-measure.js';
import { checkConnect, type EndpointCheck, endpointsToTry, p50, p99, timedGet } from './net-endpoints.js';
import { readNodeFile } from './read-node.js';
import { type SettleRule, stableRate } from './stable.js';
import { BUNDLE } from '../bundle/layout.js';

const MAX_RTT_SAMPLES = 2000;
const MAX_FRESH_SAMPLES = 500;
/** Long enough to time at several GB/s; the first transfers of a run are slower (JIT, socket buffers), so several short ones beat few long ones. */
const MAX_BULK_BYTES = 32 * 1024 * 1024;
const WARM_UP_BYTES = 16 * 1024 * 1024;
/** At most this many timed transfers each over TCP and over the UNIX socket: best of them, once two agree. */
const MAX_BULK_RUNS = 4;
/** 300 kept-alive samples at least: the p99 that tells a lost segment from a busy CPU is then the third slowest. */
const KEEP_ALIVE_SETTLE: SettleRule = { minSamples: 300, every: 100, within: 0.1 };
const FRESH_SETTLE: SettleRule = { minSamples: 100, every: 50, within: 0.1 };

/**
 * Bulk throughput over TCP on 127.0.0.1, and the same transfer over a UNIX socket (same CPUs, same
 * moment, no lo qdisc and no netfilter), alternated: the best of each, once the two best TCP runs agree
 * (a transfer that loses the CPU for a while is slower, never faster; a shaper slows all alike).
 */
async function throughput(
  server: BaselineServer,
  share: (frac: number, cap: number) => number,
  signal: AbortSignal,
): Promise<{ tcp: ThroughputResult | null; unix: ThroughputResult | null; errors: string[] }> {
  // a transfer that fails (a lossy path can reset or stall one) costs that transfer, not the RTT figures
  const errors: string[] = [];
  const tcpRun = (maxBytes: number, budgetMs: number) =>
    bulkThroughput(server.port, { maxBytes, budgetMs }).catch((e: Error) => (errors.push(e.message), null));
  // a first transfer warms the JIT and the socket buffers; only the later ones count
  await tcpRun(WARM_UP_BYTES, share(0.05, 200));
  let tcp: ThroughputResult | null = null;
  let unix: ThroughputResult | null = null;
  const best = (a: ThroughputResult | null, b: ThroughputResult | null) => (!a ? b : !b ? a : b.MBps > a.MBps ? b : a);
  await stableRate(
    async () => {
      const r = await tcpRun(MAX_BULK_BYTES, share(0.15, 400));
      tcp = best(tcp, r);
      if (server.unixPath)
        unix = best(
          unix,
          await bulkThroughput(server.unixPath, { maxBytes: MAX_BULK_BYTES, budgetMs: share(0.08, 250) }).catch(
            () => null,
          ),
        );
      return r?.MBps ?? null;
    },
    share(0.45, 1500),
    signal,
    MAX_BULK_RUNS,
  );
  return { tcp, unix, errors };
}

async function copyNodeFiles(ctx: ProbeContext): Promise<string[]> {
  const missing: string[] = [];
  const files: [string, string, boolean][] = [
    ['/etc/hosts', BUNDLE.net.hosts, true],
    ['/etc/resolv.conf', BUNDLE.net.resolv, true],
    ['/etc/nsswitch.conf', BUNDLE.net.nsswitch, true],
    ['/etc/gai.conf', BUNDLE.net.gai, false],
  ];
  for (const [src, rel, wanted] of files) {
    const r = await readNodeFile(ctx.nodePath(src), 1024 * 1024);
    if (r.kind === 'ok') await ctx.out.writeText(rel, r.text, src);
    else if (wanted || r.kind !== 'missing') missing.push(r.reason);
  }
  // lo's MTU is the live kernel's, whatever --root says
  const mtu = await readNodeFile('/sys/class/net/lo/mtu', 64);
  if (mtu.kind === 'ok') await ctx.out.writeText(BUNDLE.net.loMtu, mtu.text, '/sys/class/net/lo/mtu');
  return missing;
}

async function commands(ctx: ProbeContext): Promise<string[]> {
  const missing: string[] = [];
  const opts = { timeoutMs: 3000, signal: ctx.signal, maxBuffer: 8 * 1024 * 1024 };
  // with the owning processes when allowed, else without
  const listeners = async () => {
    const withOwners = await runCommand('ss', ['-ltnp'], opts);
    if (withOwners.kind === 'ok') return { ss: withOwners, from: '`ss -ltnp`' };
    return { ss: await runCommand('ss', ['-ltn'], opts), from: '`ss -ltn`' };
  };
  const [{ ss, from }, tc] = await Promise.all([listeners(), runCommand('tc', ['qdisc', 'show', 'dev', 'lo'], opts)]);
  if (ss.kind === 'ok') await ctx.out.writeText(BUNDLE.net.listeners, ss.stdout, from);
  else missing.push(`listeners: ${ss.reason}`);
  if (tc.kind === 'ok') await ctx.out.writeText(BUNDLE.net.qdisc, tc.stdout, '`tc qdisc show dev lo`');
  else missing.push(`qdisc: ${tc.reason}`);
  return missing;
}

/** The node's own getaddrinfo answer, in its order, for every name a mirror may use. */
async function liveResolution(
  ctx: ProbeContext,
  hosts: string[],
): Promise<Record<string, { addresses: string[]; error?: string }>> {
  const one = async (h: string): Promise<{ addresses: string[]; error?: string }> => {
    try {
      const r = await Promise.race([
        lookup(h, { all: true, verbatim: true }),
        sleep(2000, null, { signal: ctx.signal }).then(() => {
          throw new Error('lookup timed out after 2000 ms');
        }),
      ]);
      return { addresses: (r ?? []).map((a) => a.address) };
    } catch (e) {
      return { addresses: [], error: (e as NodeJS.ErrnoException).code ?? (e as Error).message };
    }
  };
  // side by side (each lookup waits on its own resolver thread), recorded in the names' order
  const answers = await Promise.all(hosts.map(one));
  return Object.fromEntries(hosts.map((h, i) => [h, answers[i] as { addresses: string[]; error?: string }]));
}

function hostOf(hostPort: string): string {
  try {
    return new URL(hostPort.includes('://') ? hostPort : `http://${hostPort}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return hostPort;
  }
}

export const loopbackProbe: ProbeModule = {
  async run(ctx) {
    ctx.progress('listeners, qdisc, resolver files');
    const [fileGaps, commandGaps] = await Promise.all([copyNodeFiles(ctx), commands(ctx)]);
    const missing = [...fileGaps, ...commandGaps];

    // the names to resolve and the endpoints to time come from dfdaemon's and containerd's discovery
    if (ctx.schedule)
      await ctx.schedule.idle(
        Promise.all([ctx.schedule.reached('dfdaemon', 'discovery'), ctx.schedule.reached('containerd', 'discovery')]),
      );
    const endpoints = endpointsToTry(ctx.options.dfdaemonProxy, ctx.discovery.dfdaemon);
    const names = new Set<string>(['localhost', '127.0.0.1']);
    for (const h of ctx.discovery.containerd?.mirrorHosts ?? []) names.add(hostOf(h));
    for (const e of endpoints) if (e.from !== 'default') names.add(hostOf(e.url));
    // a live lookup describes this process's view; under --root that is the pod's, not the node's
    if (ctx.options.root === '/' || ctx.options.root === '') {
      ctx.progress('name resolution');
      await ctx.out.writeJson(
        BUNDLE.net.resolve,
        await liveResolution(ctx, [...names]),
        "dfdoctor's lookups of the mirror hosts through the node's resolver (getaddrinfo)",
      );
    }

    const m: LoopbackMeasurement = {};
    // split what is left between the phases; each has its own bound in samples and bytes, and the RTT
    // and throughput phases end as soon as their figure is stable
    const left = () => Math.max(0, ctx.remainingMs() - 500);
    const share = (frac: number, cap: number) => Math.max(100, Math.min(cap, left() * frac));
    let baselineError: string | null = null;
    ctx.progress('baseline listener');
    let server: Awaited<ReturnType<typeof startBaselineServer>> | null = null;
    const unregister = ctx.cleanup.add(async () => {
      await server?.stop();
    });
    try {
      // starting the listener's thread is work of its own, done before the measurement
      server = await startBaselineServer();
      // from here on the probe measures: nothing else of dfdoctor may load the CPUs or loopback meanwhile
      await ctx.schedule?.measuring();
      ctx.progress('round trips, kept-alive connection');
      const keep = await keepAliveRtt(server.port, {
        maxSamples: MAX_RTT_SAMPLES,
        budgetMs: share(0.2, 1500),
        signal: ctx.signal,
        settle: KEEP_ALIVE_SETTLE,
      });
      ctx.progress('round trips, fresh connections');
      const fresh = await freshConnRtt(server.port, {
        maxSamples: MAX_FRESH_SAMPLES,
        budgetMs: share(0.25, 1500),
        signal: ctx.signal,
        settle: FRESH_SETTLE,
      });
      ctx.progress('throughput');
      const t = await throughput(server, share, ctx.signal);
      const ks = [...keep.samples].sort((a, b) => a - b);
      const fs = [...fresh.samples].sort((a, b) => a - b);
      // the round trips stand on their own: a lossy lo that stalls every bulk transfer shows itself
      // exactly in them (a p99 at the retransmission timeout), so they are kept without a throughput
      if (ks.length > 0) {
        m.baseline = {
          rttP50Ms: quantile(ks, 0.5),
          rttP99Ms: quantile(ks, 0.99),
          samples: ks.length,
          ...(fs.length > 0
            ? { freshConnRttP50Ms: quantile(fs, 0.5), freshConnRttP99Ms: quantile(fs, 0.99), freshSamples: fs.length }
            : {}),
          ...(t.tcp
            ? {
                throughput: {
                  MBps: t.tcp.MBps,
                  bytes: t.tcp.bytes,
                  ...(t.unix && t.unix.bytes > 0 ? { unixMBps: t.unix.MBps } : {}),
                },
              }
            : {}),
        };
        if (!t.tcp)
          missing.push(
            `no bulk transfer on loopback completed (${t.errors[0] ?? 'no bytes moved'}): RTT measured, throughput not`,
          );
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

    if (ctx.schedule) {
      // dfdaemon's endpoints once its second metrics scrape is taken: none of these requests may fall
      // between the two; meanwhile another probe may measure, and the endpoints are then timed alone
      ctx.schedule.measured();
      ctx.progress("dfdaemon's endpoints after its metrics scrapes");
      await ctx.schedule.idle(ctx.schedule.reached('dfdaemon', 'end'));
      await ctx.schedule.measuring();
    }
    ctx.progress("dfdaemon's endpoints");
    const checks: EndpointCheck[] = [];
    for (const e of endpoints) {
      if (ctx.signal.aborted || left() < 150) break;
      checks.push(await checkConnect(e, share(0.1, 300), 50));
    }
    await ctx.out.writeJson(
      BUNDLE.net.endpoints,
      {
        dfdaemon: checks.map((c) => ({ role: c.role, url: c.url, port: c.port, from: c.from, tcp: c.tcp })),
        untried: endpoints.filter((e) => !checks.some((c) => c.url === e.url)).map((e) => e.url),
      },
      "dfdoctor's connects to dfdaemon's endpoints on loopback",
    );
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
};
