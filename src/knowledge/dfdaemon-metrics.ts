/**
 * The dfdaemon metric names dfdoctor reads, with the releases that export them and where they are
 * defined upstream (Go: dragonflyoss/dragonfly client/daemon/metrics/metrics.go, namespace/subsystem
 * from pkg/types/constants.go:47,56; Rust: dragonflyoss/client dragonfly-client-metric/src/lib.rs).
 * `process_*` come from the Prometheus client libraries' process collectors in both.
 */
import type { ReleaseRange } from './versioned.js';

export interface MetricFact {
  name: string;
  component: 'dfdaemon-go' | 'dfdaemon-rust' | 'scheduler' | 'both';
  range: ReleaseRange;
  source: string;
}

const GO = 'dragonflyoss/dragonfly v2.1.49 client/daemon/metrics/metrics.go';
const RS = 'dragonflyoss/client v1.5.1 dragonfly-client-metric/src/lib.rs';

export const DFDAEMON_METRICS: readonly MetricFact[] = [
  // the Go daemon exports metrics from v2.0.2 (none in v2.0.0/v2.0.1)
  {
    name: 'dragonfly_dfdaemon_peer_task_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:87`,
  },
  {
    name: 'dragonfly_dfdaemon_peer_task_failed_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:94`,
  },
  {
    name: 'dragonfly_dfdaemon_peer_task_cache_hit_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:157`,
  },
  {
    name: 'dragonfly_dfdaemon_piece_task_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:101`,
  },
  {
    name: 'dragonfly_dfdaemon_piece_task_failed_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:108`,
  },
  {
    name: 'dragonfly_dfdaemon_proxy_request_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:52`,
  },
  {
    name: 'dragonfly_dfdaemon_proxy_request_via_dragonfly_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:59`,
  },
  {
    name: 'dragonfly_dfdaemon_proxy_request_not_via_dragonfly_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:66`,
  },
  {
    name: 'dragonfly_dfdaemon_proxy_request_bytes_total',
    component: 'dfdaemon-go',
    range: { from: 'v2.0.2' },
    source: `${GO}:80`,
  },
  { name: 'dragonfly_dfdaemon_version', component: 'dfdaemon-go', range: { from: 'v2.0.2' }, source: `${GO}:168-180` },
  {
    name: 'dragonfly_scheduler_traffic',
    component: 'scheduler',
    range: {},
    source: 'dragonflyoss/dragonfly v2.1.49 scheduler/metrics/metrics.go:255-260',
  },
  {
    name: 'dragonfly_client_download_traffic',
    component: 'dfdaemon-rust',
    range: { from: 'v0.1.47' },
    source: `${RS}:205-213, :1048-1052`,
  },
  { name: 'dragonfly_client_download_task_total', component: 'dfdaemon-rust', range: {}, source: `${RS}:123-129` },
  {
    name: 'dragonfly_client_download_task_failure_total',
    component: 'dfdaemon-rust',
    range: {},
    source: `${RS}:137-143`,
  },
  { name: 'dragonfly_client_proxy_request_total', component: 'dfdaemon-rust', range: {}, source: `${RS}:293-299` },
  {
    name: 'dragonfly_client_proxy_request_via_dfdaemon_total',
    component: 'dfdaemon-rust',
    range: { from: 'v0.2.1' },
    source: `${RS}:321-327`,
  },
  {
    name: 'dragonfly_client_proxy_request_failure_total',
    component: 'dfdaemon-rust',
    range: {},
    source: `${RS}:307-313`,
  },
  {
    name: 'dragonfly_client_download_task_duration_milliseconds',
    component: 'dfdaemon-rust',
    range: {},
    source: `${RS}:235-242`,
  },
  {
    name: 'dragonfly_client_backend_request_duration_milliseconds',
    component: 'dfdaemon-rust',
    range: { from: 'v0.1.102' },
    source: `${RS}:278-285`,
  },
  {
    name: 'dragonfly_client_concurrent_download_task_total',
    component: 'dfdaemon-rust',
    range: {},
    source: `${RS}:179-185`,
  },
  { name: 'dragonfly_client_version', component: 'dfdaemon-rust', range: {}, source: `${RS}:55-58` },
  {
    name: 'process_cpu_seconds_total',
    component: 'both',
    range: {},
    source: `${RS}:1395 (default registry, prometheus "process" feature); Go client_golang process collector`,
  },
  {
    name: 'process_resident_memory_bytes',
    component: 'both',
    range: {},
    source: `${RS}:1395; Go client_golang process collector`,
  },
];
