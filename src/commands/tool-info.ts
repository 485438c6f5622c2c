import { readFileSync } from 'node:fs';

let cached: { name: string; version: string } | undefined;

/** dfdoctor's own name and version, from its package.json. */
export function toolInfo(): { name: string; version: string } {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    cached = { name: 'dfdoctor', version: pkg.version };
  }
  return cached;
}
