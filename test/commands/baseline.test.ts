import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/facts/baseline.js';
import { ReportSchema } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';

const FIX = new URL('../../fixtures/', import.meta.url).pathname;

describe('dfdoctor baseline save / --baseline (real CLI)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dfdoctor-baseline-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('saves the figures of a bundle, and a later analysis names the regressions', async () => {
    const file = join(dir, 'good.json');
    const s = await runCli(['baseline', 'save', file, '--from', join(FIX, 'baseline-steady')]);
    expect(s.code, s.stderr).toBe(0);
    const b = parseBaseline(await readFile(file, 'utf8'));
    expect(b.ok).toBe(true);
    if (!b.ok) return;
    expect(b.baseline.host.hostname).toBe('node-a');
    expect(Object.keys(b.baseline.figures).length).toBe(20);

    const r = await runCli([
      'analyze',
      join(FIX, 'baseline-regressed'),
      '--baseline',
      file,
      '--format',
      'json',
      '--fail-on',
      'warning',
    ]);
    expect(r.code).toBe(1);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    const rules = report.diagnoses.map((d) => d.rule).filter((id) => id.startsWith('baseline.'));
    expect(rules.sort()).toEqual([
      'baseline.cpu-regression',
      'baseline.dfdaemon-regression',
      'baseline.disk-regression',
      'baseline.loopback-regression',
      'baseline.registry-regression',
      'baseline.unpack-regression',
      'baseline.verification-regression',
    ]);
    // same node, same figures: nothing regressed
    const same = await runCli([
      'analyze',
      join(FIX, 'baseline-steady'),
      '--baseline',
      file,
      '--format',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(ReportSchema.parse(JSON.parse(same.stdout)).diagnoses.filter((d) => d.rule.startsWith('baseline.'))).toEqual(
      [],
    );
    // a looser tolerance hides the regressions of less than 5×
    const loose = await runCli([
      'analyze',
      join(FIX, 'baseline-regressed'),
      '--baseline',
      file,
      '--tolerance',
      '5',
      '--format',
      'json',
      '--fail-on',
      'never',
    ]);
    expect(
      ReportSchema.parse(JSON.parse(loose.stdout)).diagnoses.filter((d) => d.rule.startsWith('baseline.')),
    ).toEqual([]);
  });

  it('refuses a file that is not a baseline with a usage error', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"format":"something-else"}');
    const r = await runCli(['analyze', join(FIX, 'healthy'), '--baseline', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a dfdoctor baseline');
    expect((await runCli(['analyze', join(FIX, 'healthy'), '--baseline', join(dir, 'missing.json')])).code).toBe(2);
  });

  it('writes no baseline when nothing was measured', async () => {
    const file = join(dir, 'empty.json');
    const r = await runCli(['baseline', 'save', file, '--from', join(FIX, 'healthy')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing measured');
    await expect(readFile(file)).rejects.toThrow();
  });

  it('live: baseline save runs the probes and diagnose --baseline compares with it', async () => {
    const root = await mkdtemp(join(dir, 'root-'));
    const cache = await mkdtemp(join(dir, 'cache-'));
    const file = join(dir, 'live.json');
    const args = [
      '--root',
      root,
      '--cache-dir',
      cache,
      '--probes',
      'disk,loopback',
      '--disk-bytes',
      '8MiB',
      '--timeout',
      '40',
    ];
    const s = await runCli(['baseline', 'save', file, ...args], { timeoutMs: 90_000 });
    expect(s.code, s.stderr).toBe(0);
    const b = parseBaseline(await readFile(file, 'utf8'));
    // the loopback probe measures on any machine
    expect(b.ok && Object.keys(b.baseline.figures)).toEqual(
      expect.arrayContaining(['loopback.rttP50Ms', 'loopback.throughputMBps']),
    );
    console.info(`live baseline: ${s.stderr.trim()}`);
    const d = await runCli(['diagnose', ...args, '--baseline', file, '--format', 'json', '--fail-on', 'never'], {
      timeoutMs: 90_000,
    });
    expect(d.code, d.stderr).toBe(0);
    ReportSchema.parse(JSON.parse(d.stdout));
  }, 200_000);
});
