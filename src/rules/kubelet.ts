import { defineLegacyRule, type Rule } from './rule.js';
import { BUNDLE } from '../bundle/layout.js';
import { cmd, prose, snippet } from './steps.js';

/** A gap below this between "in X" and "(Y including waiting)" is bookkeeping, not a queue (kubelet pkg/kubelet/images/image_manager.go times both). */
const WAIT_MIN_SECONDS = 1;

export const serialPulls = defineLegacyRule({
  id: 'kubelet.serial-pulls',
  cause: 'kubelet-serial-pulls',
  title: 'kubelet pulls one image at a time',
  description:
    'serializeImagePulls is true (the default) in the kubelet config or flags: a cache-hit pull waits behind any other pull on the node',
  severities: ['warning', 'info'],
  remediationSummary: 'Set serializeImagePulls: false with a maxParallelImagePulls limit, then restart the kubelet.',
  when(f) {
    const k = f.kubelet;
    if (!k || !k.serializeImagePulls.value) return null;
    const from = k.serializeImagePulls.from;
    const src =
      from === 'flag'
        ? `${BUNDLE.kubelet.flags} (--serialize-image-pulls)`
        : from === 'config'
          ? BUNDLE.kubelet.config
          : k.files.length > 0
            ? `not set in ${k.files.join(', ')}, kubelet default true`
            : 'kubelet config not read; the kubelet default is true';
    const evidence = [
      `serializeImagePulls = true (${src}): one image pull at a time per node; a fast cache hit queues behind any slow pull ("… (Xs including waiting)" in the Pulled event)`,
    ];
    if (k.maxParallelImagePulls.value !== null) {
      evidence.push(
        `maxParallelImagePulls = ${k.maxParallelImagePulls.value} has no effect (and fails kubelet validation) while serializeImagePulls is true`,
      );
    }
    const c = f.containerd;
    const steps = [
      snippet({
        file: '/var/lib/kubelet/config.yaml',
        format: 'yaml',
        text: 'serializeImagePulls: false\nmaxParallelImagePulls: 3    # beta since 1.32, alpha from 1.27',
      }),
      cmd('systemctl restart kubelet'),
      cmd(
        'kubectl get --raw /api/v1/nodes/<node>/proxy/configz | grep -o \'"serializeImagePulls":[a-z]*\'    # check the value in effect',
      ),
    ];
    if (c?.pull.downloads.scope === 'per-daemon') {
      evidence.push(
        `containerd's transfer service shares ${c.pull.downloads.limit} download slots across all pulls on the node (${c.pull.downloads.setting})`,
      );
      steps.push(
        prose(`Parallel kubelet pulls share containerd's node-wide limit: raise ${c.pull.downloads.setting} as well.`),
      );
    }
    // the Pulled events measure the queue: "in X (Y including waiting)", Y − X spent waiting for other pulls
    const pulls = k.pulls ?? [];
    const waited = pulls.filter((p) => p.waitSeconds >= WAIT_MIN_SECONDS).sort((a, b) => b.waitSeconds - a.waitSeconds);
    let severity: 'warning' | 'info' = 'warning';
    let impactSeconds: number | undefined;
    const worst = waited[0];
    if (worst) {
      const e = worst.event;
      evidence.push(
        `${worst.file} item ${e.item}${e.pod ? ` (pod ${e.namespace ? `${e.namespace}/` : ''}${e.pod})` : ''}: "${e.message}" — ${worst.waitSeconds.toFixed(2)} s queued in the kubelet before containerd was asked`,
      );
      if (waited.length > 1)
        evidence.push(
          `${waited.length} of ${pulls.length} pulls in the events waited ≥ ${WAIT_MIN_SECONDS} s (${waited.reduce((a, p) => a + p.waitSeconds, 0).toFixed(1)} s in all)`,
        );
      impactSeconds = worst.waitSeconds;
    } else if (pulls.length > 0) {
      const most = Math.max(...pulls.map((p) => p.waitSeconds));
      evidence.push(
        `none of the ${pulls.length} pulls in ${pulls[0]?.file} waited ≥ ${WAIT_MIN_SECONDS} s in the kubelet's queue (at most ${most.toFixed(2)} s): it cost nothing in the window the events cover (events live about 1 h)`,
      );
      severity = 'info';
      impactSeconds = most;
    } else if (from === 'default') {
      // every kubelet not told otherwise serializes: with no Pulled event showing a queue, the default
      // alone is a tuning note on a stock node, not a fault
      evidence.push(
        'no Pulled event in the bundle shows a pull queued behind another: what it costs here is not shown',
      );
      severity = 'info';
    }
    return {
      severity,
      confidence: worst ? 0.9 : from === 'default' ? 0.6 : 0.7,
      evidence,
      ...(impactSeconds === undefined ? {} : { impactSeconds }),
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

export const kubeletRules: Rule[] = [serialPulls];
