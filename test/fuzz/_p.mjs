import { parseDocument } from 'yaml';
console.log('start');
for (const ch of ['{', '"', '- ']) for (const n of [1000, 2000, 4000, 8000]) {
  const t0 = performance.now(); try { parseDocument(ch.repeat(n)).toJS(); } catch (e) { } console.log(JSON.stringify(ch), n, Math.round(performance.now() - t0), 'ms');
}
