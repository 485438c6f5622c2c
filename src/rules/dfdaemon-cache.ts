// dfdaemon-cache-miss: the rules that ask why a blob the node already had was not served from its cache —
// a hit that was not local, task ids that never repeat, reuse switched off, a cache that dies with the pod.
import type { StorageKind } from '../facts/dfdaemon-storage.js';
import type { TaskTimeline } from '../parsers/dfdaemon-timeline.js';
import type { Step } from '../report/model.js';
import {
  applySteps,
  configSnippet,
  describeTask,
  gen,
  nonLocal,
  pullTasks,
  quote,
  setting,
} from './dfdaemon-evidence.js';
import { defineLegacyRule, type Match } from './rule.js';
import { cmd, prose, snippet } from './steps.js';

export const hitNotLocal = defineLegacyRule({
  id: 'dfdaemon.hit-not-local',
  cause: 'dfdaemon-cache-miss',
  title: 'A task reported as a cache hit was served by remote peers or the source',
  description:
    'A task the daemon logged as a local hit ("reuse…", "…from local") still fetched pieces from a parent or the origin',
  severities: ['critical', 'warning'],
  remediationSummary:
    'The local copy was incomplete or unusable: find why the cached task was partial (GC, restart mid-download, range requests).',
  when(f) {
    const d = f.dfdaemon;
    const ts = pullTasks(d).filter((t) => t.reportedHit && t.servedBy !== 'local' && t.servedBy !== 'unknown');
    if (ts.length === 0) return null;
    const costs = ts.map((t) => t.costMs).filter((c): c is number => c !== null);
    const impactSeconds = costs.length > 0 ? Math.max(...costs) / 1000 : undefined;
    const evidence = ts
      .slice(0, 5)
      .flatMap((t) => [
        describeTask(t),
        ...(t.refs.hit ? [quote(t.refs.hit)] : []),
        ...(t.refs.backSource ? [quote(t.refs.backSource)] : []),
      ]);
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.85,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose(`grep ${ts[0]?.taskId ?? ts[0]?.key} in the dfdaemon log to see which pieces were missing locally.`),
          prose(
            'Keep the cache across restarts (Go: keepStorage: true and a hostPath data dir; Rust: storage.keep: true) and make sure GC thresholds (storage.diskGCThresholdPercent / gc.policy) do not evict layers between pulls.',
          ),
        ],
      },
    };
  },
});

export const taskIdChurn = defineLegacyRule({
  id: 'dfdaemon.task-id-churn',
  cause: 'dfdaemon-cache-miss',
  title: 'The same blob is fetched under different task ids, so the cache is never reused',
  description:
    'One sha256 digest appears under two or more task ids and a later one is not served locally (URL differs by tag, registry host or query parameters)',
  severities: ['critical', 'warning'],
  remediationSummary:
    'Make the task id stable: filter volatile query parameters and keep the same registry URL for the same blob.',
  when(f) {
    const d = f.dfdaemon;
    const all = d?.logs?.summary.tasks ?? [];
    const byDigest = new Map<string, TaskTimeline[]>();
    for (const t of all) {
      if (!t.digest || !t.taskId) continue;
      const list = byDigest.get(t.digest) ?? [];
      list.push(t);
      byDigest.set(t.digest, list);
    }
    const recent = new Set(pullTasks(d));
    const churn: { digest: string; tasks: TaskTimeline[] }[] = [];
    for (const [digest, list] of byDigest) {
      const ids = new Set(list.map((t) => t.taskId));
      if (ids.size < 2) continue;
      const later = list.slice(1).filter((t) => t.servedBy !== 'local' && t.taskId !== list[0]?.taskId);
      if (later.length > 0) churn.push({ digest, tasks: list });
    }
    if (churn.length === 0) return null;
    const recentRefetch = churn.flatMap((c) => c.tasks.filter((t) => recent.has(t) && t.servedBy !== 'local'));
    const costs = recentRefetch.map((t) => t.costMs).filter((c): c is number => c !== null);
    const impactSeconds = costs.length > 0 ? Math.max(...costs) / 1000 : undefined;
    const evidence: string[] = [];
    for (const c of churn.slice(0, 3)) {
      evidence.push(`${c.digest.slice(0, 19)}… fetched under ${new Set(c.tasks.map((t) => t.taskId)).size} task ids:`);
      for (const t of c.tasks.slice(0, 3))
        evidence.push(`  ${quote(t.refs.start ?? t.first)} → task ${t.taskId?.slice(0, 16)}…, served by ${t.servedBy}`);
    }
    const urls = churn[0]?.tasks.map((t) => t.url ?? '') ?? [];
    const queryOnly = urls.length > 1 && new Set(urls.map((u) => u.split('?')[0])).size === 1;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.8,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          prose(
            queryOnly
              ? 'The URLs differ only in query parameters: add them to the filter (Go proxy.defaultFilter, e.g. "Expires&Signature&ns"; Rust: proxy rules / X-Dragonfly-Filtered-Query-Params).'
              : 'The URLs differ in host or path: pull through one registry name (a mirror and the origin give different task ids), and let dfdaemon derive the id from the digest (Rust ≥ v1: proxy.registryMirror.enableTaskIDBasedBlobDigest: true).',
          ),
          ...applySteps(gen(f)),
        ],
      },
    };
  },
});

export const multiplexOff = defineLegacyRule({
  id: 'dfdaemon.reuse-disabled',
  cause: 'dfdaemon-cache-miss',
  title: 'Go dfdaemon never reuses completed tasks (storage.multiplex is false)',
  description:
    'Go dfget.yaml storage.multiplex false (the code default): a finished task is not served again from the cache',
  severities: ['critical', 'warning'],
  remediationSummary: 'Set storage.multiplex: true so completed tasks are reused (the Helm chart 1.1.x sets it).',
  when(f) {
    const cfg = f.dfdaemon?.config;
    if (!cfg || cfg.generation !== 'go' || !cfg.multiplex || cfg.multiplex.value) return null;
    const remote = nonLocal(pullTasks(f.dfdaemon));
    const costs = remote.map((t) => t.costMs).filter((c): c is number => c !== null);
    const evidence = [
      `${setting(cfg.multiplex, cfg.file)}${cfg.multiplex.from === 'default' ? ' — false in dragonfly v2.1.49 client/config/peerhost_linux.go:143' : ''}; tryReuse… runs only when it is true (peertask_manager.go:368)`,
    ];
    if (remote.length > 0)
      evidence.push(
        `last pull: ${remote.length} blob(s) fetched again by P2P/back-to-source, e.g. ${describeTask(remote[0] as TaskTimeline)}`,
      );
    const impactSeconds = costs.length > 0 ? Math.max(...costs) / 1000 : undefined;
    return {
      severity: remote.length > 0 ? 'critical' : 'warning',
      confidence: 0.9,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [configSnippet('go', 'storage:\n  multiplex: true'), ...applySteps('go')],
      },
    };
  },
});

export const cacheNotPersistent = defineLegacyRule({
  id: 'dfdaemon.cache-not-kept',
  cause: 'dfdaemon-cache-miss',
  title: "dfdaemon's cache does not survive a restart",
  description:
    "The cache dir is on an emptyDir, tmpfs or the container's own layer (from the daemon's mount table), or Go keepStorage / Rust storage.keep is false: the cache is wiped when the pod or dfdaemon goes",
  severities: ['warning', 'info'],
  remediationSummary: 'Keep the cache across restarts so a re-pull after an upgrade or eviction is still a hit.',
  when(f) {
    const d = f.dfdaemon;
    const cfg = d?.config;
    const vol = d?.storage;
    const volumeLost = vol !== undefined && vol.kind !== 'node-dir';
    const notKept = cfg !== undefined && !cfg.keepStorage.value;
    if (!volumeLost && !notKept) return null;
    const gen = cfg?.generation ?? d?.generation ?? null;
    const tasks = pullTasks(d);
    const noHit =
      tasks.length > 0 && tasks.every((t) => t.servedBy === 'back-to-source' || t.servedBy === 'remote-peer');
    const evidence: string[] = [];
    const steps: Step[] = [];
    if (vol && vol.kind !== 'node-dir') {
      evidence.push(
        `${vol.file}${vol.line ? `:${vol.line}` : ''}: ${vol.dir} is ${VOLUME_TEXT[vol.kind]} (mounted at ${vol.mountPoint}, ${vol.fsType}${vol.root && vol.root !== '/' ? `, ${vol.root}` : ''})`,
      );
      steps.push(
        prose(
          gen === 'rust'
            ? `Mount a hostPath volume at ${vol.dir}: Helm client.extraVolumes: [{name: storage, hostPath: {path: ${vol.dir}, type: DirectoryOrCreate}}] and client.extraVolumeMounts: [{name: storage, mountPath: ${vol.dir}}].`
            : `Mount the data dir from the node: Helm dfdaemon.mountDataDirAsHostPath: true (chart 1.1.x keeps ${vol.dir} on the node instead of an emptyDir).`,
        ),
      );
    }
    if (cfg && notKept) {
      evidence.push(setting(cfg.keepStorage, cfg.file));
      steps.push(
        configSnippet(cfg.generation, cfg.generation === 'go' ? 'keepStorage: true' : 'storage:\n  keep: true'),
      );
      if (cfg.generation === 'go')
        steps.push(
          snippet({ file: 'values.yaml (Helm)', format: 'yaml', text: 'dfdaemon:\n  config:\n    keepStorage: true' }),
        );
      else
        steps.push(
          prose('Helm (chart ≥ 1.7):'),
          snippet({
            file: 'values.yaml (Helm)',
            format: 'yaml',
            text: 'client:\n  config:\n    storage:\n      keep: true',
          }),
        );
    }
    if (!vol && cfg?.generation === 'go') {
      // no mount table in the bundle: say only that, and the chart's default only where the bundle shows a pod
      evidence.push(
        d?.container?.pod
          ? `the daemon's mounts were not read; it runs in pod ${d.container.pod}: if that pod comes from the Dragonfly Helm chart 1.1.x, its data dir is an emptyDir unless dfdaemon.mountDataDirAsHostPath: true (dragonflyoss/helm-charts dragonfly-1.1.65 templates/dfdaemon/dfdaemon-daemonset.yaml:594-601)`
          : "the daemon's mounts were not read: which volume holds the cache dir is not known from this bundle",
      );
    }
    if (noHit)
      evidence.push(`the last pull had no local hit: all ${tasks.length} blob(s) came from peers or the source`);
    return {
      severity: noHit ? 'warning' : 'info',
      confidence: volumeLost ? (noHit ? 0.7 : 0.5) : noHit ? 0.6 : 0.4,
      evidence,
      remediation: { summary: this.remediationSummary, steps: [...steps, ...(notKept ? applySteps(gen) : [])] },
    };
  },
});

const VOLUME_TEXT: Record<Exclude<StorageKind, 'node-dir'>, string> = {
  emptyDir:
    'on an emptyDir volume: it is deleted with the pod (every DaemonSet rollout, eviction or node drain starts with an empty cache)',
  tmpfs: "on tmpfs: in memory, gone with the pod or a reboot, and counted against the pod's memory limit",
  'container-layer': "on no volume at all, in the container's writable layer: gone whenever the container is recreated",
};

/** Back-to-source orders with no earlier download of the same blob in the log. */
function ordersAlone(orders: TaskTimeline[], generation: 'go' | 'rust' | null): Match {
  // the scheduler gives up on finding a parent after its reschedule limit (8 in dragonflyoss/dragonfly v2.0.1
  // scheduler/core/service.go): parents were there to try, none served
  const exhausted = orders.filter(
    (t) => t.refs.schedulerOrder && /max reschedule times/.test(t.refs.schedulerOrder.text),
  );
  const evidence: string[] = [];
  for (const t of orders.slice(0, 4)) {
    evidence.push(describeTask(t));
    if (t.refs.schedulerOrder) evidence.push(`  ${quote(t.refs.schedulerOrder)}`);
  }
  evidence.push(
    exhausted.length > 0
      ? `the scheduler tried its maximum number of reschedules for ${exhausted.length} peer(s) without a parent that served, then sent them to the origin (code 5001, SchedNeedBackSource): those blobs came from the registry, not from P2P`
      : `the scheduler ordered ${orders.length} task(s) of the last pull back to the origin: those blobs came from the registry, not from P2P. No earlier download of them is in the log: on the first pull of an image in the cluster this is expected`,
  );
  return {
    title: 'The scheduler sent blobs of the last pull to the origin registry',
    severity: exhausted.length > 0 ? 'warning' : 'info',
    confidence: exhausted.length > 0 ? 0.6 : 0.4,
    evidence,
    remediation: {
      summary:
        'The scheduler found no peer to serve these blobs: check that seed peers hold them (preheat) and that this host and its peers stay registered with the scheduler.',
      steps: [
        prose("Check the scheduler's view of the task:"),
        cmd('kubectl -n dragonfly-system logs deploy/dragonfly-scheduler | grep <task or peer id>'),
        prose(
          'Preheat the images on the seed peers (manager preheat job) so the first node of a new image finds a parent.',
        ),
        ...applySteps(generation),
      ],
    },
  };
}

export const schedulerBackSource = defineLegacyRule({
  id: 'dfdaemon.scheduler-back-source',
  cause: 'dfdaemon-cache-miss',
  title: 'The scheduler sent a blob this node had already fetched back to the origin',
  description:
    'A task of the last pull was ordered back-to-source by the scheduler (Go "receive back source code" = Code_SchedNeedBackSource, Rust "need back to source response") although the same task was downloaded earlier in the log',
  severities: ['critical', 'warning', 'info'],
  remediationSummary:
    'The node (or its peers) had the blob, yet the scheduler found no usable parent: make the cache reusable locally and keep peers registered.',
  when(f) {
    const d = f.dfdaemon;
    const all = d?.logs?.summary.tasks ?? [];
    const orders = pullTasks(d).filter((t) => t.schedulerBackSource);
    const recent = orders.filter((t) => t.digest);
    // the same task (a new task id for the same blob is task-id churn, its own finding)
    const sameTask = (o: TaskTimeline, t: TaskTimeline) =>
      o !== t &&
      o.digest === t.digest &&
      (o.taskId === undefined || t.taskId === undefined || o.taskId === t.taskId) &&
      (o.startMs ?? 0) < (t.startMs ?? 0);
    const ordered = recent.filter((t) => all.some((o) => sameTask(o, t) && !o.failed));
    // Go: with a seed peer (CDN) the scheduler seeds a new task and orders peers to the origin only when the
    // seed fails, no CDN is configured or reschedules run out (dragonflyoss/dragonfly v2.0.1
    // scheduler/core/service.go:278-295, :172-178), so an order alone is worth a note there; a Rust
    // client's first download of a blob is ordered to the origin as a matter of course
    if (ordered.length === 0) return orders.length > 0 && gen(f) === 'go' ? ordersAlone(orders, 'go') : null;
    const costs = ordered.map((t) => t.costMs).filter((c): c is number => c !== null);
    const impactSeconds = costs.length > 0 ? Math.max(...costs) / 1000 : undefined;
    const evidence: string[] = [];
    for (const t of ordered.slice(0, 4)) {
      evidence.push(describeTask(t));
      if (t.refs.schedulerOrder) evidence.push(`  ${quote(t.refs.schedulerOrder)}`);
      const earlier = all.find((o) => sameTask(o, t));
      if (earlier)
        evidence.push(`  the same blob was downloaded before: ${quote(earlier.refs.start ?? earlier.first)}`);
    }
    const cfg = f.dfdaemon?.config;
    return {
      severity: impactSeconds !== undefined && impactSeconds >= 1 ? 'critical' : 'warning',
      confidence: 0.7,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: {
        summary: this.remediationSummary,
        steps: [
          cfg?.generation === 'go' && cfg.multiplex && !cfg.multiplex.value
            ? configSnippet(
                'go',
                'storage:\n  multiplex: true   # serve completed tasks from the local cache without asking the scheduler',
              )
            : prose(
                'Check that the earlier download completed and is still in the cache (GC, keepStorage / storage.keep, restarts).',
              ),
          prose(
            "Check the scheduler's view of this host; a host that re-registered (restart) or failed announce is not offered as a parent:",
          ),
          cmd('kubectl -n dragonfly-system logs deploy/dragonfly-scheduler | grep <task id>'),
          ...applySteps(gen(f)),
        ],
      },
    };
  },
});
