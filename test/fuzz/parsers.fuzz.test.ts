// Parsers under fire (issue 9 §1): mutated fixtures and random text; no exception escapes a parser,
// and every failure it reports is located (a line inside the input) and says what was wrong.
// FUZZ_RUNS raises the case count locally; FUZZ_SEED=N replays a failure fast-check printed.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBytes, hostileBytes, toBytes } from './mutate.js';
import { REPO } from './seeds.js';
import { type FuzzTarget, type Located, NOT_PARSERS, TARGETS } from './targets.js';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 10_000);
/** Cases of a target's asynchronous property: each reads its input twice through promises. */
const ASYNC_RUNS = Math.max(1, Math.round(RUNS / 5));
// A fixed seed by default, so that a CI run is reproducible and a red run means a change broke
// something; FUZZ_SEED=random explores new inputs (do that locally, and pin what it finds as a test).
const SEED = process.env.FUZZ_SEED === 'random' ? {} : { seed: Number(process.env.FUZZ_SEED ?? 20261125) };

const lineCount = (text: string) => Math.max(text.split('\n').length, text.split(/\r\n|\r|\n/).length);

/** Throws (with the offending report) when a failure is not located inside the input. */
function checkLocated(t: FuzzTarget, text: string, found: Located[]): void {
  const max = lineCount(text) + (t.allowEofLine ? 1 : 0);
  for (const p of found) {
    if (typeof p.message !== 'string' || p.message.trim() === '')
      throw new Error(`failure without a message: ${JSON.stringify(p)}`);
    if (p.line !== undefined && !(Number.isInteger(p.line) && p.line >= 1 && p.line <= max)) {
      throw new Error(`failure at line ${p.line} outside the input's 1..${max}: ${p.message}`);
    }
  }
}

const counts: { parser: string; cases: number; seeds: number; ms: number }[] = [];
afterAll(() => {
  if (counts.length > 0)
    console.log(
      `fuzz cases per parser:\n${counts.map((c) => `  ${c.parser.padEnd(18)} ${c.cases} cases from ${c.seeds} seeds in ${c.ms} ms`).join('\n')}`,
    );
});

describe('every parser is fuzzed', () => {
  it('each file in src/parsers has a fuzz target or a stated reason', () => {
    const files = readdirSync(join(REPO, 'src/parsers')).filter((f) => f.endsWith('.ts'));
    const covered = new Set([...TARGETS.flatMap((t) => t.files), ...Object.keys(NOT_PARSERS)]);
    expect(
      files.filter((f) => !covered.has(f)),
      'add a target to test/fuzz/targets.ts',
    ).toEqual([]);
  });
});

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz %s', (_name, t) => {
  const seeds = t.seeds();

  it(`survives ${RUNS} hostile inputs with every failure located`, () => {
    expect(seeds.length).toBeGreaterThan(0);
    const t0 = performance.now();
    const r = fc.check(
      fc.property(hostileBytes(seeds), (bytes) => {
        const text = fromBytes(bytes);
        checkLocated(t, text, t.run(text, bytes));
        if (Object.keys(Object.prototype).length > 0)
          throw new Error(`Object.prototype polluted: ${Object.keys(Object.prototype).join(',')}`);
      }),
      { numRuns: RUNS, ...SEED },
    );
    if (r.failed) {
      const input = fromBytes((r.counterexample?.[0] as Uint8Array | undefined) ?? new Uint8Array());
      throw new Error(
        `${t.name}: ${String(r.errorInstance)}\nreplay: FUZZ_SEED=${r.seed} (path ${r.counterexamplePath})\ninput (${input.length} chars): ${JSON.stringify(input.slice(0, 3000))}`,
      );
    }
    counts.push({ parser: t.name, cases: r.numRuns, seeds: seeds.length, ms: Math.round(performance.now() - t0) });
    expect(r.numRuns).toBe(RUNS);
  }, 120_000);

  // only the targets that have one: an it() per target without it would count as skipped
  const check = t.check;
  if (check)
    it(`keeps its asynchronous property on ${ASYNC_RUNS} hostile inputs`, async () => {
      const r = await fc.check(
        fc.asyncProperty(hostileBytes(seeds), (bytes) => check(bytes)),
        { numRuns: ASYNC_RUNS, ...SEED },
      );
      if (r.failed) {
        const input = fromBytes((r.counterexample?.[0] as Uint8Array | undefined) ?? new Uint8Array());
        throw new Error(
          `${t.name}: ${String(r.errorInstance)}\nreplay: FUZZ_SEED=${r.seed} (path ${r.counterexamplePath})\ninput (${input.length} chars): ${JSON.stringify(input.slice(0, 3000))}`,
        );
      }
      expect(r.numRuns).toBe(ASYNC_RUNS);
    }, 120_000);

  it('reads every name of every seed replaced by an Object.prototype key as plain data', () => {
    let cases = 0;
    for (const seed of seeds.slice(0, 12)) {
      const names = [...new Set(seed.match(/[A-Za-z_][A-Za-z0-9_-]{0,63}(?![A-Za-z0-9_-])/g) ?? [])].slice(0, 400);
      for (const name of names) {
        for (const key of ['constructor', '__proto__']) {
          const text = seed.replace(
            new RegExp(`(?<![A-Za-z0-9_-])${name.replace(/[-]/g, '\\-')}(?![A-Za-z0-9_-])`, 'g'),
            key,
          );
          try {
            checkLocated(t, text, t.run(text, toBytes(text)));
          } catch (e) {
            throw new Error(
              `${t.name} with "${name}" → "${key}": ${(e as Error).message}\ninput: ${JSON.stringify(text.slice(0, 2000))}`,
            );
          }
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(0);
  }, 60_000);

  it('survives an 8 MB single line, 200,000 short lines, deep nesting, its known attacks and an empty input', () => {
    const seed = seeds[0] as string;
    const huge = `${seed.slice(0, seed.length >> 1)}${'A9 "{'.repeat(1_600_000)}${seed.slice(seed.length >> 1)}`;
    const many = `${seed}\n${'x 1\n'.repeat(200_000)}`;
    const deep = ['[', '{', '{"a":', '(', '- '].map((o) => o.repeat(100_000));
    for (const text of [huge, many, ...deep, ...(t.attacks ?? []), '', '\n', '\0', '\ufeff']) {
      try {
        checkLocated(t, text, t.run(text, toBytes(text)));
      } catch (e) {
        throw new Error(
          `${t.name} on ${JSON.stringify(text.slice(0, 60))}… (${text.length} chars): ${(e as Error).stack}`,
        );
      }
    }
  }, 60_000);
});
