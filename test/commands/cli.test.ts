import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAUSES, PROBE_NAMES } from '../../src/causes.js';
import { BIN, runCli } from '../helpers/cli.js';

const ajv = new Ajv2020({ strict: false });
let validate: ReturnType<typeof ajv.compile>;
let dir: string;
beforeAll(async () => {
  validate = ajv.compile(JSON.parse(await readFile('schema/report.schema.json', 'utf8')));
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('dfdoctor CLI', () => {
  it('diagnose --format json on this machine exits 0 or 1, validates, and lists every probe with a status', async () => {
    const r = await runCli(['diagnose', '--format', 'json', '--timeout', '60'], { timeoutMs: 120_000 });
    expect([0, 1], r.stderr).toContain(r.code);
    const report = JSON.parse(r.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(Object.keys(report.probes).sort()).toEqual([...PROBE_NAMES].sort());
    for (const p of Object.values(report.probes) as { status: string; reason?: string }[]) {
      expect(['ok', 'skipped', 'failed']).toContain(p.status);
      if (p.status !== 'ok') expect(p.reason).toBeTruthy();
    }
  }, 130_000);

  it('--probes and --skip select probes; the others are skipped with the reason', async () => {
    const r = await runCli(['diagnose', '--format', 'json', '--probes', 'system']);
    expect(r.code).not.toBe(2);
    const report = JSON.parse(r.stdout);
    expect(report.probes.system.status).toBe('ok');
    expect(report.probes.disk).toEqual({ status: 'skipped', reason: 'not selected (--probes)', durationMs: 0 });
    const bad = await runCli(['diagnose', '--probes', 'system,gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'dfdoctor: --probes: unknown probe "gpu" (known: system, disk, loopback, netfilter, containerd, kubelet, dfdaemon)',
    );
  });

  it('analyze of a fixture validates; --fail-on drives exit 1 vs 0', async () => {
    const busy = await runCli(['analyze', 'fixtures/cpu-saturated', '--format', 'json']);
    expect(busy.code).toBe(1);
    const report = JSON.parse(busy.stdout);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.diagnoses[0].cause).toBe('cpu-contention');
    expect(report.source).toEqual({
      kind: 'bundle',
      path: 'fixtures/cpu-saturated',
      bundleCreatedAt: '2026-11-20T08:00:00.000Z',
    });
    expect((await runCli(['analyze', 'fixtures/cpu-saturated', '--fail-on', 'never'])).code).toBe(0);
    expect((await runCli(['analyze', 'fixtures/healthy', '--fail-on', 'info'])).code).toBe(0);
  });

  it('analyze of a broken bundle exits 2 with one line naming the file', async () => {
    const b = join(dir, 'broken');
    await (await import('node:fs/promises')).mkdir(b);
    await writeFile(join(b, 'manifest.json'), '{"format": "dfdoctor-bun');
    const r = await runCli(['analyze', b]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(join(b, 'manifest.json'));
    const missing = await runCli(['analyze', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
  });

  it('--output writes the report to a file and nothing to stdout; every format renders', async () => {
    for (const format of ['table', 'json', 'markdown', 'junit']) {
      const out = join(dir, `r.${format}`);
      const r = await runCli([
        'analyze',
        'fixtures/cpu-saturated',
        '--format',
        format,
        '--output',
        out,
        '--fail-on',
        'never',
      ]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect((await readFile(out, 'utf8')).length).toBeGreaterThan(100);
    }
  });

  it('rules --format json lists every rule with a cause from the fixed list', async () => {
    const r = await runCli(['rules', '--format', 'json']);
    expect(r.code).toBe(0);
    const rules = JSON.parse(r.stdout) as { id: string; cause: string; severities: string[] }[];
    expect(rules.map((x) => x.id)).toContain('system.cpu-saturated');
    for (const x of rules) expect(CAUSES).toContain(x.cause);
  });

  it('usage errors exit 2; --help exits 0 with examples', async () => {
    expect((await runCli(['diagnose', '--format', 'yaml'])).code).toBe(2);
    expect((await runCli(['diagnose', '--timeout', '-3'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    for (const cmd of ['diagnose', 'analyze', 'collect', 'rules']) {
      const h = await runCli([cmd, '--help']);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain('Examples:');
    }
  });

  it('collect writes a tarball that analyze reads back', async () => {
    const out = join(dir, 'node.tar.gz');
    const c = await runCli(['collect', '-o', out, '--probes', 'system']);
    expect(c.code, c.stderr).toBe(0);
    const a = await runCli(['analyze', out, '--format', 'json', '--fail-on', 'never']);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).probes.system.status).toBe('ok');
  });
});

describe('the launcher', () => {
  // A 1 MiB heap cap kills any Node at start-up: a command that succeeds under it ran without the
  // second, capped Node; a command that dies under it ran with the cap.
  const env = { DFDOCTOR_HEAP_MB: '1' };

  it('runs --version, --help, rules and analyze of a small bundle directory in its own Node, without the cap', async () => {
    for (const args of [
      ['--version'],
      ['--help'],
      ['rules', '--format', 'json'],
      ['analyze', 'fixtures/healthy', '--format', 'json'],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr.slice(0, 300)}`).toBe(0);
    }
  }, 60_000);

  it("gives a capped command its terminal: colour, the terminal's width and progress, as in one Node", async () => {
    // script(1) runs each form in a pseudo-terminal of 70 columns; stdout and stderr both reach it
    const inTerminal = (command: string) =>
      runCli(
        [
          '-qec',
          // a dfdaemon looked for where none is: its skip reason is long, whatever the machine
          `stty cols 70; ${command} diagnose --probes system,dfdaemon --dfdaemon-log-dir /nonexistent-dfdoctor-dir --fail-on never`,
          '/dev/null',
        ],
        {
          command: ['script'],
          env: { NO_COLOR: '', CI: '', COLUMNS: '' },
        },
      );
    const forms = {
      // the launcher: the command runs in its capped worker thread
      launcher: await inTerminal(`${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)}`),
      // as installed: the shebang caps the heap, the command runs on the main thread
      installed: await inTerminal(JSON.stringify(BIN)),
    };
    const words: Record<string, string[]> = {};
    for (const [form, r] of Object.entries(forms)) {
      expect(r.code, `${form}: ${r.stdout.slice(-500)}`).toBe(0);
      expect(r.stdout, form).toContain('\x1b[32mok\x1b[39m');
      expect(r.stdout, form).toMatch(/\r\x1b\[K\[\d+\.\ds\] system: running/);
      const report = r.stdout.slice(r.stdout.indexOf('Probes'));
      const lines = report.split(/\r?\n/).map((l) => l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ''));
      // what the table renderer wraps: commands stay whole to paste, and so do the cited files and the
      // notes (src/report/table.ts); a loaded machine adds the CPU finding's commands, ~105 columns
      const unwrapped = lines.findIndex((l) => /^(Files cited|Notes)\b/.test(l));
      const wrapped = (unwrapped < 0 ? lines : lines.slice(0, unwrapped)).filter((l) => !/^\s*\$ /.test(l));
      const long = wrapped.filter((l) => l.length > 70);
      expect(long, form).toEqual([]);
      // the same probes table, whatever the timings and where they wrap (the findings below it depend on
      // the machine's load at the moment each form ran)
      const table = lines.slice(0, lines.indexOf(''));
      // the probes table fits the width (no line above is wider than 70): the long skip reason wraps under its column
      expect(table.filter((l) => /^ {14}\S/.test(l)).length, form).toBeGreaterThan(0);
      words[form] = table.join(' ').replace(/\d+/g, 'N').split(/\s+/);
    }
    expect(words.launcher).toEqual(words.installed);
  }, 60_000);

  it('keeps the heap cap for commands whose input can be large', async () => {
    for (const args of [
      ['fleet', 'summarize', 'fixtures/healthy/manifest.json'],
      ['diagnose', '--probes', 'system'],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr, args.join(' ')).toMatch(/heap|out of memory|OOM/i);
    }
  }, 60_000);
});
