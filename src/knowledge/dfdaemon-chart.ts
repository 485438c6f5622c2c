/**
 * The dfdaemon pod as the Dragonfly Helm chart (dragonflyoss/helm-charts charts/dragonfly) deploys it, per
 * generation: its values key, its pods' `component` label and its container's default resource limits.
 * Charts 0.1.0–1.1.65 deploy the Go dfdaemon (values under `dfdaemon:`); chart 1.1.66 dropped it for the
 * Rust client (values under `client:`), which charts 1.1.12–1.1.65 could deploy with client.enable: true
 * (false by default: chart 1.1.65 charts/dragonfly/values.yaml:1022). Citations are `chart <version>
 * <path>:<line>` in that repository, the tag being `dragonfly-<version>`. The node does not show which chart
 * deployed its daemon, nor the pod's limits: a rule names these as the defaults, not as the pod's limits.
 */

const GiB = 2 ** 30;

export interface ChartLimits {
  /** CPU cores. */
  cpu: number;
  /** Bytes. */
  memoryBytes: number;
  /** As values.yaml writes it. */
  memory: string;
  /** The charts that set it. */
  charts: string;
  source: string;
}

export interface ChartDaemon {
  /** The values.yaml key of the daemon's settings. */
  values: 'dfdaemon' | 'client';
  /** The pods' `component` label (`kubectl -l component=…`): the chart's `<values>.name`. */
  component: string;
  componentSource: string;
  /** The daemon's container in the DaemonSet's pod (the name kubelet events give it). */
  container: string;
  containerSource: string;
  /** The limits of the current charts of this generation. */
  limits: ChartLimits;
  /** Other limits older charts of this generation set, oldest first. */
  older: readonly ChartLimits[];
}

export const CHART_DFDAEMON: { readonly go: ChartDaemon; readonly rust: ChartDaemon } = {
  go: {
    values: 'dfdaemon',
    component: 'dfdaemon',
    componentSource:
      'chart 1.1.65 charts/dragonfly/values.yaml:2221, templates/dfdaemon/dfdaemon-daemonset.yaml:11 (component: {{ .Values.dfdaemon.name }})',
    // a literal in every chart of the generation (chart 0.1.0 …/dfdaemon-daemonset.yaml:56)
    container: 'dfdaemon',
    containerSource: 'chart 1.1.65 charts/dragonfly/templates/dfdaemon/dfdaemon-daemonset.yaml:73',
    // the same in every chart from 0.1.0 to 1.1.65; chart 1.1.66 has no dfdaemon: section
    limits: {
      cpu: 2,
      memoryBytes: 2 * GiB,
      memory: '2Gi',
      charts: 'charts ≤ 1.1.65',
      source: 'chart 1.1.65 charts/dragonfly/values.yaml:2250-2252',
    },
    older: [],
  },
  rust: {
    values: 'client',
    component: 'client',
    componentSource:
      'chart 1.7.4 charts/dragonfly/values.yaml:1296, templates/client/client-daemonset.yaml:11 (component: {{ .Values.client.name }})',
    // a literal since the client's DaemonSet came (chart 1.1.65 …/client-daemonset.yaml:123)
    container: 'client',
    containerSource: 'chart 1.7.4 charts/dragonfly/templates/client/client-daemonset.yaml:142',
    // first set in chart 1.3.11 charts/dragonfly/values.yaml:1088-1090, the same in every chart since
    limits: {
      cpu: 4,
      memoryBytes: 8 * GiB,
      memory: '8Gi',
      charts: 'charts ≥ 1.3.11',
      source: 'chart 1.7.4 charts/dragonfly/values.yaml:1331-1333',
    },
    older: [
      // from chart 1.1.12 charts/dragonfly/values.yaml:1008-1010, the first chart with a client: section
      {
        cpu: 2,
        memoryBytes: 4 * GiB,
        memory: '4Gi',
        charts: 'charts 1.1.12–1.3.10',
        source: 'chart 1.3.10 charts/dragonfly/values.yaml:1110-1112',
      },
    ],
  },
};
