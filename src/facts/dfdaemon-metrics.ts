// Facts from the two /metrics scrapes (raw/dfdaemon/metrics-0.prom, metrics-1.prom). Metric names
// per generation: Go dfdaemon `dragonfly_dfdaemon_*` (dragonflyoss/dragonfly v2.1.49
// client/daemon/metrics/metrics.go: no bytes per traffic type, no duration histogram), Rust client
// `dragonfly_client_*` (dragonflyoss/client v1.5.1 dragonfly-client-metric/src/lib.rs). test/samples holds
// expositions of both.
import {
  bucketDelta,
  type Exposition,
  histogramBuckets,
  histogramQuantile,
  increase,
  parsePrometheus,
  select,
  sum,
} from '../parsers/prometheus.js';
import type { FactsContext } from './context.js';
import { BUNDLE } from '../bundle/layout.js';

export interface Counter {
  total: number;
  /** Increase between the two scrapes (null with one scrape). */
  delta: number | null;
  perSecond: number | null;
  /** file:line of the sample, for evidence. */
  at: string;
}

export interface Quantiles {
  p50: number | null;
  p99: number | null;
  count: number;
  /** "interval" when taken from the observations between the scrapes, else over the process lifetime. */
  window: 'interval' | 'lifetime';
  at: string;
}

export type TrafficType = 'LOCAL_PEER' | 'REMOTE_PEER' | 'BACK_TO_SOURCE';

export interface DfdaemonMetrics {
  generation: 'go' | 'rust' | null;
  intervalSeconds: number | null;
  version?: string;
  /** Rust only: bytes by how they were served. */
  traffic?: Partial<Record<TrafficType, Counter>>;
  tasks?: Counter;
  taskFailures?: Counter;
  /** Go only: local reuses (a count; no bytes, no duration). */
  cacheHits?: Counter;
  pieces?: Counter;
  pieceFailures?: Counter;
  proxyRequests?: Counter;
  proxyViaP2P?: Counter;
  proxyDirect?: Counter;
  proxyFailures?: Counter;
  proxyBytes?: Counter;
  downloadDurationMs?: Quantiles;
  backendDurationMs?: Quantiles;
  concurrentTasks?: number;
  /** CPU cores used on average between the scrapes. */
  cpuCores?: number | null;
  rssBytes?: number;
  /** The scheduler's traffic counter, if a scheduler exposition was captured (it cannot show Go hits). */
  schedulerTrafficTypes?: string[];
}

const FILES = [BUNDLE.dfdaemon.metrics0, BUNDLE.dfdaemon.metrics1] as const;

export async function buildMetrics(ctx: FactsContext): Promise<DfdaemonMetrics | undefined> {
  const texts = await Promise.all(FILES.map((f) => ctx.bundle.text(f)));
  const parsed: (Exposition | undefined)[] = texts.map((t, i) => {
    if (t === undefined) return undefined;
    const e = parsePrometheus(t);
    for (const err of e.errors.slice(0, 5))
      ctx.problem({ file: FILES[i] as string, line: err.line, message: err.message });
    if (e.errors.length > 5)
      ctx.problem({ file: FILES[i] as string, message: `${e.errors.length - 5} more lines not read` });
    return e;
  });
  const [a0, b0] = parsed;
  const b = b0 ?? a0;
  if (!b) return undefined;
  const a = b0 ? a0 : undefined;
  const bFile = b0 ? FILES[1] : FILES[0];
  const rec = ctx.facts.manifest.probes.dfdaemon;
  const times = Array.isArray(rec?.scrapeTimes) ? (rec.scrapeTimes as unknown[]) : [];
  let interval: number | null = null;
  if (a && times.length === 2) {
    const t0 = Date.parse(String(times[0]));
    const t1 = Date.parse(String(times[1]));
    if (Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0) interval = (t1 - t0) / 1000;
  }
  const has = (prefix: string) => [...b.families.keys()].some((k) => k.startsWith(prefix));
  const generation = has('dragonfly_dfdaemon_') ? 'go' : has('dragonfly_client_') ? 'rust' : null;
  const counter = (name: string, match: Record<string, string> = {}): Counter | undefined => {
    const total = sum(b, name, match);
    if (total === undefined) return undefined;
    const s = select(b, name, match)[0];
    const delta = a ? (increase(a, b, name, match) ?? null) : null;
    return {
      total,
      delta,
      perSecond: delta !== null && interval ? delta / interval : null,
      at: `${bFile}:${s?.line ?? 0}`,
    };
  };
  const quant = (family: string): Quantiles | undefined => {
    const after = histogramBuckets(b, family);
    if (after.length === 0) return undefined;
    const before = a ? histogramBuckets(a, family) : [];
    const delta = bucketDelta(before, after);
    const inf = (bs: { le: number; count: number }[]) => bs.find((x) => x.le === Number.POSITIVE_INFINITY)?.count ?? 0;
    const useDelta = a !== undefined && inf(delta) > 0;
    const bs = useDelta ? delta : after;
    const s = select(b, `${family}_bucket`)[0];
    return {
      p50: histogramQuantile(0.5, bs),
      p99: histogramQuantile(0.99, bs),
      count: inf(bs),
      window: useDelta ? 'interval' : 'lifetime',
      at: `${bFile}:${s?.line ?? 0}`,
    };
  };
  const out: DfdaemonMetrics = { generation, intervalSeconds: interval };
  const set = <K extends keyof DfdaemonMetrics>(k: K, v: DfdaemonMetrics[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  const version = select(b, generation === 'go' ? 'dragonfly_dfdaemon_version' : 'dragonfly_client_version')[0]?.labels
    .git_version;
  if (version) out.version = version;
  if (generation === 'go') {
    set('tasks', counter('dragonfly_dfdaemon_peer_task_total'));
    set('taskFailures', counter('dragonfly_dfdaemon_peer_task_failed_total'));
    set('cacheHits', counter('dragonfly_dfdaemon_peer_task_cache_hit_total'));
    set('pieces', counter('dragonfly_dfdaemon_piece_task_total'));
    set('pieceFailures', counter('dragonfly_dfdaemon_piece_task_failed_total'));
    set('proxyRequests', counter('dragonfly_dfdaemon_proxy_request_total'));
    set('proxyViaP2P', counter('dragonfly_dfdaemon_proxy_request_via_dragonfly_total'));
    set('proxyDirect', counter('dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total'));
    set('proxyBytes', counter('dragonfly_dfdaemon_proxy_request_bytes_total'));
  } else if (generation === 'rust') {
    const traffic: Partial<Record<TrafficType, Counter>> = {};
    for (const t of ['LOCAL_PEER', 'REMOTE_PEER', 'BACK_TO_SOURCE'] as const) {
      const c = counter('dragonfly_client_download_traffic', { type: t });
      if (c) traffic[t] = c;
    }
    if (Object.keys(traffic).length > 0) out.traffic = traffic;
    set('tasks', counter('dragonfly_client_download_task_total'));
    set('taskFailures', counter('dragonfly_client_download_task_failure_total'));
    set('proxyRequests', counter('dragonfly_client_proxy_request_total'));
    set('proxyViaP2P', counter('dragonfly_client_proxy_request_via_dfdaemon_total'));
    set('proxyFailures', counter('dragonfly_client_proxy_request_failure_total'));
    if (out.proxyRequests && out.proxyViaP2P) {
      const r = out.proxyRequests;
      const v = out.proxyViaP2P;
      out.proxyDirect = {
        total: r.total - v.total,
        delta: r.delta !== null && v.delta !== null ? r.delta - v.delta : null,
        perSecond: r.perSecond !== null && v.perSecond !== null ? r.perSecond - v.perSecond : null,
        at: `${r.at} − ${v.at}`,
      };
    }
    set('downloadDurationMs', quant('dragonfly_client_download_task_duration_milliseconds'));
    set('backendDurationMs', quant('dragonfly_client_backend_request_duration_milliseconds'));
    const conc = sum(b, 'dragonfly_client_concurrent_download_task_total');
    if (conc !== undefined) out.concurrentTasks = conc;
  }
  const cpu = counter('process_cpu_seconds_total');
  if (cpu) out.cpuCores = cpu.perSecond;
  const rss = sum(b, 'process_resident_memory_bytes');
  if (rss !== undefined) out.rssBytes = rss;
  const sched = select(b, 'dragonfly_scheduler_traffic');
  if (sched.length > 0) out.schedulerTrafficTypes = [...new Set(sched.map((s) => s.labels.type ?? ''))].sort();
  return out;
}
