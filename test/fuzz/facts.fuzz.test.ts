// Facts under fire: every fixture bundle with some of its raw files mutated (truncated, bit-flipped,
// NULs, invalid UTF-8, huge lines, prototype keys…) still builds facts without a builder throwing,
// every problem is located in a file of the bundle, and no rule throws on what comes out.
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../src/bundle/manifest.js';
import { MeasurementsSchema } from '../../src/bundle/measurements.js';
import { MemoryBundle } from '../../src/bundle/memory-bundle.js';
import { evaluate } from '../../src/engine.js';
import { buildFacts } from '../../src/facts/index.js';
import { RULES } from '../../src/rules/index.js';
import { type Mutation, mutation } from './mutate.js';
import { fixtureBundles } from './seeds.js';

const RUNS = Number(process.env.FUZZ_FACTS_RUNS ?? 1500);
// A fixed seed by default, so that a CI run is reproducible and a red run means a change broke
// something; FUZZ_SEED=random explores new inputs (do that locally, and pin what it finds as a test).
const SEED = process.env.FUZZ_SEED === 'random' ? {} : { seed: Number(process.env.FUZZ_SEED ?? 20261125) };

const dec = new TextDecoder();
const bundles = fixtureBundles()
  .map((b) => {
    const manifest = ManifestSchema.safeParse(JSON.parse(dec.decode(b.files['manifest.json'] ?? new Uint8Array())));
    const mtext = b.files['measurements.json'];
    const measurements = mtext
      ? MeasurementsSchema.safeParse(JSON.parse(dec.decode(mtext)))
      : { success: true as const, data: {} };
    const raw = Object.keys(b.files).filter((k) => k.startsWith('raw/'));
    return manifest.success && measurements.success && raw.length > 0
      ? { name: b.name, files: b.files, raw, manifest: manifest.data, measurements: measurements.data }
      : null;
  })
  .filter((b) => b !== null);

describe('facts from mutated fixture bundles', () => {
  it(`${RUNS} mutated bundles: no builder or rule throws, every problem names a bundle file`, async () => {
    expect(bundles.length).toBeGreaterThan(1);
    const caseArb = fc.record({
      b: fc.nat({ max: bundles.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 })), {
        minLength: 1,
        maxLength: 3,
      }),
      drop: fc.option(fc.nat(), { nil: undefined }),
      // a rotated log arrives as .gz: whole, or cut off mid-stream as a rotation or a copy can leave it
      gz: fc.constantFrom('none', 'none', 'whole', 'truncated') as fc.Arbitrary<'none' | 'whole' | 'truncated'>,
    });
    const r = await fc.check(
      fc.asyncProperty(caseArb, async ({ b, edits, drop, gz }) => {
        const bundle = bundles[b] as NonNullable<(typeof bundles)[number]>;
        const files: Record<string, Uint8Array> = { ...bundle.files };
        const touched: string[] = [];
        for (const [i, ms] of edits) {
          const path = bundle.raw[i % bundle.raw.length] as string;
          let bytes = files[path] as Uint8Array;
          // a .gz stays a .gz only if still valid; the memory bundle would throw on corrupt gzip, as the dir bundle does mid-stream
          if (path.endsWith('.gz')) continue;
          bytes = ms.reduce((acc: Uint8Array, m: Mutation) => m(acc), bytes);
          files[path] = bytes;
          touched.push(path);
        }
        if (drop !== undefined) delete files[bundle.raw[drop % bundle.raw.length] as string];
        const log = Object.keys(files).find((k) => k.startsWith('raw/dfdaemon/logs/') && !k.endsWith('.gz'));
        if (gz !== 'none' && log) {
          const packed = gzipSync(files[log] as Uint8Array);
          delete files[log];
          files[`${log}.gz`] = gz === 'whole' ? packed : packed.subarray(0, Math.max(10, packed.length >> 1));
          touched.push(`${log}.gz (${gz})`);
        }
        const facts = await buildFacts(new MemoryBundle(files), bundle.manifest, bundle.measurements);
        const thrown = facts.problems.filter((p) => p.file.startsWith('(facts:'));
        if (thrown.length > 0)
          throw new Error(`${bundle.name} (mutated ${touched.join(', ')}): ${thrown.map((p) => p.message).join('; ')}`);
        for (const p of facts.problems) {
          if (typeof p.message !== 'string' || p.message === '')
            throw new Error(`problem without a message in ${p.file}`);
          if (p.line !== undefined && !(Number.isInteger(p.line) && p.line >= 1))
            throw new Error(`${p.file}: line ${p.line}`);
        }
        const ev = evaluate(facts, RULES);
        if (ev.internal.length > 0)
          throw new Error(
            `${bundle.name} (mutated ${touched.join(', ')}): ${ev.internal.map((n) => n.text).join('; ')}`,
          );
      }),
      { numRuns: RUNS, ...SEED },
    );
    if (r.failed)
      throw new Error(`${String(r.errorInstance)}\nreplay: FUZZ_SEED=${r.seed} (path ${r.counterexamplePath})`);
    console.log(`facts fuzz: ${r.numRuns} mutated bundles over ${bundles.length} fixtures`);
  }, 300_000);
});
