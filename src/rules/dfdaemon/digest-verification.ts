import { DIGEST_MISMATCH, FILE_DIGEST_MISMATCH, type LineRef } from '../../parsers/dfdaemon-timeline.js';
import type { Setting } from '../../parsers/dfdaemon-config.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { cmd, prose } from '../steps.js';
import { defineRule } from '../rule.js';
import type { Step } from '../../report/model.js';
import { RUST_TASK_REMOVE } from '../../knowledge/dfdaemon-rust.js';
import { parseRelease, pick, type Picked } from '../../knowledge/versioned.js';
import { allLocal, bytesOf, configAt, nonLocal, pullTasks } from './pull.js';
import { quotedParent } from './parent-failures.js';
import { mb, quote, setting } from './text.js';

interface Removal {
  how: Picked<string | null>;
  version?: string;
  /** The container dfdaemon runs in: dfctl runs there (the client image ships it, ci/Dockerfile). */
  container?: string;
}

interface DigestFinding {
  /** download.calculateDigest when the config turns it on, with its file. */
  configured?: { setting: Setting<boolean>; file: string };
  /** The daemon's startup line that says digests are on. */
  logged?: LineRef;
  failures: LineRef[];
  /** The ids of the tasks whose pieces failed (at most three), and the parents the Rust lines name. */
  failing: { taskIds: string[]; parents: string[] };
  /** Rust: the command that removes a task in this release (none before v1.3.0); Go: not known. */
  remove?: Removal;
  /** The pull's downloaded bytes hashed at the measured rate, when digests are on and both are known. */
  hashed?: { bytes: number; sha256MBps: number; seconds: number };
  /** Nothing shows digests slowing a pull: a hit is not re-verified, or nothing was downloaded. */
  notTheCause: boolean;
  /** The config the steps change. */
  config: ConfigAt;
}

export const verification = defineRule<DigestFinding>({
  meta: {
    id: 'dfdaemon.digest-verification',
    cause: 'dfdaemon-verification',
    title: 'Digest computation or verification in dfdaemon',
    description:
      'Go download.calculateDigest: true (MD5 per piece while downloading), or digest mismatches logged by either generation',
    severities: ['warning', 'info'],
    remediationSummary:
      'Digests are computed while downloading, not when serving a local hit: keep them off for speed only where integrity is checked elsewhere; investigate mismatches.',
  },

  detect(f) {
    const d = f.dfdaemon;
    if (!d) return null;
    const cfg = d.config;
    const onCfg = cfg?.calculateDigest?.value === true;
    const ds = d.logs?.summary.digestSetting;
    const onLog = ds?.on === true;
    const tasks = pullTasks(d);
    const recent = tasks.flatMap((t) => t.digestFailures);
    const failingTasks = (recent.length > 0 ? tasks : (d.logs?.summary.tasks ?? [])).filter(
      (t) => t.digestFailures.length > 0,
    );
    const failures = failingTasks.flatMap((t) => t.digestFailures);
    if (!onCfg && !onLog && failures.length === 0) return null;
    const bytes = bytesOf(nonLocal(tasks));
    const sha = f.measurements.cpu?.sha256MBps;
    const hashed =
      (onCfg || onLog) && bytes > 0 && typeof sha === 'number' && sha > 0
        ? { bytes, sha256MBps: sha, seconds: bytes / (sha * 1e6) }
        : undefined;
    const hitOnly = allLocal(tasks) && failures.length === 0;
    return {
      severity: failures.length > 0 ? 'warning' : 'info',
      confidence: failures.length > 0 ? 0.8 : 0.6,
      ...(hashed === undefined || hitOnly ? {} : { impactSeconds: hashed.seconds }),
      data: {
        configured: cfg?.calculateDigest && onCfg ? { setting: cfg.calculateDigest, file: cfg.file } : undefined,
        logged: onLog ? ds.ref : undefined,
        failures,
        failing: {
          taskIds: [...new Set(failingTasks.flatMap((t) => (t.taskId ? [t.taskId] : [])))].slice(0, 3),
          parents: [...new Set(failures.flatMap((x) => quotedParent(x.text) ?? []))].slice(0, 3),
        },
        ...(d.generation === 'rust'
          ? {
              remove: {
                how: pick(RUST_TASK_REMOVE, d.version ? parseRelease(d.version) : null),
                ...(d.version ? { version: d.version } : {}),
                ...(d.container ? { container: d.container.id } : {}),
              },
            }
          : {}),
        hashed,
        notTheCause: hitOnly || (onCfg && bytes === 0),
        config: configAt(f),
      },
    };
  },

  evidence({ configured, logged, failures, hashed, notTheCause }) {
    const out: string[] = [];
    if (configured) out.push(setting(configured.setting, configured.file));
    if (logged) out.push(quote(logged));
    for (const x of failures.slice(0, 3)) out.push(quote(x, DIGEST_MISMATCH));
    if (hashed)
      out.push(
        `last pull: ${mb(hashed.bytes)} downloaded by P2P/back-to-source, hashed at ≈ ${hashed.sha256MBps.toFixed(0)} MB/s (measurements.cpu.sha256MBps, an MD5 stand-in) ⇒ ≤ ${hashed.seconds.toFixed(1)} s of CPU on the download path`,
      );
    if (notTheCause)
      out.push(
        'per the sources, digests are computed while pieces are downloaded (Go piece_manager.go, Rust per-piece CRC32) and a cache hit is read back without re-verification (Go local_storage.go ReadAllPieces, Rust local reads): this does not explain a slow cache hit',
      );
    return out;
  },

  steps({ configured, logged, failures, failing, remove, config }) {
    return [
      ...(configured || logged
        ? [
            prose(
              'Go dfdaemon: download.calculateDigest: false (the chart 1.1.65 default) unless you rely on dfdaemon for piece integrity.',
            ),
            configSnippet(forGen(config, 'go'), 'download:\n  calculateDigest: false'),
            ...applySteps(forGen(config, 'go')),
          ]
        : []),
      ...(failures.some((x) => !FILE_DIGEST_MISMATCH.test(x.text))
        ? [
            prose(
              `Digest mismatches mean a parent served corrupt pieces or the disk returns bad data: check the cache disk (dmesg, SMART), and look for the task id in the log of ${failing.parents.length > 0 ? `the parent that served them (${failing.parents.join(', ')})` : 'the parent peer'}.`,
            ),
          ]
        : []),
      ...(failures.some((x) => FILE_DIGEST_MISMATCH.test(x.text))
        ? [
            prose(
              '"verify file digest" is dfget\'s output file checked whole against the --digest it was given, once written: its pieces had passed their CRC checks, whether the origin, a parent or the cache served them, so no parent is to blame. Check that digest, and whether the object at the origin changed since it was taken (download it directly and hash it).',
            ),
          ]
        : []),
      ...(failures.length > 0 ? removeSteps(failing.taskIds, remove) : []),
    ];
  },
});

/** Removing the failed tasks from the cache, so that the next pull downloads them again. */
function removeSteps(taskIds: string[], remove: Removal | undefined): Step[] {
  const how = remove?.how;
  if (!how || how.kind === 'none')
    return [prose('Then clear the tasks from the cache, so that they are downloaded again.')];
  const newest = RUST_TASK_REMOVE.entries.at(-1);
  if (how.value === null)
    return [
      prose(
        `Then clear the tasks from the cache, so that they are downloaded again: this client (${remove.version}) has no command that removes one task (\`${newest?.value}\` comes with ${newest?.range.from}).`,
      ),
    ];
  const where = remove.container === undefined ? '' : `crictl exec ${remove.container} `;
  return [
    prose(
      `Then remove the tasks from the cache, so that they are downloaded again${remove.container === undefined ? '' : ', with the dfctl of the dfdaemon container'}${how.kind === 'assumed' ? ` (\`${how.value}\` comes with client ${how.entry.range.from}; this client's version is not known)` : ''}:`,
    ),
    ...(taskIds.length > 0 ? taskIds : ['<task id>']).map((id) => cmd(`${where}${how.value} ${id}`)),
  ];
}
