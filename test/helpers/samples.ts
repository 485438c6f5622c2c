import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The recorded metric samples (test/samples; test/samples/README.md says how each was made), with a trailing slash. */
export function samplesDir(): string {
  return `${resolve(REPO, 'test/samples')}/`;
}
