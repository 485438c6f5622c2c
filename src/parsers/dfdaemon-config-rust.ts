// dfdaemon.yaml, the Rust client's config: key names and defaults by release (src/knowledge/dfdaemon-rust.ts,
// each with its dragonflyoss/client source). With no detected version, the keys the file uses decide
// between the newest release and the last one that read `rateLimit` (v1.2.7); either is stated.
import {
  RUST_BACK_TO_SOURCE_DEFAULT,
  RUST_CONCURRENT_PIECES,
  RUST_PIECE_TIMEOUT,
  RUST_PROXY_READ_BUFFER,
  RUST_PROXY_REQUEST_RATE_LIMIT,
  RUST_RATE_DEFAULT,
  RUST_RATE_KEY,
  RUST_SCHEDULE_TIMEOUT,
  RUST_STORAGE_READ_BUFFER,
  RUST_TASK_TTL,
} from '../knowledge/dfdaemon-rust.js';
import { parseRelease, pick, type Release, type VersionedFact } from '../knowledge/versioned.js';
import type { DfdaemonConfig, ProxyRule } from './dfdaemon-config-types.js';
import { parseByteSize } from './byte-size.js';
import { parseHumantime } from './humantime.js';
import { bool, num, str, type Convert, type SettingsReader } from './yaml-settings.js';

/** Rust bytesize ("50GB" = 50·10^9, "50GiB" = 50·2^30) or a plain integer. */
export const parseRustBytes: Convert<number> = (v) => parseByteSize(v, 'with-i');

/** humantime_serde: a string only ("30d", "2h 37min"). */
export const rustConfigSeconds: Convert<number> = (v) =>
  typeof v === 'string' ? (parseHumantime(v) ?? undefined) : undefined;

type RustDefaults = NonNullable<DfdaemonConfig['rustDefaults']>;

/** The release whose keys and defaults apply, and how it was chosen. */
function rustRelease(r: SettingsReader, rustVersion?: string): { release: Release | null; defaults: RustDefaults } {
  const detected = rustVersion ? parseRelease(rustVersion) : null;
  if (detected && rustVersion) return { release: detected, defaults: { version: rustVersion, assumed: false } };
  const hasNewKeys = r.node('download.bandwidthLimit') !== undefined || r.node('upload.bandwidthLimit') !== undefined;
  const hasOldKeys = r.node('download.rateLimit') !== undefined || r.node('upload.rateLimit') !== undefined;
  if (hasOldKeys && !hasNewKeys)
    return {
      release: parseRelease(RUST_RATE_KEY.entries[0]!.range.to as string),
      defaults: {
        version: 'v1.2.7',
        assumed: true,
        why: 'the file uses download/upload.rateLimit, the key name up to v1.2.7',
      },
    };
  return {
    release: null,
    defaults: { version: 'newest known (v1.5.1)', assumed: true, why: 'the version is unknown' },
  };
}

export function rustConfig(r: SettingsReader, rustVersion?: string): DfdaemonConfig {
  const { release, defaults } = rustRelease(r, rustVersion);
  const detected = defaults.assumed ? null : release;
  const by = <T>(fact: VersionedFact<T>, fallback: T): T => {
    const p = pick(fact, release);
    return p.kind === 'none' ? fallback : p.value;
  };
  const rateKey = by(RUST_RATE_KEY, 'bandwidthLimit');
  const otherKey = rateKey === 'rateLimit' ? 'bandwidthLimit' : 'rateLimit';
  if (detected)
    for (const side of ['download', 'upload'])
      r.notRead(
        `${side}.${otherKey}`,
        `not read by ${rustVersion} (it reads ${side}.${rateKey}); the default limit applies`,
      );
  const rateKeys = (side: string) =>
    detected ? [`${side}.${rateKey}`] : [`${side}.bandwidthLimit`, `${side}.rateLimit`];
  const backToSource = by(RUST_BACK_TO_SOURCE_DEFAULT, null);
  const requestRateLimit = by(RUST_PROXY_REQUEST_RATE_LIMIT, 4000);
  return {
    generation: 'rust',
    rustDefaults: defaults,
    rateKey,
    downloadRateLimit: r.get(rateKeys('download'), parseRustBytes, by(RUST_RATE_DEFAULT, 50e9), 'a byte rate'),
    uploadRateLimit: r.get(rateKeys('upload'), parseRustBytes, by(RUST_RATE_DEFAULT, 50e9), 'a byte rate'),
    ...(backToSource === null
      ? {}
      : {
          backToSourceRateLimit: r.get(
            ['download.backToSourceBandwidthLimit'],
            parseRustBytes,
            backToSource,
            'a byte rate',
          ),
        }),
    storageDir: r.get(['storage.dir'], str, '/var/lib/dragonfly', 'a path'),
    keepStorage: r.get(['storage.keep'], bool, false, 'a boolean'),
    taskExpireSeconds: r.get(['gc.policy.taskTTL'], rustConfigSeconds, by(RUST_TASK_TTL, 30 * 86400), 'a duration'),
    gcHighThresholdPercent: r.get(
      ['gc.policy.diskHighThresholdPercent', 'gc.policy.distHighThresholdPercent'],
      num,
      80,
      'a percentage',
    ),
    scheduleTimeoutSeconds: r.get(
      ['scheduler.scheduleTimeout'],
      rustConfigSeconds,
      by(RUST_SCHEDULE_TIMEOUT, 3 * 3600),
      'a duration',
    ),
    pieceTimeoutSeconds: r.get(['download.pieceTimeout'], rustConfigSeconds, by(RUST_PIECE_TIMEOUT, 360), 'a duration'),
    concurrentPieceCount: r.get(['download.concurrentPieceCount'], num, by(RUST_CONCURRENT_PIECES, 8), 'a number'),
    proxyRules: r.list<ProxyRule>('proxy.rules', (j, line) =>
      typeof j.regex === 'string' ? { regex: j.regex, direct: false, ...(line ? { line } : {}) } : null,
    ),
    registryMirror: r.get(['proxy.registryMirror.addr'], str, 'https://index.docker.io', 'a URL'),
    prefetch: r.get(['proxy.prefetch'], bool, false, 'a boolean'),
    proxyReadBufferSize: r.get(['proxy.readBufferSize'], num, by(RUST_PROXY_READ_BUFFER, 512 * 1024), 'a size'),
    storageReadBufferSize: r.get(['storage.readBufferSize'], num, by(RUST_STORAGE_READ_BUFFER, 512 * 1024), 'a size'),
    ...(requestRateLimit === null
      ? {}
      : {
          proxyRequestRateLimit: r.get(['proxy.server.requestRateLimit'], num, requestRateLimit, 'requests per second'),
        }),
    ports: {
      proxy: r.get(['proxy.server.port'], num, 4001, 'a port'),
      upload: r.get(['upload.server.port'], num, 4000, 'a port'),
      metrics: r.get(['metrics.server.port'], num, 4002, 'a port'),
      health: r.get(['health.server.port'], num, 4003, 'a port'),
    },
  };
}
