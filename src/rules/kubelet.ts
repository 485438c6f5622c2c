import { defineRule, type Rule } from './rule.js';

export const serialPulls = defineRule({
  id: 'kubelet.serial-pulls',
  cause: 'kubelet-serial-pulls',
  title: 'kubelet pulls one image at a time',
  description: 'serializeImagePulls is true (the default) in the kubelet config or flags: a cache-hit pull waits behind any other pull on the node',
  severities: ['warning'],
  remediationSummary: 'Set serializeImagePulls: false with a maxParallelImagePulls limit, then restart the kubelet.',
  when(f) {
    const k = f.kubelet;
    if (!k || !k.serializeImagePulls.value) return null;
    const from = k.serializeImagePulls.from;
    const src = from === 'flag' ? 'raw/kubelet/flags.txt (--serialize-image-pulls)' : from === 'config' ? 'raw/kubelet/config.yaml' : `not set in ${k.files.join(', ')}, kubelet default true`;
    const evidence = [`serializeImagePulls = true (${src}): one image pull at a time per node; a fast cache hit queues behind any slow pull ("… (Xs including waiting)" in the Pulled event)`];
    if (k.maxParallelImagePulls.value !== null) {
      evidence.push(`maxParallelImagePulls = ${k.maxParallelImagePulls.value} has no effect (and fails kubelet validation) while serializeImagePulls is true`);
    }
    const c = f.containerd;
    const steps = [
      '# /var/lib/kubelet/config.yaml\nserializeImagePulls: false\nmaxParallelImagePulls: 3    # beta since 1.32, alpha from 1.27',
      'systemctl restart kubelet',
      'kubectl get --raw /api/v1/nodes/<node>/proxy/configz | grep -o \'"serializeImagePulls":[a-z]*\'    # check the value in effect',
    ];
    if (c?.pull.downloads.scope === 'per-daemon') {
      evidence.push(`containerd's transfer service shares ${c.pull.downloads.limit} download slots across all pulls on the node (${c.pull.downloads.setting})`);
      steps.push(`Parallel kubelet pulls share containerd's node-wide limit: raise ${c.pull.downloads.setting} as well.`);
    }
    return {
      severity: 'warning',
      confidence: from === 'default' ? 0.6 : 0.7,
      evidence,
      remediation: { summary: this.remediationSummary, steps },
    };
  },
});

export const kubeletRules: Rule[] = [serialPulls];
