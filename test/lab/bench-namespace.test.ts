// The bench's namespace against a real containerd. containerd refuses to drop a namespace that still
// holds images, blobs, containers or snapshots, and a ctr killed mid-pull can have a blob or snapshot
// commit in flight that lands after the namespace was emptied. A container record stands in for
// that late arrival: the bench never makes one, so emptying leaves it, and the drop fails until the
// test removes it. Removal must outlast it within its patience, and report it when it does not.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeBenchNamespace } from '../../src/probes/bench-containerd.js';
import { announceSkip, labUnavailable } from '../helpers/lab.js';
import { CONTAINERD_LAB_TOOLS, type Containerd, type ContainerdLab, createContainerdLab } from './containerd-lab.js';

const why = process.platform !== 'linux' ? 'needs Linux' : labUnavailable(CONTAINERD_LAB_TOOLS);
if (why) announceSkip('bench-namespace', why);

let lab: ContainerdLab;
let cd: Containerd;

beforeAll(async () => {
  if (why) return;
  lab = await createContainerdLab({ name: 'dfdoctor-bench-ns' });
  cd = await lab.startContainerd({ disableCri: true });
  await mkdir(lab.path('rootfs'));
}, 120_000);

afterAll(async () => {
  if (why) return;
  await lab?.close();
}, 60_000);

const ctrIn = (ns: string, ...args: string[]) =>
  execFileSync('ctr', ['--address', cd.address, '-n', ns, ...args], { encoding: 'utf8' });
const namespaces = () =>
  execFileSync('ctr', ['--address', cd.address, 'namespaces', 'ls', '-q'], { encoding: 'utf8' }).split('\n');
const benchNs = () => ({ address: cd.address, namespace: `dfdoctor-bench-${randomBytes(4).toString('hex')}` });

describe('removing the bench namespace', () => {
  it.skipIf(why)(
    'empties it (blobs included) and keeps trying while something else still holds it, then drops it',
    async () => {
      const ctr = benchNs();
      execFileSync('ctr', ['--address', cd.address, '-n', ctr.namespace, 'content', 'ingest', 'blob'], {
        input: randomBytes(4096),
      });
      ctrIn(ctr.namespace, 'containers', 'create', '--rootfs', lab.path('rootfs'), 'late');
      const t0 = performance.now();
      let freedAt = 0;
      const freeing = new Promise<void>((resolve) =>
        setTimeout(() => {
          ctrIn(ctr.namespace, 'containers', 'rm', 'late');
          freedAt = performance.now() - t0;
          resolve();
        }, 1000),
      );
      const left = await removeBenchNamespace(ctr, { patienceMs: 20_000 });
      const returnedAt = performance.now() - t0;
      await freeing;
      expect(left).toEqual([]);
      expect(returnedAt, 'it returned only after the holder went').toBeGreaterThanOrEqual(freedAt);
      expect(namespaces()).not.toContain(ctr.namespace);
    },
    60_000,
  );

  it.skipIf(why)(
    "gives up when its patience runs out and names the namespace and containerd's reason",
    async () => {
      const ctr = benchNs();
      ctrIn(ctr.namespace, 'containers', 'create', '--rootfs', lab.path('rootfs'), 'stays');
      const left = await removeBenchNamespace(ctr, { patienceMs: 0 });
      expect(left).toHaveLength(1);
      expect(left[0]).toContain(ctr.namespace);
      expect(left[0]).toMatch(/must be empty/);
      expect(ctrIn(ctr.namespace, 'content', 'ls', '-q').trim()).toBe('');
      ctrIn(ctr.namespace, 'containers', 'rm', 'stays');
      expect(await removeBenchNamespace(ctr, { patienceMs: 0 })).toEqual([]);
    },
    60_000,
  );

  it.skipIf(why)(
    'a namespace that was never created counts as removed',
    async () => {
      const ctr = benchNs();
      expect(await removeBenchNamespace(ctr, { patienceMs: 20_000 })).toEqual([]);
      expect(namespaces()).not.toContain(ctr.namespace);
    },
    30_000,
  );
});
