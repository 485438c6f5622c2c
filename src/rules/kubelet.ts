import type { ContainerdFacts } from '../facts/containerd.js';
import { type KubeletFacts, type KubeletPull, WAIT_MIN_SECONDS } from '../facts/kubelet.js';
import { pullQps } from './kubelet-pull-qps.js';
import { dfdaemonRestarting } from './kubelet-dfdaemon-restarts.js';
import { kubeletSetIn, READS_NO_CONFIG } from './kubelet-set-in.js';
import { defineRule, type Rule } from './rule.js';
import { prose } from './steps.js';
import { kubeletChangeSteps } from './snippets/kubelet.js';

interface SerialFinding {
  k: KubeletFacts;
  /** containerd's download slots, when the transfer service shares them across all pulls. */
  nodeWide: ContainerdFacts['pull']['downloads'] | null;
  /** Pulls that queued ≥ WAIT_MIN_SECONDS, longest wait first. */
  waited: KubeletPull[];
}

export const serialPulls = defineRule<SerialFinding>({
  meta: {
    id: 'kubelet.serial-pulls',
    cause: 'kubelet-serial-pulls',
    title: 'kubelet pulls one image at a time',
    description:
      'serializeImagePulls is true (the default) in the kubelet config or flags: a cache-hit pull waits behind any other pull on the node',
    severities: ['warning', 'info'],
    remediationSummary: 'Set serializeImagePulls: false with a maxParallelImagePulls limit, then restart the kubelet.',
  },

  detect(f) {
    const k = f.kubelet;
    if (!k || !k.serializeImagePulls.value) return null;
    const downloads = f.containerd?.pull.downloads;
    const nodeWide = downloads?.scope === 'per-daemon' ? downloads : null;
    // the Pulled events measure the queue: "in X (Y including waiting)", Y − X spent waiting for other pulls
    const pulls = k.pulls ?? [];
    const waited = pulls.filter((p) => p.waitSeconds >= WAIT_MIN_SECONDS).sort((a, b) => b.waitSeconds - a.waitSeconds);
    const from = k.serializeImagePulls.from;
    const data = { k, nodeWide, waited };
    if (waited[0]) return { severity: 'warning', confidence: 0.9, impactSeconds: waited[0].waitSeconds, data };
    // no config or flags read and no pull queued: the default alone, nothing from the node (the facts' note says so)
    if (k.files.length === 0) return null;
    const confidence = from === 'default' ? 0.6 : 0.7;
    if (pulls.length > 0)
      return { severity: 'info', confidence, impactSeconds: Math.max(...pulls.map((p) => p.waitSeconds)), data };
    // every kubelet not told otherwise serializes: with no Pulled event showing a queue, the default
    // alone is a tuning note on a stock node, not a fault
    return { severity: from === 'default' ? 'info' : 'warning', confidence, data };
  },

  evidence({ k, nodeWide, waited }) {
    const pulls = k.pulls ?? [];
    const out = [
      `serializeImagePulls = true (${source(k)}): one image pull at a time per node; a fast cache hit queues behind any slow pull ("… (Xs including waiting)" in the Pulled event)`,
    ];
    const limit = k.maxParallelImagePulls.value;
    // validation refuses only a limit above 1 with serial pulls (pkg/kubelet/apis/config/validation)
    if (limit !== null)
      out.push(
        limit > 1
          ? `maxParallelImagePulls = ${limit} with serializeImagePulls = true: the kubelet refuses this configuration at start ("maxParallelImagePulls … cannot be larger than 1 unless SerializeImagePulls … is set to false"), so a running kubelet is not using the one read here`
          : `maxParallelImagePulls = ${limit}: one pull at a time either way`,
      );
    if (nodeWide)
      out.push(
        `containerd's transfer service shares ${nodeWide.limit} download slots across all pulls on the node (${nodeWide.setting})`,
      );
    const worst = waited[0];
    if (worst) {
      const e = worst.event;
      out.push(
        `${worst.file} item ${e.item}${e.pod ? ` (pod ${e.namespace ? `${e.namespace}/` : ''}${e.pod})` : ''}: "${e.message}" — ${worst.waitSeconds.toFixed(2)} s queued in the kubelet before containerd was asked`,
      );
      if (waited.length > 1)
        out.push(
          `${waited.length} of ${pulls.length} pulls in the events waited ≥ ${WAIT_MIN_SECONDS} s (${waited.reduce((a, p) => a + p.waitSeconds, 0).toFixed(1)} s in all)`,
        );
    } else if (pulls.length > 0) {
      out.push(
        `none of the ${pulls.length} pulls in ${pulls[0]?.file} waited ≥ ${WAIT_MIN_SECONDS} s in the kubelet's queue (at most ${Math.max(...pulls.map((p) => p.waitSeconds)).toFixed(2)} s): it cost nothing in the window the events cover (events live about 1 h)`,
      );
    } else if (k.serializeImagePulls.from === 'default') {
      out.push('no Pulled event in the bundle shows a pull queued behind another: what it costs here is not shown');
    }
    return out;
  },

  steps: ({ k, nodeWide }) => [
    ...kubeletChangeSteps(k, {
      setting: k.serializeImagePulls,
      flag: '--serialize-image-pulls',
      values: [
        { key: 'serializeImagePulls', value: false },
        {
          key: 'maxParallelImagePulls',
          value: 3,
          comment: '1.27+ (GA in 1.35); 2 or more alone also makes serializeImagePulls default to false',
        },
      ],
      check: { pattern: '"serializeImagePulls":[a-z]*', comment: 'check the value in effect' },
    }),
    ...(nodeWide
      ? [prose(`Parallel kubelet pulls share containerd's node-wide limit: raise ${nodeWide.setting} as well.`)]
      : []),
  ],
});

/** Where serializeImagePulls = true came from. */
function source(k: KubeletFacts): string {
  const set = kubeletSetIn(k.serializeImagePulls, '--serialize-image-pulls');
  if (set) return set;
  if (k.noConfigFile)
    return `not set in ${k.files.join(', ')}, and the kubelet ${READS_NO_CONFIG}: the kubelet default is true`;
  if (k.configUnread !== undefined)
    return `not set in ${k.files.join(', ')}; the config file its flags name (${k.configUnread}) is not in the bundle, so what it sets is not known: the kubelet default is true (no maxParallelImagePulls of 2 or more)`;
  return k.files.length > 0
    ? `not set in ${k.files.join(', ')}, kubelet default true (no maxParallelImagePulls of 2 or more)`
    : 'kubelet config not read; the kubelet default is true';
}

export const kubeletRules: Rule[] = [serialPulls, pullQps, dfdaemonRestarting];
