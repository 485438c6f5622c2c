// Issue 15 items 6, 7, 10: the header, probe lines, markdown structure and the impact column read as
// a first-time reader expects.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/markdown.js';
import type { Report } from '../../src/report/model.js';
import { renderTable } from '../../src/report/table.js';
import { runCli } from '../helpers/cli.js';
import { fixtureReport } from '../helpers/fleet-reports.js';

/** Deepest nesting of parentheses in a string. */
function parenDepth(s: string): number {
  let d = 0;
  let max = 0;
  for (const ch of s) {
    if (ch === '(') max = Math.max(max, ++d);
    else if (ch === ')') d = Math.max(0, d - 1);
  }
  return max;
}

function containerdRunning(): boolean {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'containerd') return true;
    } catch {
      // gone
    }
  }
  return false;
}

let seed: Report;
let dir: string;
beforeAll(async () => {
  seed = await fixtureReport('seed-cache-hit-slow', 'node-seed', '2026-11-25T00:00:00Z');
  dir = await mkdtemp(join(tmpdir(), 'dfdoctor-read-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const table = (r: Report) => renderTable(r, { color: false, failOn: 'critical', width: 100 });

describe('item 6: header and probe lines', () => {
  it('a bundle without system data says so instead of "unknown, kernel unknown, 0 CPUs, 0.0 GiB"', () => {
    const r = { ...seed, host: { hostname: 'n1', kernel: 'unknown', os: 'unknown', cpus: 0, memoryBytes: 0 } };
    for (const text of [table(r), renderMarkdown(r)]) {
      expect(text).not.toMatch(/unknown, kernel unknown|0 CPUs|0\.0 GiB/);
      expect(text).toContain('host details not recorded');
    }
    const partial = { ...seed, host: { hostname: 'n1', kernel: '6.1.0', os: 'unknown', cpus: 4, memoryBytes: 0 } };
    expect(table(partial)).toMatch(/^kernel 6\.1\.0, 4 CPUs$/m);
  });

  it('an ok probe with a reason reads as partial, and the duration is not one more parenthesis', () => {
    const r = {
      ...seed,
      probes: {
        containerd: {
          status: 'ok' as const,
          reason: 'containerd log not readable: no journal entries, no log file',
          durationMs: 400,
        },
      },
    };
    const t = table(r);
    expect(t).toMatch(
      /^ {2}containerd +partial: containerd log not readable: no journal entries, no log file · 400 ms$/m,
    );
  });

  it.skipIf(containerdRunning())(
    'containerd installed but not running is reported as not running',
    async () => {
      const r = await runCli([
        'diagnose',
        '--probes',
        'containerd',
        '--root',
        dir,
        '--format',
        'json',
        '--fail-on',
        'never',
      ]);
      expect(r.code, r.stderr).toBe(0);
      const rep = JSON.parse(r.stdout) as Report;
      const c = rep.probes.containerd as { status: string; reason?: string };
      expect(c.reason ?? '').toMatch(/^not running/);
    },
    60_000,
  );

  it('skip reasons of a live run nest parentheses at most one deep', async () => {
    const r = await runCli([
      'diagnose',
      '--probes',
      'dfdaemon,containerd,kubelet',
      '--root',
      dir,
      '--fail-on',
      'never',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const probeLines = r.stdout.split('\n').filter((l) => /^ {2}(dfdaemon|containerd|kubelet) /.test(l));
    expect(probeLines.length).toBeGreaterThanOrEqual(3);
    for (const l of probeLines) expect(parenDepth(l), l).toBeLessThanOrEqual(1);
  }, 60_000);
});

describe('item 7: markdown structure', () => {
  it('sub-evidence is a nested bullet, probe details are not in the status column, no #N autolinks', () => {
    const md = renderMarkdown(seed);
    expect(md).toMatch(/^- last pull: 3 request\(s\) sent directly.*\n {2}- raw\/dfdaemon\/logs\/core\.log:273/m);
    expect(md).toMatch(/^\| probe \| status \| details \| ms \|$/m);
    expect(md).toMatch(/^\| dfdaemon \| ok \| Go dfdaemon v2\.1\.49/m);
    // GitHub turns "#1" into a link to issue 1 outside code
    const outsideCode = md.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
    expect(outsideCode).not.toMatch(/(^|[\s(>])#\d/m);
  });
});

describe('item 10: the impact column explains itself', () => {
  it('"?" has a legend and an info ranked above a warning says why', () => {
    const ranks = seed.diagnoses.map((d) => `${d.severity}:${d.impactSeconds === undefined ? '?' : 'est'}`);
    expect(ranks).toContain('info:est');
    // an unestimated finding (the kubelet's serial pulls: no Pulled events in the seed) needs the legend
    expect(ranks.some((r) => r.endsWith(':?'))).toBe(true);
    for (const text of [table(seed), renderMarkdown(seed)]) {
      expect(text).toMatch(/\? = not estimated/);
      expect(text).toMatch(/ranked by estimated impact first/i);
    }
  });
});
