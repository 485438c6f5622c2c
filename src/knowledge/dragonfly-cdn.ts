/**
 * What tells the Dragonfly v2.0 CDN's log from the Go dfdaemon's: the CDN (`cdn`, dragonflyoss/dragonfly cdn/,
 * v2.0.0–v2.0.3; gone from v2.0.4, where seed peers took its place) writes zap lines of the same layouts, and
 * zap's caller names the source file with its last directory ("task/manager_util.go:80"). The files below
 * log and lie under cdn/ at v2.0.0–v2.0.3, and no .go file outside cdn/ has the same directory and file name
 * at any release tag v2.0.0–v2.5.1 (client/, pkg/, scheduler/, manager/, cmd/, internal/, trainer/): a line
 * with such a caller was written by the CDN, never by dfdaemon (nor by the scheduler).
 */
export const CDN_CALLERS: ReadonlySet<string> = new Set([
  // cdn/supervisor/cdn/ (v2.0.0–v2.0.1 cdn/supervisor/cdn/… too): the seed download and its cache
  'cdn/cache_data_mgr.go',
  'cdn/cache_detector.go',
  'cdn/cache_writer.go',
  'cdn/cdn.go',
  'cdn/downloader.go',
  'cdn/metadata_manager.go',
  'cdn/reporter.go',
  // cdn/supervisor/task/, cdn/supervisor/progress/, cdn/supervisor/service.go (v2.0.2+)
  'task/manager_util.go',
  'task/task.go',
  'progress/manager.go',
  'progress/progress.go',
  'supervisor/service.go',
  // cdn/storedriver/, cdn/supervisor/cdn/storage/{disk,hybrid}/, cdn/plugins/, cdn/gc/
  'storedriver/driver.go',
  'storedriver/store_mgr.go',
  'storedriver/store_util.go',
  'local/local_driver.go',
  'disk/disk.go',
  'hybrid/hybrid.go',
  'hybrid/shm_switch.go',
  'storage/storage_gc.go',
  'storage/storage_mgr.go',
  'plugins/plugin_manager.go',
  'plugins/plugins.go',
  'gc/manager.go',
  'gc/server.go',
  'fileserver/fileserver.go', // v2.0.3
]);

/**
 * Files the CDN logs from whose directory and name other components share (the scheduler's
 * scheduler/supervisor/cdn/manager.go, task/manager.go, rpcserver/rpcserver.go…; pkg/rpc/cdnsystem/server/server.go,
 * v2.0.1 :70 "trigger obtain seed for taskID"): they say neither way, so they count for neither.
 */
export const CDN_SHARED_CALLERS: ReadonlySet<string> = new Set([
  'cdn/manager.go',
  'config/config.go',
  'metrics/metrics.go',
  'rpcserver/rpcserver.go',
  'storage/storage.go',
  'task/manager.go',
  'server/server.go',
]);
