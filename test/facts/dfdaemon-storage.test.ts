import { describe, expect, it } from 'vitest';
import { classifyStorage } from '../../src/facts/dfdaemon-storage.js';
import { factsFrom } from '../helpers/bundle.js';

// A dfdaemon container's /proc/<pid>/mountinfo as containerd + kubelet set it up (proc(5) layout).
const ROOT =
  '1410 1282 0:244 / / rw,relatime master:428 - overlay overlay rw,lowerdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/352/fs,upperdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/410/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/410/work';
const PROC = '1411 1410 0:246 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw';
const POD = '/var/lib/kubelet/pods/5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/volumes';
const table = (...data: string[]) => [ROOT, PROC, ...data].join('\n') + '\n';

describe('classifyStorage', () => {
  it('an emptyDir bind (kubelet path in the mount root) is an emptyDir, located by line', () => {
    const r = classifyStorage(
      table(
        `1417 1410 259:1 ${POD}/kubernetes.io~empty-dir/data /var/lib/dragonfly rw,relatime - ext4 /dev/nvme0n1p1 rw`,
      ),
      '/var/lib/dragonfly',
    );
    expect(r).toMatchObject({
      ok: true,
      value: { kind: 'emptyDir', mountPoint: '/var/lib/dragonfly', fsType: 'ext4', line: 3 },
    });
  });

  it('/var/lib/kubelet on its own filesystem still shows the volume type in the root', () => {
    const r = classifyStorage(
      table('1417 1410 259:3 /pods/5f1c/volumes/kubernetes.io~empty-dir/data /var/lib/dragonfly rw - xfs /dev/sdb1 rw'),
      '/var/lib/dragonfly/',
    );
    expect(r.ok && r.value.kind).toBe('emptyDir');
  });

  it('a memory emptyDir (tmpfs) is tmpfs', () => {
    const r = classifyStorage(
      table('1417 1410 0:77 / /var/lib/dragonfly rw,relatime - tmpfs tmpfs rw,size=2097152k'),
      '/var/lib/dragonfly',
    );
    expect(r.ok && r.value.kind).toBe('tmpfs');
  });

  it("no mount under the dir: the container's writable layer", () => {
    const r = classifyStorage(table(), '/var/lib/dragonfly/');
    expect(r).toMatchObject({
      ok: true,
      value: { kind: 'container-layer', mountPoint: '/', fsType: 'overlay', line: 1 },
    });
  });

  it('hostPath and persistent volumes survive the pod', () => {
    for (const line of [
      '1417 1410 259:1 /var/lib/dragonfly /var/lib/dragonfly rw - ext4 /dev/nvme0n1p1 rw',
      `1417 1410 259:4 ${POD}/kubernetes.io~csi/pvc-1/mount /var/lib/dragonfly rw - ext4 /dev/sdc rw`,
      // a node dir merely named like a volume type is not one
      '1417 1410 259:1 /srv/kubernetes.io~empty-dir/data /var/lib/dragonfly rw - ext4 /dev/nvme0n1p1 rw',
    ]) {
      const r = classifyStorage(table(line), '/var/lib/dragonfly');
      expect(r.ok && r.value.kind, line).toBe('node-dir');
    }
  });

  it('a deeper mount decides for a dir below it; a sibling mount does not', () => {
    const t = table(
      `1417 1410 259:1 ${POD}/kubernetes.io~empty-dir/data /var/lib/dragonfly rw - ext4 /dev/vda1 rw`,
      '1418 1410 259:1 /var/lib/dragonfly2 /var/lib/dragonfly2 rw - ext4 /dev/vda1 rw',
    );
    const kind = (dir: string) => {
      const r = classifyStorage(t, dir);
      return r.ok ? r.value.kind : r.message;
    };
    expect(kind('/var/lib/dragonfly/content')).toBe('emptyDir');
    expect(kind('/var/lib/dragonfly2')).toBe('node-dir');
  });

  it('garbage is a located problem', () => {
    expect(classifyStorage(`${ROOT}\nnot a mount line at all\n`, '/var/lib/dragonfly')).toMatchObject({
      ok: false,
      line: 2,
    });
  });
});

describe('dfdaemon facts: storage', () => {
  const cfg = 'storage:\n  dir: /var/lib/dragonfly\n  keep: true\n';
  it("classifies the config's storage dir from the bundled mount table", async () => {
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/config/dfdaemon.yaml': cfg,
      'raw/dfdaemon/mountinfo.txt': table(
        `1417 1410 259:1 ${POD}/kubernetes.io~empty-dir/storage /var/lib/dragonfly rw - ext4 /dev/vda1 rw`,
      ),
    });
    expect(f.dfdaemon?.storage).toMatchObject({
      dir: '/var/lib/dragonfly',
      kind: 'emptyDir',
      file: 'raw/dfdaemon/mountinfo.txt',
      line: 3,
    });
  });

  it('a broken mount table is a located problem and the rest of the facts still come', async () => {
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/config/dfdaemon.yaml': cfg,
      'raw/dfdaemon/mountinfo.txt': 'garbage\n',
    });
    expect(f.dfdaemon?.storage).toBeUndefined();
    expect(f.dfdaemon?.config?.keepStorage.value).toBe(true);
    expect(f.problems).toContainEqual(expect.objectContaining({ file: 'raw/dfdaemon/mountinfo.txt', line: 1 }));
  });
});
