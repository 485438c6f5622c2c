import type { Command } from '@commander-js/extra-typings';
import { UsageError } from '../errors.js';
import { addAnalysisOptions, addOutputOptions } from './options.js';
import type { RunContext } from './run-context.js';

export function registerAnalyze(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('analyze')
    .alias('analyse')
    .argument(
      '[inputs...]',
      "a bundle directory or .tar.gz written by `dfdoctor collect`, or loose files (logs, configs, rulesets; KIND=FILE names one's kind)",
    )
    .option('--example', 'analyse the example bundle shipped with dfdoctor (a slow cache-hit pull)')
    .description('analyse a bundle from another node, or loose files from an issue; never touches this machine')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor analyze --example                  # the bundled example: a slow cache-hit pull
  $ dfdoctor analyze --example --format markdown
  $ dfdoctor analyze node.tar.gz
  $ dfdoctor analyze node.tar.gz --format junit --fail-on warning -o results.xml
  $ dfdoctor analyze core.log config.toml hosts.toml dfget.yaml --format markdown
  $ dfdoctor analyze containerd-log=paste.txt dfdaemon-yaml=values-rendered.yaml`,
    );
  addOutputOptions(addAnalysisOptions(cmd)).action(async (given, flags) => {
    if ((given.length === 0) === !flags.example)
      throw new UsageError('analyze needs a bundle, loose files, or --example');
    const rc = ctx();
    // loaded here, not at start-up: `--version`, `--help` and the other commands do without them
    const [
      { openBundle },
      { analyse },
      { reportOrigin, settingsFrom },
      { emitReport },
      { analyseLooseFiles, isBundleArg },
      { EXAMPLE_BUNDLE },
    ] = await Promise.all([
      import('../bundle/open.js'),
      import('../pipeline.js'),
      import('./analysis.js'),
      import('./output.js'),
      import('./analyze-files.js'),
      import('./example-bundle.js'),
    ]);
    const inputs = given.length > 0 ? given : [EXAMPLE_BUNDLE];
    const settings = await settingsFrom(flags);
    const path = inputs[0] as string;
    if (inputs.length > 1 || !(await isBundleArg(path))) {
      rc.progress(`reading ${inputs.length} file${inputs.length === 1 ? '' : 's'}…`);
      const report = await analyseLooseFiles(inputs, settings);
      rc.progress.done();
      setExit(await emitReport(report, flags));
      return;
    }
    rc.progress(`reading ${path}…`);
    const b = await openBundle(path);
    rc.cleanup.add(() => b.close());
    try {
      const report = await analyse(
        b.reader,
        b,
        settings,
        reportOrigin({ kind: 'bundle', path, bundleCreatedAt: b.manifest.createdAt }),
      );
      rc.progress.done();
      setExit(await emitReport(report, flags));
    } finally {
      await b.close();
    }
  });
}
