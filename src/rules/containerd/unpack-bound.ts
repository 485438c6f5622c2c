import { BUNDLE } from '../../bundle/layout.js';
import { MICROK8S } from '../../knowledge/containerd-distributions.js';
import { pullInQuestion } from '../../facts/pull.js';
import { defineRule } from '../rule.js';
import { inProcessInflater, usesIgzip, where } from './text.js';
import { transport } from './transport.js';
import type { UnpackFinding } from './unpack-bound-finding.js';
import { UNPACK_SUMMARY, unpackSteps, unpackSummary } from './unpack-bound-steps.js';
import { costSentence, unpackCost } from './unpack-cost.js';

/** gunzip below this share of the transport floor makes unpack, not transfer, the floor of the pull. */
const UNPACK_RATIO = 0.5;
/** Estimated seconds of unpack beyond the transfer that count as a pull it slowed. */
const SLOWED_PULL_SECONDS = 0.5;
const CFG = BUNDLE.containerd.dir;

export const unpackBound = defineRule<UnpackFinding>({
  meta: {
    id: 'containerd.unpack-bound',
    cause: 'unpack-bound',
    title: 'Decompression and unpack, not the transfer, set the pull time',
    description: `Native snapshotter (copies each parent); gzip decompression inside containerd on one thread (Go's stdlib; klauspost/compress from 2.4) with no unpigz/igzip on containerd's PATH, or disabled by env, while the measured gunzip rate is below the transport; or a gunzip rate below ${UNPACK_RATIO * 100} % of min(disk, loopback). Warning with a fault (native snapshotter, unless MicroK8s names it for ZFS; stdlib inflate) or a pull it slowed (bench: unpack > fetch; ≥ ${SLOWED_PULL_SECONDS} s estimated); otherwise info: the CPU's floor`,
    severities: ['warning', 'info'],
    remediationSummary: UNPACK_SUMMARY,
  },

  detect(f) {
    const c = f.containerd;
    const gunzip = f.measurements.cpu?.gunzipMBps ?? null;
    const rates = transport(f);
    const { aggregate } = rates;
    const native = c?.snapshotter === 'native';
    const dec = c?.decompression ?? null;
    const stdlib = dec?.effective === 'go-stdlib';
    const slowCpu = gunzip !== null && aggregate !== null && gunzip < UNPACK_RATIO * aggregate;
    const cost = unpackCost(pullInQuestion(f), gunzip, aggregate);
    const unpackOverFetch = cost?.kind === 'measured' && cost.unpack > cost.fetch;
    if (cost?.kind === 'measured' && !unpackOverFetch && !native) return null;
    // stdlib inflate alone is no finding: on well-compressible layers it can beat an exec'd unpigz (pipe
    // overhead, containerd#2640; measured in bench/containerd-pull.bench.ts). It counts when the CPU is slow.
    const stdlibSlow = stdlib && gunzip !== null && aggregate !== null && gunzip < aggregate;
    if (!(native || slowCpu || stdlibSlow || unpackOverFetch)) return null;
    // unpack slower than loopback is the normal floor of a pull on most CPUs: a finding only with a
    // fault to fix (stdlib inflate, native snapshotter) or a pull it measurably slowed
    const slowedPull = unpackOverFetch || (cost !== null && cost.seconds >= SLOWED_PULL_SECONDS);
    // MicroK8s names native itself where its data is on ZFS (knowledge/containerd-distributions.ts): its
    // stock config there, a warning only with a pull it measurably slowed
    const microk8sNative = native && c?.rewrittenAtBoot?.by === 'microk8s';
    const fault = (native && !microk8sNative) || stdlib;
    const missing = dec !== null && dec.unpigz === null && (dec.igzip === null || !usesIgzip(c));
    return {
      severity: fault || slowedPull ? 'warning' : 'info',
      title:
        microk8sNative && !fault && !slowedPull
          ? "MicroK8s' native snapshotter, its pick on ZFS, copies each layer's parent whole"
          : fault || native || slowedPull || gunzip === null
            ? undefined
            : `Unpack sets the floor: pulls here cannot unpack faster than ${gunzip.toFixed(0)} MB/s of gzip layers`,
      confidence: slowCpu || native ? 0.75 : 0.55,
      impactSeconds: cost?.seconds,
      data: { c, native, dec, stdlib, missing, gunzip, rates, cost, cpu: f.measurements.cpu },
    };
  },

  evidence({ c, native, dec, stdlib, gunzip, rates, cost, cpu }) {
    const out: string[] = [];
    if (native)
      out.push(
        `snapshotter = "native"${c?.setIn.snapshotter ? where(c.setIn.snapshotter.file, c.setIn.snapshotter.line) : where(c?.configFile ?? undefined)}: every layer copies its parent's whole tree (no overlay)`,
      );
    if (native && c?.rewrittenAtBoot?.by === 'microk8s')
      out.push(
        `the config is MicroK8s' containerd.toml (its paths under /var/snap/microk8s/), written from ${MICROK8S.template}, which names native when ${MICROK8S.snapCommon} is on ZFS: MicroK8s' own choice there`,
      );
    if (dec && stdlib)
      out.push(
        dec.disabledBy.length > 0
          ? `external gzip disabled by ${dec.disabledBy.join(', ')} (${CFG}/env.txt or systemd drop-in): ${inProcessInflater(c)} inflates every layer on one thread`
          : `no unpigz${usesIgzip(c) ? ' or igzip' : ''} on containerd's PATH (${CFG}/decompressors.json, PATH from ${dec.pathFrom}): ${inProcessInflater(c)} inflates every layer on one thread`,
      );
    if (gunzip !== null)
      out.push(
        `gunzip ${gunzip.toFixed(0)} MB/s of compressed input on this CPU (measurements.cpu.gunzipMBps)${rates.aggregate === null ? '' : ` vs transport ${rates.aggregate.toFixed(0)} MB/s (${rates.aggregateFrom})`}`,
      );
    if (cost) out.push(costSentence(cost));
    const runs = cpu?.gunzipRunsMBps;
    if (gunzip !== null && runs && runs.length > 1)
      out.push(
        `gunzip runs ${runs.map((r) => r.toFixed(0)).join(', ')} MB/s (${cpu?.gunzipStable ? 'two agreed within 10 %' : 'never two within 10 %: the CPU was busy; the figure is a lower bound'})`,
      );
    if (dec && !stdlib)
      out.push(
        `containerd inflates with ${dec.effective === 'igzip' ? dec.igzip : dec.unpigz} (${CFG}/decompressors.json): nothing to install`,
      );
    return out;
  },

  steps: unpackSteps,
  summary: unpackSummary,
});
