import { describe, expect, it } from 'vitest';
import type { BenchMeasurement, BenchPull } from '../../src/bundle/measurements.js';
import { MeasurementsSchema } from '../../src/bundle/measurements.js';
import { benchBudgetLines, benchVerdict, floorSumSeconds, pullBudget } from '../../src/report/bench-budget.js';
import { evaluate } from '../../src/engine.js';
import { buildReport } from '../../src/report/build.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTable } from '../../src/report/table.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

const MB = 1e6;
function pull(kind: 'cold' | 'warm', o: Partial<BenchPull> & { layerSeconds?: number[] } = {}): BenchPull {
  const secs = o.layerSeconds ?? [1, 1, 1, 1, 1, 1];
  return {
    kind,
    wallSeconds: o.wallSeconds ?? 4,
    resolveSeconds: o.resolveSeconds ?? 0.1,
    fetchSeconds: o.fetchSeconds ?? 2,
    unpackSeconds: o.unpackSeconds ?? 1,
    layers: secs.map((s, i) => ({
      digest: `sha256:${String(i).repeat(64)}`,
      bytes: 10 * MB,
      fetchSeconds: s,
      unpackSeconds: null,
      fetchMeasured: 'containerd' as const,
    })),
    ...(o.waves ? { waves: o.waves } : {}),
  };
}
function bench(
  pulls: BenchPull[],
  rates: Partial<Record<'dfdaemon-fetch' | 'disk-read' | 'loopback' | 'gunzip' | 'sha256', number | null>>,
  mcd = 3,
): Omit<BenchMeasurement, 'verdict'> {
  const phases = (['dfdaemon-fetch', 'disk-read', 'loopback', 'gunzip', 'sha256'] as const).map((phase) => {
    const MBps = rates[phase] ?? null;
    return { phase, MBps, seconds: MBps ? 10 / MBps : null, how: 'test' };
  });
  return {
    image: 'lab/app:v1',
    viaDfdaemon: true,
    maxConcurrentDownloads: mcd,
    pulls,
    floors: {
      dfdaemonFetchMBps: rates['dfdaemon-fetch'] ?? null,
      diskReadMBps: rates['disk-read'] ?? null,
      loopbackMBps: rates.loopback ?? null,
      gunzipMBps: rates.gunzip ?? null,
      sha256MBps: rates.sha256 ?? null,
    },
    isolation: { digest: 'sha256:' + '0'.repeat(64), bytes: 10 * MB, sampledBytes: 10 * MB, phases, realSeconds: 1.2 },
  };
}
const healthy = { 'dfdaemon-fetch': 400, 'disk-read': 800, loopback: 2000, gunzip: 300, sha256: 900 };

describe('bench verdict: where the seconds went', () => {
  it('names the disk when the fetch dominates and the disk is the slowest floor', () => {
    const v = benchVerdict(
      bench([pull('cold', { wallSeconds: 5, fetchSeconds: 3 }), pull('warm')], { ...healthy, 'disk-read': 20 }),
    );
    expect(v).toMatchObject({ phase: 'disk-read', pull: 'cold' });
  });

  it('names dfdaemon itself when its fetch is far below disk and loopback (a rate limit)', () => {
    expect(benchVerdict(bench([pull('cold', { fetchSeconds: 3 })], { ...healthy, 'dfdaemon-fetch': 20 }))?.phase).toBe(
      'dfdaemon-fetch',
    );
  });

  it('names dfdaemon when the pull fetched far below every floor of a cache hit (back-to-source under its limit)', () => {
    // 60 MB in 3 s = 20 MB/s while a cache hit fetches at 400 MB/s
    const v = benchVerdict(bench([pull('cold', { fetchSeconds: 3, wallSeconds: 5 }), pull('warm')], healthy));
    expect(v).toMatchObject({ phase: 'dfdaemon-fetch', pull: 'cold' });
    expect(v?.text).toMatch(/far below every floor/);
  });

  it("names loopback when dfdaemon's fetch merely rides on a slow loopback", () => {
    expect(
      benchVerdict(bench([pull('cold', { fetchSeconds: 3 })], { ...healthy, 'dfdaemon-fetch': 22, loopback: 25 }))
        ?.phase,
    ).toBe('loopback');
  });

  it('names the fetch waves when layers went one at a time', () => {
    const serial = pull('cold', { fetchSeconds: 3, layerSeconds: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5] });
    expect(benchVerdict(bench([serial], healthy, 1))?.phase).toBe('fetch-waves');
    // the same layer times with three slots in use and three overlapping: not waves
    const parallel = pull('cold', { fetchSeconds: 1, layerSeconds: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5] });
    expect(benchVerdict(bench([parallel], healthy, 3))?.phase).not.toBe('fetch-waves');
  });

  it('names unpack, or gunzip when decompressing alone explains it', () => {
    const p = pull('warm', { fetchSeconds: 0.5, unpackSeconds: 3 });
    expect(benchVerdict(bench([p], { ...healthy, gunzip: 30 }))?.phase).toBe('gunzip');
    expect(benchVerdict(bench([p], { ...healthy, gunzip: 1000 }))?.phase).toBe('unpack');
  });

  it('explains the slowest pull and says nothing without pulls', () => {
    const v = benchVerdict(
      bench([pull('cold', { wallSeconds: 2 }), pull('warm', { wallSeconds: 6, fetchSeconds: 5 })], {
        ...healthy,
        'disk-read': 20,
      }),
    );
    expect(v?.pull).toBe('warm');
    expect(benchVerdict(bench([], healthy))).toBeNull();
  });
});

describe('bench time budget picture', () => {
  it('splits a pull into resolve, fetch, unpack and the rest', () => {
    expect(
      pullBudget(pull('cold', { wallSeconds: 4, resolveSeconds: 0.5, fetchSeconds: 2, unpackSeconds: 1 })).map(
        (b) => b.seconds,
      ),
    ).toEqual([0.5, 2, 1, 0.5]);
  });

  it('draws bars per pull, per wave and per phase, with the gap above the sum of floors', () => {
    const b = bench(
      [
        pull('cold', {
          waves: [
            { layers: 3, bytes: 30 * MB, seconds: 1.5 },
            { layers: 3, bytes: 30 * MB, seconds: 0.5 },
          ],
        }),
      ],
      { ...healthy, 'disk-read': 20 },
    );
    const full: BenchMeasurement = { ...b, verdict: benchVerdict(b)!, notes: ['2 layers were already held'] };
    expect(MeasurementsSchema.parse({ bench: full }).bench).toEqual(full);
    const lines = benchBudgetLines(full, { width: 20 });
    const text = lines.join('\n');
    expect(text).toMatch(/cold pull of lab\/app:v1: 4\.00 s, 6 layers, 60\.0 MB/);
    expect(text).toMatch(/fetch +█{20} +2\.00 s/);
    expect(text).toMatch(/wave 1 \(3 × 30\.0 MB\) +█{20} +1\.50 s/);
    expect(text).toMatch(/disk read +█{20} +0\.50 s +20\.0 MB\/s/);
    const sum = floorSumSeconds(full.isolation!)!;
    expect(text).toContain(`sum of floors ${sum.toFixed(2)} s`);
    expect(text).toMatch(/where the seconds went: disk read/);
    expect(text).toContain('note: 2 layers were already held');
  });
});

describe('reports with bench measurements', () => {
  it('table and markdown carry the time budget only when bench measured something', async () => {
    const b = bench([pull('cold'), pull('warm')], { ...healthy, 'disk-read': 20 });
    const measured = { bench: { ...b, verdict: benchVerdict(b)! } };
    const render = async (m: Parameters<typeof factsFrom>[1]) => {
      const facts = await factsFrom({}, m);
      const r = buildReport(facts, evaluate(facts, RULES), {
        tool: { name: 'dfdoctor', version: 't' },
        createdAt: 'now',
        source: { kind: 'bundle', path: 'x' },
      });
      return { table: renderTable(r, { color: false, failOn: 'critical' }), md: renderMarkdown(r) };
    };
    const withBench = await render({ measurements: measured });
    expect(withBench.table).toContain('Time budget (dfdoctor bench)');
    expect(withBench.table).toMatch(/where the seconds went: disk read/);
    expect(withBench.md).toMatch(/Time budget \(dfdoctor bench\):\n\n```text\ncold pull of lab\/app:v1/);
    const without = await render({});
    expect(without.table).not.toContain('Time budget');
    expect(without.md).not.toContain('Time budget');
  });

  it('concludes where the seconds went at analysis time: a verdict stored in an older bundle is ignored', async () => {
    const b = bench([pull('cold'), pull('warm')], { ...healthy, 'disk-read': 20 });
    const stale = {
      phase: 'resolve',
      pull: 'cold',
      seconds: 9,
      text: 'the stale conclusion of an older dfdoctor',
    } as const;
    const facts = await factsFrom({}, { measurements: { bench: { ...b, verdict: stale } } });
    const r = buildReport(facts, evaluate(facts, RULES), {
      tool: { name: 'dfdoctor', version: 't' },
      createdAt: 'now',
      source: { kind: 'bundle', path: 'x' },
    });
    expect(r.measurements.bench?.verdict).toEqual(benchVerdict(b));
    expect(r.measurements.bench?.verdict?.phase).toBe('disk-read');
    expect(renderTable(r, { color: false, failOn: 'critical' })).not.toContain('stale conclusion');
    expect(renderMarkdown(r)).toMatch(/where the seconds went: disk read/);
  });
});
