import { readFileSync } from 'node:fs';
import { serialPulls } from '../../../src/rules/kubelet.js';
import { pullQps } from '../../../src/rules/kubelet-pull-qps.js';
import { dfdaemonRestarting } from '../../../src/rules/kubelet-dfdaemon-restarts.js';
import { RuleTester } from '../../helpers/rule-tester.js';

// A kubelet `Pulled` event as `kubectl get events -o json` lists it.
const pulled = (message: string, i: number) => ({
  reason: 'Pulled',
  message,
  involvedObject: { kind: 'Pod', namespace: 'team', name: `app-${i}` },
  source: { component: 'kubelet', host: 'node-1' },
  count: 1,
});
const events = (...messages: string[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: messages.map(pulled) });
const STOCK = 'kind: KubeletConfiguration\n';

new RuleTester().run(serialPulls, {
  fires: [
    {
      // kind's kubelet command line (fixtures/real/kubelet-kind-flags): the config it names was not read
      name: 'flags only: the default is said to be assumed, the config file the flags name unread',
      files: {
        'raw/kubelet/flags.txt':
          '/usr/bin/kubelet\n--config=/var/lib/kubelet/config.yaml\n--kubeconfig=/etc/kubernetes/kubelet.conf\n',
      },
      severity: 'info',
      evidence: [
        'the config file its flags name (/var/lib/kubelet/config.yaml) is not in the bundle, so what it sets is not known',
      ],
    },
    {
      name: 'stock config (serializeImagePulls defaults to true), no events',
      files: { 'raw/kubelet/config.yaml': STOCK },
      // the default alone with no Pulled event showing a queue: a tuning note (issue 12)
      severity: 'info',
      cause: 'kubelet-serial-pulls',
      impactSeconds: 'none',
    },
    {
      name: 'a pull that waited 13.4 s behind another',
      files: {
        'raw/kubelet/config.yaml': STOCK,
        'raw/kubelet/events.json': events(
          'Successfully pulled image "big:1" in 19.874s (19.874s including waiting)',
          'Successfully pulled image "small:1" in 1.204s (14.611s including waiting)',
        ),
      },
      severity: 'warning',
      impactSeconds: { min: 13.4, max: 13.41 },
    },
    {
      name: 'events show no queue',
      files: {
        'raw/kubelet/config.yaml': STOCK,
        'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 4.46s (4.461s including waiting)'),
      },
      severity: 'info',
    },
  ],
  silent: [
    {
      name: 'parallel pulls, whatever the events say',
      files: {
        'raw/kubelet/config.yaml': `${STOCK}serializeImagePulls: false\nmaxParallelImagePulls: 2\n`,
        'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 1s (9s including waiting)'),
      },
    },
    {
      // the kubelet default alone, read from nothing on the node: a note (issue W4 of the log artifacts)
      name: 'events alone, no config or flags read, no pull queued',
      files: {
        'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 4.46s (4.461s including waiting)'),
      },
    },
    { name: 'no kubelet on the node' },
  ],
});

const failed = (message: string, i: number) => ({ ...pulled(message, i), reason: 'Failed', count: 2 });

new RuleTester().run(pullQps, {
  fires: [
    {
      name: 'the limiter refused a pull (stock limits 5 / 10)',
      files: {
        'raw/kubelet/config.yaml': STOCK,
        'raw/kubelet/events.json': JSON.stringify({
          items: [
            pulled('Successfully pulled image "a:1" in 1.2s (1.2s including waiting)', 0),
            failed('Failed to pull image "b:1": pull QPS exceeded', 1),
            failed('Failed to pull image "c:1": pull QPS exceeded.', 2),
          ],
        }),
      },
      severity: 'warning',
      cause: 'kubelet-pull-qps',
      impactSeconds: { min: 10, max: 10 },
      evidence: [
        '2 "pull QPS exceeded" event(s) in raw/kubelet/events.json (4 refusal(s) counted, 2 image(s))',
        'registryPullQPS = 5, registryBurst = 10 (not set in raw/kubelet/config.yaml: the kubelet defaults)',
      ],
    },
    {
      name: 'limits set by flags',
      files: {
        'raw/kubelet/flags.txt': '--registry-qps=2\n--registry-burst=4\n',
        'raw/kubelet/events.json': JSON.stringify({
          items: [failed('Failed to pull image "b:1": pull QPS exceeded', 1)],
        }),
      },
      severity: 'warning',
      evidence: ['registryPullQPS = 2, registryBurst = 4 (raw/kubelet/flags.txt (--registry-qps, --registry-burst))'],
    },
    {
      name: 'limits set in two places: each named where it was set, a --config-dir drop-in by its file',
      files: {
        'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nregistryBurst: 6\n',
        'raw/kubelet/config.d/20-qps.conf': '{"registryPullQPS": 3}\n',
        'raw/kubelet/events.json': JSON.stringify({
          items: [failed('Failed to pull image "b:1": pull QPS exceeded', 1)],
        }),
      },
      severity: 'warning',
      evidence: [
        'registryPullQPS = 3, registryBurst = 6 (registryPullQPS from a --config-dir drop-in (raw/kubelet/config.d/20-qps.conf), registryBurst from raw/kubelet/config.yaml)',
      ],
    },
    {
      name: 'one limit set, the other the default',
      files: {
        'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nregistryPullQPS: 2\n',
        'raw/kubelet/events.json': JSON.stringify({
          items: [failed('Failed to pull image "b:1": pull QPS exceeded', 1)],
        }),
      },
      severity: 'warning',
      evidence: [
        'registryPullQPS = 2, registryBurst = 10 (registryPullQPS from raw/kubelet/config.yaml, registryBurst from the default)',
      ],
    },
    {
      name: 'flags only: the limits are the defaults as far as the bundle shows',
      files: {
        'raw/kubelet/flags.txt': '/usr/bin/kubelet\n--config=/etc/kubernetes/kubelet-config.yaml\n',
        'raw/kubelet/events.json': JSON.stringify({
          items: [failed('Failed to pull image "b:1": pull QPS exceeded', 1)],
        }),
      },
      severity: 'warning',
      evidence: ['(the config file its flags name, /etc/kubernetes/kubelet-config.yaml, is not in the bundle)'],
    },
  ],
  silent: [
    {
      name: 'stock limits, no refusal in the events',
      files: {
        'raw/kubelet/config.yaml': STOCK,
        'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 1.2s (1.2s including waiting)'),
      },
    },
    {
      name: 'a pull the registry refused (its own rate limit) is not the kubelet limiter',
      files: {
        'raw/kubelet/config.yaml': STOCK,
        'raw/kubelet/events.json': JSON.stringify({
          items: [
            failed('Failed to pull image "b:1": rpc error: code = Unknown desc = toomanyrequests: rate limit', 1),
          ],
        }),
      },
    },
    { name: 'no kubelet on the node' },
  ],
});

// Container events as `kubectl get events -o json` lists them: the container in the field path, the pod in
// involvedObject; from kubelet v1.26 the BackOff message names both (kubernetes#113216).
const podEvent = (reason: string, message: string, pod: string, container: string, count = 1) => ({
  reason,
  message,
  involvedObject: { kind: 'Pod', namespace: 'dragonfly-system', name: pod, fieldPath: `spec.containers{${container}}` },
  source: { component: 'kubelet', host: 'node-1' },
  count,
});
const list = (...items: object[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });
// the real case's rows (dragonflyoss/dragonfly#3348), as analyze writes them
const ISSUE_3348 = readFileSync(
  new URL('../../../fixtures/real/kubelet-dfdaemon-crash-loop-3348/raw/kubelet/events.json', import.meta.url),
  'utf8',
);
const GO_POD = 'dragonfly-dfdaemon-x7k2p';
const backOff = (container: string, pod: string, count: number) =>
  podEvent(
    'BackOff',
    `Back-off restarting failed container ${container} in pod ${pod}_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)`,
    pod,
    container,
    count,
  );

new RuleTester().run(dfdaemonRestarting, {
  fires: [
    {
      name: 'the real rows of #3348: a BackOff naming no container, dfdaemon the only container started more than once',
      files: { 'raw/kubelet/events.json': ISSUE_3348 },
      severity: 'warning',
      cause: 'mirror-fallback',
      impactSeconds: 'none',
      evidence: [
        'raw/kubelet/events.json item 11: BackOff "Back-off restarting failed container" ×82, and the container started ×3',
        '"dfdaemon" is the only container these events show started more than once',
      ],
    },
    {
      name: "a v1.26+ kubelet's BackOff naming the Go chart's dfdaemon container and its pod",
      files: {
        'raw/kubelet/events.json': list(
          podEvent('Started', 'Started container dfdaemon', GO_POD, 'dfdaemon', 4),
          backOff('dfdaemon', GO_POD, 12),
        ),
      },
      severity: 'warning',
      evidence: ['(pod dragonfly-system/dragonfly-dfdaemon-x7k2p)', '×12, and the container started ×4'],
    },
    {
      name: "the Rust client's container in the chart's client DaemonSet pod",
      files: {
        'raw/kubelet/events.json': list(backOff('client', 'dragonfly-client-5xq9n', 3)),
      },
      severity: 'warning',
      evidence: ["the Rust client's in the Dragonfly chart"],
    },
    {
      name: "containerd's hosts.toml has nothing after dfdaemon: the pulls fail meanwhile",
      files: {
        'raw/kubelet/events.json': list(backOff('dfdaemon', GO_POD, 5)),
        'raw/containerd/config.toml':
          'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
        'raw/containerd/certs.d/docker.io/hosts.toml': 'server = "http://127.0.0.1:65001"\n',
      },
      severity: 'critical',
      evidence: ['with no host after it: they fail while dfdaemon is down'],
    },
  ],
  silent: [
    {
      name: "a healthy dfdaemon pod's events: pulled, created, started once",
      files: {
        'raw/kubelet/events.json': list(
          podEvent(
            'Pulled',
            'Container image "docker.io/dragonflyoss/dfdaemon:v2.1.44" already present on machine',
            GO_POD,
            'dfdaemon',
          ),
          podEvent('Created', 'Created container dfdaemon', GO_POD, 'dfdaemon'),
          podEvent('Started', 'Started container dfdaemon', GO_POD, 'dfdaemon'),
        ),
      },
    },
    {
      name: "another pod's BackOff",
      files: {
        'raw/kubelet/events.json': list(
          podEvent('Started', 'Started container dfdaemon', GO_POD, 'dfdaemon'),
          backOff('nginx', 'web-7d4b9c-abcde', 40),
        ),
      },
    },
    {
      name: "dfdaemon's image back-off is not a restart",
      files: {
        'raw/kubelet/events.json': list(
          podEvent(
            'BackOff',
            'Back-off pulling image "docker.io/dragonflyoss/dfdaemon:v2.1.44"',
            GO_POD,
            'dfdaemon',
            9,
          ),
        ),
      },
    },
    {
      name: 'a bare BackOff among rows where two containers restarted: which one is not known',
      files: {
        'raw/kubelet/events.json': list(
          { reason: 'Started', message: 'Started container dfdaemon', count: 3 },
          { reason: 'Started', message: 'Started container sidecar', count: 3 },
          { reason: 'BackOff', message: 'Back-off restarting failed container', count: 20 },
        ),
      },
    },
    {
      name: 'a container named client in a pod the chart did not name',
      files: { 'raw/kubelet/events.json': list(backOff('client', 'shop-api-6f7c9d-k2x4q', 7)) },
    },
  ],
});
