import { describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/bundle/measurements.js';
import { compareWithBaseline, FIGURES, figuresOf, makeBaseline, parseBaseline } from '../../src/facts/baseline.js';
import { baselineRules } from '../../src/rules/baseline.js';
import { CAUSES } from '../../src/causes.js';
import { factsFrom } from '../helpers/bundle.js';
import { evaluate } from '../../src/engine.js';

const disk = (seq: number, p50 = 0.2): Measurements => ({
  disk: {
    path: '/var/lib/dragonfly',
    device: '/dev/sda',
    fsType: 'ext4',
    rotational: false,
    seqReadMBps: seq,
    randReadP50Ms: p50,
    randReadP99Ms: 2,
    method: 'o_direct',
    bytesRead: 1,
    freeBytes: 1,
    totalBytes: 2,
  },
});
const base = (m: Measurements, hostname = 'node-1') =>
  makeBaseline({
    measurements: m,
    createdAt: '2026-11-01T00:00:00.000Z',
    tool: { name: 'dfdoctor', version: '0.1.0' },
    host: { hostname },
  });

async function fired(now: Measurements, b: ReturnType<typeof base>, tolerance = 0.25) {
  const facts = await factsFrom({}, { measurements: now, settings: { baseline: b, tolerance } });
  return evaluate(facts, baselineRules).diagnoses;
}

describe('baseline figures', () => {
  it('every figure points at a cause from the list and has a unique id', () => {
    expect(new Set(FIGURES.map((f) => f.id)).size).toBe(FIGURES.length);
    for (const f of FIGURES) expect(CAUSES).toContain(f.cause);
    // every cause a figure points at has a rule
    for (const c of new Set(FIGURES.map((f) => f.cause))) expect(baselineRules.map((r) => r.cause)).toContain(c);
  });

  it('keeps only figures that were measured', () => {
    expect(Object.keys(figuresOf(disk(400)))).toEqual(['disk.seqReadMBps', 'disk.randReadP50Ms', 'disk.randReadP99Ms']);
    expect(
      figuresOf({ disk: { ...(disk(400).disk as NonNullable<Measurements['disk']>), seqReadMBps: null } }),
    ).not.toHaveProperty('disk.seqReadMBps');
    expect(figuresOf({})).toEqual({});
  });

  it('keeps the loopback round trips of a run with no completed transfer, and the rate of one that had it', () => {
    const rtt = { rttP50Ms: 0.05, rttP99Ms: 310 };
    expect(Object.keys(figuresOf({ loopback: { baseline: rtt } }))).toEqual(['loopback.rttP50Ms', 'loopback.rttP99Ms']);
    expect(figuresOf({ loopback: { baseline: { ...rtt, throughput: { MBps: 2100 } } } })).toHaveProperty(
      ['loopback.throughputMBps', 'value'],
      2100,
    );
  });

  it('round-trips through the file format and rejects what is not a baseline, saying why', () => {
    const b = base(disk(400));
    const p = parseBaseline(JSON.stringify(b));
    expect(p.ok && p.baseline).toEqual(b);
    const bad = [
      ['{', /not valid JSON/],
      ['{"schemaVersion":1}', /not a dfdoctor baseline/],
      [JSON.stringify({ ...b, version: 9 }), /newer than this dfdoctor/],
      [JSON.stringify({ ...b, figures: { x: { value: -1, unit: 'ms' } } }), /figures\.x\.value/],
    ] as const;
    for (const [text, re] of bad) {
      const r = parseBaseline(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.message).toMatch(re);
    }
  });
});

describe('regressions against a baseline', () => {
  it('fires beyond the tolerance with "was X, now Y" evidence, not within it', async () => {
    const b = base(disk(400));
    expect(await fired(disk(310), b)).toEqual([]); // −22.5 % < 25 %
    const d = await fired(disk(290), b); // −27.5 %
    expect(d.map((x) => [x.rule, x.cause, x.severity])).toEqual([
      ['baseline.disk-regression', 'disk-slow-medium', 'warning'],
    ]);
    expect(d[0]?.evidence[0]).toMatch(
      /cache disk sequential read was 400\.0 MB\/s, now 290\.0 MB\/s \(−28 %; tolerance 25 %\)/,
    );
    // the tolerance is a setting
    expect(await fired(disk(290), b, 0.3)).toEqual([]);
    expect((await fired(disk(350), b, 0.1)).map((x) => x.rule)).toEqual(['baseline.disk-regression']);
  });

  it('is critical when a figure is twice as bad, and ignores changes below the noise floor', async () => {
    const b = base(disk(400, 0.05));
    expect((await fired(disk(190), b))[0]?.severity).toBe('critical');
    // p50 0.05 → 0.2 ms is +300 % but only 0.15 ms: noise
    expect(await fired(disk(400, 0.2), b)).toEqual([]);
    expect((await fired(disk(400, 0.9), b))[0]?.evidence.join(' ')).toContain(
      'random read p50 was 0.050 ms, now 0.900 ms',
    );
  });

  it('compares like with like: a figure measured on another path or method is not compared', () => {
    const b = base(disk(400));
    const other: Measurements = { disk: { ...(disk(100).disk as NonNullable<Measurements['disk']>), method: 'fio' } };
    expect(compareWithBaseline(b, other, 0.25)).toEqual([]);
    expect(
      compareWithBaseline(b, disk(100), 0.25)
        .filter((c) => c.regressed)
        .map((c) => c.figure.id),
    ).toEqual(['disk.seqReadMBps']);
  });

  it('says so when the baseline is from another node, and counts bench seconds as impact', async () => {
    const m = (resolve: number): Measurements => ({
      bench: {
        image: 'nginx:1.27',
        pulls: [{ kind: 'warm', wallSeconds: 3, resolveSeconds: resolve, layers: [] }],
        floors: { dfdaemonFetchMBps: null, diskReadMBps: null, loopbackMBps: null, gunzipMBps: null, sha256MBps: null },
      },
    });
    const d = await fired(m(2.5), base(m(0.5), 'golden-node'));
    expect(d.map((x) => x.rule)).toEqual(['baseline.registry-regression']);
    expect(d[0]?.impactSeconds).toBeCloseTo(2, 5);
    expect(d[0]?.evidence.join('\n')).toContain('the baseline was saved on golden-node, this is node-1');
  });

  it('is silent without a baseline', async () => {
    const facts = await factsFrom({}, { measurements: disk(1) });
    expect(evaluate(facts, baselineRules).diagnoses).toEqual([]);
  });
});
