import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** shared/reference sits beside the work tree (in CI, a copy beside the clone); its recorded samples are test input. */
export function referenceSamplesDir(): string {
  for (const d of [resolve(REPO, '../shared/reference/samples'), '/work/shared/reference/samples']) {
    if (existsSync(d)) return `${d}/`;
  }
  throw new Error('shared/reference/samples not found beside the work tree');
}
