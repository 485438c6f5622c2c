import { describe, expect, it } from 'vitest';
import { containerOf, imageTag, isReleaseTag, systemdUnitOf } from '../../src/parsers/proc-cgroup.js';

const ID = '9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c';

describe('containerOf', () => {
  it('cgroup v2, systemd driver, containerd', () => {
    const t = `0::/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod5f1c2b7e_8a4d_4c3e_9b2a_1d7e6f5a4b3c.slice/cri-containerd-${ID}.scope\n`;
    expect(containerOf(t)).toEqual({ id: ID, runtime: 'containerd', podUid: '5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c' });
  });

  it('cgroup v1, cgroupfs driver: a bare id under the pod', () => {
    const t = `12:pids:/kubepods/besteffort/pod5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/${ID}\n11:memory:/kubepods/besteffort/pod5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/${ID}\n1:name=systemd:/kubepods/besteffort/pod5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/${ID}\n`;
    expect(containerOf(t)).toEqual({ id: ID, runtime: 'unknown', podUid: '5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c' });
  });

  it("CRI-O and Docker scopes, and Docker's cgroupfs path", () => {
    expect(containerOf(`0::/system.slice/crio-${ID}.scope`)?.runtime).toBe('cri-o');
    expect(containerOf(`0::/system.slice/docker-${ID}.scope`)?.runtime).toBe('docker');
    expect(containerOf(`4:cpu:/docker/${ID}`)).toEqual({ id: ID, runtime: 'docker' });
  });

  it('a process on the node itself, or garbage, is in no container', () => {
    expect(containerOf('0::/system.slice/dfdaemon.service\n')).toBeNull();
    expect(containerOf('0::/user.slice/user-0.slice/session-3.scope\n1:name=systemd:/\n')).toBeNull();
    expect(containerOf('garbage\n\n')).toBeNull();
    // 63 hex digits is not an id
    expect(containerOf(`0::/kubepods/${ID.slice(1)}`)).toBeNull();
  });
});

describe('imageTag', () => {
  it('reads the tag, not a registry port, and none for digest-only refs', () => {
    expect(imageTag('docker.io/dragonflyoss/dfdaemon:v2.1.49')).toBe('v2.1.49');
    expect(imageTag('registry.local:5000/dragonflyoss/client:v0.1.82@sha256:abc')).toBe('v0.1.82');
    expect(imageTag('registry.local:5000/dragonflyoss/client')).toBeUndefined();
    expect(imageTag(`docker.io/dragonflyoss/client@sha256:${ID}`)).toBeUndefined();
  });
});

describe('isReleaseTag', () => {
  it('a release number is a version; latest, a branch or a digest is not', () => {
    for (const t of ['v2.1.49', '2.1.49-alpine', 'v0.1.82']) expect(isReleaseTag(t), t).toBe(true);
    for (const t of ['latest', 'main', 'v2', '2.1', 'sha-5dee749']) expect(isReleaseTag(t), t).toBe(false);
  });
});

describe('systemdUnitOf', () => {
  it('the service a process on the node runs as, from either hierarchy', () => {
    // the unit dragonfly's Go package installs (build/package/nfpm/systemd/dfget-daemon.service)
    expect(systemdUnitOf('0::/system.slice/dfget-daemon.service\n')).toBe('dfget-daemon.service');
    expect(
      systemdUnitOf(
        '12:pids:/system.slice/dfdaemon.service\n3:cpu,cpuacct:/system.slice/dfdaemon.service\n1:name=systemd:/system.slice/dfdaemon.service\n',
      ),
    ).toBe('dfdaemon.service');
    // a delegated sub-cgroup, a templated unit
    expect(systemdUnitOf('0::/system.slice/dfdaemon@node1.service/payload\n')).toBe('dfdaemon@node1.service');
  });

  it('none for a session, a container, or garbage', () => {
    expect(systemdUnitOf('0::/user.slice/user-0.slice/session-3.scope\n')).toBeNull();
    expect(
      systemdUnitOf(`0::/system.slice/containerd.service/kubepods-pod1.slice/cri-containerd-${ID}.scope\n`),
    ).toBeNull();
    expect(systemdUnitOf('garbage\n')).toBeNull();
  });
});
