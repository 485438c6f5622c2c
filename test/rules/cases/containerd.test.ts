import { mirrorMisconfigured } from '../../../src/rules/containerd/mirror-misconfigured.js';
import { RuleTester } from '../../helpers/rule-tester.js';

const LISTEN =
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n';
const ROUTED_V2 = {
  'raw/containerd/config.toml':
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'raw/containerd/certs.d/docker.io/hosts.toml':
    'server = "https://index.docker.io"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
};

// containerd#8053: 1.5 reads no <config_path>/_default (containerd PR #7607 came in 1.6.17 and 1.7.0)
const DEFAULT_DIR_ONLY = (version: string) => ({
  'raw/containerd/config.toml':
    'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'raw/containerd/certs.d/_default/hosts.toml':
    'server = "*"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
  'raw/containerd/version.txt': `containerd github.com/containerd/containerd ${version}\n`,
});

new RuleTester().run(mirrorMisconfigured, {
  fires: [
    {
      name: 'dfdaemon listens, config v2 has no registry routing',
      files: { 'raw/containerd/config.toml': 'version = 2\n', 'raw/net/listeners.txt': LISTEN },
      severity: 'critical',
      cause: 'mirror-misconfigured',
    },
    {
      name: 'dfdaemon listens, config v3 has no registry routing',
      files: { 'raw/containerd/config.toml': 'version = 3\n', 'raw/net/listeners.txt': LISTEN },
      severity: 'critical',
      cause: 'mirror-misconfigured',
    },
    {
      name: 'containerd 1.5.9 with only a _default hosts.toml',
      files: DEFAULT_DIR_ONLY('1.5.9-0ubuntu3.1'),
      severity: 'warning',
      cause: 'mirror-misconfigured',
      evidence: ['_default/hosts.toml is never read: containerd 1.5.9'],
    },
  ],
  silent: [
    { name: 'containerd 1.6.17 reads the _default hosts.toml', files: DEFAULT_DIR_ONLY('v1.6.17') },
    { name: 'hosts.toml routes docker.io through dfdaemon', files: { ...ROUTED_V2, 'raw/net/listeners.txt': LISTEN } },
    { name: 'no dfdaemon on the node', files: { 'raw/containerd/config.toml': 'version = 2\n' } },
  ],
});
