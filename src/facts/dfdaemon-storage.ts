// Which volume dfdaemon's cache dir lives on, from the daemon's own /proc/<pid>/mountinfo
// (raw/dfdaemon/mountinfo.txt). In a pod the cache dir is whatever the DaemonSet mounted there, and that
// decides whether the cache outlives the pod: the Helm chart up to 1.1.65 puts the Go data dir on an
// emptyDir unless dfdaemon.mountDataDirAsHostPath is true, and on no volume at all with
// dfdaemon.hostNetwork (dragonflyoss/helm-charts dragonfly-1.1.65 templates/dfdaemon/dfdaemon-daemonset.yaml:165-169,
// :594-601); for the Rust client, the chart's default client.extraVolumes mounts a hostPath there up to
// 1.3.7 and an emptyDir from 1.3.8 (dragonfly-1.7.4 charts/dragonfly/values.yaml:1377-1384).
import { mountOf, parseMountTable } from '../parsers/mountinfo.js';
import type { ParseResult } from '../parsers/proc-stat.js';
import type { FactsContext } from './context.js';
import { BUNDLE } from '../bundle/layout.js';

export const MOUNTINFO_FILE = BUNDLE.dfdaemon.mountinfo;

/**
 * emptyDir: a pod volume deleted with the pod. tmpfs: memory (an emptyDir with medium Memory, or a
 * tmpfs mount), gone with the pod or a reboot, and counted against the pod's memory. container-layer:
 * no volume at all, the container's writable layer, gone when the container is recreated.
 * node-dir: a node directory (hostPath) or another persistent volume: it survives the pod.
 */
export type StorageKind = 'emptyDir' | 'tmpfs' | 'container-layer' | 'node-dir';

export interface DfdaemonStorage {
  dir: string;
  kind: StorageKind;
  mountPoint: string;
  fsType: string;
  /** The mounted subtree of its filesystem: for a pod volume, the kubelet path that names the volume type. */
  root: string | null;
  file: string;
  line?: number;
}

/** Only the kernel's own path names the volume type; a dir merely called "empty-dir" must not count. */
const EMPTY_DIR = /\/volumes\/kubernetes\.io~empty-dir\//;
/** Filesystems a container's root is made of. */
const LAYER_FS = new Set(['overlay', 'aufs', 'fuse-overlayfs']);

export function classifyStorage(mountinfo: string, dir: string): ParseResult<DfdaemonStorage> {
  const parsed = parseMountTable(mountinfo);
  if (!parsed.ok) return parsed;
  const m = mountOf(parsed.value, dir);
  if (!m) return { ok: false, message: `no mount covers ${dir}` };
  let kind: StorageKind;
  if (m.fsType === 'tmpfs' || m.fsType === 'ramfs') kind = 'tmpfs';
  else if (m.root !== null && EMPTY_DIR.test(`${m.root}/`)) kind = 'emptyDir';
  else if (m.mountPoint === '/' && LAYER_FS.has(m.fsType)) kind = 'container-layer';
  else kind = 'node-dir';
  return {
    ok: true,
    value: {
      dir,
      kind,
      mountPoint: m.mountPoint,
      fsType: m.fsType,
      root: m.root,
      file: MOUNTINFO_FILE,
      ...(m.line === undefined ? {} : { line: m.line }),
    },
  };
}

/**
 * The storage volume of the cache dir the daemon names (not a --cache-dir given on this node), from the
 * daemon's mount table (MOUNTINFO_FILE's text, undefined when the bundle has none).
 */
export function buildStorage(ctx: FactsContext, dir: string, text: string | undefined): DfdaemonStorage | undefined {
  if (text === undefined) return undefined;
  const r = classifyStorage(text, dir);
  if (r.ok) return r.value;
  ctx.problem({ file: MOUNTINFO_FILE, ...(r.line === undefined ? {} : { line: r.line }), message: r.message });
  return undefined;
}
