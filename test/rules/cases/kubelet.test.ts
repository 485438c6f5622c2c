import { serialPulls } from '../../../src/rules/kubelet.js';
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
    { name: 'no kubelet on the node' },
  ],
});
