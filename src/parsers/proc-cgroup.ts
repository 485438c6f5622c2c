// Which container a process runs in, from /proc/<pid>/cgroup (cgroups(7)): kubelet names a pod's
// cgroup after its UID and the runtime names the container's after its 64-hex id, under either cgroup
// driver — systemd ("…kubepods-besteffort-pod<uid_with_underscores>.slice/cri-containerd-<id>.scope")
// or cgroupfs ("/kubepods/besteffort/pod<uid>/<id>").

export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker' | 'unknown';

export interface ContainerRef {
  id: string;
  runtime: ContainerRuntime;
  /** The pod's UID, when the cgroup path names one (a kubelet-managed container). */
  podUid?: string;
}

const SCOPE = /(?:^|\/)(cri-containerd|crio|docker)-([0-9a-f]{64})\.scope(?:\/|$)/;
const PLAIN = /(?:^|\/)([0-9a-f]{64})(?:\/|$)/;
const POD =
  /(?:^|[/-])pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?(?:\/|$)/;
const RUNTIME: Record<string, ContainerRuntime> = { 'cri-containerd': 'containerd', crio: 'cri-o', docker: 'docker' };

/** The container of the first hierarchy line that names one, or null (a process on the node itself). */
export function containerOf(cgroupText: string): ContainerRef | null {
  for (const line of cgroupText.split('\n')) {
    // hierarchy-ID:controller-list:cgroup-path — the path may itself hold ':'
    const parts = line.split(':');
    if (parts.length < 3) continue;
    const path = parts.slice(2).join(':').trim();
    const pod = POD.exec(path)?.[1]?.replace(/_/g, '-');
    const scoped = SCOPE.exec(path);
    if (scoped)
      return {
        id: scoped[2] as string,
        runtime: RUNTIME[scoped[1] as string] ?? 'unknown',
        ...(pod ? { podUid: pod } : {}),
      };
    const plain = PLAIN.exec(path);
    // a bare id: kubelet's cgroupfs driver (any CRI runtime) or Docker's /docker/<id>
    if (plain)
      return {
        id: plain[1] as string,
        runtime: path.includes('/docker/') ? 'docker' : 'unknown',
        ...(pod ? { podUid: pod } : {}),
      };
  }
  return null;
}

/** A systemd service unit's name, as its cgroup is named. */
const SERVICE_NAME = '[\\w@:.\\\\-]+\\.service';
/** A systemd service's cgroup: ….service as the last name, or above a sub-cgroup it delegates. */
const SERVICE = new RegExp(`/(${SERVICE_NAME})(?:/|$)`);
const SERVICE_ALONE = new RegExp(`^${SERVICE_NAME}$`);

/** Whether a string is a systemd service unit's name (a recorded one, before it goes into a command). */
export function isServiceUnit(s: string): boolean {
  return SERVICE_ALONE.test(s);
}

/**
 * The systemd service a process on the node runs as (systemd puts each service's processes in a cgroup
 * named after its unit, systemd.service(5)): from the unified hierarchy ("0::/system.slice/x.service")
 * or v1's name=systemd line; null for a process outside any service, or in a container.
 */
export function systemdUnitOf(cgroupText: string): string | null {
  if (containerOf(cgroupText)) return null;
  for (const line of cgroupText.split('\n')) {
    const parts = line.split(':');
    if (parts.length < 3) continue;
    const controllers = parts[1] ?? '';
    if (controllers !== '' && controllers !== 'name=systemd') continue;
    const unit = SERVICE.exec(parts.slice(2).join(':').trim())?.[1];
    if (unit) return unit;
  }
  return null;
}

/** The tag of an image reference ("docker.io/dragonflyoss/dfdaemon:v2.1.49" → "v2.1.49"); none for a digest-only ref. */
export function imageTag(ref: string): string | undefined {
  const noDigest = ref.split('@')[0] ?? '';
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const tag = noDigest.slice(colon + 1);
  return /^[\w][\w.-]{0,127}$/.test(tag) ? tag : undefined;
}

/** A tag that names a release ("v2.1.49", "2.1.49-alpine"), not "latest" or a branch: usable as a version. */
export function isReleaseTag(tag: string): boolean {
  return /^v?\d+\.\d+\.\d+/.test(tag);
}
