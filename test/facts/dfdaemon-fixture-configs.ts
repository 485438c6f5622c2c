// Config files and /metrics expositions in the real formats of both dfdaemon generations, for the
// dfdaemon fixtures (docs/dfdaemon.md; test/samples/*.SYNTHESISED.prom).

/** dfget.yaml as Helm chart dragonfly-1.1.65 renders it for the Go dfdaemon v2.1.49 (values.yaml dfdaemon.config). */
export function goChartConfig(
  o: {
    keepStorage?: boolean;
    multiplex?: boolean;
    calculateDigest?: boolean;
    totalRateLimit?: string;
    perPeerRateLimit?: string;
    scheduleTimeout?: string;
    metrics?: boolean;
    verbose?: boolean;
    proxies?: string;
    /** registryMirror.useProxies: only then do `proxies` decide mirror requests (v2.0.2+). */
    useProxies?: boolean;
    /** registryMirror.url; null leaves it out (the Go code has no default: the mirror is then off). */
    mirrorUrl?: string | null;
  } = {},
): string {
  return `aliveTime: 0s
gcInterval: 1m0s
keepStorage: ${o.keepStorage ?? false}
workHome: ""
logDir: ""
cacheDir: ""
pluginDir: ""
dataDir: /var/lib/dragonfly
console: false
health:
  path: /server/ping
  tcpListen:
    port: 40901
verbose: ${o.verbose ?? false}
pprof-port: -1
${o.metrics ? 'metrics: ":8000"\n' : ''}jaeger: ""
scheduler:
  manager:
    enable: true
    netAddrs:
      - type: tcp
        addr: dragonfly-manager.dragonfly-system.svc.cluster.local:65003
    refreshInterval: 10m
    seedPeer:
      enable: false
  scheduleTimeout: ${o.scheduleTimeout ?? '30s'}
  disableAutoBackSource: false
host:
  idc: ""
  location: ""
download:
  calculateDigest: ${o.calculateDigest ?? false}
  downloadGRPC:
    security:
      insecure: true
      tlsVerify: true
    unixListen:
      socket: ""
  peerGRPC:
    security:
      insecure: true
    tcpListen:
      port: 65000
  perPeerRateLimit: ${o.perPeerRateLimit ?? '512Mi'}
  prefetch: false
  totalRateLimit: ${o.totalRateLimit ?? '1024Mi'}
upload:
  rateLimit: 1024Mi
  security:
    insecure: true
    tlsVerify: false
  tcpListen:
    port: 65002
objectStorage:
  enable: false
  filter: Expires&Signature&ns
  maxReplicas: 3
  security:
    insecure: true
    tlsVerify: true
  tcpListen:
    port: 65004
storage:
  diskGCThreshold: 50Gi
  multiplex: ${o.multiplex ?? true}
  strategy: io.d7y.storage.v2.simple
  taskExpireTime: 6h
proxy:
  defaultFilter: Expires&Signature&ns
  defaultTag: ""
  tcpListen:
    namespace: /run/dragonfly/net
    port: 65001
  security:
    insecure: true
    tlsVerify: false
  registryMirror:
    dynamic: true
    insecure: false
${o.mirrorUrl === null ? '' : `    url: ${o.mirrorUrl ?? 'https://index.docker.io'}\n`}${o.useProxies ? '    useProxies: true\n' : ''}  proxies:
${o.proxies ?? '    - regx: blobs/sha256.*'}
`;
}

/** dfdaemon.yaml of the Rust client: v1 keys (chart 1.7.x) or v0.1.x keys (chart 1.1.65 client.config). */
export function rustConfig(o: {
  series: 'v0' | 'v1';
  keep?: boolean;
  limit?: string;
  rules?: string | null;
  readBufferSize?: number;
  /** v1 layout with the pre-v1.2.8 key name */ rateKey?: 'rateLimit';
}): string {
  const rules = o.rules === null ? '' : `  rules:\n${o.rules ?? '    - regex: blobs/sha256.*'}\n`;
  if (o.series === 'v0') {
    return `verbose: false
log:
  level: info
host:
  idc: ""
  location: ""
server:
  pluginDir: /var/lib/dragonfly/plugins/dfdaemon/
  cacheDir: /var/cache/dragonfly/dfdaemon/
download:
  server:
    socketPath: /var/run/dragonfly/dfdaemon.sock
  rateLimit: ${o.limit ?? '20000000000'}
  pieceTimeout: 30s
  concurrentPieceCount: 16
upload:
  server:
    port: 4000
  rateLimit: 20000000000
manager:
  addrs:
    - http://dragonfly-manager.dragonfly-system.svc.cluster.local:65003
scheduler:
  announceInterval: 1m
  scheduleTimeout: 30s
  maxScheduleCount: 5
storage:
  dir: /var/lib/dragonfly/
  keep: ${o.keep ?? false}
gc:
  interval: 900s
  policy:
    taskTTL: 168h
    distHighThresholdPercent: 80
    distLowThresholdPercent: 60
proxy:
  server:
    port: 4001
${rules}  registryMirror:
    addr: https://index.docker.io
  disableBackToSource: false
  prefetch: false
metrics:
  server:
    port: 4002
`;
  }
  return `verbose: false
log:
  level: info
host:
  idc: ""
  location: ""
server:
  pluginDir: /usr/local/lib/dragonfly/plugins/dfdaemon/
  cacheDir: /var/cache/dragonfly/dfdaemon/
download:
  server:
    socketPath: /var/run/dragonfly/dfdaemon.sock
    requestRateLimit: 4000
  ${o.rateKey ?? 'bandwidthLimit'}: ${o.limit ?? '50GB'}
  pieceTimeout: 360s
  concurrentPieceCount: 16
upload:
  server:
    port: 4000
  bandwidthLimit: 50GB
manager:
  addr: http://dragonfly-manager.dragonfly-system.svc.cluster.local:65003
scheduler:
  announceInterval: 5m
  scheduleTimeout: 3h
  maxScheduleCount: 5
dynconfig:
  refreshInterval: 1m
storage:
  dir: /var/lib/dragonfly/
  keep: ${o.keep ?? true}
  writeBufferSize: 524288
  readBufferSize: 524288
gc:
  interval: 900s
  policy:
    taskTTL: 720h
    diskHighThresholdPercent: 90
    diskLowThresholdPercent: 70
proxy:
  server:
    port: 4001
${rules}  registryMirror:
    addr: https://index.docker.io
  disableBackToSource: false
  prefetch: true
  prefetchBandwidthLimit: 10GB
  readBufferSize: ${o.readBufferSize ?? 524288}
metrics:
  server:
    port: 4002
`;
}

/** Go dfdaemon v2.1.49 /metrics (promhttp, families sorted), the counters dfdoctor reads. */
export function goMetrics(o: {
  tasks: number;
  hits: number;
  via: number;
  direct: number;
  getBytes: number;
  cpu: number;
  rss: number;
  failedP2p?: number;
}): string {
  return `# HELP dragonfly_dfdaemon_file_task_total Counter of the total file tasks.
# TYPE dragonfly_dfdaemon_file_task_total counter
dragonfly_dfdaemon_file_task_total 0
# HELP dragonfly_dfdaemon_peer_task_cache_hit_total Counter of the total cache hit peer tasks.
# TYPE dragonfly_dfdaemon_peer_task_cache_hit_total counter
dragonfly_dfdaemon_peer_task_cache_hit_total ${o.hits}
# HELP dragonfly_dfdaemon_peer_task_failed_total Counter of the total failed peer tasks.
# TYPE dragonfly_dfdaemon_peer_task_failed_total counter
dragonfly_dfdaemon_peer_task_failed_total{type="p2p"} ${o.failedP2p ?? 0}
dragonfly_dfdaemon_peer_task_failed_total{type="source"} 0
# HELP dragonfly_dfdaemon_peer_task_total Counter of the total peer tasks.
# TYPE dragonfly_dfdaemon_peer_task_total counter
dragonfly_dfdaemon_peer_task_total ${o.tasks}
# HELP dragonfly_dfdaemon_proxy_request_bytes_total Counter of the total byte of all proxy request.
# TYPE dragonfly_dfdaemon_proxy_request_bytes_total counter
dragonfly_dfdaemon_proxy_request_bytes_total{method="GET"} ${o.getBytes}
dragonfly_dfdaemon_proxy_request_bytes_total{method="HEAD"} 0
# HELP dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total Counter of the total proxy request not via Dragonfly.
# TYPE dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total counter
dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total ${o.direct}
# HELP dragonfly_dfdaemon_proxy_request_running_total Current running count of proxy request.
# TYPE dragonfly_dfdaemon_proxy_request_running_total gauge
dragonfly_dfdaemon_proxy_request_running_total{method="GET"} 0
# HELP dragonfly_dfdaemon_proxy_request_total Counter of the total proxy request.
# TYPE dragonfly_dfdaemon_proxy_request_total counter
dragonfly_dfdaemon_proxy_request_total{method="GET"} ${o.via + o.direct - 2}
dragonfly_dfdaemon_proxy_request_total{method="HEAD"} 2
# HELP dragonfly_dfdaemon_proxy_request_via_dragonfly_total Counter of the total proxy request via Dragonfly.
# TYPE dragonfly_dfdaemon_proxy_request_via_dragonfly_total counter
dragonfly_dfdaemon_proxy_request_via_dragonfly_total ${o.via}
# HELP dragonfly_dfdaemon_stream_task_total Counter of the total stream tasks.
# TYPE dragonfly_dfdaemon_stream_task_total counter
dragonfly_dfdaemon_stream_task_total ${o.tasks}
# HELP dragonfly_dfdaemon_version Version info of the service.
# TYPE dragonfly_dfdaemon_version gauge
dragonfly_dfdaemon_version{build_time="2024-06-20T14:40:11Z",git_commit="5dee749",git_version="v2.1.49",go_gcflags="none",go_tags="none",go_version="go1.21.1 linux/amd64",major="2",minor="1",platform="linux"} 1
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total ${o.cpu}
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes ${o.rss}
`;
}

/** Rust client /metrics (prometheus crate TextEncoder), a subset of the families. */
export function rustMetrics(o: {
  version: string;
  local: number;
  remote: number;
  source: number;
  tasks: number;
  proxy: number;
  viaDfdaemon?: number;
  cpu: number;
  rss: number;
  durationsMs?: number[];
}): string {
  const bounds = Array.from({ length: 24 }, (_, i) => 2 ** i);
  const ds = o.durationsMs ?? [];
  const buckets = bounds
    .map(
      (b) =>
        `dragonfly_client_download_task_duration_milliseconds_bucket{task_size_level="6",task_type="0",le="${b}"} ${ds.filter((d) => d <= b).length}`,
    )
    .join('\n');
  const v1 = !o.version.startsWith('v0.');
  return `# HELP dragonfly_client_concurrent_download_task_total Gauge of the number of concurrent of the download task.
# TYPE dragonfly_client_concurrent_download_task_total gauge
dragonfly_client_concurrent_download_task_total{app="",priority="0",tag="",type="0"} 0
# HELP dragonfly_client_download_task_duration_milliseconds Histogram of the download task duration.
# TYPE dragonfly_client_download_task_duration_milliseconds histogram
${buckets}
dragonfly_client_download_task_duration_milliseconds_bucket{task_size_level="6",task_type="0",le="+Inf"} ${ds.length}
dragonfly_client_download_task_duration_milliseconds_sum{task_size_level="6",task_type="0"} ${ds.reduce((a, b) => a + b, 0)}
dragonfly_client_download_task_duration_milliseconds_count{task_size_level="6",task_type="0"} ${ds.length}
# HELP dragonfly_client_download_task_total Counter of the number of the download task.
# TYPE dragonfly_client_download_task_total counter
dragonfly_client_download_task_total{app="",priority="0",tag="",type="0"} ${o.tasks}
# HELP dragonfly_client_download_traffic Counter of the number of the download traffic.
# TYPE dragonfly_client_download_traffic counter
dragonfly_client_download_traffic{type="BACK_TO_SOURCE"} ${o.source}
dragonfly_client_download_traffic{type="LOCAL_PEER"} ${o.local}
dragonfly_client_download_traffic{type="REMOTE_PEER"} ${o.remote}
# HELP dragonfly_client_proxy_request_total Counter of the number of the proxy request.
# TYPE dragonfly_client_proxy_request_total counter
dragonfly_client_proxy_request_total ${o.proxy}
${
  v1
    ? `# HELP dragonfly_client_proxy_request_via_dfdaemon_total Counter of the number of the proxy request via dfdaemon.
# TYPE dragonfly_client_proxy_request_via_dfdaemon_total counter
dragonfly_client_proxy_request_via_dfdaemon_total ${o.viaDfdaemon ?? 0}
`
    : ''
}# HELP dragonfly_client_version Version info of the service.
# TYPE dragonfly_client_version gauge
dragonfly_client_version{build_time="2026-08-18 13:06:48 UTC",git_commit="ecaf24d",git_version="${o.version}",platform="x86_64-unknown-linux-gnu"} 1
# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.
# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total ${o.cpu}
# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes ${o.rss}
`;
}
