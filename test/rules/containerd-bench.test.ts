import { describe, expect, it } from 'vitest';
import type { BenchMeasurement } from '../../src/bundle/measurements.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

type Pull = BenchMeasurement['pulls'][number];

function bench(pull: Partial<Pull>, layers = 6): BenchMeasurement {
  return {
    image: '127.0.0.1:5000/lab/bench:v1',
    pulls: [
      {
        kind: 'warm',
        wallSeconds: 5,
        resolveSeconds: 0.05,
        layers: Array.from({ length: layers }, (_, i) => ({
          digest: `sha256:${i}`,
          bytes: 13e6,
          fetchSeconds: 0.5,
          unpackSeconds: 0.2,
        })),
        ...pull,
      },
    ],
    floors: { dfdaemonFetchMBps: 100, diskReadMBps: 500, loopbackMBps: 900, gunzipMBps: 15, sha256MBps: 400 },
  };
}

async function diagnosesWith(fixture: string, b: BenchMeasurement) {
  const { files, manifest, measurements } = loadFixture(fixture);
  const facts = await factsFrom(files, { manifest, measurements: { ...measurements, bench: b } });
  return evaluate(facts, RULES).diagnoses;
}

describe('containerd rules use what bench measured over estimates', () => {
  it('low-download-concurrency takes its impact from the measured waves', async () => {
    const waves = Array.from({ length: 6 }, () => ({ layers: 1, bytes: 13e6, seconds: 0.55 }));
    const ds = await diagnosesWith(
      'fixtures/containerd-low-concurrency',
      bench({ fetchSeconds: 3.3, unpackSeconds: 0.9, waves }),
    );
    const d = ds.find((x) => x.rule === 'containerd.low-download-concurrency');
    expect(d?.impactSeconds).toBeCloseTo(3.3 - 0.55, 2);
    expect(d?.evidence.join('\n')).toContain('measured: 6 download waves took 3.30 s');
  });

  it('does not fire when the waves were bound by the transport anyway', async () => {
    // two waves of ~2 s each on a disk that carries 20 MB/s: more slots would not help
    const waves = [
      { layers: 3, bytes: 55e6, seconds: 2.1 },
      { layers: 3, bytes: 25e6, seconds: 1.9 },
    ];
    const b = bench({ fetchSeconds: 4, unpackSeconds: 0.9, waves });
    const { files, manifest, measurements } = loadFixture('fixtures/containerd-low-concurrency');
    const facts = await factsFrom(files, {
      manifest,
      measurements: { ...measurements, bench: b, disk: { ...diskAt(20) } },
    });
    expect(evaluate(facts, RULES).diagnoses.map((x) => x.rule)).not.toContain('containerd.low-download-concurrency');
  });

  it('unpack-bound stays silent when bench measured unpack well under the fetch, though the CPU probe estimate says otherwise', async () => {
    const { files, manifest, measurements } = loadFixture('fixtures/containerd-unpack-bound');
    // keep only the slow-CPU signal: overlayfs instead of the fixture's native snapshotter
    files['raw/containerd/config.toml'] = (files['raw/containerd/config.toml'] ?? '').replace(
      '"native"',
      '"overlayfs"',
    );
    const run = async (b: BenchMeasurement | undefined) =>
      evaluate(await factsFrom(files, { manifest, measurements: { ...measurements, bench: b } }), RULES).diagnoses.map(
        (x) => x.rule,
      );
    expect(await run(measurements.bench)).toContain('containerd.unpack-bound');
    expect(await run(bench({ fetchSeconds: 3.2, unpackSeconds: 1.1 }, 3))).not.toContain('containerd.unpack-bound');
  });

  it('unpack-bound fires with the measured excess when unpack took longer than the fetch', async () => {
    const ds = await diagnosesWith(
      'fixtures/containerd-low-concurrency',
      bench({ fetchSeconds: 1.0, unpackSeconds: 4.0 }),
    );
    const d = ds.find((x) => x.rule === 'containerd.unpack-bound');
    expect(d?.impactSeconds).toBeCloseTo(3.0, 5);
    expect(d?.evidence.join('\n')).toContain('measured by bench: unpack 4.00 s vs fetch 1.00 s');
  });
});

function diskAt(MBps: number) {
  return {
    path: '/var/lib/dragonfly',
    device: 'vdb',
    fsType: 'ext4',
    rotational: false,
    seqReadMBps: MBps,
    randReadP50Ms: 0.5,
    randReadP99Ms: 2,
    method: 'o_direct' as const,
    bytesRead: 1e8,
    freeBytes: 1e11,
    totalBytes: 2e11,
  };
}
