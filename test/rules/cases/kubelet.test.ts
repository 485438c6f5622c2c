import { serialPulls } from '../../../src/rules/kubelet.js';
import { pullQps } from '../../../src/rules/kubelet-pull-qps.js';
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
