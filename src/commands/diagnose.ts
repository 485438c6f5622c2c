import type { Command } from '@commander-js/extra-typings';
import { addAnalysisOptions, addOutputOptions, addProbeOptions, deselectedProbes, toProbeOptions } from './options.js';
import type { RunContext } from './run-context.js';

export function registerDiagnose(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('diagnose')
    .description('probe this node and rank what makes image pulls through dfdaemon slow')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor diagnose
  $ dfdoctor diagnose --format markdown > report.md
  $ dfdoctor diagnose --format json --fail-on warning        # CI smoke check
  $ dfdoctor diagnose --probes disk,dfdaemon --cache-dir /data/dragonfly
  $ dfdoctor diagnose --root /host --format json             # inside a DaemonSet pod
  $ dfdoctor diagnose --baseline baseline.json --tolerance 0.2`,
    );
  addOutputOptions(addAnalysisOptions(addProbeOptions(cmd))).action(async (flags) => {
    const rc = ctx();
    const [
      { readBundleHead },
      { createRedactor },
      { analyse },
      { reportOrigin, settingsFrom },
      { gather },
      { checkWritable, emitReport },
    ] = await Promise.all([
      import('../bundle/open.js'),
      import('../bundle/redact.js'),
      import('../pipeline.js'),
      import('./analysis.js'),
      import('./gather.js'),
      import('./output.js'),
    ]);
    const settings = await settingsFrom(flags);
    const deselected = deselectedProbes(flags);
    if (flags.output) await checkWritable(flags.output);
    const g = await gather({
      options: toProbeOptions(flags, flags.timeout, false),
      deselected,
      signal: rc.signal,
      cleanup: rc.cleanup,
      progress: rc.progress,
      // the same redaction as `collect`, so that diagnose and collect + analyze read the same bytes
      redactor: createRedactor(),
      // read here and removed: what the bundle would copy without a change may stay where it is
      link: true,
    });
    try {
      const reader = g.reader();
      const head = await readBundleHead(reader);
      const report = await analyse(reader, head, settings, reportOrigin({ kind: 'live' }));
      setExit(await emitReport(report, flags));
    } finally {
      await g.remove();
    }
  });
}
