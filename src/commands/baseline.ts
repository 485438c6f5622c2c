import { writeFile } from 'node:fs/promises';
import type { Command } from '@commander-js/extra-typings';
import type { Manifest } from '../bundle/manifest.js';
import type { Measurements } from '../bundle/measurements.js';
import { UsageError } from '../errors.js';
import { FIGURES, formatFigure } from '../facts/baseline-figures.js';
import { addProbeOptions, deselectedProbes, type ProbeFlags, timeoutOption, toProbeOptions } from './options.js';
import type { RunContext } from './run-context.js';
import { toolInfo } from './tool-info.js';

export function registerBaseline(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const baseline = program
    .command('baseline')
    .description('save the measured figures of a good node, to compare later runs with (diagnose --baseline)')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor baseline save baseline.json                   # on a node that pulls well
  $ dfdoctor baseline save baseline.json --from node.tar.gz
  $ dfdoctor diagnose --baseline baseline.json              # later, or on a node of the same type`,
    );
  const save = baseline
    .command('save')
    .argument('<file>', 'the baseline file to write (JSON)')
    .description('run the probes (or read a bundle with --from) and save the measured figures')
    .option('--from <bundle>', 'take the figures from a bundle (directory or .tar.gz) instead of probing this node')
    .addOption(timeoutOption())
    .addHelpText(
      'after',
      `
Figures kept: ${FIGURES.map((f) => f.id).join(', ')}.

Examples:
  $ dfdoctor baseline save baseline.json
  $ dfdoctor baseline save baseline.json --from node.tar.gz
  $ dfdoctor diagnose --baseline baseline.json --tolerance 0.2`,
    );
  addProbeOptions(save).action(async (file, flags) => {
    const rc = ctx();
    const { makeBaseline } = await import('../facts/baseline.js');
    const { manifest, measurements } = flags.from ? await fromBundle(flags.from) : await fromProbes(flags, rc);
    const b = makeBaseline({
      measurements,
      createdAt: new Date().toISOString(),
      tool: toolInfo(),
      host: { hostname: manifest.host.hostname, kernel: manifest.host.kernel, os: manifest.host.os },
    });
    const ids = Object.keys(b.figures);
    if (ids.length === 0) {
      const why = Object.entries(manifest.probes)
        .filter(([, p]) => p.status !== 'ok')
        .map(([n, p]) => `${n}: ${p.status}${p.reason ? ` (${p.reason})` : ''}`)
        .join('; ');
      throw new UsageError(
        `nothing measured, no baseline written${why ? ` — ${why}` : ''}; the disk and loopback probes measure`,
      );
    }
    try {
      await writeFile(file, `${JSON.stringify(b, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(`${file}: ${(e as Error).message}`);
    }
    const lines = FIGURES.filter((f) => b.figures[f.id]).map(
      (f) => `  ${f.id} = ${formatFigure(b.figures[f.id]?.value ?? 0, f.unit)}`,
    );
    process.stderr.write(`saved ${ids.length} figures of ${b.host.hostname} to ${file}\n${lines.join('\n')}\n`);
    setExit(0);
  });
}

async function fromBundle(path: string): Promise<{ manifest: Manifest; measurements: Measurements }> {
  const { openBundle } = await import('../bundle/open.js');
  const b = await openBundle(path);
  try {
    return { manifest: b.manifest, measurements: b.measurements };
  } finally {
    await b.close();
  }
}

async function fromProbes(
  flags: ProbeFlags & { timeout: number },
  rc: RunContext,
): Promise<{ manifest: Manifest; measurements: Measurements }> {
  const [{ gather }, { createRedactor }] = await Promise.all([import('./gather.js'), import('../bundle/redact.js')]);
  const g = await gather({
    options: toProbeOptions(flags, flags.timeout, false),
    deselected: deselectedProbes(flags),
    signal: rc.signal,
    cleanup: rc.cleanup,
    progress: rc.progress,
    redactor: createRedactor(),
  });
  try {
    return await fromBundle(g.dir);
  } finally {
    await g.remove();
  }
}
