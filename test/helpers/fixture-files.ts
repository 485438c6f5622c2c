import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Manifest } from '../../src/bundle/manifest.js';
import type { Measurements } from '../../src/bundle/measurements.js';

/** Every file under `dir` (its path joined to `dir`), none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Every dfdaemon log of the fixture bundles (fixtures/ and fixtures/real/), sorted. */
export function dfdaemonLogFixtures(repo: string): string[] {
  return filesUnder(join(repo, 'fixtures'))
    .filter((p) => /raw\/dfdaemon\/logs\//.test(relative(repo, p)))
    .sort();
}

/** A fixture bundle's raw files, manifest and measurements, to vary in memory. */
export function loadFixture(dir: string): {
  files: Record<string, string>;
  manifest: Manifest;
  measurements: Measurements;
} {
  const files: Record<string, string> = {};
  for (const p of filesUnder(dir))
    if (relative(dir, p).startsWith('raw/')) files[relative(dir, p)] = readFileSync(p, 'utf8');
  const read = (f: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      return undefined;
    }
  };
  return { files, manifest: read('manifest.json'), measurements: read('measurements.json') ?? {} };
}
