import type { Measurements } from '../../../src/bundle/measurements.js';
import { loopbackSlow } from '../../../src/rules/net/loopback-slow.js';
import { localhostResolution } from '../../../src/rules/net/localhost-resolution.js';
import { RuleTester } from '../../helpers/rule-tester.js';

const tester = new RuleTester();

// `ss -ltnp` output with dfdaemon's proxy on 0.0.0.0:4001 (IPv4 only).
const LISTEN =
  'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess\nLISTEN 0 4096 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n';
const NOQUEUE = { 'raw/net/qdisc.txt': 'qdisc noqueue 0: root refcnt 2\n' };
const loopback = (MBps: number, unixMBps: number): Measurements => ({
  loopback: { baseline: { rttP50Ms: 0.05, rttP99Ms: 0.4, throughput: { MBps, unixMBps } } },
});

tester.run(loopbackSlow, {
  fires: [
    {
      name: 'lo MTU lowered to 1500',
      files: { 'raw/net/lo-mtu.txt': '1500\n' },
      severity: 'warning',
      cause: 'loopback-slow',
    },
    {
      name: 'TCP over lo 40 MB/s while a UNIX socket moved 1800 MB/s',
      files: NOQUEUE,
      measurements: loopback(40, 1800),
      severity: 'critical',
      cause: 'loopback-slow',
    },
  ],
  silent: [
    { name: 'lo MTU 65536', files: { 'raw/net/lo-mtu.txt': '65536\n' } },
    {
      name: 'TCP and the UNIX socket both slow: the CPUs are the limit',
      files: NOQUEUE,
      measurements: loopback(40, 90),
    },
  ],
});

const mirrorAt = (host: string) => ({
  'raw/containerd/config.toml':
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'raw/containerd/certs.d/docker.io/hosts.toml': `server = "https://index.docker.io"\n[host."http://${host}:4001"]\n  capabilities = ["pull", "resolve"]\n`,
  'raw/net/listeners.txt': LISTEN,
});

tester.run(localhostResolution, {
  fires: [
    {
      name: 'localhost: ::1 first (Debian /etc/hosts), 127.0.0.1 accepted second',
      files: {
        ...mirrorAt('localhost'),
        'raw/net/hosts': '127.0.0.1 localhost\n::1 localhost ip6-localhost\n',
        'raw/net/nsswitch.conf': 'hosts: files dns\n',
      },
      severity: 'info',
      cause: 'localhost-resolution',
      evidence: ['raw/net/hosts:2'],
    },
    {
      name: 'localhost only in DNS',
      files: {
        ...mirrorAt('localhost'),
        'raw/net/hosts': '10.0.0.5 node\n',
        'raw/net/nsswitch.conf': 'hosts: files dns\n',
        'raw/net/resolv.conf': 'nameserver 10.0.0.2\n',
      },
      severity: 'warning',
      cause: 'localhost-resolution',
    },
  ],
  silent: [
    {
      name: 'the mirror is the literal 127.0.0.1',
      files: { ...mirrorAt('127.0.0.1'), 'raw/net/hosts': '::1 localhost\n' },
    },
  ],
});
