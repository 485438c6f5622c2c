// The start-up bundle (dist/packed/cli.cjs) and the compiled code `npm run build` keeps for it
// (scripts/code-cache.mjs, loaded by bin/packed-cli.js): V8 takes the code under the flag sets the
// launcher runs with, a run under other flags still works and writes nothing, the bundle answers as
// the modules tsc wrote do, and what it leaves in node_modules loads with the kept code in use.
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKED = join(ROOT, 'dist/packed');
const BUNDLE = join(PACKED, 'cli.cjs');
const SEED = join(ROOT, 'fixtures/seed-cache-hit-slow');

/** Runs `fn` with a module script holding `source` (a file, not -e: process.execArgv, which names the
 * kept code, must hold the test's flags and nothing else). */
function withScript<T>(source: string, fn: (script: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-packed-'));
  try {
    const script = join(dir, 'probe.mjs');
    writeFileSync(script, source);
    return fn(script);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A Node's standard output; exit 1 (the seed's findings reach the default --fail-on) is no failure. */
function run(args: string[]): string {
  try {
    return execFileSync(process.execPath, args, { encoding: 'utf8' });
  } catch (e) {
    const r = e as { status: number; stdout: string; stderr: string };
    if (r.status !== 1) throw new Error(`exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  }
}

/** A JSON report without its clock-dependent field. */
function report(out: string): unknown {
  const r = JSON.parse(out) as Record<string, unknown>;
  delete r.createdAt;
  return r;
}

/** Loads the bundle in a Node started with `flags` and says whether V8 took the kept code (null: none kept). */
function cacheState(flags: string[]): boolean | null {
  return withScript(
    `const { loadPacked } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'bin/packed-cli.js')).href)});
process.stdout.write(JSON.stringify(loadPacked(${JSON.stringify(BUNDLE)}).cacheRejected));`,
    (script) => {
      const rejected = JSON.parse(run([...flags, script])) as boolean | null;
      return rejected === null ? null : !rejected;
    },
  );
}

/** `analyze <seed> --format json` through bin/dfdoctor.js under `flags`. */
function analyzeJson(flags: string[]): unknown {
  return report(run([...flags, join(ROOT, 'bin/dfdoctor.js'), 'analyze', SEED, '--format', 'json']));
}

describe('the start-up bundle', () => {
  it('is ASCII, as the loader reads it (latin1)', () => {
    const bytes = readFileSync(BUNDLE);
    expect(bytes.findIndex((b) => b > 0x7f)).toBe(-1);
  });

  it('V8 takes the kept code without flags and under the heap cap, and a run under other flags compiles and writes nothing', () => {
    expect(cacheState([])).toBe(true);
    expect(cacheState(['--max-old-space-size=128'])).toBe(true);
    expect(cacheState(['--max-old-space-size=300'])).toBeNull();
    const before = readdirSync(PACKED).sort();
    const other = analyzeJson(['--max-old-space-size=300']);
    expect(readdirSync(PACKED).sort()).toEqual(before);
    expect(analyzeJson([])).toEqual(other);
  }, 60_000);

  it('gives the report the modules tsc wrote give', () => {
    const plain = withScript(
      `const { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli.js')).href)});
process.exitCode = await main(process.argv);`,
      (script) => report(run([script, 'analyze', SEED, '--format', 'json'])),
    );
    expect(analyzeJson([])).toEqual(plain);
  }, 60_000);

  it('loads what it leaves in node_modules (undici, systeminformation) with the kept code in use', async () => {
    // import() inside a script that V8 took from its code cache fails ("A dynamic import callback was not
    // specified"): the bundle must reach them by require(). A real HTTP server on loopback answers the
    // metrics scrape with 404, which only undici can report.
    expect(readFileSync(BUNDLE, 'latin1')).not.toMatch(/\bimport\(\s*["'`]/);
    expect(cacheState([])).toBe(true);
    const server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const out = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [
            join(ROOT, 'bin/dfdoctor.js'),
            'diagnose',
            '--probes',
            'system,dfdaemon',
            '--dfdaemon-metrics',
            `http://127.0.0.1:${port}/metrics`,
            '--scrape-interval',
            '0.2',
            '--format',
            'json',
            '--fail-on',
            'never',
          ],
          { encoding: 'utf8', timeout: 60_000 },
          (e, stdout) => (e ? reject(e) : resolve(stdout)),
        ),
      );
      const probes = (JSON.parse(out) as { probes: Record<string, { status: string; reason?: string }> }).probes;
      expect(JSON.stringify(probes)).not.toMatch(/dynamic import/);
      expect(probes.system?.status).toBe('ok');
      expect(probes.dfdaemon?.reason).toMatch(/metrics: http:\/\/127\.0\.0\.1:\d+\/metrics: HTTP 404/);
    } finally {
      server.close();
    }
  }, 60_000);

  it('starts without the ES-module loader, and without the builtins `analyze` of a bundle directory does not use', () => {
    // NODE_OPTIONS, not a flag: process.execArgv, which names the kept code, stays as an installed run has it
    const dir = mkdtempSync(join(tmpdir(), 'dfdoctor-modules-'));
    try {
      const preload = join(dir, 'loaded.cjs');
      const list = join(dir, 'loaded.txt');
      writeFileSync(
        preload,
        `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));`,
      );
      execFileSync(
        process.execPath,
        [
          '--max-old-space-size=128',
          join(ROOT, 'bin/dfdoctor.js'),
          'analyze',
          SEED,
          '--format',
          'json',
          '--fail-on',
          'never',
        ],
        { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` }, stdio: 'ignore' },
      );
      const loaded = readFileSync(list, 'utf8').split('\n');
      expect(loaded).toContain('NativeModule vm');
      // an ES-module entry runs its module jobs; child_process (with net and dgram) came with commander, zlib
      // with the bundle reader, perf_hooks with the progress clock
      for (const m of ['internal/modules/esm/module_job', 'child_process', 'zlib', 'perf_hooks'])
        expect(loaded, m).not.toContain(`NativeModule ${m}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
