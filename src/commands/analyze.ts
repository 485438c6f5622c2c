import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { openBundle } from '../bundle/open.js';
import { analyse } from '../pipeline.js';
import { reportOrigin, settingsFrom } from './analysis.js';
import { type AnalysisFlags, addAnalysisOptions, addOutputOptions, type OutputFlags } from './options.js';
import { emitReport } from './output.js';
import type { RunContext } from './run-context.js';

/** The seed bundle in the package's own fixtures/ (package.json "files"), found from this module, not the cwd. */
const EXAMPLE_BUNDLE = fileURLToPath(new URL('../../fixtures/seed-cache-hit-slow/', import.meta.url)).replace(/\/$/, '');

export function registerAnalyze(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('analyze')
    .alias('analyse')
    .argument('[bundle]', 'a bundle directory or .tar.gz written by `dfdoctor collect`')
    .option('--example', 'analyse the example bundle shipped with dfdoctor (a slow cache-hit pull)')
    .description('analyse a bundle from another node; never touches this machine')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor analyze --example                  # the bundled example: a slow cache-hit pull
  $ dfdoctor analyze --example --format markdown
  $ dfdoctor analyze node.tar.gz
  $ dfdoctor analyze node.tar.gz --format junit --fail-on warning -o results.xml`,
    );
  addOutputOptions(addAnalysisOptions(cmd)).action(async (given: string | undefined, flags: OutputFlags & AnalysisFlags & { example?: boolean }) => {
    if ((given === undefined) === !flags.example) throw new UsageError('analyze needs either a bundle or --example');
    const path = given ?? EXAMPLE_BUNDLE;
    const rc = ctx();
    rc.progress(`reading ${path}…`);
    const settings = await settingsFrom(flags);
    const b = await openBundle(path);
    rc.cleanup.add(() => b.close());
    try {
      const report = await analyse(b.reader, b, settings, reportOrigin({ kind: 'bundle', path, bundleCreatedAt: b.manifest.createdAt }));
      rc.progress.done();
      setExit(await emitReport(report, flags));
    } finally {
      await b.close();
    }
  });
}
