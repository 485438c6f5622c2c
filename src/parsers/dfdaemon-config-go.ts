// dfget.yaml, the Go dfdaemon's config: the keys that bear on pull speed, with the code's defaults
// (dragonflyoss/dragonfly client/config/peerhost.go and peerhost_linux.go) where a key is absent.
import { parseByteSize } from './byte-size.js';
import { parseGoDuration } from './go-duration.js';
import type { DfdaemonConfig, ProxyRule } from './dfdaemon-config.js';
import { GO_CALCULATE_DIGEST_DEFAULT, GO_DEBUG_SWITCH } from '../knowledge/dfdaemon-go.js';
import { parseRelease, pick } from '../knowledge/versioned.js';
import { bool, num, type Setting, str, type Convert, type SettingsReader } from './yaml-settings.js';

const MiB = 1024 * 1024;

/** docker/go-units RAMInBytes (binary units, as Go's util.RateLimit uses): "1024Mi", "2MiB", "512m". */
export const parseGoBytes: Convert<number> = (v) => parseByteSize(v, 'always');

/** Dragonfly's util.Duration: a time.ParseDuration string, or an integer of nanoseconds. */
export const goConfigSeconds: Convert<number> = (v) => {
  if (typeof v === 'number') return v / 1e9;
  if (typeof v !== 'string') return undefined;
  const ms = parseGoDuration(v.trim());
  return ms === null ? undefined : ms / 1000;
};

/** A port, or the `start` of a port range (`port: {start: 65001, end: 65001}`). */
const port: Convert<number> = (v) => {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'start' in v && typeof (v as { start: unknown }).start === 'number')
    return (v as { start: number }).start;
  return undefined;
};

function portOf(addr: string): number | undefined {
  const m = /:(\d+)$/.exec(addr.trim());
  return m ? Number(m[1]) : undefined;
}

/**
 * The log-level key(s) to read: the release's own when the version is known (the other one, if set,
 * is reported as not read), else both.
 */
function debugSwitchKeys(r: SettingsReader, version: string | undefined): { verbose: boolean; logLevel: boolean } {
  const sw = pick(GO_DEBUG_SWITCH, version ? parseRelease(version) : null);
  if (sw.kind !== 'known') return { verbose: true, logLevel: true };
  const other = sw.value.key === 'verbose' ? 'logLevel' : 'verbose';
  r.notRead(
    other,
    `not read by ${version} (${sw.value.key === 'logLevel' ? 'from v2.2.4 the daemon reads logLevel; verbose was removed, dragonflyoss/dragonfly #4157' : 'logLevel is read from v2.2.4; this release reads verbose'})`,
  );
  return { verbose: sw.value.key === 'verbose', logLevel: sw.value.key === 'logLevel' };
}

/**
 * A path the daemon takes only when it is not empty: `dataDir: ''` and `logDir: ''` leave dfpath's defaults
 * (v2.1.0 cmd/dfget/cmd/daemon.go:119-133 `if cfg.LogDir != ""`, `if cfg.DataDir != ""`; v2.1.49 :124, :136).
 */
function unlessEmpty(s: Setting<string>, dflt: string): Setting<string> {
  return s.from === 'config' && s.value === '' ? { value: dflt, from: 'default', key: s.key } : s;
}

/** The code's calculateDigest for a file that leaves it out, by release (the newest's when unknown). */
function calculateDigestDefault(version: string | undefined): boolean {
  const p = pick(GO_CALCULATE_DIGEST_DEFAULT, version ? parseRelease(version) : null);
  return p.kind === 'none' ? false : p.value;
}

export function goConfig(r: SettingsReader, version?: string): DfdaemonConfig {
  const reads = debugSwitchKeys(r, version);
  const proxyRules = r.list<ProxyRule>('proxy.proxies', (j, line) =>
    typeof j.regx === 'string' ? { regex: j.regx, direct: j.direct === true, ...(line ? { line } : {}) } : null,
  );
  const metricsAddr = r.get(['metrics'], str, '', 'an address');
  // 65001: the deb/rpm dfget.yaml's and the Helm chart's value (the code's own is an empty port range)
  const proxyPort = r.get(['proxy.tcpListen.port'], port, 65001, 'a port');
  const mirrorUrl = r.raw('proxy.registryMirror.url');
  const cfg: DfdaemonConfig = {
    generation: 'go',
    downloadRateLimit: r.get(['download.totalRateLimit'], parseGoBytes, 1024 * MiB, 'a rate'),
    perPeerRateLimit: r.get(['download.perPeerRateLimit'], parseGoBytes, 512 * MiB, 'a rate'),
    uploadRateLimit: r.get(['upload.rateLimit'], parseGoBytes, 1024 * MiB, 'a rate'),
    storageDir: unlessEmpty(r.get(['dataDir'], str, '/var/lib/dragonfly', 'a path'), '/var/lib/dragonfly'),
    keepStorage: r.get(['keepStorage'], bool, false, 'a boolean'),
    multiplex: r.get(['storage.multiplex'], bool, false, 'a boolean'),
    taskExpireSeconds: r.get(['storage.taskExpireTime'], goConfigSeconds, 6 * 3600, 'a duration'),
    gcHighThresholdPercent: r.get(['storage.diskGCThresholdPercent'], num, 95, 'a percentage'),
    calculateDigest: r.get(['download.calculateDigest'], bool, calculateDigestDefault(version), 'a boolean'),
    scheduleTimeoutSeconds: r.get(['scheduler.scheduleTimeout'], goConfigSeconds, 300, 'a duration'),
    disableAutoBackSource: r.get(['scheduler.disableAutoBackSource'], bool, false, 'a boolean'),
    pieceTimeoutSeconds: r.get(['download.pieceDownloadTimeout'], goConfigSeconds, 30, 'a duration'),
    proxyRules,
    ...(mirrorUrl === undefined || mirrorUrl === null || mirrorUrl === ''
      ? {}
      : { registryMirror: r.get(['proxy.registryMirror.url'], str, '', 'a URL') }),
    registryMirrorDynamic: r.get(['proxy.registryMirror.dynamic'], bool, false, 'a boolean'),
    registryMirrorUseProxies: r.get(['proxy.registryMirror.useProxies'], bool, false, 'a boolean'),
    registryMirrorDirect: r.get(['proxy.registryMirror.direct'], bool, false, 'a boolean'),
    prefetch: r.get(['download.prefetch'], bool, false, 'a boolean'),
    proxyMaxConcurrency: r.get(['proxy.maxConcurrency'], num, 0, 'a number'),
    defaultFilter: r.get(['proxy.defaultFilter'], str, '', 'a filter'),
    ports: {
      proxy: proxyPort,
      upload: r.get(['upload.tcpListen.port'], port, 65002, 'a port'),
      grpc: r.get(['download.peerGRPC.tcpListen.port'], port, 65000, 'a port'),
      health: r.get(['health.tcpListen.port'], port, 40901, 'a port'),
    },
    metricsAddr,
    ...(reads.verbose ? { verbose: r.get(['verbose'], bool, false, 'a boolean') } : {}),
    ...(reads.logLevel ? { logLevel: r.get(['logLevel'], str, 'info', 'a log level') } : {}),
    console: r.get(['console'], bool, false, 'a boolean'),
    logDir: unlessEmpty(r.get(['logDir'], str, '/var/log/dragonfly', 'a path'), '/var/log/dragonfly'),
  };
  const mp = portOf(metricsAddr.value);
  if (mp !== undefined)
    cfg.ports.metrics = {
      value: mp,
      from: metricsAddr.from,
      key: 'metrics',
      ...(metricsAddr.line ? { line: metricsAddr.line } : {}),
    };
  return cfg;
}
