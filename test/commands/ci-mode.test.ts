// docs/ci.md's node-image check, run as documented: collect from an exported root, analyze to JSON and
// to JUnit; the JUnit gate's exit code and failures agree with the JSON report.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEVERITY_ORDER } from '../../src/causes.js';
import { ReportSchema } from '../../src/report/model.js';
import { runCli } from '../helpers/cli.js';
import { writeSecretNode } from '../helpers/secret-node.js';

const DOC = new URL('../../docs/ci.md', import.meta.url).pathname;

/** The first ```sh block of docs/ci.md: the three documented commands. */
async function documentedCommands(): Promise<string[][]> {
  const md = await readFile(DOC, 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(md)?.[1] ?? '';
  return block
    .split('\n')
    .filter((l) => l.startsWith('dfdoctor '))
    .map((l) =>
      l
        .replace(/\s+#.*$/, '')
        .split(/\s+/)
        .slice(1),
    );
}

describe('docs/ci.md: node-image smoke check', () => {
  let root: string;
  let work: string;
  beforeAll(async () => {
    root = await writeSecretNode();
    work = await mkdtemp(join(tmpdir(), 'dfdoctor-ci-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  it('runs as documented; JUnit failures = diagnoses at or above --fail-on, and the exit code says so', async () => {
    const cmds = await documentedCommands();
    expect(cmds.map((c) => c[0])).toEqual(['collect', 'analyze', 'analyze']);
    const codes: number[] = [];
    for (const args of cmds) {
      const r = await runCli(
        args.map((a) => (a === 'rootfs' ? root : a)),
        { cwd: work, timeoutMs: 90_000 },
      );
      expect(r.code === 0 || r.code === 1, `${args.join(' ')}: ${r.stderr}`).toBe(true);
      codes.push(r.code as number);
    }
    const report = ReportSchema.parse(JSON.parse(await readFile(join(work, 'dfdoctor.json'), 'utf8')));
    const xml = await readFile(join(work, 'dfdoctor-junit.xml'), 'utf8');
    const gate = report.diagnoses.filter((d) => SEVERITY_ORDER[d.severity] <= SEVERITY_ORDER.warning);
    expect(codes).toEqual([0, 0, gate.length > 0 ? 1 : 0]);
    const failures = [...xml.matchAll(/<failure /g)].length;
    expect(failures).toBe(gate.length);
    expect(xml).toMatch(
      new RegExp(
        `<testsuites name="dfdoctor" tests="${report.rules.length + Object.keys(report.probes).length}" failures="${gate.length}"`,
      ),
    );
    for (const d of gate) expect(xml).toContain(`name="${d.rule}: `);
    // the probes not asked for are reported as skipped, not as passed
    expect(xml).toMatch(/name="probe disk"[^]*?<skipped message="skipped: not selected \(--probes\)"/);
    console.info(`ci smoke on the secret node: ${gate.map((d) => d.rule).join(', ') || 'no failures'}`);
  }, 200_000);
});
