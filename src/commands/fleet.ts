import { type Command, Option } from '@commander-js/extra-typings';
import { SEVERITY_ORDER } from '../causes.js';
import { FAIL_ON, type FailOn } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { FLEET_FORMATS } from '../report/fleet-options.js';
import type { FleetSummary } from '../report/fleet-summary.js';
import { noColorOption, terminalWidth, useColor } from './options.js';
import type { RunContext } from './run-context.js';

export function registerFleet(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const fleet = program
    .command('fleet')
    .description("work with many nodes' reports (from the DaemonSet or Job in deploy/)")
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor fleet summarize reports/*.json
  $ dfdoctor fleet summarize reports/ --format markdown > fleet.md`,
    );
  fleet
    .command('summarize')
    .alias('summarise')
    .argument('<reports...>', 'JSON reports (`diagnose --format json`) or directories holding them')
    .description('group nodes by cause: which causes hit how many nodes, worst first')
    .addOption(new Option('-f, --format <format>', 'summary format').choices(FLEET_FORMATS).default('table'))
    .option('-o, --output <file>', 'write the summary to FILE instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when any node has a diagnosis at or above this severity')
        .choices(FAIL_ON)
        .default('never'),
    )
    .addOption(noColorOption())
    .addHelpText(
      'after',
      `
Unreadable or non-report files are listed and skipped; exit 2 only when no report could be read.

Examples:
  $ dfdoctor fleet summarize reports/*.json
  $ dfdoctor fleet summarize reports/ --format markdown > fleet.md
  $ dfdoctor fleet summarize reports/ --format json --fail-on critical`,
    )
    .action(async (paths, flags) => {
      const rc = ctx();
      const [{ expandReportPaths, readReport }, { FleetAccumulator }, { renderFleet }, { writeOutput }] =
        await Promise.all([
          import('./fleet-read.js'),
          import('../report/fleet-summary.js'),
          import('../report/fleet-render.js'),
          import('./output.js'),
        ]);
      const files = await expandReportPaths(paths);
      if (files.length === 0) throw new UsageError(`no .json reports under ${paths.join(', ')}`);
      // One report at a time into the aggregates: 100,000 reports fit the heap cap.
      const acc = new FleetAccumulator();
      const unreadable: { source: string; reason: string }[] = [];
      let shownAt = 0;
      for (const [i, file] of files.entries()) {
        const r = readReport(file);
        if (r.ok) acc.add(r.input);
        else {
          unreadable.push({ source: r.source, reason: r.reason });
          rc.progress.done();
          process.stderr.write(`dfdoctor: skipped ${r.source}: ${r.reason}\n`);
        }
        if (performance.now() - shownAt > 100 || i + 1 === files.length) {
          shownAt = performance.now();
          rc.progress(`reading ${i + 1}/${files.length} reports`);
          // the reads are synchronous: let a Ctrl-C in between them
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      const readable = files.length - unreadable.length;
      rc.progress.done();
      if (readable === 0) throw new UsageError(`none of the ${files.length} files is a readable dfdoctor report`);
      const summary = acc.summary(unreadable);
      const text = renderFleet(summary, flags.format, {
        color: useColor({ ...flags, format: flags.format === 'table' ? 'table' : 'json' }),
        width: terminalWidth(),
      });
      await writeOutput(text, flags.output);
      setExit(fleetExitCode(summary, flags.failOn));
    });
}

/** 1 when any node has a cause at or above `failOn`; `never` always gives 0. */
export function fleetExitCode(s: FleetSummary, failOn: FailOn): 0 | 1 {
  if (failOn === 'never') return 0;
  const limit = SEVERITY_ORDER[failOn];
  return s.causes.some((c) => SEVERITY_ORDER[c.worst] <= limit) ? 1 : 0;
}
