import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketDelta,
  formatPrometheus,
  histogramBuckets,
  histogramQuantile,
  increase,
  type MetricFamily,
  parsePrometheus,
  sum,
} from '../../src/parsers/prometheus.js';
import { samplesDir } from '../helpers/samples.js';

const SAMPLES = samplesDir();
const sample = (f: string) => readFileSync(`${SAMPLES}${f}`, 'utf8');

const nameArb = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/);
const labelNameArb = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,10}$/).filter((s) => s !== 'le' && s !== 'quantile');
const valueArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: false }),
  fc.integer({ min: -1e9, max: 1e12 }),
  fc.constant(Number.NaN),
);
const familyArb: fc.Arbitrary<MetricFamily> = fc
  .record({
    name: nameArb,
    type: fc.constantFrom('counter', 'gauge', 'untyped') as fc.Arbitrary<'counter' | 'gauge' | 'untyped'>,
    help: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    samples: fc.array(
      fc.record({
        labels: fc.dictionary(labelNameArb, fc.string({ maxLength: 12 }), { maxKeys: 4 }),
        value: valueArb,
        timestampMs: fc.option(fc.integer({ min: 0, max: 2 ** 45 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  })
  .map((f) => ({
    name: f.name,
    type: f.type,
    ...(f.help === undefined ? {} : { help: f.help.trim() }),
    samples: f.samples.map((s, i) => ({
      name: f.name,
      labels: s.labels,
      value: Object.is(s.value, -0) ? 0 : s.value,
      ...(s.timestampMs === undefined ? {} : { timestampMs: s.timestampMs }),
      line: i,
    })),
  }));

function strip(f: MetricFamily) {
  return { ...f, samples: f.samples.map(({ line: _l, ...rest }) => rest) };
}

describe('parsePrometheus', () => {
  it('round-trips any families it formats (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(familyArb, { selector: (f) => f.name, maxLength: 5 }), (fams) => {
        // a family named like another's _sum/_count is legal but ambiguous for grouping; keep names distinct
        const text = formatPrometheus(fams);
        const e = parsePrometheus(text);
        expect(e.errors).toEqual([]);
        const got = [...e.families.values()].map(strip);
        expect(got).toEqual(fams.map(strip));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary input and locates every error by line (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const e = parsePrometheus(text);
        const lines = text.split('\n').length;
        for (const err of e.errors) {
          expect(err.line).toBeGreaterThanOrEqual(1);
          expect(err.line).toBeLessThanOrEqual(lines);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('parses escapes, special values, timestamps and trailing commas', () => {
    const e = parsePrometheus(
      [
        '# HELP a_total Says \\\\ and \\n.',
        '# TYPE a_total counter',
        'a_total{path="C:\\\\x",msg="say \\"hi\\"\\n",} 1.5e+3 1700000000000',
        'b NaN',
        'c{x="1"} +Inf',
        'd -Inf',
      ].join('\n'),
    );
    expect(e.errors).toEqual([]);
    const a = e.families.get('a_total');
    expect(a?.help).toBe('Says \\ and \n.');
    expect(a?.type).toBe('counter');
    expect(a?.samples[0]).toMatchObject({
      labels: { path: 'C:\\x', msg: 'say "hi"\n' },
      value: 1500,
      timestampMs: 1700000000000,
      line: 3,
    });
    expect(e.families.get('b')?.samples[0]?.value).toBeNaN();
    expect(e.families.get('c')?.samples[0]?.value).toBe(Number.POSITIVE_INFINITY);
    expect(e.families.get('d')?.samples[0]?.value).toBe(Number.NEGATIVE_INFINITY);
  });

  it('reports bad lines with their numbers and keeps the good ones', () => {
    const e = parsePrometheus('ok 1\nbad{x="1" 2\n3bad 1\nalso_ok{a="b"} 2\nnovalue\nx 1 notats\n# TYPE y wibble\n');
    expect(e.errors.map((x) => x.line)).toEqual([2, 3, 5, 6, 7]);
    expect([...e.families.keys()]).toEqual(['ok', 'also_ok']);
  });

  it('groups histogram and summary series under their family', () => {
    const e = parsePrometheus(sample('metrics-rust-client-v1.5.1.SYNTHESISED.prom'));
    expect(e.errors).toEqual([]);
    const h = e.families.get('dragonfly_client_download_task_duration_milliseconds');
    expect(h?.type).toBe('histogram');
    expect(h?.samples.map((s) => s.name)).toContain('dragonfly_client_download_task_duration_milliseconds_sum');
    expect(e.families.has('dragonfly_client_download_task_duration_milliseconds_bucket')).toBe(false);
    const s = parsePrometheus(sample('metrics-go-scheduler-v2.1.49.SYNTHESISED.prom'));
    expect(s.errors).toEqual([]);
    expect(s.families.get('dragonfly_scheduler_download_peer_duration_milliseconds')?.samples).toHaveLength(6);
  });

  it('reads every recorded sample without error', () => {
    for (const f of [
      'metrics-go-dfdaemon-v2.1.49.SYNTHESISED.prom',
      'metrics-rust-client-v0.1.82.SYNTHESISED.prom',
      'metrics-rust-client-v1.5.1.SYNTHESISED.prom',
    ]) {
      const e = parsePrometheus(sample(f));
      expect(e.errors, f).toEqual([]);
    }
    const go = parsePrometheus(sample('metrics-go-dfdaemon-v2.1.49.SYNTHESISED.prom'));
    expect(sum(go, 'dragonfly_dfdaemon_peer_task_cache_hit_total')).toBe(5);
    expect(sum(go, 'dragonfly_dfdaemon_proxy_request_bytes_total', { method: 'GET' })).toBe(336092672);
    const rs = parsePrometheus(sample('metrics-rust-client-v0.1.82.SYNTHESISED.prom'));
    expect(sum(rs, 'dragonfly_client_download_traffic', { type: 'LOCAL_PEER' })).toBe(167772160);
  });
});

describe('queries', () => {
  it('increase handles counter resets like rate()', () => {
    const a = parsePrometheus('x_total{a="1"} 100\nx_total{a="2"} 50\n');
    const b = parsePrometheus('x_total{a="1"} 130\nx_total{a="2"} 7\nx_total{a="3"} 4\n');
    expect(increase(a, b, 'x_total')).toBe(30 + 7 + 4);
    expect(increase(a, b, 'x_total', { a: '1' })).toBe(30);
    expect(increase(a, b, 'missing')).toBeUndefined();
  });

  it('histogramQuantile interpolates inside buckets as Prometheus does', () => {
    const b = [
      { le: 1, count: 0 },
      { le: 2, count: 10 },
      { le: 4, count: 20 },
      { le: Number.POSITIVE_INFINITY, count: 20 },
    ];
    expect(histogramQuantile(0.5, b)).toBe(2);
    expect(histogramQuantile(0.75, b)).toBe(3);
    expect(histogramQuantile(0.25, b)).toBe(1.5);
    expect(histogramQuantile(0.5, [{ le: Number.POSITIVE_INFINITY, count: 0 }])).toBeNull();
    // beyond the last finite bucket: the largest finite bound, a floor
    expect(
      histogramQuantile(0.99, [
        { le: 8, count: 1 },
        { le: Number.POSITIVE_INFINITY, count: 10 },
      ]),
    ).toBe(8);
  });

  it('quantiles are monotone in q and bounded by the buckets (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 1, maxLength: 12 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (incs, q1, q2) => {
          let c = 0;
          const buckets = incs.map((inc, i) => ({ le: 2 ** i, count: (c += inc) }));
          buckets.push({ le: Number.POSITIVE_INFINITY, count: c });
          const lo = Math.min(q1, q2);
          const hi = Math.max(q1, q2);
          const a = histogramQuantile(lo, buckets);
          const b = histogramQuantile(hi, buckets);
          if (c === 0) {
            expect(a).toBeNull();
            return;
          }
          expect(a).not.toBeNull();
          expect(b as number).toBeGreaterThanOrEqual(a as number);
          expect(b as number).toBeLessThanOrEqual(2 ** (incs.length - 1));
        },
      ),
    );
  });

  it('sums buckets across series and subtracts scrapes', () => {
    const text = (n: number) =>
      `# TYPE h histogram\nh_bucket{t="a",le="1"} ${n}\nh_bucket{t="a",le="+Inf"} ${n * 2}\nh_bucket{t="b",le="1"} 1\nh_bucket{t="b",le="+Inf"} 1\nh_sum{t="a"} 1\nh_count{t="a"} ${n * 2}\n`;
    const a = parsePrometheus(text(1));
    const b = parsePrometheus(text(5));
    expect(histogramBuckets(b, 'h')).toEqual([
      { le: 1, count: 6 },
      { le: Number.POSITIVE_INFINITY, count: 11 },
    ]);
    expect(bucketDelta(histogramBuckets(a, 'h'), histogramBuckets(b, 'h'))).toEqual([
      { le: 1, count: 4 },
      { le: Number.POSITIVE_INFINITY, count: 8 },
    ]);
  });
});
