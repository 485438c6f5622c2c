// docs/report-formats.md says every output on it is real: it must stay what the built CLI prints.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('docs/report-formats.md', () => {
  it('shows what `analyze --example` prints in each format, times aside', () => {
    expect(existsSync(`${ROOT}dist/cli.js`), 'run `npm run build` first').toBe(true);
    const r = spawnSync(process.execPath, [`${ROOT}scripts/report-formats.mjs`, '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);
});
