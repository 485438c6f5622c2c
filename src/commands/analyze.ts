import type { Command } from 'commander';
import { type AnalysisFlags, addAnalysisOptions, addOutputOptions, type OutputFlags } from './options.js';
import type { RunContext } from './run-context.js';

export function registerAnalyze(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('analyze')
    .alias('analyse')
    .argument('<bundle>', 'a bundle directory or .tar.gz written by `dfdoctor collect`')
    .description('analyse a bundle from another node; never touches this machine')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor analyze node.tar.gz
  $ dfdoctor analyze fixtures/seed-cache-hit-slow --format markdown
  $ dfdoctor analyze node.tar.gz --format junit --fail-on warning -o results.xml`,
    );
  addOutputOptions(addAnalysisOptions(cmd)).action(async (path: string, flags: OutputFlags & AnalysisFlags) => {
    const rc = ctx();
    rc.progress(`reading ${path}…`);
    // loaded here, not at start-up: `--version`, `--help` and the other commands do without them
    const [{ openBundle }, { analyse }, { reportOrigin, settingsFrom }, { emitReport }] = await Promise.all([
      import('../bundle/open.js'),
      import('../pipeline.js'),
      import('./analysis.js'),
      import('./output.js'),
    ]);
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
