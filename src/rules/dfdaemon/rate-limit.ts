import type { LineRef } from '../../parsers/dfdaemon-timeline.js';
import { applySteps, type ConfigAt, forGen, rateLimitKey } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { allLocal, bytesOf, configAt, nonLocal, pullTasks, type Config } from './pull.js';
import { CAPACITY_TEXT, pathCapacity, type Capacity } from './capacity.js';
import { mb, mbps, quote, setting } from './text.js';

interface RateLimitFinding {
  cfg: Config;
  remoteTasks: number;
  cap: Capacity;
  logged?: LineRef;
  limiterErrors: LineRef[];
  /** Bytes the pull fetched at the limit, with what that cost: only when the limit is below the path. */
  slowed?: { bytes: number; effective: number; seconds: number };
  hitOnly: boolean;
  /** The config the steps change. */
  config: ConfigAt;
}

export const rateLimit = defineRule<RateLimitFinding>({
  meta: {
    id: 'dfdaemon.rate-limit',
    cause: 'dfdaemon-rate-limit',
    title: 'dfdaemon rate limit below what the disk and loopback carry',
    description:
      'The download limit (Go download.totalRateLimit/perPeerRateLimit, Rust download.rateLimit/bandwidthLimit) is below the measured cache-disk read or loopback throughput, or limiter errors are logged',
    severities: ['critical', 'warning', 'info'],
    remediationSummary: 'Raise the download rate limit to at least what the disk and network carry.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    if (!d || !cfg) return null;
    const tasks = pullTasks(d);
    const remote = nonLocal(tasks);
    // the total limit caps the node; the per-task limit caps each of the pull's parallel downloads
    let effective = cfg.downloadRateLimit.value;
    if (cfg.perPeerRateLimit && remote.length > 0)
      effective = Math.min(effective, cfg.perPeerRateLimit.value * remote.length);
    const cap = pathCapacity(f);
    const limiterErrors = d.logs?.summary.rateLimitErrors ?? [];
    const below = effective / 1e6 < cap.mbps;
    if (!below && limiterErrors.length === 0) return null;
    const bytes = bytesOf(remote);
    const slowed =
      bytes > 0 && below
        ? { bytes, effective, seconds: Math.max(0, bytes / effective - bytes / (cap.mbps * 1e6)) }
        : undefined;
    const hitOnly = allLocal(tasks);
    const logged = d.logs?.summary.rateLimitSetting?.ref;
    return {
      severity: slowed !== undefined && slowed.seconds >= 1 ? 'critical' : hitOnly ? 'info' : 'warning',
      confidence: f.measurements.disk || f.measurements.loopback ? 0.8 : 0.55,
      ...(slowed === undefined ? {} : { impactSeconds: slowed.seconds }),
      data: { cfg, remoteTasks: remote.length, cap, logged, limiterErrors, slowed, hitOnly, config: configAt(f) },
    };
  },

  evidence({ cfg, remoteTasks, cap, logged, limiterErrors, slowed, hitOnly }) {
    const out = [`${setting(cfg.downloadRateLimit, cfg.file, mbps)} — for the whole node`];
    if (cfg.perPeerRateLimit)
      out.push(
        `${setting(cfg.perPeerRateLimit, cfg.file, mbps)} — per task${remoteTasks > 0 ? `, ${remoteTasks} task(s) downloading in the last pull` : ''}`,
      );
    out.push(`path capacity: ${CAPACITY_TEXT[cap.from](cap.mbps)}`);
    if (logged) out.push(`${quote(logged)} — the limit in effect at startup`);
    for (const e of limiterErrors.slice(0, 3)) out.push(quote(e));
    if (slowed)
      out.push(
        `last pull: ${mb(slowed.bytes)} fetched by P2P/back-to-source at ≤ ${mbps(slowed.effective)} instead of ${cap.mbps.toFixed(0)} MB/s ⇒ ≈ ${slowed.seconds.toFixed(1)} s added`,
      );
    else if (hitOnly)
      out.push(
        'the last pull was served from the local cache, and both generations apply the limiter only to P2P and back-to-source piece downloads, not to local reads: this limit does not explain that pull',
      );
    return out;
  },

  steps({ cfg, config }) {
    // the key is named as the running release reads it
    const { key, value } = rateLimitKey(cfg);
    const go = cfg.generation === 'go';
    return [
      prose(
        `Set ${key} to at least the disk/loopback capacity, e.g. ${key.split(' / ')[0]}: ${value}${go ? ' (and download.perPeerRateLimit likewise; upload.rateLimit for peers fetching from this node)' : ''}.`,
      ),
      ...applySteps(forGen(config, cfg.generation)),
    ];
  },
});
