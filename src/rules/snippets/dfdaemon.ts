// dfdaemon config as the rules advise it, per generation: the Go daemon reads dfget.yaml (Helm chart
// 1.1.x: values under dfdaemon.config), the Rust client dfdaemon.yaml (Helm: values under client.config).
// Key names are those of dragonflyoss/dragonfly client/config/peerhost.go and dragonflyoss/client
// dragonfly-client-config/src/dfdaemon.rs; one fix reads the same in every rule that gives it.
import { CHART_DFDAEMON, type ChartDaemon, type ChartLimits } from '../../knowledge/dfdaemon-chart.js';
import type { DfdaemonConfig } from '../../parsers/dfdaemon-config.js';
import type { Step } from '../../report/model.js';
import { prose, snippet } from '../steps.js';

/** The generation a step is written for; null when neither the config nor the probe told (Go's text then). */
export type Gen = 'go' | 'rust' | null;

const CONFIG_FILE = { go: '/etc/dragonfly/dfget.yaml', rust: '/etc/dragonfly/dfdaemon.yaml' } as const;

/** A YAML snippet for the node's dfdaemon config of this generation (dfget.yaml for Go, dfdaemon.yaml for Rust). */
export function configSnippet(gen: Gen, text: string): Step {
  return snippet({ file: CONFIG_FILE[gen === 'rust' ? 'rust' : 'go'], format: 'yaml', text });
}

/** A snippet of the Helm chart's values.yaml. */
export function helmValues(text: string): Step {
  return snippet({ file: 'values.yaml (Helm)', format: 'yaml', text });
}

/** How to apply a changed dfdaemon config for each generation. */
export function applySteps(gen: Gen): Step[] {
  if (gen === 'rust') {
    return [
      prose(
        'Helm (chart ≥ 1.1.x, Rust client): set the key under client.config in values.yaml and `helm upgrade`; or edit /etc/dragonfly/dfdaemon.yaml and restart dfdaemon.',
      ),
    ];
  }
  return [
    prose(
      'Helm (chart 1.1.x, Go dfdaemon): set the key under dfdaemon.config in values.yaml and `helm upgrade`; or edit /etc/dragonfly/dfget.yaml and restart dfget daemon.',
    ),
  ];
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
export const multiplexOn = (why = '') => configSnippet('go', `storage:\n  multiplex: true${why}`);

/** Keep the cache across restarts: Go keepStorage, Rust storage.keep, in the config and in the chart's values. */
export function keepStorageSteps(gen: 'go' | 'rust'): Step[] {
  if (gen === 'go')
    return [configSnippet('go', 'keepStorage: true'), helmValues('dfdaemon:\n  config:\n    keepStorage: true')];
  return [
    configSnippet('rust', 'storage:\n  keep: true'),
    // a client.config key from chart 1.1.63; false by default in 1.1.64–1.3.10, true from 1.3.11
    // (dragonflyoss/helm-charts charts/dragonfly/values.yaml: dragonfly-1.1.64 :1220, dragonfly-1.3.11 :1316)
    prose('Helm (charts 1.1.64–1.3.10 set it false; 1.3.11 and later true):'),
    helmValues('client:\n  config:\n    storage:\n      keep: true'),
  ];
}

/** The storage dir moved to `dir` on `medium`: Go dataDir, Rust storage.dir (both when the generation is unknown). */
export function moveStorageDir(gen: Gen, medium: string, dir: string): Step[] {
  const go = configSnippet('go', `dataDir: ${dir}`);
  const rust = configSnippet('rust', `storage:\n  dir: ${dir}/`);
  return [
    prose(`Move dfdaemon's storage dir to ${medium}, then restart dfdaemon:`),
    ...(gen === 'go' ? [go] : gen === 'rust' ? [rust] : [go, rust]),
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
export const scheduleTimeout = (gen: Gen) =>
  gen === 'rust'
    ? configSnippet('rust', 'scheduler:\n  scheduleTimeout: 30s')
    : configSnippet('go', 'scheduler:\n  scheduleTimeout: 30s   # fall back to the source after this');

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
