// The kubelet's own pull-rate limiter (registryPullQPS / registryBurst, default 5 / 10): a pull over it
// is refused at once ("pull QPS exceeded"), before containerd or dfdaemon is asked, and the pod waits out
// the image back-off before the kubelet tries again. Only events show it: the stock limits alone are no
// finding. Sources: kubernetes/kubernetes pkg/kubelet/images/helpers.go (throttledImageService: TryAccept,
// else the error), pkg/kubelet/kubelet.go (the image back-off: 10 s doubling to 300 s; before v1.32
// NewBackOff(backOffPeriod, MaxContainerBackOff), since v1.32 NewBackOff(imageBackOffPeriod,
// MaxImageBackOff), same values: kubernetes#128369, KEP-4603, which only splits the constants),
// staging/src/k8s.io/kubelet/config/v1beta1/types.go (registryPullQPS 0 = no limit).
import type { KubeletFacts, KubeletQpsRefusal } from '../facts/kubelet.js';
import { kubeletSetIn, READS_NO_CONFIG, sameSource } from './kubelet-set-in.js';
import { defineRule } from './rule.js';
import { kubeletChangeSteps } from './snippets/kubelet.js';

/** The first image back-off: what each refused pull waits at least before it is tried again. */
const FIRST_BACKOFF_SECONDS = 10;

interface QpsFinding {
  k: KubeletFacts;
  refusals: KubeletQpsRefusal[];
}

export const pullQps = defineRule<QpsFinding>({
  meta: {
    id: 'kubelet.pull-qps',
    cause: 'kubelet-pull-qps',
    title: "kubelet's pull-rate limit refuses pulls",
    description:
      'The kubelet\'s events show "Failed to pull image …: pull QPS exceeded": its registryPullQPS/registryBurst limiter (default 5 a second, bursts of 10) refused the pull before the runtime was asked, and the pod waited out the image back-off (10 s, doubling to 5 min)',
    severities: ['warning'],
    remediationSummary:
      'Raise registryPullQPS and registryBurst in the kubelet config (0 lifts the limit: the pulls go to the local dfdaemon), then restart the kubelet.',
  },

  detect(f) {
    const k = f.kubelet;
    const refusals = k?.qpsRefusals ?? [];
    if (!k || refusals.length === 0) return null;
    return {
      severity: 'warning',
      confidence: 0.9,
      impactSeconds: FIRST_BACKOFF_SECONDS,
      data: { k, refusals },
    };
  },

  evidence({ k, refusals }) {
    const first = refusals[0] as KubeletQpsRefusal;
    const e = first.event;
    const times = refusals.reduce((a, r) => a + r.event.count, 0);
    const images = [...new Set(refusals.map((r) => r.image))];
    return [
      `${refusals.length} "pull QPS exceeded" event(s) in ${first.file} (${times} refusal(s) counted, ${images.length} image(s)); first, item ${e.item}${e.pod ? ` (pod ${e.namespace ? `${e.namespace}/` : ''}${e.pod})` : ''}: "${e.message}"`,
      `registryPullQPS = ${k.registryPullQPS.value}, registryBurst = ${k.registryBurst.value} (${origin(k)}): at most ${k.registryBurst.value} pulls start at once and ${k.registryPullQPS.value} a second after that; a pull over it fails at once with ErrImagePull and waits in ImagePullBackOff (${FIRST_BACKOFF_SECONDS} s, doubling up to 5 min) before the kubelet asks again — a cache hit in dfdaemon included`,
    ];
  },

  steps: ({ k }) =>
    kubeletChangeSteps(k, {
      setting: k.registryPullQPS,
      flag: '--registry-qps',
      values: [
        {
          key: 'registryPullQPS',
          value: 0,
          comment: 'no limit: pulls go to the local dfdaemon, not a shared registry',
        },
      ],
      note: 'or raise both, e.g. registryPullQPS: 20 with registryBurst: 40',
      check: { pattern: '"registry[A-Za-z]*":[0-9]*', comment: 'check the values in effect' },
    }),
});

/** Where the limits in effect came from: one place for both, or each its own. */
function origin(k: KubeletFacts): string {
  const [qps, burst] = [k.registryPullQPS, k.registryBurst];
  if (sameSource(qps, burst))
    return (
      kubeletSetIn(qps, '--registry-qps, --registry-burst') ??
      (k.files.length > 0
        ? `not set in ${k.files.join(', ')}${configFileGap(k)}: the kubelet defaults`
        : 'the kubelet defaults')
    );
  return `registryPullQPS from ${kubeletSetIn(qps, '--registry-qps') ?? 'the default'}, registryBurst from ${kubeletSetIn(burst, '--registry-burst') ?? 'the default'}`;
}

/** What the bundle lacks of the kubelet's config file, when it matters to "not set": none is read, or it is not in the bundle. */
function configFileGap(k: KubeletFacts): string {
  if (k.noConfigFile) return `, and the kubelet ${READS_NO_CONFIG}`;
  return k.configUnread === undefined
    ? ''
    : ` (the config file its flags name, ${k.configUnread}, is not in the bundle)`;
}
