import { DIGEST_MISMATCH, type LineRef } from '../../parsers/dfdaemon-timeline.js';
import type { Setting } from '../../parsers/dfdaemon-config.js';
import { applySteps, type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { allLocal, bytesOf, configAt, nonLocal, pullTasks } from './pull.js';
import { mb, quote, setting } from './text.js';

interface DigestFinding {
  /** download.calculateDigest when the config turns it on, with its file. */
  configured?: { setting: Setting<boolean>; file: string };
  /** The daemon's startup line that says digests are on. */
  logged?: LineRef;
  failures: LineRef[];
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
    const failures = recent.length > 0 ? recent : (d.logs?.summary.tasks ?? []).flatMap((t) => t.digestFailures);
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

  steps({ configured, logged, failures, config }) {
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
      ...(failures.length > 0
        ? [
            prose(
              "Digest mismatches mean a parent served corrupt pieces or the disk returns bad data: grep the task id in the parent peer's log, check the cache disk (dmesg, SMART), and clear the task from the cache.",
            ),
          ]
        : []),
    ];
  },
});
