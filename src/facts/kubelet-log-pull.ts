// The kubelet's Pulled event for the pull that dfdaemon's log shows last. The kubelet times the whole
// runtime pull ("Successfully pulled image … in X": resolve, fetch, unpack), dfdaemon's log the blob
// downloads inside it; side by side they say how much of the pull went to steps outside dfdaemon.
import { splitImageRef } from '../parsers/image-ref.js';
import { type PullGroup, withoutHost } from './dfdaemon-pulls.js';
import type { KubeletPull } from './kubelet.js';

/** Event times have whole seconds, log times milliseconds: this much is allowed at either end. */
const SLACK_MS = 2000;

/**
 * The kubelet pull of the same repository whose span holds dfdaemon's pull (the shortest, when
 * several do); none when the events or the log do not tell.
 */
export function kubeletPullOf(pull: PullGroup, kubelet: readonly KubeletPull[]): KubeletPull | undefined {
  if (pull.repository === undefined) return undefined;
  const name = withoutHost(pull.repository);
  let best: KubeletPull | undefined;
  for (const k of kubelet) {
    if (splitImageRef(k.image)?.repo !== name || k.event.at === undefined) continue;
    const end = Date.parse(k.event.at);
    if (Number.isNaN(end)) continue;
    const start = end - k.pullSeconds * 1000;
    if (pull.startMs < start - SLACK_MS || pull.endMs > end + SLACK_MS) continue;
    if (!best || k.pullSeconds < best.pullSeconds) best = k;
  }
  return best;
}

/** The note that puts the two side by side, when dfdaemon's part has a logged end. */
export function kubeletPullNote(pull: PullGroup, k: KubeletPull): string | undefined {
  if (pull.seconds === null) return undefined;
  const rest = Math.max(0, k.pullSeconds - pull.seconds);
  const first = pull.tasks[0]?.first;
  return (
    `The kubelet pulled ${k.image} in ${k.pullSeconds.toFixed(2)} s (${k.file} item ${k.event.item}); ` +
    `dfdaemon's log shows that pull's registry requests and ${pull.tasks.length} blob(s) over ${pull.seconds.toFixed(2)} s of it` +
    `${first ? ` (${first.file}:${first.line} onwards)` : ''}: the other ${rest.toFixed(2)} s went to steps outside dfdaemon, ` +
    'in containerd (unpacking the layers into snapshots) or the kubelet'
  );
}
