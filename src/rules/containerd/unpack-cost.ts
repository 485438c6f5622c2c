// How long unpacking the pull in question takes beyond moving its bytes: timed by bench, or estimated
// from the CPU probe's gunzip rate.
import type { PullInQuestion } from '../../facts/pull.js';

export type UnpackCost =
  /** bench timed the real unpack and fetch: it decides over the CPU probe's estimate, which a busy node skews */
  | { kind: 'measured'; unpack: number; fetch: number; pull: string; seconds: number }
  /** MB to inflate at the gunzip rate vs the same bytes at the transport ceiling (when measured) */
  | { kind: 'estimated'; mb: number; unpack: number; transfer: number | null; pull: string; seconds: number };

export function unpackCost(
  pull: PullInQuestion | null,
  gunzipMBps: number | null,
  aggregateMBps: number | null,
): UnpackCost | null {
  const unpack = pull?.benchPull?.unpackSeconds ?? null;
  const fetch = pull?.benchPull?.fetchSeconds ?? null;
  if (pull && unpack !== null && fetch !== null)
    return { kind: 'measured', unpack, fetch, pull: pull.evidence, seconds: Math.max(0, unpack - fetch) };
  if (!pull || gunzipMBps === null || gunzipMBps <= 0) return null;
  const mb = pull.bytes / 1e6;
  const inflate = mb / gunzipMBps;
  const transfer = aggregateMBps === null ? null : mb / aggregateMBps;
  // an estimate longer than the whole measured pull is the probe's busy CPU talking, not the pull
  const seconds = Math.max(0, Math.min(inflate - (transfer ?? 0), pull.seconds ?? Infinity));
  return { kind: 'estimated', mb, unpack: inflate, transfer, pull: pull.evidence, seconds };
}

export function costSentence(cost: UnpackCost): string {
  if (cost.kind === 'measured')
    return `measured by bench: unpack ${cost.unpack.toFixed(2)} s vs fetch ${cost.fetch.toFixed(2)} s (measurements.bench.pulls[].unpackSeconds / fetchSeconds; ${cost.pull})`;
  const move = cost.transfer === null ? '' : ` vs ${cost.transfer.toFixed(1)} s to move it`;
  return `${cost.mb.toFixed(0)} MB to inflate ≈ ${cost.unpack.toFixed(1)} s of unpack${move} (${cost.pull})`;
}
