import type { Command } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import { addProbeOptions, deselectedProbes, timeoutOption, toProbeOptions } from './options.js';
import type { RunContext } from './run-context.js';

export function registerCollect(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('collect')
    .description('write a redacted bundle of what the probes gather, for a bug report')
    .requiredOption('-o, --output <file>', 'the bundle to write (.tar.gz)')
    .addOption(timeoutOption())
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor collect -o node.tar.gz
  $ dfdoctor collect -o node.tar.gz --since 2h --skip disk
  $ dfdoctor analyze node.tar.gz       # on any machine`,
    );
  addProbeOptions(cmd).action(async (flags) => {
    if (!/\.(tar\.gz|tgz)$/.test(flags.output))
      throw new UsageError(`--output ${flags.output}: must end in .tar.gz or .tgz`);
    const [{ packTarball }, { redactor }, { gather }, { checkWritable }] = await Promise.all([
      import('../bundle/tarball.js'),
      import('../bundle/redact.js'),
      import('./gather.js'),
      import('./output.js'),
    ]);
    await checkWritable(flags.output);
    const rc = ctx();
    const g = await gather({
      options: toProbeOptions(flags, flags.timeout, true),
      deselected: deselectedProbes(flags),
      signal: rc.signal,
      cleanup: rc.cleanup,
      progress: rc.progress,
      redactor,
    });
    try {
      rc.progress(`writing ${flags.output}`);
      await packTarball(g.dir, flags.output, (fn) => rc.cleanup.add(fn));
      rc.progress.done();
    } finally {
      await g.remove();
    }
    const statuses = Object.entries(g.manifest.probes)
      .map(([n, p]) => `${n}: ${p.status}`)
      .join(', ');
    process.stderr.write(`wrote ${flags.output} (${statuses})\n`);
    setExit(0);
  });
}
