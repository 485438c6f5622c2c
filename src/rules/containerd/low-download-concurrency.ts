import type { ContainerdFacts } from '../../facts/containerd.js';
import { type PullInQuestion, pullInQuestion } from '../../facts/pull.js';
import type { ContainerdLogEvent } from '../../parsers/containerd-log.js';
import { defineRule } from '../rule.js';
import { downloadsSnippet, onThisNode, restart } from '../snippets/containerd.js';
import { cmd } from '../steps.js';
import { measuredWaves, type Waves } from './download-waves.js';
import { versionText } from './text.js';
import { type Transport, transport } from './transport.js';

const SUGGESTED_MAX = 10;

interface ConcurrencyFinding {
  c: ContainerdFacts;
  pull: PullInQuestion;
  /** Slots now, and the number advised. */
  limit: number;
  target: number;
  rates: Transport;
  /** The bench pull's own waves, which beat the model. */
  measured: Waves | null;
  /** Modelled fetch seconds with `limit` and with `target` slots. */
  model: { limit: number; target: number };
  /** containerd's log line saying it left the transfer service for the local pull. */
  switched?: ContainerdLogEvent;
}

export const lowDownloadConcurrency = defineRule<ConcurrencyFinding>({
  meta: {
    id: 'containerd.low-download-concurrency',
    cause: 'containerd-concurrency',
    title: 'containerd fetches too few layers at once for this image',
    description:
      "The slow pull has more layers than containerd's max_concurrent_downloads (CRI, or the 2.1+ transfer service), so layers download in waves; impact = waves at the measured per-stream rate minus the same pull with more slots, capped by the disk/loopback aggregate",
    severities: ['warning', 'info'],
    remediationSummary: 'Raise max_concurrent_downloads in the section that governs this containerd version.',
  },

  detect(f) {
    const c = f.containerd;
    const pull = pullInQuestion(f);
    if (!c || !pull || pull.layers <= 0) return null;
    // on 1.4.0–1.5.11 the limit never reaches the layer downloads (containerd#6054): no waves, and raising it does nothing (the facts note says so)
    if (c.pull.downloads.ignored) return null;
    const L = c.pull.downloads.limit;
    const N = pull.layers;
    // 0 (or less) sets no limiter at all: every layer at once (containerd v2.3.4
    // core/transfer/local/transfer.go:59-60, internal/cri/server/images/service.go:115; 1.x client pull the same)
    if (L <= 0 || N <= L) return null;
    const rates = transport(f);
    const { perStream, aggregate } = rates;
    const avgMB = pull.bytes / 1e6 / N;
    const t = (slots: number) =>
      Math.max(Math.ceil(N / slots) * (avgMB / perStream), aggregate === null ? 0 : (N * avgMB) / aggregate);
    const target = Math.min(N, Math.max(SUGGESTED_MAX, L));
    // a bench pull's measured waves beat the per-stream model: per-request latency counts too
    const measured = measuredWaves(pull.benchPull, aggregate === null ? null : pull.bytes / 1e6 / aggregate);
    const impact = measured ? measured.impact : t(L) - t(target);
    if (impact < 0.5) return null;
    const switched = (c.log?.events ?? []).find((e) => e.kind === 'transfer-incompatible');
    return {
      severity: impact >= 2 || (pull.seconds !== null && impact >= 0.1 * pull.seconds) ? 'warning' : 'info',
      confidence: rates.perStreamFrom.startsWith('reference') ? 0.5 : 0.7,
      impactSeconds: impact,
      data: { c, pull, limit: L, target, rates, measured, model: { limit: t(L), target: t(target) }, switched },
    };
  },

  evidence({ c, pull, limit: L, target, rates, measured, model, switched }) {
    const { downloads } = c.pull;
    const N = pull.layers;
    return [
      `${N} layers in the pull in question vs max_concurrent_downloads ${L}${downloads.fromDefault ? ' (default)' : ''} → ${Math.ceil(N / L)} waves (${pull.evidence})`,
      `governed by ${downloads.setting} (${downloads.scope === 'per-daemon' ? 'one semaphore for the whole node, shared by concurrent pulls' : 'per image pull'}; ${versionText(c)}, ${c.pull.mode} pull${c.pull.localReasons.length > 0 ? ` because ${c.pull.localReasons.join(', ')}` : ''})`,
      `per-stream rate ${rates.perStream.toFixed(0)} MB/s (${rates.perStreamFrom})${rates.aggregate === null ? '' : `, aggregate ceiling ${rates.aggregate.toFixed(0)} MB/s (${rates.aggregateFrom})`}`,
      measured
        ? `measured: ${measured.waves} download waves took ${measured.total.toFixed(2)} s, the longest ${measured.longest.toFixed(2)} s; with every layer in flight at once the fetch takes about ${measured.floor.toFixed(2)} s (measurements.bench.pulls[].waves)`
        : `estimated fetch ${model.limit.toFixed(1)} s with ${L} slots vs ${model.target.toFixed(1)} s with ${target}`,
      ...(switched ? [`containerd logged "${switched.msg.slice(0, 140)}" (${c.log?.file}:${switched.line})`] : []),
    ];
  },

  steps: ({ c, target }) =>
    onThisNode(c, [
      downloadsSnippet(c, target),
      restart(c),
      cmd('containerd config dump | grep -n max_concurrent_downloads    # check the value in effect'),
    ]),
});
