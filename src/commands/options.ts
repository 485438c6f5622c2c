import { type Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { PROBE_NAMES, type ProbeName } from '../causes.js';
import { FAIL_ON } from '../exit-code.js';
import { UsageError } from '../errors.js';
import { parseByteSize } from '../parsers/byte-size.js';
import { DISK_METHODS, type ProbeOptions } from '../probes/context.js';
import { DEFAULT_WIDTH, FORMATS } from '../report/options.js';
import { parseDuration } from './duration.js';

// Each flag is declared once, below; the types a command's action receives are inferred from these
// declarations by commander's typed companion (@commander-js/extra-typings), never written by hand.

// The `add*Options` are generic over the command's arguments (A), flags (O) and its parents' flags (G)
// so that what a command declared before them stays in its action's types.
type NoFlags = Record<never, never>;
/** The flags an `add*Options` function declares (given a command with none), as an action receives them. */
type FlagsOf<C extends { opts(): OptionValues }> = ReturnType<C['opts']>;

const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${name} must be a positive number, got "${v}"`);
  return n;
};

/** `--timeout`: every command that probes or reports is bounded by it. */
export const timeoutOption = () =>
  new Option('--timeout <seconds>', 'bound on the whole run').argParser(positive('--timeout')).default(30);

export const noColorOption = () => new Option('--no-color', 'no colour (also: NO_COLOR set, or output not a terminal)');

export function addOutputOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a diagnosis is at or above this severity')
        .choices(FAIL_ON)
        .default('critical'),
    )
    .addOption(noColorOption())
    .addOption(timeoutOption());
}
export type OutputFlags = FlagsOf<ReturnType<typeof addOutputOptions<[], NoFlags, NoFlags>>>;

export function addProbeOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .option('--root <dir>', 're-root every node path the probes read (e.g. /host in a DaemonSet)', '/')
    .option('--probes <list>', `run only these probes (comma-separated: ${PROBE_NAMES.join(', ')})`)
    .option('--skip <list>', 'do not run these probes (comma-separated)')
    .option('--cache-dir <dir>', "dfdaemon's storage dir (default: from its config, else the generation default)")
    .option('--dfdaemon-config <path>', 'dfdaemon config file (default: /etc/dragonfly/dfget.yaml or dfdaemon.yaml)')
    .option('--dfdaemon-log-dir <dir>', "dfdaemon's log dir (default: per generation)")
    .option('--dfdaemon-metrics <url>', "dfdaemon's metrics URL (default: from its config)")
    .option('--dfdaemon-proxy <url>', "dfdaemon's registry-mirror proxy URL (default: from its config)")
    .addOption(
      new Option('--scrape-interval <seconds>', 'seconds between the two metrics scrapes')
        .argParser(positive('--scrape-interval'))
        .default(2),
    )
    .option('--since <duration>', 'only log lines newer than this (e.g. 30m, 6h, 2d)')
    .addOption(
      new Option('--disk-bytes <bytes>', 'size of the temporary read-test file under the cache dir')
        .argParser(parseBytes)
        .default(256 * 1024 * 1024, '256MiB'),
    )
    .addOption(
      new Option('--disk-method <method>', 'how to read past the page cache').choices(DISK_METHODS).default('o_direct'),
    )
    .option('--containerd-config <path>', "containerd's config (default: /etc/containerd/config.toml)")
    .option('--containerd-address <socket>', "containerd's socket (default: /run/containerd/containerd.sock)")
    .option('--kubelet-config <path>', "kubelet's config (default: /var/lib/kubelet/config.yaml)")
    .option(
      '--kubelet-events <file>',
      'the output of `kubectl get events -A -o json` (default: asked of kubectl when a kubeconfig is at hand)',
    );
}
export type ProbeFlags = FlagsOf<ReturnType<typeof addProbeOptions<[], NoFlags, NoFlags>>>;

export function addAnalysisOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(
      new Option('--disk-floor-mbps <MBps>', 'sequential read below this counts as too slow for image serving')
        .argParser(positive('--disk-floor-mbps'))
        .default(100),
    )
    .option('--baseline <file>', 'compare measured figures with a saved baseline (dfdoctor baseline save)')
    .addOption(
      new Option('--tolerance <fraction>', 'regression beyond this fraction of the baseline is a finding')
        .argParser(positive('--tolerance'))
        .default(0.25),
    );
}
export type AnalysisFlags = FlagsOf<ReturnType<typeof addAnalysisOptions<[], NoFlags, NoFlags>>>;

/** `dfdoctor bench pull` only. */
export function addBenchOptions<A extends unknown[], O extends OptionValues, G extends OptionValues>(
  cmd: Command<A, O, G>,
) {
  return cmd
    .addOption(new Option('--runs <n>', 'cache-hit pulls after the cold one').argParser(positive('--runs')).default(1))
    .addOption(
      new Option('--pull-timeout <seconds>', 'bound on each pull').argParser(positive('--pull-timeout')).default(600),
    )
    .addOption(
      new Option(
        '--bench-bytes <bytes>',
        'at most this many bytes of the largest layer kept in memory for the phase floors',
      )
        .argParser(parseBytes)
        .default(256 * 1024 * 1024, '256MiB'),
    )
    .option(
      '--bundle <file>',
      'also write the redacted bundle with the bench measurements (.tar.gz), for a bug report',
    );
}

/** --disk-bytes, --bench-bytes: a size as dfdaemon's own config writes one (256MiB = 256·2^20, 64M = 64·10^6). */
export function parseBytes(v: string): number {
  const n = parseByteSize(v, 'with-i');
  if (n === undefined) throw new UsageError(`not a byte size: "${v}" (e.g. 256MiB, 64M, 1048576)`);
  return n;
}

/** --probes / --skip → which probes not to run, with the reason. */
export function deselectedProbes(flags: Pick<ProbeFlags, 'probes' | 'skip'>): Map<ProbeName, string> {
  const parse = (s: string | undefined, flag: string): ProbeName[] | undefined => {
    if (s === undefined) return undefined;
    const names = s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    for (const n of names) {
      if (!(PROBE_NAMES as readonly string[]).includes(n)) {
        throw new UsageError(`${flag}: unknown probe "${n}" (known: ${PROBE_NAMES.join(', ')})`);
      }
    }
    return names as ProbeName[];
  };
  const only = parse(flags.probes, '--probes');
  const skip = parse(flags.skip, '--skip') ?? [];
  const out = new Map<ProbeName, string>();
  for (const n of PROBE_NAMES) {
    if (only && !only.includes(n)) out.set(n, 'not selected (--probes)');
    else if (skip.includes(n)) out.set(n, 'skipped by --skip');
  }
  // a run that checks nothing would print "No causes found" and exit 0: a false green
  if (out.size === PROBE_NAMES.length) {
    throw new UsageError(
      `no probe selected (--probes/--skip): nothing would be checked; known probes: ${PROBE_NAMES.join(', ')}`,
    );
  }
  return out;
}

export function toProbeOptions(f: ProbeFlags, timeout: number, forBundle: boolean): ProbeOptions {
  const o: ProbeOptions = {
    root: f.root,
    timeoutSeconds: timeout,
    scrapeIntervalSeconds: f.scrapeInterval,
    diskBytes: f.diskBytes,
    diskMethod: f.diskMethod,
    forBundle,
  };
  if (f.cacheDir) o.cacheDir = f.cacheDir;
  if (f.dfdaemonConfig) o.dfdaemonConfig = f.dfdaemonConfig;
  if (f.dfdaemonLogDir) o.dfdaemonLogDir = f.dfdaemonLogDir;
  if (f.dfdaemonMetrics) o.dfdaemonMetrics = f.dfdaemonMetrics;
  if (f.dfdaemonProxy) o.dfdaemonProxy = f.dfdaemonProxy;
  if (f.since) o.sinceMs = parseDuration(f.since, '--since');
  if (f.containerdConfig) o.containerdConfig = f.containerdConfig;
  if (f.containerdAddress) o.containerdAddress = f.containerdAddress;
  if (f.kubeletConfig) o.kubeletConfig = f.kubeletConfig;
  if (f.kubeletEvents) o.kubeletEvents = f.kubeletEvents;
  return o;
}

/** Colour is decided once: --no-color, NO_COLOR, or output not to a terminal turn it off. */
export function useColor(flags: Pick<OutputFlags, 'color' | 'output' | 'format'>): boolean {
  if (!flags.color || flags.output || flags.format !== 'table') return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false;
  return Boolean(process.stdout.isTTY);
}

/**
 * The columns tables must fit: COLUMNS when set to a number (the user's say), else the terminal's
 * width, else 100 (output to a file or pipe).
 */
export function terminalWidth(
  stream: { isTTY?: boolean; columns?: number } = process.stdout,
  env: Record<string, string | undefined> = process.env,
): number {
  const fromEnv = Number(env.COLUMNS);
  if (env.COLUMNS && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  if (stream.isTTY && stream.columns && stream.columns > 0) return stream.columns;
  return DEFAULT_WIDTH;
}
