// `npm run lab -- --help` prints the lab's usage; it once printed a line range of its own source that had
// drifted onto the import lines.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../scripts/lab.mjs', import.meta.url));

describe('scripts/lab.mjs --help', () => {
  it.each(['--help', '-h'])('%s prints the usage and every fault flag, and no source line', (flag) => {
    const out = execFileSync(process.execPath, [script, flag], { encoding: 'utf8', timeout: 10_000 });
    expect(out.startsWith('npm run lab [-- FAULT…]:')).toBe(true);
    for (const f of ['--rate-limit', '--request-delay-ms', '--mcd', '--slow-disk', '--tbf', '--prewarm'])
      expect(out).toContain(`  ${f} `);
    expect(out).not.toMatch(/^(import|const|\/\/)/m);
  });
});
