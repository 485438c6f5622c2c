import fc from 'fast-check';
import { hostileBytes, fromBytes } from './mutate.js';
import { TARGETS } from './targets.js';
for (const name of ['kubelet-config', 'dfdaemon-log', 'name-resolution', 'prometheus']) {
const t = TARGETS.find(t => t.name === name)!;
const seeds = t.seeds();
const xs = fc.sample(hostileBytes(seeds), 1000);
const times: [number, string][] = [];
for (const x of xs) { const t0 = performance.now(); t.run(fromBytes(x), x); times.push([performance.now() - t0, fromBytes(x)]); }
times.sort((a, b) => b[0] - a[0]);
console.log(name, 'total', times.reduce((a, b) => a + b[0], 0).toFixed(0), 'ms; worst', times.slice(0, 3).map(([ms, x]) => `${ms.toFixed(0)}ms len=${x.length} ${JSON.stringify(x.slice(0, 60))}`).join(' | '));
}
