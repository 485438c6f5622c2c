// Seeds for the fuzzers: the real texts we have — fixture bundles and the recorded samples in
// test/samples — so mutations start from the formats as they are, and grow as fixtures land.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { filesUnder } from '../helpers/fixture-files.js';

export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The recorded metric samples (test/samples/README.md says how each was made). */
const SAMPLES = join(REPO, 'test/samples');

const MAX_SEED_BYTES = 64 * 1024;

function readSeed(p: string): string | undefined {
  if (statSync(p).size > 4 * MAX_SEED_BYTES) return undefined;
  let b = readFileSync(p);
  if (p.endsWith('.gz')) {
    try {
      b = gunzipSync(b);
    } catch {
      return undefined;
    }
  }
  // long seeds make 10,000 cases slow without finding more: keep the head, cut at a line end
  let s = b.toString('utf8');
  if (s.length > MAX_SEED_BYTES) s = s.slice(0, s.lastIndexOf('\n', MAX_SEED_BYTES) + 1);
  return s;
}

/** Texts of fixture files whose bundle-relative path (e.g. raw/net/iptables-save.txt) matches, and of recorded samples whose name matches. */
export function seedTexts(o: { fixtures?: RegExp; samples?: RegExp; inline?: string[] }): string[] {
  const out = new Set<string>(o.inline ?? []);
  if (o.fixtures) {
    const root = join(REPO, 'fixtures');
    for (const p of filesUnder(root)) {
      const rel = relative(root, p).split('/').slice(1).join('/');
      if (o.fixtures.test(rel)) {
        const s = readSeed(p);
        if (s !== undefined) out.add(s);
      }
    }
  }
  if (o.samples) {
    for (const p of filesUnder(SAMPLES)) {
      if (o.samples.test(relative(SAMPLES, p))) {
        const s = readSeed(p);
        if (s !== undefined) out.add(s);
      }
    }
  }
  return [...out];
}

/** Every fixture bundle: its files by bundle-relative path (manifest and expected.json excluded). */
export function fixtureBundles(): { name: string; files: Record<string, Uint8Array> }[] {
  const root = join(REPO, 'fixtures');
  const out: { name: string; files: Record<string, Uint8Array> }[] = [];
  // a bundle is a directory with a manifest.json; a folder of bundles (fixtures/real) is walked one level down
  const visit = (dir: string, name: string, depth: number): void => {
    if (!existsSync(join(dir, 'manifest.json'))) {
      if (depth > 0) return;
      for (const e of readdirSync(dir, { withFileTypes: true }))
        if (e.isDirectory()) visit(join(dir, e.name), `${name}/${e.name}`, depth + 1);
      return;
    }
    const files: Record<string, Uint8Array> = {};
    for (const p of filesUnder(dir)) {
      const rel = relative(dir, p);
      if (rel === 'expected.json' || rel === 'SOURCE.md') continue;
      files[rel] = new Uint8Array(readFileSync(p));
    }
    out.push({ name, files });
  };
  for (const e of readdirSync(root, { withFileTypes: true })) if (e.isDirectory()) visit(join(root, e.name), e.name, 0);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** A file of this machine (e.g. /proc/diskstats) as a seed, when readable: the real format, today's kernel. */
export function liveText(path: string): string[] {
  try {
    const s = readFileSync(path, 'utf8');
    return s.length > 0 ? [s.length > MAX_SEED_BYTES ? s.slice(0, s.lastIndexOf('\n', MAX_SEED_BYTES) + 1) : s] : [];
  } catch {
    return [];
  }
}
