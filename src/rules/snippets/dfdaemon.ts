// dfdaemon config as the rules advise it, per generation: the Go daemon reads dfget.yaml (Helm chart
// 1.1.x: values under dfdaemon.config), the Rust client dfdaemon.yaml (Helm: values under client.config).
// Key names are those of dragonflyoss/dragonfly client/config/peerhost.go and dragonflyoss/client
// dragonfly-client-config/src/dfdaemon.rs; one fix reads the same in every rule that gives it.
import { CHART_DFDAEMON, type ChartDaemon, type ChartLimits } from '../../knowledge/dfdaemon-chart.js';
import type { DaemonConfigFile } from '../../facts/dfdaemon-config-file.js';
import type { DfdaemonConfig } from '../../parsers/dfdaemon-config.js';
import type { Step } from '../../report/model.js';
import { cmd, prose, snippet } from '../steps.js';

/** The generation a step is written for; null when neither the config nor the probe told (Go's text then). */
export type Gen = 'go' | 'rust' | null;

/** The config a step changes: the generation it is written for, and the daemon's file when the bundle names it. */
export interface ConfigAt {
  gen: Gen;
  file?: DaemonConfigFile;
}

/** Where each generation reads its config by default (and where both Helm charts mount it). */
const CONFIG_FILE = { go: '/etc/dragonfly/dfget.yaml', rust: '/etc/dragonfly/dfdaemon.yaml' } as const;

/**
 * The same config, for a step of `gen`'s keys: the daemon's own file only when the daemon is known to be
 * of that generation (with the generation unknown, a step is given for each, and one file is not both).
 */
export function forGen(at: ConfigAt, gen: 'go' | 'rust'): ConfigAt {
  return at.file && at.gen === gen ? { gen, file: at.file } : { gen };
}

const pathOf = (at: ConfigAt) => at.file?.path ?? CONFIG_FILE[at.gen === 'rust' ? 'rust' : 'go'];

/** A YAML snippet for the node's dfdaemon config: the file the daemon reads, else its generation's default. */
export function configSnippet(at: ConfigAt, text: string): Step {
  return snippet({ file: pathOf(at), format: 'yaml', text });
}

/** A snippet of the Helm chart's values.yaml. */
export function helmValues(text: string): Step {
  return snippet({ file: 'values.yaml (Helm)', format: 'yaml', text });
}

/**
 * The systemd unit each generation's package installs: dfget-daemon.service for Go
 * (dragonflyoss/dragonfly v2.1.49 build/package/nfpm/systemd/dfget-daemon.service, "systemctl restart
 * dfget-daemon"), dfdaemon.service for Rust (dragonflyoss/client v1.5.1 ci/dfdaemon.service, installed
 * as lib/systemd/system/dfdaemon.service by dragonfly-client/Cargo.toml:144-145).
 */
const RESTART_UNIT = {
  go: cmd('systemctl restart dfget-daemon    # the unit the deb/rpm package installs'),
  rust: cmd('systemctl restart dfdaemon    # the unit the deb/rpm package installs'),
} as const;

/**
 * How to apply a changed dfdaemon config: through the chart, or in the file the daemon reads. A daemon
 * in a container reads its config from what is mounted there, which an edit inside the container would
 * not outlive: both charts mount a ConfigMap volume "config" at /etc/dragonfly (dragonflyoss/helm-charts
 * charts/dragonfly/templates/client/client-daemonset.yaml, templates/dfdaemon/dfdaemon-daemonset.yaml).
 */
export function applySteps(at: ConfigAt): Step[] {
  const helm =
    at.gen === 'rust'
      ? 'Helm (chart ≥ 1.1.x, Rust client): set the key under client.config in values.yaml and `helm upgrade`'
      : 'Helm (chart 1.1.x, Go dfdaemon): set the key under dfdaemon.config in values.yaml and `helm upgrade`';
  const path = pathOf(at);
  const f = at.file;
  if (f?.where !== 'container') {
    const restart = f?.unit
      ? cmd(`systemctl restart ${f.unit}    # the service the daemon runs as`)
      : RESTART_UNIT[at.gen === 'rust' ? 'rust' : 'go'];
    return [prose(`${helm}; or edit ${path}, then restart the daemon:`), restart];
  }
  if (f.configMapVolume === undefined)
    return [
      prose(
        `${helm}; or change what the dfdaemon container mounts at ${path} (an edit inside the container is lost when it is recreated), and restart the container.`,
      ),
    ];
  const volume = f.configMapVolume;
  const steps = [
    prose(
      `${helm}. Without Helm: the daemon reads ${path} from its pod's ConfigMap volume "${volume}"; edit that ConfigMap (a later \`helm upgrade\` puts the chart's values back), then restart the pod.`,
    ),
  ];
  const pod = f.pod?.split('/');
  if (pod?.length === 2)
    steps.push(
      cmd(
        `kubectl -n ${pod[0]} get pod ${pod[1]} -o jsonpath='{.spec.volumes[?(@.name=="${volume}")].configMap.name}'    # the ConfigMap to edit`,
      ),
    );
  return steps;
}

/**
 * The download limit as the running release reads it: Go totalRateLimit (with perPeerRateLimit),
 * Rust rateLimit until v1.2.7, bandwidthLimit from v1.2.8; and a value that does not cap a node.
 */
export function rateLimitKey(cfg: Pick<DfdaemonConfig, 'generation' | 'rateKey'>): { key: string; value: string } {
  return cfg.generation === 'go'
    ? { key: 'download.totalRateLimit / download.perPeerRateLimit', value: '2048Mi' }
    : { key: `download.${cfg.rateKey ?? 'bandwidthLimit'}`, value: '50GB' };
}

/** Go storage.multiplex: serve completed tasks again from the cache. */
export const multiplexOn = (at: ConfigAt, why = '') =>
  configSnippet(forGen(at, 'go'), `storage:\n  multiplex: true${why}`);

/** Keep the cache across restarts: Go keepStorage, Rust storage.keep, in the config and in the chart's values. */
export function keepStorageSteps(at: ConfigAt, gen: 'go' | 'rust'): Step[] {
  if (gen === 'go')
    return [
      configSnippet(forGen(at, 'go'), 'keepStorage: true'),
      helmValues('dfdaemon:\n  config:\n    keepStorage: true'),
    ];
  return [
    configSnippet(forGen(at, 'rust'), 'storage:\n  keep: true'),
    // a client.config key from chart 1.1.63; false by default in 1.1.64–1.3.10, true from 1.3.11
    // (dragonflyoss/helm-charts charts/dragonfly/values.yaml: dragonfly-1.1.64 :1220, dragonfly-1.3.11 :1316)
    prose('Helm (charts 1.1.64–1.3.10 set it false; 1.3.11 and later true):'),
    helmValues('client:\n  config:\n    storage:\n      keep: true'),
  ];
}

/** The storage dir moved to `dir` on `medium`: Go dataDir, Rust storage.dir (both when the generation is unknown). */
export function moveStorageDir(at: ConfigAt, medium: string, dir: string): Step[] {
  const go = configSnippet(forGen(at, 'go'), `dataDir: ${dir}`);
  const rust = configSnippet(forGen(at, 'rust'), `storage:\n  dir: ${dir}/`);
  return [
    prose(`Move dfdaemon's storage dir to ${medium}, then restart dfdaemon:`),
    ...(at.gen === 'go' ? [go] : at.gen === 'rust' ? [rust] : [go, rust]),
    prose(
      'Helm chart: mount that path into the dfdaemon pod (hostPath), e.g. dfdaemon.mountDataDirAsHostPath: true for the Go chart, and set the config key above.',
    ),
  ];
}

/** The keys that bound the cache's disk use, per generation; both when the generation is unknown. */
export function gcThresholdSteps(gen: Gen): Step[] {
  return [
    ...(gen !== 'rust'
      ? [
          prose(
            'Go dfdaemon (dfget.yaml): storage.diskGCThresholdPercent (default 95), storage.diskGCThreshold (a size quota, e.g. 50Gi), storage.taskExpireTime (default 6h)',
          ),
        ]
      : []),
    ...(gen !== 'go'
      ? [
          prose(
            'Rust client (dfdaemon.yaml): gc.policy.distHighThresholdPercent / distLowThresholdPercent (default 80/60; diskHigh…/diskLow… in newer clients), gc.policy.taskTTL',
          ),
        ]
      : []),
  ];
}

/** scheduler.scheduleTimeout: how long to wait for a parent before going to the source. */
export const scheduleTimeout = (at: ConfigAt) =>
  at.gen === 'rust'
    ? configSnippet(at, 'scheduler:\n  scheduleTimeout: 30s')
    : configSnippet(at, 'scheduler:\n  scheduleTimeout: 30s   # fall back to the source after this');

/** The chart's resource limits of the dfdaemon container, per generation (src/knowledge/dfdaemon-chart.ts). */
export function helmResources(gen: Gen): Step {
  const { go, rust } = CHART_DFDAEMON;
  const raise = (d: ChartDaemon) => `raise ${d.values}.resources.limits.cpu / .memory`;
  const dflt = (l: ChartLimits) => `${l.cpu} / ${l.memory} in ${l.charts}`;
  if (gen === 'rust')
    return prose(`Helm: ${raise(rust)} (default ${[rust.limits, ...rust.older].map(dflt).join(', ')})`);
  if (gen === 'go') return prose(`Helm: ${raise(go)} (default ${dflt(go.limits)})`);
  return prose(
    `Helm: ${raise(go)} for the Go dfdaemon (the Go chart's default ${go.limits.cpu} / ${go.limits.memory}), or ${raise(rust)} for the Rust client`,
  );
}
