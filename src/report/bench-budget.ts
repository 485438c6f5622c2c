import type {
  BenchIsolation,
  BenchMeasurement,
  BenchPhase,
  BenchPull,
  BenchVerdict,
  Measurements,
} from '../bundle/measurements.js';
import { renderBars } from './bars.js';

/**
 * The time-budget picture of `dfdoctor bench` and the phase it names. Pure: the bench command calls
 * `benchVerdict` when it measures, and the table and markdown reports call `benchBudgetLines`.
 */

const PHASE_LABEL: Record<BenchVerdict['phase'], string> = {
  'dfdaemon-fetch': 'dfdaemon fetch',
  'disk-read': 'disk read',
  loopback: 'loopback',
  gunzip: 'gunzip',
  sha256: 'sha256',
  'fetch-waves': 'fetch waves',
  unpack: 'unpack',
  resolve: 'resolve',
};

/** A pull fetched below this share of the slowest floor was not bounded by any of them. */
const SLOWER_THAN_FLOORS = 0.4;

const pullBytes = (p: BenchPull) => p.layers.reduce((s, l) => s + l.bytes, 0);
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
const short = (d: string) => d.replace(/^sha256:/, '').slice(0, 12);

/** The pull whose time is explained: the slowest one (ties go to the later, warm pull). */
export function slowestPull(b: Pick<BenchMeasurement, 'pulls'>): BenchPull | null {
  let best: BenchPull | null = null;
  for (const p of b.pulls) if (!best || p.wallSeconds >= best.wallSeconds) best = p;
  return best;
}

/** A pull's wall time split into resolve, fetch, unpack and the rest (containerd's own bookkeeping). */
export function pullBudget(p: BenchPull): { label: string; seconds: number }[] {
  const resolve = p.resolveSeconds ?? 0;
  const fetch = p.fetchSeconds ?? 0;
  const unpack = p.unpackSeconds ?? 0;
  const other = Math.max(0, p.wallSeconds - resolve - fetch - unpack);
  return [
    { label: 'resolve', seconds: resolve },
    { label: 'fetch', seconds: fetch },
    { label: 'unpack', seconds: unpack },
    { label: 'other', seconds: other },
  ];
}

function mbps(iso: BenchIsolation | undefined, phase: BenchPhase): number | null {
  return iso?.phases.find((p) => p.phase === phase)?.MBps ?? null;
}

/** Sum of the phase floors for one layer: what a pull of it cannot beat when the phases run one after another. */
export function floorSumSeconds(iso: BenchIsolation): number | null {
  const secs = iso.phases.map((p) => p.seconds).filter((s): s is number => s !== null);
  return secs.length === 0 ? null : secs.reduce((a, b) => a + b, 0);
}

/**
 * Names the phase the seconds went to, in the slowest pull:
 * - unpack (or gunzip, when decompressing alone needs half the unpack time) when unpack dominates;
 * - fetch waves when fetching dominates and layers went one at a time (max_concurrent_downloads 1,
 *   or an observed concurrency of about one with ≥ 3 layers);
 * - dfdaemon fetch when the pull fetched at under 40 % of even the slowest floor of a cache hit
 *   (dfdaemon went back to source or to peers for it, under its rate limit);
 * - else the slowest of the fetch floors (dfdaemon fetch, disk read, loopback) — and where dfdaemon's
 *   fetch is within 35 % of the disk or loopback floor, that floor, since the fetch rides on it.
 */
export function benchVerdict(b: Omit<BenchMeasurement, 'verdict'>): BenchVerdict | null {
  const pull = slowestPull(b);
  if (!pull || pull.wallSeconds <= 0) return null;
  const budget = Object.fromEntries(pullBudget(pull).map((x) => [x.label, x.seconds])) as Record<string, number>;
  const fetch = budget.fetch ?? 0;
  const unpack = budget.unpack ?? 0;
  const resolve = budget.resolve ?? 0;
  const bytes = pullBytes(pull);
  const of = `${pull.kind} pull of ${b.image}: ${pull.wallSeconds.toFixed(2)} s`;
  if (unpack >= fetch && unpack >= resolve && unpack > 0) {
    const gz = b.floors.gunzipMBps;
    const gzSeconds = gz ? bytes / 1e6 / gz : null;
    if (gzSeconds !== null && gzSeconds >= 0.5 * unpack) {
      return {
        phase: 'gunzip',
        pull: pull.kind,
        seconds: unpack,
        text: `${of}, ${unpack.toFixed(2)} s unpacking; gunzip alone needs ${gzSeconds.toFixed(2)} s for ${mb(bytes)} at ${gz?.toFixed(0)} MB/s`,
      };
    }
    return {
      phase: 'unpack',
      pull: pull.kind,
      seconds: unpack,
      text: `${of}, ${unpack.toFixed(2)} s unpacking (snapshot writes and decompression)`,
    };
  }
  if (resolve > fetch) {
    return {
      phase: 'resolve',
      pull: pull.kind,
      seconds: resolve,
      text: `${of}, ${resolve.toFixed(2)} s resolving the manifest (registry round trips)`,
    };
  }
  const fetched = pull.layers.filter((l) => l.fetchMeasured !== 'mirror-request' && l.fetchSeconds !== null);
  const layerSum = fetched.reduce((s, l) => s + (l.fetchSeconds ?? 0), 0);
  const concurrency = fetch > 0 ? layerSum / fetch : 0;
  const limit = b.maxConcurrentDownloads ?? null;
  if (fetched.length >= 3 && ((limit !== null && limit <= 1) || concurrency < 1.25)) {
    const waves = pull.waves?.length ?? fetched.length;
    return {
      phase: 'fetch-waves',
      pull: pull.kind,
      seconds: fetch,
      text: `${of}, ${fetch.toFixed(2)} s fetching ${fetched.length} layers in ${waves} waves (max_concurrent_downloads ${limit ?? '?'}, observed concurrency ${concurrency.toFixed(1)})`,
    };
  }
  const iso = b.isolation;
  const cands = (['dfdaemon-fetch', 'disk-read', 'loopback'] as const)
    .map((phase) => ({ phase, MBps: mbps(iso, phase) }))
    .filter(
      (c): c is { phase: BenchPhase & ('dfdaemon-fetch' | 'disk-read' | 'loopback'); MBps: number } =>
        c.MBps !== null && c.MBps > 0,
    )
    .sort((x, y) => x.MBps - y.MBps);
  const rate = fetch > 0 ? bytes / 1e6 / fetch : null;
  // far below even dfdaemon's own cache-hit fetch: dfdaemon's path for this pull (back-to-source or
  // P2P and their rate limit) cost the time, not a floor of the cache-hit path
  if (rate !== null && cands.length > 0 && rate < SLOWER_THAN_FLOORS * (cands[0] as { MBps: number }).MBps) {
    return {
      phase: 'dfdaemon-fetch',
      pull: pull.kind,
      seconds: fetch,
      text: `${of}, ${fetch.toFixed(2)} s fetching ${mb(bytes)} at ${rate.toFixed(1)} MB/s, far below every floor of a cache hit (slowest: ${PHASE_LABEL[(cands[0] as { phase: BenchPhase }).phase]} ${(cands[0] as { MBps: number }).MBps.toFixed(1)} MB/s): dfdaemon's own path for this pull (back-to-source or P2P, and its rate limit) cost the time`,
    };
  }
  let named = cands[0];
  if (named?.phase === 'dfdaemon-fetch') {
    const under = cands.find((c) => c.phase !== 'dfdaemon-fetch' && c.MBps <= 1.35 * named!.MBps);
    if (under) named = under;
  }
  if (!named) {
    return {
      phase: 'dfdaemon-fetch',
      pull: pull.kind,
      seconds: fetch,
      text: `${of}, ${fetch.toFixed(2)} s fetching; no floor could be measured`,
    };
  }
  return {
    phase: named.phase,
    pull: pull.kind,
    seconds: fetch,
    text: `${of}, ${fetch.toFixed(2)} s fetching ${mb(bytes)}${rate ? ` at ${rate.toFixed(1)} MB/s` : ''}; slowest floor: ${PHASE_LABEL[named.phase]} ${named.MBps.toFixed(1)} MB/s`,
  };
}

/** Lines of the time-budget picture: per pull, per wave, per phase of the largest layer, and the verdict. */
export function benchBudgetLines(b: BenchMeasurement, opts: { ascii?: boolean; width?: number } = {}): string[] {
  const bar = { ascii: opts.ascii ?? false, width: opts.width ?? 32 };
  const out: string[] = [];
  for (const p of b.pulls) {
    const budget = pullBudget(p);
    out.push(
      `${p.kind} pull of ${b.image}: ${p.wallSeconds.toFixed(2)} s, ${p.layers.length} layers, ${mb(pullBytes(p))}`,
    );
    out.push(...renderBars(budget, bar).map((l) => `  ${l}`));
    if (p.waves && p.waves.length > 0) {
      out.push(`  fetch waves (${b.maxConcurrentDownloads ?? '?'} at a time):`);
      out.push(
        ...renderBars(
          p.waves.map((w, i) => ({ label: `wave ${i + 1} (${w.layers} × ${mb(w.bytes)})`, seconds: w.seconds })),
          bar,
        ).map((l) => `    ${l}`),
      );
    }
    const held = p.layers.filter((l) => l.fetchMeasured === 'mirror-request').length;
    if (held > 0)
      out.push(
        `  ${held} layer(s) already held by containerd: their fetch was timed as the same request through the mirror`,
      );
  }
  const iso = b.isolation;
  if (iso) {
    out.push(
      `phase floors on the largest layer ${short(iso.digest)} (${mb(iso.bytes)}${iso.sampledBytes < iso.bytes ? `, measured on ${mb(iso.sampledBytes)}` : ''}):`,
    );
    const rows = iso.phases.map((ph) => ({ label: PHASE_LABEL[ph.phase], seconds: ph.seconds ?? 0, ph }));
    const lines = renderBars(rows, bar);
    rows.forEach((r, i) => {
      const rate = r.ph.MBps === null ? 'not measured' : `${r.ph.MBps.toFixed(1)} MB/s`;
      out.push(`  ${lines[i]}  ${rate} — ${r.ph.how}`);
    });
    const sum = floorSumSeconds(iso);
    if (sum !== null && iso.realSeconds !== null) {
      const gap = iso.realSeconds - sum;
      out.push(
        `  sum of floors ${sum.toFixed(2)} s; the real fetch + unpack of this layer took ${iso.realSeconds.toFixed(2)} s: ${gap >= 0 ? `${gap.toFixed(2)} s above the floors (containerd's and dfdaemon's own overheads)` : `${(-gap).toFixed(2)} s below their sum (phases overlap)`}`,
      );
    }
  }
  const verdict = benchVerdict(b);
  if (verdict) out.push(`where the seconds went: ${PHASE_LABEL[verdict.phase]} — ${verdict.text}`);
  for (const n of b.notes ?? []) out.push(`note: ${n}`);
  return out;
}

/**
 * The measurements as the report shows them: bench's verdict concluded now, from the numbers. A
 * verdict stored in an older bundle's measurements.json is dropped, so re-analysing it gives this
 * build's conclusion.
 */
export function withBenchVerdict(m: Measurements): Measurements {
  if (!m.bench) return m;
  const { verdict: _stored, ...bench } = m.bench;
  const verdict = benchVerdict(bench);
  return { ...m, bench: verdict ? { ...bench, verdict } : bench };
}
