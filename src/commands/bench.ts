import type { Command } from '@commander-js/extra-typings';
import type { BenchMeasurement } from '../bundle/measurements.js';
import { UsageError } from '../errors.js';
import {
  addAnalysisOptions,
  addBenchOptions,
  addOutputOptions,
  addProbeOptions,
  deselectedProbes,
  toProbeOptions,
} from './options.js';
import type { RunContext } from './run-context.js';

/**
 * `dfdoctor bench pull IMAGE`: one command that measures and then diagnoses. The pulls and phase
 * floors go into the bundle as `measurements.bench`, the usual probes run after them (so dfdaemon's
 * logs and metrics include the bench's own pulls), and the report ranks causes with the measured
 * figures. `--bundle FILE` keeps that bundle for `dfdoctor analyze` elsewhere.
 */
export function registerBench(program: Command, ctx: () => RunContext, setExit: (n: number) => void): void {
  const bench = program
    .command('bench')
    .description('active, opt-in measurements: where the seconds of a pull go')
    .addHelpText(
      'after',
      `
Examples:
  $ dfdoctor bench pull registry.example.com/team/app:1.4
  $ dfdoctor bench pull docker.io/library/nginx:1.27 --runs 3 --format markdown > pull.md
  $ dfdoctor bench pull registry.example.com/team/app:1.4 --bundle bench.tar.gz   # for a bug report`,
    );
  const pull = bench
    .command('pull')
    .argument('<image>', "an image reference, pulled through the node's containerd and its configured mirror")
    .description(
      'pull IMAGE cold and then as a dfdaemon cache hit in a containerd namespace of its own, time each phase, then diagnose with the measurements',
    )
    .addHelpText(
      'after',
      `
Never uses containerd's k8s.io namespace; removes its own images, content, snapshots and namespace,
also on Ctrl-C. Needs access to containerd's socket (usually root).

Examples:
  $ dfdoctor bench pull registry.example.com/team/app:1.4
  $ dfdoctor bench pull docker.io/library/nginx:1.27 --runs 3 --format markdown
  $ dfdoctor bench pull ghcr.io/org/img:v2 --bundle bench.tar.gz     # then: dfdoctor analyze bench.tar.gz`,
    );
  addBenchOptions(addOutputOptions(addAnalysisOptions(addProbeOptions(pull)))).action(async (image, flags) => {
    if (flags.bundle && !/\.(tar\.gz|tgz)$/.test(flags.bundle))
      throw new UsageError(`--bundle ${flags.bundle}: must end in .tar.gz or .tgz`);
    const rc = ctx();
    const [{ settingsFrom }, { runBench }, { emitReport }, { benchReport }] = await Promise.all([
      import('./analysis.js'),
      import('../probes/bench-run.js'),
      import('./output.js'),
      import('./bench-report.js'),
    ]);
    const settings = await settingsFrom(flags);
    const deselected = deselectedProbes(flags);
    const measured: BenchMeasurement = await runBench(
      {
        image,
        runs: Math.max(1, Math.round(flags.runs)),
        root: flags.root,
        ...(flags.containerdConfig ? { containerdConfig: flags.containerdConfig } : {}),
        ...(flags.containerdAddress ? { containerdAddress: flags.containerdAddress } : {}),
        ...(flags.cacheDir ? { cacheDir: flags.cacheDir } : {}),
        ...(flags.dfdaemonConfig ? { dfdaemonConfig: flags.dfdaemonConfig } : {}),
        ...(flags.dfdaemonProxy ? { dfdaemonProxy: flags.dfdaemonProxy } : {}),
        pullTimeoutSeconds: flags.pullTimeout,
        sampleBytes: flags.benchBytes,
      },
      rc,
    );
    const report = await benchReport(measured, {
      options: toProbeOptions(flags, flags.timeout, Boolean(flags.bundle)),
      deselected,
      signal: rc.signal,
      cleanup: rc.cleanup,
      progress: rc.progress,
      settings,
      ...(flags.bundle ? { bundle: flags.bundle } : {}),
    });
    setExit(await emitReport(report, flags));
  });
}
