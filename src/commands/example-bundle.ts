import { fileURLToPath } from 'node:url';

// Its own module because it resolves a path from import.meta.url, which the start-up bundle rewrites to
// this module's place in dist/ (scripts/bundle.mjs), inside the installed package.
/** The seed bundle in the package's own fixtures/ (package.json "files"), found from this module, not the cwd. */
export const EXAMPLE_BUNDLE = fileURLToPath(new URL('../../fixtures/seed-cache-hit-slow/', import.meta.url)).replace(
  /\/$/,
  '',
);
