// What unpack-bound advises: install or re-enable a parallel decompressor, leave the native snapshotter.
import type { ContainerdFacts } from '../../facts/containerd.js';
import { MICROK8S } from '../../knowledge/containerd-distributions.js';
import type { Step } from '../../report/model.js';
import { onThisNode, restart, snapshotterSnippet } from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';
import type { UnpackFinding } from './unpack-bound-finding.js';
import { usesIgzip } from './text.js';

export const UNPACK_SUMMARY =
  'Install pigz (1.x) or isa-l igzip (2.0+) where containerd finds it (when it lacks them), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.';

/** The ZFS snapshotter's dataset on MicroK8s: its root dir under containerd's --root (containerd/zfs v2.0.0 plugin/plugin.go:52, zfs.go:58-59 refuses a root that is not a ZFS mount). */
const MICROK8S_ZFS_ROOT = `${MICROK8S.root}/io.containerd.snapshotter.v1.zfs`;

/** MicroK8s picks native itself where its data is on ZFS: overlayfs is not what replaces it there. */
const onMicrok8s = (c: ContainerdFacts | undefined) => c?.rewrittenAtBoot?.by === 'microk8s';

export function unpackSummary({ c, native, stdlib, missing }: UnpackFinding): string {
  if (native && onMicrok8s(c))
    return `${stdlib ? (missing ? 'Install pigz (1.x) or isa-l igzip (2.0+) where containerd finds it. ' : 'Let containerd use the decompressor already installed (remove the variable that disables it). ') : ''}On ZFS, where MicroK8s picks the native snapshotter, use containerd's zfs snapshotter on a dataset of its own, named in ${MICROK8S.template}; prefer zstd images on small CPUs.`;
  if (stdlib && !missing)
    return 'Let containerd use the decompressor already installed (remove the variable that disables it), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.';
  if (stdlib) return UNPACK_SUMMARY;
  if (native)
    return 'Use the overlayfs snapshotter (native copies each parent layer whole), and prefer zstd images on small CPUs.';
  return "Nothing is misconfigured: this is the CPU's floor for gzip layers. zstd layers, or more CPU for containerd during pulls, lower it.";
}

export function unpackSteps({ c, native, dec, stdlib, missing }: UnpackFinding): Step[] {
  const out: Step[] = [];
  // install only what is missing: a decompressor that is there but disabled needs the env var gone
  if (stdlib && missing)
    out.push(
      cmd(
        usesIgzip(c)
          ? 'apt-get install -y isal pigz    # containerd 2.x tries igzip first, then unpigz (Debian: isal ships igzip)'
          : 'apt-get install -y pigz    # containerd 1.x uses unpigz when it is on its PATH; it helps most on poorly compressible layers',
      ),
    );
  if (stdlib && dec?.disabledBy.length) {
    const vars = dec.disabledBy.map((d) => d.split('=')[0]).join(' / ');
    out.push(
      prose(`Remove ${vars} from containerd's environment (systemctl cat containerd), then:`),
      cmd('systemctl daemon-reload'),
    );
  }
  if (native && c) out.push(...(onMicrok8s(c) ? microk8sSnapshotter(c) : [snapshotterSnippet(c, 'overlayfs')]));
  if (c && (stdlib || native)) out.push(restart(c));
  out.push(prose('Build images with zstd layers (inflates several times faster than gzip) for CPU-poor nodes.'));
  return c ? onThisNode(c, out) : out;
}

/**
 * MicroK8s' native snapshotter: it is there because $SNAP_COMMON is on ZFS unless the template was
 * edited, which only the node can tell; on ZFS the drop-in is containerd's built-in zfs snapshotter
 * (cmd/containerd/builtins/zfs_linux.go at v2.2.3, built without the no_zfs tag by MicroK8s' plain
 * `make`), which clones a layer's dataset instead of copying it (containerd/zfs v2.0.0 zfs.go:205).
 */
function microk8sSnapshotter(c: ContainerdFacts): Step[] {
  return [
    prose(
      `MicroK8s picks the native snapshotter itself when ${MICROK8S.snapCommon} is on ZFS (its template says snapshotter = "\${SNAPSHOTTER}"), so overlayfs is not the remedy there. Check the filesystem:`,
    ),
    cmd(
      `stat -f -c %T ${MICROK8S.snapCommon}    # zfs: MicroK8s chose native; anything else: the template names native, set "overlayfs" there instead`,
    ),
    prose(
      `On ZFS, give containerd's zfs snapshotter a dataset mounted where it looks (it refuses a directory that is not a ZFS mount), then name it in the template:`,
    ),
    cmd(
      `zfs create -o mountpoint=${MICROK8S_ZFS_ROOT} <pool>/containerd    # <pool>: the pool under ${MICROK8S.snapCommon}`,
    ),
    snapshotterSnippet(c, 'zfs', '    # in place of "${SNAPSHOTTER}"'),
  ];
}
