import { describe, expect, it } from 'vitest';
import { mountOf, parseMountTable } from '../../src/parsers/mountinfo.js';

// proc(5) mountinfo lines as this machine and a typical LVM/Kubernetes node print them.
const MOUNTINFO = `22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
31 27 253:1 / /var/lib rw,noatime shared:12 - xfs /dev/mapper/vg0-varlib rw,attr2,inode64
32 31 253:1 /dragonfly /var/lib/kubelet/pods/abc/volumes/kubernetes.io~host-path/cache rw,noatime shared:12 - xfs /dev/mapper/vg0-varlib rw
33 27 8:17 / /mnt/my\\040disk rw,relatime master:1 - ext4 /dev/sdb1 rw
44 27 0:45 / /var/lib/dragonfly rw,nosuid - tmpfs tmpfs rw,size=1024k
45 27 8:33 / /var/lib/dragonfly rw,relatime - ext4 /dev/sdc1 rw
`;

describe('parseMountTable', () => {
  it('reads mountinfo: device, mount point, fs type, source, options, bind root, escapes', () => {
    const r = parseMountTable(MOUNTINFO);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(7);
    expect(r.value[2]).toEqual({
      mountPoint: '/var/lib',
      fsType: 'xfs',
      source: '/dev/mapper/vg0-varlib',
      options: ['rw', 'noatime', 'attr2', 'inode64'],
      majMin: '253:1',
      root: '/',
      line: 3,
    });
    expect(r.value[3]?.root).toBe('/dragonfly');
    expect(r.value[4]?.mountPoint).toBe('/mnt/my disk');
  });

  it('reads /proc/mounts too', () => {
    const r = parseMountTable(
      '/dev/vda / ext4 rw,relatime,discard 0 0\ntmpfs /run tmpfs rw,nosuid,size=3280904k 0 0\n',
    );
    expect(r.ok && r.value).toEqual([
      {
        mountPoint: '/',
        fsType: 'ext4',
        source: '/dev/vda',
        options: ['rw', 'relatime', 'discard'],
        majMin: null,
        root: null,
        line: 1,
      },
      {
        mountPoint: '/run',
        fsType: 'tmpfs',
        source: 'tmpfs',
        options: ['rw', 'nosuid', 'size=3280904k'],
        majMin: null,
        root: null,
        line: 2,
      },
    ]);
  });

  it('locates a line that is neither', () => {
    expect(parseMountTable(`${MOUNTINFO}garbage here\n`)).toEqual({
      ok: false,
      line: 8,
      message: expect.stringContaining('garbage'),
    });
    expect(parseMountTable('27 1 x:y / / rw - ext4 /dev/vda rw\n').ok).toBe(false);
    expect(parseMountTable('\n\n').ok).toBe(false);
  });
});

describe('mountOf', () => {
  const r = parseMountTable(MOUNTINFO);
  const entries = r.ok ? r.value : [];

  it('takes the longest mount point that contains the path, not a mere string prefix', () => {
    expect(mountOf(entries, '/var/lib/containerd')?.source).toBe('/dev/mapper/vg0-varlib');
    expect(mountOf(entries, '/var/library')?.source).toBe('/dev/vda');
    expect(mountOf(entries, '/')?.source).toBe('/dev/vda');
  });

  it('lets a later mount on the same point hide an earlier one', () => {
    expect(mountOf(entries, '/var/lib/dragonfly/content')?.source).toBe('/dev/sdc1');
  });

  it("prefers mounts of the path's own device (bind mounts)", () => {
    const bind = '/var/lib/kubelet/pods/abc/volumes/kubernetes.io~host-path/cache/tasks';
    expect(mountOf(entries, bind, '253:1')?.root).toBe('/dragonfly');
    // a device no mount lists falls back to the path
    expect(mountOf(entries, '/var/lib/dragonfly', '9:9')?.source).toBe('/dev/sdc1');
    expect(mountOf([], '/x')).toBeNull();
  });
});
