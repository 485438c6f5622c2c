// dfdaemon crash-looping on the node (the kubelet's BackOff "Back-off restarting failed container" of
// the dfdaemon container: facts/kubelet-dfdaemon-restarts.ts). A BackOff is recorded only for a container
// that exited again after a restart and is held inside its restart back-off (doBackOff, kubernetes
// pkg/kubelet/kuberuntime/kuberuntime_manager.go; 10 s doubling to 5 min, backOffPeriod and
// MaxContainerBackOff in pkg/kubelet/kubelet.go), so for most of the window the
// daemon is not running: its proxy port refuses, and a runtime that sends pulls there goes on to the
// next host (containerd's hosts: the origin registry, no P2P) or fails the pull where dfdaemon is the
// last host. Which one the bundle's routes say, when containerd's config is in it.
import type { Facts } from '../facts/types.js';
import type { DfdaemonRestarts } from '../facts/kubelet-dfdaemon-restarts.js';
import { type RegistryRoute, sendsToDfdaemon } from '../facts/containerd-routes.js';
import { CHART_DFDAEMON } from '../knowledge/dfdaemon-chart.js';
import { defineRule } from './rule.js';
import { cmd, prose } from './steps.js';

interface RestartsFinding {
  r: DfdaemonRestarts;
  others: DfdaemonRestarts[];
  /** Routes that send pulls to dfdaemon: with the origin after it, or with nothing after it. */
  fallBack: RegistryRoute[];
  failing: RegistryRoute[];
}

export const dfdaemonRestarting = defineRule<RestartsFinding>({
  meta: {
    id: 'kubelet.dfdaemon-restarting',
    cause: 'mirror-fallback',
    title: 'dfdaemon is crash-looping on this node',
    description:
      "The kubelet's events show BackOff \"Back-off restarting failed container\" for the dfdaemon container of the Dragonfly chart (`dfdaemon`, or the Rust client's `client` in a `…dragonfly…-client-xxxxx` pod; a message that names no container, before kubelet v1.26, is the container the events show started more than once): it exited again after a restart and waits out its back-off (10 s doubling to 5 min), so pulls sent to its proxy meanwhile go to the origin registry, or fail where dfdaemon is the last host. Critical when containerd's routes have no host after dfdaemon",
    severities: ['critical', 'warning'],
    remediationSummary:
      "Find out why dfdaemon exits (its previous container's log, and the pod's Last State), fix that, and watch it stay up.",
  },

  detect(f: Facts) {
    const [r, ...others] = f.kubelet?.dfdaemonRestarts ?? [];
    if (!r) return null;
    const routes = (f.containerd?.routes ?? []).filter(sendsToDfdaemon);
    const failing = routes.filter((x) => !x.originFallback);
    const fallBack = routes.filter((x) => x.originFallback);
    return {
      severity: failing.length > 0 ? 'critical' : 'warning',
      // a container tied to the BackOff only by its restarts is a reading of one pod's rows
      confidence: r.namedBy === 'restarts' ? 0.8 : 0.9,
      data: { r, others, fallBack, failing },
    };
  },

  evidence({ r, others, fallBack, failing }) {
    const e = r.event;
    const where = r.pod ? ` (pod ${r.namespace ? `${r.namespace}/` : ''}${r.pod})` : '';
    const chart = CHART_DFDAEMON[r.generation];
    const out = [
      `${r.file} item ${e.item}${where}: BackOff "${e.message}"${r.backOffs > 1 ? ` ×${r.backOffs}` : ''}${r.starts > 0 ? `, and the container started ×${r.starts}` : ''}`,
      r.namedBy === 'restarts'
        ? `the message names no container (kubelets before v1.26): "${r.container}" is the only container these events show started more than once, and is the ${r.generation === 'go' ? 'Go dfdaemon' : 'Rust client'}'s container in the Dragonfly chart (${chart.containerSource})`
        : `container "${r.container}" is the ${r.generation === 'go' ? 'Go dfdaemon' : 'Rust client'}'s in the Dragonfly chart (${chart.containerSource})`,
      `the kubelet records BackOff only for a container that exited again after being restarted, and holds it back 10 s doubling to 5 min before the next start: for most of that time dfdaemon is not running, and its proxy port refuses connections`,
    ];
    for (const x of failing)
      out.push(
        `containerd sends ${x.registry} pulls to dfdaemon (${x.file ?? x.source}) with no host after it: they fail while dfdaemon is down`,
      );
    for (const x of fallBack)
      out.push(
        `containerd sends ${x.registry} pulls to dfdaemon (${x.file ?? x.source}), then to the origin: while dfdaemon is down they go to the registry, without P2P`,
      );
    if (failing.length === 0 && fallBack.length === 0)
      out.push(
        'pulls the runtime sends to this dfdaemon meanwhile fail, or go to the origin registry without P2P where the runtime has a host after it (containerd hosts.toml, docker registry-mirrors)',
      );
    for (const o of others)
      out.push(
        `also ${o.pod ? `pod ${o.namespace ? `${o.namespace}/` : ''}${o.pod}` : `container ${o.container}`}: BackOff ×${o.backOffs} (${o.file} item ${o.event.item})`,
      );
    return out;
  },

  steps({ r }) {
    const ns = r.namespace ?? 'dragonfly-system';
    const pod = r.pod ?? `<the ${CHART_DFDAEMON[r.generation].component} pod on this node>`;
    return [
      ...(r.pod
        ? []
        : [
            cmd(
              `kubectl get pod -n ${ns} -l component=${CHART_DFDAEMON[r.generation].component} -o wide --field-selector spec.nodeName=<node>   # the pod on this node`,
            ),
          ]),
      cmd(`kubectl logs -n ${ns} ${pod} -c ${r.container} --previous --tail=50   # why the last run exited`),
      cmd(
        `kubectl get pod -n ${ns} ${pod} -o jsonpath='{.status.containerStatuses[?(@.name=="${r.container}")].lastState.terminated}'   # exit code and reason (OOMKilled: its memory limit)`,
      ),
      prose(
        'Fix what the previous run logged before it exited, then check that the restart count stops rising (`kubectl get pod -w`).',
      ),
    ];
  },
});
