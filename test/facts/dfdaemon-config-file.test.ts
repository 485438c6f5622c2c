// Where the daemon reads its config, from the probe's record and the daemon's mount table.
import { describe, expect, it } from 'vitest';
import { daemonConfigFile } from '../../src/facts/dfdaemon-config-file.js';

// the form of a kubelet ConfigMap volume in a container's mountinfo (proc(5)); the chart mounts its
// volume "config" at /etc/dragonfly
const POD_MOUNTS = [
  '1410 1282 0:244 / / rw,relatime master:428 - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
  '1417 1410 254:1 /var/lib/kubelet/pods/5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/volumes/kubernetes.io~empty-dir/data /var/lib/dragonfly rw,relatime - ext4 /dev/vda1 rw',
  '1419 1410 254:1 /var/lib/kubelet/pods/5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/volumes/kubernetes.io~configmap/config /etc/dragonfly ro,relatime - ext4 /dev/vda1 rw',
].join('\n');

const inPod = (path: string) => ({
  configPath: path,
  configRead: `/proc/4188/root${path}`,
  daemonRoot: '/proc/4188/root',
});

describe('daemonConfigFile', () => {
  it('a daemon on the node reads the path it was started with', () => {
    expect(
      daemonConfigFile({ configPath: '/opt/df/dfget.yaml', configRead: '/opt/df/dfget.yaml' }, undefined, undefined),
    ).toEqual({ where: 'node', path: '/opt/df/dfget.yaml' });
  });

  it('a daemon run as a systemd service names its unit; a unit name that is none is left out', () => {
    const rec = { configPath: '/etc/dragonfly/dfget.yaml', unit: 'dfget-daemon.service' };
    expect(daemonConfigFile(rec, undefined, undefined)).toEqual({
      where: 'node',
      path: '/etc/dragonfly/dfget.yaml',
      unit: 'dfget-daemon.service',
    });
    expect(daemonConfigFile({ ...rec, unit: 'x; rm -rf /' }, undefined, undefined)).toEqual({
      where: 'node',
      path: '/etc/dragonfly/dfget.yaml',
    });
  });

  it("a daemon in a pod reads its container's path, from the ConfigMap volume mounted there", () => {
    expect(daemonConfigFile(inPod('/etc/dragonfly/dfget.yaml'), POD_MOUNTS, 'dragonfly-system/df-x7k2p')).toEqual({
      where: 'container',
      path: '/etc/dragonfly/dfget.yaml',
      configMapVolume: 'config',
      pod: 'dragonfly-system/df-x7k2p',
    });
  });

  it('a ConfigMap key mounted with subPath names its volume too', () => {
    const mounts = `${POD_MOUNTS}\n1430 1410 254:1 /var/lib/kubelet/pods/5f1c2b7e-8a4d-4c3e-9b2a-1d7e6f5a4b3c/volumes/kubernetes.io~configmap/df-conf/..2024_07_01_14_15_02.3624755718/dfdaemon.yaml /opt/dfdaemon.yaml ro,relatime - ext4 /dev/vda1 rw`;
    expect(daemonConfigFile(inPod('/opt/dfdaemon.yaml'), mounts, undefined)).toEqual({
      where: 'container',
      path: '/opt/dfdaemon.yaml',
      configMapVolume: 'df-conf',
    });
  });

  it('a config on another volume (a node dir, the image) names no ConfigMap', () => {
    expect(daemonConfigFile(inPod('/etc/dfdaemon/dfget.yaml'), POD_MOUNTS, undefined)).toEqual({
      where: 'container',
      path: '/etc/dfdaemon/dfget.yaml',
    });
    // a directory merely named like a volume is not one
    const named = `${POD_MOUNTS}\n1431 1410 254:1 /srv/kubernetes.io~configmap/config /etc/df rw - ext4 /dev/vda1 rw`;
    expect(daemonConfigFile(inPod('/etc/df/dfget.yaml'), named, undefined)).toEqual({
      where: 'container',
      path: '/etc/df/dfget.yaml',
    });
    expect(daemonConfigFile(inPod('/etc/dragonfly/dfget.yaml'), 'garbage', undefined)).toEqual({
      where: 'container',
      path: '/etc/dragonfly/dfget.yaml',
    });
  });

  it('a --dfdaemon-config path is read on the node, even beside a daemon in a pod', () => {
    expect(
      daemonConfigFile(
        { configPath: '/root/dfget.yaml', configRead: '/root/dfget.yaml', daemonRoot: '/proc/4188/root' },
        POD_MOUNTS,
        'ns/pod',
      ),
    ).toEqual({ where: 'node', path: '/root/dfget.yaml' });
  });

  it('nothing when the bundle does not say', () => {
    expect(daemonConfigFile(undefined, undefined, undefined)).toBeUndefined();
    expect(daemonConfigFile({ status: 'ok' }, undefined, undefined)).toBeUndefined();
    expect(daemonConfigFile({ configPath: 'dfget.yaml' }, undefined, undefined)).toBeUndefined();
  });
});
