import type { Command } from 'commander';
import { Option } from 'commander';
import { SEVERITY_ORDER } from '../causes.js';
import { FAIL_ON, type FailOn } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { FLEET_FORMATS, type FleetFormat, renderFleet } from '../report/fleet-render.js';
import { type FleetInput, type FleetSummary, summarizeFleet } from '../report/fleet-summary.js';
import { expandReportPaths, readReport } from './fleet-read.js';
import { terminalWidth, useColor } from './options.js';
import { writeOutput } from './output.js';
import type { RunContext } from './run-context.js';

interface FleetFlags {
  format: FleetFormat;
  output?: string;
  failOn: FailOn;
  color: boolean;
}

export function registerFleet(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const fleet = program
    .command('fleet')
    .description('work with many nodes\' reports (from the DaemonSet or Job in deploy/)')
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
    .addOption(new Option('--fail-on <severity>', 'exit 1 when any node has a diagnosis at or above this severity').choices(FAIL_ON).default('never'))
    .option('--no-color', 'no colour (also: NO_COLOR set, or output not a terminal)')
    .addHelpText(
      'after',
      `
Unreadable or non-report files are listed and skipped; exit 2 only when no report could be read.

Examples:
  $ dfdoctor fleet summarize reports/*.json
  $ dfdoctor fleet summarize reports/ --format markdown > fleet.md
  $ dfdoctor fleet summarize reports/ --format json --fail-on critical`,
    )
    .action(async (paths: string[], flags: FleetFlags) => {
      const rc = ctx();
      const files = await expandReportPaths(paths);
      if (files.length === 0) throw new UsageError(`no .json reports under ${paths.join(', ')}`);
      const inputs: FleetInput[] = [];
      const unreadable: { source: string; reason: string }[] = [];
      for (const [i, f] of files.entries()) {
        rc.progress(`reading ${i + 1}/${files.length} ${f}`);
        const r = await readReport(f);
        if (r.ok) inputs.push(r.input);
        else unreadable.push({ source: r.source, reason: r.reason });
      }
      rc.progress.done();
      for (const u of unreadable) process.stderr.write(`dfdoctor: skipped ${u.source}: ${u.reason}\n`);
      if (inputs.length === 0) throw new UsageError(`none of the ${files.length} files is a readable dfdoctor report`);
      const summary = summarizeFleet(inputs, unreadable);
      const text = renderFleet(summary, flags.format, { color: useColor({ ...flags, format: flags.format === 'table' ? 'table' : 'json' }), width: terminalWidth() });
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
