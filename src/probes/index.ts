import { containerdProbe } from './containerd.js';
import type { Probe } from './context.js';
import { dfdaemonProbe } from './dfdaemon.js';
import { diskProbe } from './disk.js';
import { kubeletProbe } from './kubelet.js';
import { loopbackProbe } from './loopback.js';
import { netfilterProbe } from './netfilter.js';
import { systemProbe } from './system.js';

/**
 * Every probe, in the order the manifest lists them. They run side by side: disk starts once dfdaemon
 * has published where its cache dir and ports are; loopback reads at once, resolves names once dfdaemon
 * has published its ports and containerd has named its mirrors, and times dfdaemon's endpoints only
 * once dfdaemon has ended (its own requests must not fall between the two metrics scrapes); netfilter
 * after loopback, so that a rule on the mirror path shows in its packet counters the connections
 * loopback just made (iptables-save -c takes milliseconds). The parts that measure run alone (see
 * scheduler.ts).
 */
export const PROBES: readonly Probe[] = [
  systemProbe,
  dfdaemonProbe,
  { ...diskProbe, after: { dfdaemon: 'discovery' } },
  containerdProbe,
  kubeletProbe,
  loopbackProbe,
  { ...netfilterProbe, after: { dfdaemon: 'discovery', loopback: 'end' } },
];
