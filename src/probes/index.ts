import { containerdProbe } from './containerd.js';
import type { Probe } from './context.js';
import { dfdaemonProbe } from './dfdaemon.js';
import { diskProbe } from './disk.js';
import { kubeletProbe } from './kubelet.js';
import { loopbackProbe } from './loopback.js';
import { netfilterProbe } from './netfilter.js';
import { systemProbe } from './system.js';

/** Run order: dfdaemon first among the node probes, since disk, loopback and netfilter need what it discovers. */
export const PROBES: readonly Probe[] = [
  systemProbe,
  dfdaemonProbe,
  diskProbe,
  containerdProbe,
  kubeletProbe,
  loopbackProbe,
  netfilterProbe,
];
