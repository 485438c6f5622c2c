// `dfdoctor analyze … | head -1`: the reader goes away before the report is written. The CLI must end
// as it would have (its exit code, no stack trace), not crash on the pipe's EPIPE error.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';

const FIXTURE = new URL('../../fixtures/seed-cache-hit-slow', import.meta.url).pathname;

function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // the reading end closes at once, as `head` does once it has its lines
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it.each([
    ['analyze', ['analyze', FIXTURE, '--format', 'json', '--fail-on', 'never']],
    ['analyze, table', ['analyze', FIXTURE, '--fail-on', 'never']],
    ['rules', ['rules', '--format', 'json']],
    // run in the launcher's capped child, which writes to the same pipe
    ['diagnose', ['diagnose', '--probes', 'system', '--format', 'json', '--fail-on', 'never']],
  ])(
    '%s: exits 0 without a stack trace',
    async (_name, args) => {
      const r = await withClosedStdout(args);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|at .*\(node:/);
      expect(r.code).toBe(0);
    },
    30_000,
  );
});
