import { Command, CommanderError } from '@commander-js/extra-typings';
import { BundleError } from './bundle/reader.js';
import { CleanupStack } from './commands/cleanup.js';
import { COMMANDS } from './commands/index.js';
import { makeRunContext, type RunContext } from './commands/run-context.js';
import { toolInfo } from './commands/tool-info.js';
import { UsageError } from './errors.js';
import { EXIT } from './exit-code.js';

/** Wires commands, flags and exit codes; the logic lives in src/commands. */
export async function main(argv: string[]): Promise<number> {
  const ac = new AbortController();
  const cleanup = new CleanupStack();
  let exitCode: number = EXIT.ok;
  let context: RunContext | undefined;
  const ctx = () => {
    context ??= makeRunContext(ac.signal, cleanup);
    return context;
  };

  let interrupted = false;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM') => {
    // a second Ctrl-C while cleaning up is not a reason to leave temp files behind
    if (interrupted) return;
    interrupted = true;
    const code = sig === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
    ac.abort(new Error(`interrupted by ${sig}`));
    process.stderr.write(`\ndfdoctor: ${sig}: cleaning up\n`);
    void cleanup.runAll().finally(() => process.exit(code));
  };
  const sigint = () => onSignal('SIGINT');
  const sigterm = () => onSignal('SIGTERM');
  // `on`, not `once`: execa's signal-exit re-raises a signal (and so kills us before cleanup) when it
  // sees only its own listeners left, which is what `once` leaves while our handler runs
  process.on('SIGINT', sigint);
  process.on('SIGTERM', sigterm);

  const program = new Command('dfdoctor')
    .description(
      'Finds where the seconds go when container image pulls through Dragonfly dfdaemon are slow, even on a cache hit.',
    )
    .version(toolInfo().version)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .addHelpText(
      'after',
      `
Exit codes: 0 nothing at or above --fail-on · 1 diagnoses at or above it · 2 usage error or unreadable input · 3 internal error

Examples:
  $ dfdoctor diagnose                          # this node, table report
  $ dfdoctor diagnose --format json --fail-on warning
  $ dfdoctor collect -o node.tar.gz            # redacted bundle for a bug report
  $ dfdoctor analyze node.tar.gz --format markdown
  $ dfdoctor rules`,
    );
  for (const register of COMMANDS) register(program, ctx, (n) => (exitCode = n));
  for (const c of program.commands) c.exitOverride();

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return EXIT.usage;
    }
    if (e instanceof UsageError || e instanceof BundleError) {
      process.stderr.write(`dfdoctor: ${e.message}\n`);
      return EXIT.usage;
    }
    if (ac.signal.aborted) return EXIT.sigint;
    process.stderr.write(`dfdoctor: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.internal;
  } finally {
    context?.progress.done();
    await cleanup.runAll();
    process.removeListener('SIGINT', sigint);
    process.removeListener('SIGTERM', sigterm);
  }
}
