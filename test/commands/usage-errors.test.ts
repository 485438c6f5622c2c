// Issue 15 items 1, 2, 4: bad input and impossible requests are one line and exit 2, found before any
// probing, and nothing is left in the temp dir.
import { copyFile, mkdir, mkdtemp, readdir, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

let dir: string;
let tgz: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-usage-'));
  tgz = join(dir, 'seed.tar.gz');
  const seed = 'fixtures/seed-cache-hit-slow';
  await tar.create({ gzip: true, file: tgz, cwd: seed, portable: true }, (await readdir(seed)).sort());
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('usage errors', () => {
  // the seed bundle packs to ~12.7 kB: 3000 bytes in, and just short of its end (the gzip trailer)
  it.each([3000, 0.5, 0.8, -10])(
    'analyze of a .tar.gz cut at %d: one line, exit 2, nothing left in TMPDIR',
    async (where) => {
      const size = (await stat(tgz)).size;
      const at = where >= 1 ? where : where < 0 ? size + where : Math.round(size * where);
      const cut = join(dir, `cut-${at}.tar.gz`);
      await copyFile(tgz, cut);
      await truncate(cut, at);
      const tmp = await mkdtemp(join(dir, 'tmp-'));
      const r = await runCli(['analyze', cut], { env: { TMPDIR: tmp } });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        new RegExp(`^dfdoctor: ${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*(truncated|not a readable)`),
      );
      expect(r.stderr).not.toMatch(/internal error|ENOTEMPTY/);
      expect(await readdir(tmp)).toEqual([]);
    },
  );

  it('collect -o into a directory that does not exist is a usage error before any probe runs', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const r = await runCli(['collect', '-o', '/nonexistent/dir/x.tar.gz'], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      'dfdoctor: --output /nonexistent/dir/x.tar.gz: directory /nonexistent/dir does not exist',
    );
    // no bundle dir was ever made: the probes did not start
    expect(await readdir(tmp)).toEqual([]);
  });

  // root may write anywhere, so there is nothing to refuse
  it.skipIf(process.getuid?.() === 0)(
    'collect -o into a directory it cannot write is a usage error before any probe runs',
    async () => {
      const ro = join(dir, 'ro');
      await mkdir(ro, { mode: 0o500 });
      const tmp = await mkdtemp(join(dir, 'tmp-'));
      const r = await runCli(['collect', '-o', join(ro, 'x.tar.gz')], { env: { TMPDIR: tmp } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--output .*: cannot write in /);
      expect(await readdir(tmp)).toEqual([]);
    },
  );

  it('collect -o naming a directory is a usage error before any probe runs', async () => {
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const target = join(dir, 'a-dir.tar.gz');
    await mkdir(target);
    const r = await runCli(['collect', '-o', target], { env: { TMPDIR: tmp } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`dfdoctor: --output ${target}: is a directory`);
    expect(await readdir(tmp)).toEqual([]);
  });

  it.each([
    [['--probes', '']],
    [['--probes', ' , ']],
    [['--skip', 'system,disk,loopback,netfilter,containerd,kubelet,dfdaemon']],
  ])('diagnose %j selects no probe: a usage error, not "No causes found"', async (args) => {
    const r = await runCli(['diagnose', ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('No causes found');
    expect(r.stderr.trim()).toMatch(
      /^dfdoctor: no probe selected \(--probes\/--skip\): nothing would be checked; known probes: system, disk/,
    );
  });

  // every command declares these flags the same way (src/commands/options.ts), so every command rejects alike
  it.each([
    [['collect', '-o', 'node.tar.gz', '--timeout', 'soon'], '--timeout must be a positive number, got "soon"'],
    [['baseline', 'save', 'b.json', '--timeout', '0'], '--timeout must be a positive number, got "0"'],
    [['diagnose', '--timeout', '-1'], '--timeout must be a positive number, got "-1"'],
    [['diagnose', '--disk-bytes', 'lots'], 'not a byte size: "lots" (e.g. 256MiB, 64M, 1048576)'],
    [['bench', 'pull', 'img', '--bench-bytes', '5q'], 'not a byte size: "5q" (e.g. 256MiB, 64M, 1048576)'],
  ])('%j: one line, exit 2, before anything runs', async (args, message) => {
    const r = await runCli(args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe(`dfdoctor: ${message}`);
  });
});
