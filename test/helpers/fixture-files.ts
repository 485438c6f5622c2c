import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Manifest } from '../../src/bundle/manifest.js';
import type { Measurements } from '../../src/bundle/measurements.js';

/** A fixture bundle's raw files, manifest and measurements, to vary in memory. */
export function loadFixture(dir: string): {
  files: Record<string, string>;
  manifest: Manifest;
  measurements: Measurements;
} {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (relative(dir, p).startsWith('raw/')) files[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  const read = (f: string) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch {
      return undefined;
    }
  };
  return { files, manifest: read('manifest.json'), measurements: read('measurements.json') ?? {} };
}
