import { BUNDLE } from '../../bundle/layout.js';
import type { DfdaemonFacts } from '../../facts/dfdaemon.js';
import { RUST_PROXY_READ_BUFFER } from '../../knowledge/dfdaemon-rust.js';
import { formatRange, parseRelease, pick, type VersionedEntry } from '../../knowledge/versioned.js';
import { type ConfigAt, configSnippet, forGen } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { configAt, pullTasks, type Config } from './pull.js';
import { setting } from './text.js';

/** A proxy read buffer at or below this copies large blobs in many small reads (client PR #1021). */
const SMALL_PROXY_BUFFER = 32 * 1024;

interface VersionFinding {
  version?: string;
  versionFrom: DfdaemonFacts['versionFrom'];
  cfg: Config;
  buffer: NonNullable<Config['proxyReadBufferSize']>;
  /** The release range whose own default buffer is that small. */
  slowEntry: VersionedEntry<number>;
  hits: number;
  /** The config the steps change. */
  config: ConfigAt;
}

export const version = defineRule<VersionFinding>({
  meta: {
    id: 'dfdaemon.version',
    cause: 'dfdaemon-version',
    title: 'A dfdaemon version with a known slow path',
    description:
      'Rust client of a release whose default proxy read buffer is ≤ 32 KiB (up to v0.2.16; raised to 4 MiB in v0.2.17 by client PR #1021, 512 KiB from v1.4.1), still reading through that small a buffer; a warning when the log shows cache hits served through it, a tuning note (info) when no pull in the bundle went that way',
    severities: ['warning', 'info'],
    remediationSummary: 'Upgrade the Rust client (≥ v0.2.17) or raise proxy.readBufferSize.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const buffer = cfg?.proxyReadBufferSize;
    if (!d || !cfg || cfg.generation !== 'rust' || !buffer || buffer.value > SMALL_PROXY_BUFFER) return null;
    // a release whose own default is that small: upgrading fixes it (a small buffer set by hand on a
    // newer release is a setting, not a version's slow path)
    const known =
      cfg.rustDefaults && !cfg.rustDefaults.assumed
        ? pick(RUST_PROXY_READ_BUFFER, parseRelease(cfg.rustDefaults.version))
        : null;
    if (known?.kind !== 'known' || known.value > SMALL_PROXY_BUFFER) return null;
    const hits = pullTasks(d).filter((t) => t.servedBy === 'local').length;
    // a stock config of an older release on a node with no pull to show is healthy until a hit pays for it
    return {
      severity: hits > 0 ? 'warning' : 'info',
      confidence: 0.6,
      data: {
        version: d.version ?? d.metrics?.version,
        versionFrom: d.versionFrom,
        cfg,
        buffer,
        slowEntry: known.entry,
        hits,
        config: forGen(configAt(f), 'rust'),
      },
    };
  },

  evidence({ version: v, versionFrom, cfg, buffer, slowEntry, hits }) {
    const from =
      versionFrom === 'container image'
        ? 'the tag of its container image'
        : versionFrom === 'log'
          ? "the daemon's log (the release its start or its announce to the scheduler names)"
          : `${BUNDLE.dfdaemon.version} or dragonfly_client_version`;
    return [
      `client version ${v ?? 'unknown'}${v ? ` (${from})` : ''}`,
      `${setting(buffer, cfg.file, (n) => `${n} bytes`)}${buffer.from === 'default' ? ` — the default of ${formatRange(slowEntry.range)} (${slowEntry.source})` : ''}`,
      'the proxy copies each response through this buffer, cache hits included: dragonflyoss/client PR #1021 (first release v0.2.17) raised it to 4 MiB ("improved data transfer efficiency in the proxy")',
      hits > 0
        ? `the last pull served ${hits} blob(s) from the local cache through that path`
        : 'no cache-hit pull in the bundle went through this buffer: a tuning note, nothing here was shown slowed by it',
    ];
  },

  steps({ config }) {
    return [
      prose('Helm: client.image.tag ≥ v0.2.17 (newest charts ship v1.4+), then helm upgrade.'),
      prose('Or, on the current version:'),
      configSnippet(config, 'proxy:\n  readBufferSize: 4194304'),
    ];
  },
});
