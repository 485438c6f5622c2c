// dfdaemon-cache-miss: a cache that dies with the pod or the daemon.
import type { DfdaemonStorage, StorageKind } from '../../facts/dfdaemon-storage.js';
import { applySteps, type ConfigAt, keepStorageSteps } from '../snippets/dfdaemon.js';
import { prose } from '../steps.js';
import { defineRule } from '../rule.js';
import { configAt, pullTasks, type Config } from './pull.js';
import { setting } from './text.js';

interface NotKeptFinding {
  /** The volume under the cache dir, when it does not outlive the pod. */
  lost?: DfdaemonStorage & { kind: Exclude<StorageKind, 'node-dir'> };
  /** The config, when Go keepStorage / Rust storage.keep is false. */
  notKept?: Config;
  /** Go, and the daemon's mounts were not read: the pod it runs in, if the bundle shows one. */
  mountsUnread?: { pod: string | undefined };
  /** Blobs of the last pull, when none of them was a local hit. */
  noHit?: number;
  config: ConfigAt;
}

const VOLUME_TEXT: Record<Exclude<StorageKind, 'node-dir'>, string> = {
  emptyDir:
    'on an emptyDir volume: it is deleted with the pod (every DaemonSet rollout, eviction or node drain starts with an empty cache)',
  tmpfs: "on tmpfs: in memory, gone with the pod or a reboot, and counted against the pod's memory limit",
  'container-layer': "on no volume at all, in the container's writable layer: gone whenever the container is recreated",
};

/** Where the Helm chart puts the cache dir, when the bundle shows a pod but not its mounts. */
const CHART_VOLUME = {
  go: 'if that pod comes from the Dragonfly Helm chart (≤ 1.1.65, the Go dfdaemon), its data dir is an emptyDir unless dfdaemon.mountDataDirAsHostPath: true, and on no volume at all with dfdaemon.hostNetwork: true (dragonflyoss/helm-charts dragonfly-1.1.65 templates/dfdaemon/dfdaemon-daemonset.yaml:165-169, :594-601)',
  rust: "if that pod comes from the Dragonfly Helm chart 1.3.8 or later (the Rust client), the chart's default client.extraVolumes puts /var/lib/dragonfly/ on an emptyDir, lost with the pod (dragonflyoss/helm-charts dragonfly-1.7.4 charts/dragonfly/values.yaml:1377-1384)",
} as const;

export const cacheNotPersistent = defineRule<NotKeptFinding>({
  meta: {
    id: 'dfdaemon.cache-not-kept',
    cause: 'dfdaemon-cache-miss',
    title: "dfdaemon's cache does not survive a restart",
    description:
      "The cache dir is on an emptyDir, tmpfs or the container's own layer (from the daemon's mount table), or Go keepStorage / Rust storage.keep is false: the cache is wiped when the pod or dfdaemon goes",
    severities: ['warning', 'info'],
    remediationSummary: 'Keep the cache across restarts so a re-pull after an upgrade or eviction is still a hit.',
  },

  detect(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const vol = d?.storage;
    const lost = vol !== undefined && vol.kind !== 'node-dir' ? { ...vol, kind: vol.kind } : undefined;
    const notKept = cfg !== undefined && !cfg.keepStorage.value ? cfg : undefined;
    if (!lost && !notKept) return null;
    const tasks = pullTasks(d);
    const noHit =
      tasks.length > 0 && tasks.every((t) => t.servedBy === 'back-to-source' || t.servedBy === 'remote-peer');
    return {
      severity: noHit ? 'warning' : 'info',
      confidence: lost ? (noHit ? 0.7 : 0.5) : noHit ? 0.6 : 0.4,
      data: {
        lost,
        notKept,
        // no mount table in the bundle: say only that, and the chart's default only where the bundle shows a pod
        mountsUnread: !vol && cfg ? { pod: d?.container?.pod } : undefined,
        noHit: noHit ? tasks.length : undefined,
        config: configAt(f),
      },
    };
  },

  evidence({ lost, notKept, mountsUnread, noHit, config }) {
    const out: string[] = [];
    if (lost)
      out.push(
        `${lost.file}${lost.line ? `:${lost.line}` : ''}: ${lost.dir} is ${VOLUME_TEXT[lost.kind]} (mounted at ${lost.mountPoint}, ${lost.fsType}${lost.root && lost.root !== '/' ? `, ${lost.root}` : ''})`,
      );
    if (notKept) out.push(setting(notKept.keepStorage, notKept.file));
    if (mountsUnread)
      out.push(
        mountsUnread.pod
          ? `the daemon's mounts were not read; it runs in pod ${mountsUnread.pod}: ${CHART_VOLUME[config.gen === 'rust' ? 'rust' : 'go']}`
          : "the daemon's mounts were not read: which volume holds the cache dir is not known from this bundle",
      );
    if (noHit !== undefined)
      out.push(`the last pull had no local hit: all ${noHit} blob(s) came from peers or the source`);
    return out;
  },

  steps({ lost, notKept, config }) {
    return [
      ...(lost
        ? [
            prose(
              config.gen === 'rust'
                ? // Helm replaces a list: the chart's default logs volume must be listed again
                  `Mount a hostPath volume at ${lost.dir}: Helm client.extraVolumes: [{name: storage, hostPath: {path: ${lost.dir}, type: DirectoryOrCreate}}, {name: logs, emptyDir: {}}] and client.extraVolumeMounts: [{name: storage, mountPath: ${lost.dir}}, {name: logs, mountPath: /var/log/dragonfly/dfdaemon/}] (Helm replaces the chart's default lists, so its logs volume is listed again).`
                : lost.kind === 'container-layer'
                  ? `Mount the data dir from the node: with dfdaemon.hostNetwork: true the Go chart mounts no data volume at all (dragonflyoss/helm-charts dragonfly-1.1.65 templates/dfdaemon/dfdaemon-daemonset.yaml:165-169), so add one: dfdaemon.extraVolumes: [{name: cache, hostPath: {path: ${lost.dir}, type: DirectoryOrCreate}}] and dfdaemon.extraVolumeMounts: [{name: cache, mountPath: ${lost.dir}}].`
                  : `Mount the data dir from the node: Helm dfdaemon.mountDataDirAsHostPath: true (the Go chart, ≤ 1.1.65, then keeps ${lost.dir} on the node instead of an emptyDir).`,
            ),
          ]
        : []),
      ...(notKept ? [...keepStorageSteps(config, notKept.generation), ...applySteps(config)] : []),
    ];
  },
});
