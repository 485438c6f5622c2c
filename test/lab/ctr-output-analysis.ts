// What ctr printed for a pull, with the hosts.toml that names its mirror, given to dfdoctor as an SRE
// would paste them: the containerd.mirror-fallback finding it gives, if any.
import { writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { runCli } from '../helpers/cli.js';
import type { ContainerdLab } from './containerd-lab.js';

export async function mirrorFallbackOf(
  lab: ContainerdLab,
  ctrOutput: string,
  hostsToml: string,
): Promise<{ severity: string; evidence: string } | undefined> {
  const out = lab.path('ctr-output.txt');
  await writeFile(out, ctrOutput);
  const r = await runCli([
    'analyze',
    `containerd-log=${out}`,
    `hosts-toml=${hostsToml}`,
    '--format',
    'json',
    '--fail-on',
    'never',
  ]);
  expect(r.code, r.stderr).toBe(0);
  const d = (
    JSON.parse(r.stdout) as { diagnoses: { rule: string; severity: string; evidence: string[] }[] }
  ).diagnoses.find((x) => x.rule === 'containerd.mirror-fallback');
  return d && { severity: d.severity, evidence: d.evidence.join('\n') };
}
