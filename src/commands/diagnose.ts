import type { Command } from 'commander';
import { DirBundle } from '../bundle/dir-bundle.js';
import { readBundleHead } from '../bundle/open.js';
import { createRedactor } from '../bundle/redact.js';
import { analyse } from '../pipeline.js';
import { reportOrigin, settingsFrom } from './analysis.js';
import { gather } from './gather.js';
import {
  type AnalysisFlags,
  addAnalysisOptions,
  addOutputOptions,
  addProbeOptions,
  deselectedProbes,
  type OutputFlags,
  type ProbeFlags,
  toProbeOptions,
} from './options.js';
import { checkWritable, emitReport } from './output.js';
import type { RunContext } from './run-context.js';

export function registerDiagnose(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const cmd = program
    .command('diagnose')
    .description("probe this node and rank what makes image pulls through dfdaemon slow")
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
  addOutputOptions(addAnalysisOptions(addProbeOptions(cmd))).action(async (flags: OutputFlags & ProbeFlags & AnalysisFlags) => {
    const rc = ctx();
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
    });
    try {
      const reader = new DirBundle(g.dir);
      const head = await readBundleHead(reader);
      const report = await analyse(reader, head, settings, reportOrigin({ kind: 'live' }));
      setExit(await emitReport(report, flags));
    } finally {
      await g.remove();
    }
  });
}
