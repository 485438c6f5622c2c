import type { Probe, ProbeModule } from './context.js';

/**
 * A probe whose module is loaded when it runs: `diagnose --probes dfdaemon` loads neither the other
 * probes nor what only they bring (Node's HTTP and crypto modules among them).
 */
function loadedWhenRun(probe: Omit<Probe, 'run'>, load: () => Promise<ProbeModule>): Probe {
  return { ...probe, run: async (ctx) => (await load()).run(ctx) };
}

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
  loadedWhenRun(
    {
      name: 'system',
      description:
        "host identity, CPU, memory, load, pressure stall averages, two /proc/stat samples with dfdoctor's own CPU time, kernel messages",
      budget: 0.15,
    },
    async () => (await import('./system.js')).systemProbe,
  ),
  loadedWhenRun(
    {
      name: 'dfdaemon',
      description: 'dfdaemon generation, config, two /metrics scrapes and its logs (Go dfdaemon or Rust client)',
      budget: 0.2,
    },
    async () => (await import('./dfdaemon.js')).dfdaemonProbe,
  ),
  loadedWhenRun(
    {
      name: 'disk',
      description:
        "the device under dfdaemon's cache dir: sequential and 4 KiB random direct reads, iostat window, free space",
      budget: 0.2,
      after: { dfdaemon: 'discovery' },
    },
    async () => (await import('./disk.js')).diskProbe,
  ),
  loadedWhenRun(
    {
      name: 'containerd',
      description:
        'containerd config (file, imports, config dump), version, hosts.toml routing, live mirror check, env/drop-ins, log tail, gunzip/sha256 rates',
      budget: 0.2,
    },
    async () => (await import('./containerd.js')).containerdProbe,
  ),
  loadedWhenRun(
    {
      name: 'kubelet',
      description:
        'kubelet config file and command-line flags (image pull serialisation, parallel pull limit, registry QPS), and its recent Pulled events and "pull QPS exceeded" refusals',
      budget: 0.05,
    },
    async () => (await import('./kubelet.js')).kubeletProbe,
  ),
  loadedWhenRun(
    {
      name: 'loopback',
      description:
        "loopback RTT and throughput to dfdoctor's own listener and to dfdaemon's endpoints; listeners, lo qdisc, name-resolution files",
      budget: 0.15,
    },
    async () => (await import('./loopback.js')).loopbackProbe,
  ),
  loadedWhenRun(
    {
      name: 'netfilter',
      description: 'iptables (both backends) and nftables rulesets with counters, conntrack fill',
      budget: 0.25,
      after: { dfdaemon: 'discovery', loopback: 'end' },
    },
    async () => (await import('./netfilter.js')).netfilterProbe,
  ),
];
