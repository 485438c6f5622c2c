// Where the node's dfdaemon reads its config, for the steps that change it. The probe records the path
// the daemon names (--dfdaemon-config, else the daemon's own --config, else the default it found there)
// and where on the node it read that file. A daemon in a container names a path of its container: an
// edit of that path in the container does not outlive it, so what to change is what is mounted there,
// which the daemon's mount table shows (a kubelet ConfigMap volume for the Helm charts).
import { mountOf, parseMountTable } from '../parsers/mountinfo.js';
import { isServiceUnit } from '../parsers/proc-cgroup.js';

export type DaemonConfigFile =
  /**
   * The daemon reads `path` on the node (a systemd or package install, or a file given by flag); unit:
   * the systemd service it runs as (from its cgroup), when it runs as one.
   */
  | { where: 'node'; path: string; unit?: string }
  /**
   * The daemon reads `path` inside its container; configMapVolume: the pod volume (a ConfigMap) mounted
   * there; pod: "namespace/name", from the container's labels.
   */
  | { where: 'container'; path: string; configMapVolume?: string; pod?: string };

/**
 * A kubelet ConfigMap volume's directory on the node, <kubelet root>/pods/<uid>/volumes/kubernetes.io~configmap/<volume>,
 * or a file in it (a key mounted with subPath).
 */
const CONFIGMAP_VOLUME = /^\/.*\/pods\/[^/]+\/volumes\/kubernetes\.io~configmap\/([^/]+)(?:\/|$)/;

/**
 * The config file as the probe recorded it (manifest probes.dfdaemon: configPath, configRead,
 * daemonRoot); undefined when the bundle does not say (loose files, an older bundle, no config found).
 */
export function daemonConfigFile(
  rec: Record<string, unknown> | undefined,
  mountinfo: string | undefined,
  pod: string | undefined,
): DaemonConfigFile | undefined {
  const path = rec?.configPath;
  if (typeof path !== 'string' || !path.startsWith('/')) return undefined;
  const root = rec?.daemonRoot;
  // read through the daemon's root: the path is the container's (a flag's path is read on the node)
  if (typeof root !== 'string' || rec?.configRead !== `${root}${path}`) {
    const unit = rec?.unit;
    return typeof unit === 'string' && isServiceUnit(unit) ? { where: 'node', path, unit } : { where: 'node', path };
  }
  const volume = mountinfo === undefined ? undefined : configMapVolume(mountinfo, path);
  return {
    where: 'container',
    path,
    ...(volume === undefined ? {} : { configMapVolume: volume }),
    ...(pod === undefined ? {} : { pod }),
  };
}

function configMapVolume(mountinfo: string, path: string): string | undefined {
  const table = parseMountTable(mountinfo);
  if (!table.ok) return undefined;
  const m = mountOf(table.value, path);
  return m?.root == null ? undefined : CONFIGMAP_VOLUME.exec(m.root)?.[1];
}
