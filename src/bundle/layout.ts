// Every path inside a bundle, named once: the probes write these, the facts read them and evidence
// names them (docs/architecture.md#bundle lists what each holds). A path changes here or nowhere.

const SYSTEM = 'raw/system';
const DISK = 'raw/disk';
const NET = 'raw/net';
const CONTAINERD = 'raw/containerd';
const KUBELET = 'raw/kubelet';
const DFDAEMON = 'raw/dfdaemon';

export const BUNDLE = {
  manifest: 'manifest.json',
  measurements: 'measurements.json',
  system: {
    dir: SYSTEM,
    uname: `${SYSTEM}/uname.txt`,
    osRelease: `${SYSTEM}/os-release`,
    meminfo: `${SYSTEM}/meminfo`,
    loadavg: `${SYSTEM}/loadavg`,
    /** /proc/stat, two samples a known interval apart. */
    stat0: `${SYSTEM}/stat-0.txt`,
    stat1: `${SYSTEM}/stat-1.txt`,
    /** /proc/self/stat next to each /proc/stat sample: dfdoctor's own CPU time over the window. */
    selfStat0: `${SYSTEM}/self-stat-0.txt`,
    selfStat1: `${SYSTEM}/self-stat-1.txt`,
    /** /proc/pressure/{cpu,io,memory}: the kernel's pressure stall averages. */
    pressure: {
      cpu: `${SYSTEM}/pressure-cpu.txt`,
      io: `${SYSTEM}/pressure-io.txt`,
      memory: `${SYSTEM}/pressure-memory.txt`,
    },
    dmesg: `${SYSTEM}/dmesg.txt`,
  },
  disk: {
    dir: DISK,
    mounts: `${DISK}/mounts.txt`,
    /** /proc/diskstats, two samples a known interval apart. */
    diskstats0: `${DISK}/diskstats-0.txt`,
    diskstats1: `${DISK}/diskstats-1.txt`,
    df: `${DISK}/df.json`,
  },
  net: {
    dir: NET,
    iptables: `${NET}/iptables-save.txt`,
    ip6tables: `${NET}/ip6tables-save.txt`,
    iptablesLegacy: `${NET}/iptables-legacy-save.txt`,
    ip6tablesLegacy: `${NET}/ip6tables-legacy-save.txt`,
    iptablesNft: `${NET}/iptables-nft-save.txt`,
    ip6tablesNft: `${NET}/ip6tables-nft-save.txt`,
    nft: `${NET}/nft-ruleset.txt`,
    conntrack: `${NET}/conntrack.json`,
    qdisc: `${NET}/qdisc.txt`,
    loMtu: `${NET}/lo-mtu.txt`,
    listeners: `${NET}/listeners.txt`,
    hosts: `${NET}/hosts`,
    nsswitch: `${NET}/nsswitch.conf`,
    gai: `${NET}/gai.conf`,
    resolv: `${NET}/resolv.conf`,
    resolve: `${NET}/resolve.json`,
    endpoints: `${NET}/endpoints.json`,
  },
  containerd: {
    dir: CONTAINERD,
    config: `${CONTAINERD}/config.toml`,
    imports: `${CONTAINERD}/imports`,
    dump: `${CONTAINERD}/config-dump.toml`,
    version: `${CONTAINERD}/version.txt`,
    hostsDirs: `${CONTAINERD}/hosts-dirs.json`,
    /** The first `config_path` directory; further ones are certs.d-2, certs.d-3 …, others stray-1 … */
    certsD: `${CONTAINERD}/certs.d`,
    env: `${CONTAINERD}/env.txt`,
    systemd: `${CONTAINERD}/systemd`,
    journal: `${CONTAINERD}/journal.txt`,
    mirrorCheck: `${CONTAINERD}/mirror-check.json`,
    decompressors: `${CONTAINERD}/decompressors.json`,
    plugins: `${CONTAINERD}/plugins.txt`,
  },
  kubelet: {
    dir: KUBELET,
    config: `${KUBELET}/config.yaml`,
    /** The `*.conf` drop-ins of `--config-dir`, at their paths relative to it (merged in path order). */
    configDir: `${KUBELET}/config.d`,
    flags: `${KUBELET}/flags.txt`,
    events: `${KUBELET}/events.json`,
  },
  dfdaemon: {
    dir: DFDAEMON,
    generation: `${DFDAEMON}/generation.txt`,
    version: `${DFDAEMON}/version.txt`,
    /** dfget.yaml (Go) or dfdaemon.yaml (Rust) inside it. */
    configDir: `${DFDAEMON}/config`,
    metrics0: `${DFDAEMON}/metrics-0.prom`,
    metrics1: `${DFDAEMON}/metrics-1.prom`,
    logsDir: `${DFDAEMON}/logs`,
    /** For each sliced log, `<log name>.json`: which node lines the bundled lines are. */
    logSlicesDir: `${DFDAEMON}/log-slices`,
    mountinfo: `${DFDAEMON}/mountinfo.txt`,
    container: `${DFDAEMON}/container.json`,
  },
} as const;
