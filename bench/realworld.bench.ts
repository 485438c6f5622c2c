// Scores dfdoctor on the real-world corpus (fixtures/real): how many cases it gets right, the false
// alarms (diagnoses the source says are not there, warnings on a stock node) and the misses.
// `npm run bench -- realworld`
import { knownWrong, realCases, runCase } from '../test/helpers/realworld.js';

const cases = realCases();
const wrong = knownWrong();
let right = 0;
const alarms: string[] = [];
const misses: string[] = [];
const byKind = new Map<string, { n: number; right: number }>();
for (const c of cases) {
  const { shortfalls } = await runCase(c);
  const k = byKind.get(c.kind) ?? { n: 0, right: 0 };
  k.n++;
  if (shortfalls.length === 0) {
    right++;
    k.right++;
  }
  byKind.set(c.kind, k);
  for (const s of shortfalls) (s.kind === 'false-alarm' ? alarms : misses).push(`${c.id}: ${s.text}`);
}
console.log(`${right} of ${cases.length} right`);
console.log('by kind (right/cases):');
for (const [k, v] of [...byKind].sort((a, b) => b[1].n - a[1].n)) console.log(`  ${k}: ${v.right}/${v.n}`);
console.log(`\nfalse alarms (${new Set(alarms.map((a) => a.split(':')[0])).size} cases):`);
for (const a of alarms) console.log(`  ${a}`);
console.log(`\nmisses (${new Set(misses.map((m) => m.split(':')[0])).size} cases):`);
for (const m of misses) console.log(`  ${m}`);
console.log(`\nknown-wrong.json lists ${wrong.size}`);
