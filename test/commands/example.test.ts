// Issue 15 item 9: the bundled example works from any directory (as once installed), --help uses it,
// and every command group's --help has examples.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let elsewhere: string;
beforeAll(async () => {
  elsewhere = await mkdtemp(join(tmpdir(), 'dfdoctor-elsewhere-'));
});
afterAll(() => rm(elsewhere, { recursive: true, force: true }));

describe('bundled example', () => {
  it('analyze --example reads the seed bundle shipped with the package, whatever the cwd', async () => {
    const r = await runCli(['analyze', '--example', '--format', 'json', '--fail-on', 'never'], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.host.hostname).toBe('node-seed');
    expect(rep.diagnoses.map((d: { cause: string }) => d.cause)).toContain('containerd-concurrency');
  });

  it('analyze with both a bundle and --example, or neither, is a usage error', async () => {
    expect((await runCli(['analyze'], { cwd: elsewhere })).code).toBe(2);
    const both = await runCli(['analyze', 'x.tar.gz', '--example'], { cwd: elsewhere });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/a bundle, loose files, or --example/);
  });

  it('the example bundle is in the npm package', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    expect(files).toContain('fixtures/seed-cache-hit-slow/manifest.json');
  });

  it('analyze --help uses --example; every example there runs from anywhere', async () => {
    const h = await runCli(['analyze', '--help'], { cwd: elsewhere });
    expect(h.stdout).toContain('$ dfdoctor analyze --example');
    expect(h.stdout).not.toContain('fixtures/seed-cache-hit-slow');
  });

  it.each([['bench'], ['baseline'], ['fleet']])('%s --help has examples', async (cmd) => {
    const h = await runCli([cmd, '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/Examples:\n {2}\$ dfdoctor /);
  });
});
