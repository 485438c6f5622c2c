import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProbeContext } from '../../src/probes/context.js';
import { netfilterProbe } from '../../src/probes/netfilter.js';
import { probeContext } from '../helpers/probe-context.js';

const temps: string[] = [];
afterAll(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function ctx(): Promise<{ dir: string; ctx: ProbeContext }> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-netfilter-'));
  temps.push(dir);
  return { dir, ctx: probeContext(dir) };
}

describe('netfilter probe', () => {
  it('skips with the reason when no ruleset tool exists, and still records conntrack', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const { dir, ctx: c } = await ctx();
      const outcome = await netfilterProbe.run(c);
      expect(outcome.status).toBe('skipped');
      expect(outcome.reason).toMatch(/iptables-save not found on PATH/);
      const ct = JSON.parse(await readFile(join(dir, 'raw/net/conntrack.json'), 'utf8')) as {
        count: unknown;
        max: unknown;
      };
      expect(Object.keys(ct)).toEqual(['count', 'max']);
    } finally {
      process.env.PATH = path;
    }
  });
});
