// The container dfdaemon runs in, when it runs in one: its id from /proc/<pid>/cgroup, then the image
// and pod names from containerd (`ctr -n k8s.io containers info`, read-only). The image tag is the
// daemon's version when its metrics server is off (the Go chart's default), and the pod name tells the
// SRE which DaemonSet pod to look at.
import { stat } from 'node:fs/promises';
import { type ContainerRef, containerOf, imageTag, systemdUnitOf } from '../parsers/proc-cgroup.js';
import type { ProbeContext } from './context.js';
import { runCommand } from './exec.js';
import { readNodeFile } from './read-node.js';

const DEFAULT_SOCKET = '/run/containerd/containerd.sock';
/** Labels the CRI plugin puts on every container: names only, nothing secret. */
const KEPT_LABELS = ['io.kubernetes.pod.name', 'io.kubernetes.pod.namespace', 'io.kubernetes.container.name'] as const;

export interface DaemonContainer extends ContainerRef {
  image?: string;
  /** The image's tag ("v2.1.49"), when the reference has one. */
  tag?: string;
  labels?: Partial<Record<(typeof KEPT_LABELS)[number], string>>;
}

export type ContainerLookup =
  /** Not in a container; unit: the systemd service it runs as, when it runs as one. */
  | { kind: 'node'; unit?: string }
  | { kind: 'container'; value: DaemonContainer; note?: string }
  | { kind: 'unknown'; note: string };

export async function lookupContainer(ctx: ProbeContext, pid: number): Promise<ContainerLookup> {
  const cg = await readNodeFile(`/proc/${pid}/cgroup`, 64 * 1024);
  if (cg.kind !== 'ok') return { kind: 'unknown', note: `the daemon's cgroup: ${cg.reason}` };
  const ref = containerOf(cg.text);
  if (!ref) {
    const unit = systemdUnitOf(cg.text);
    return unit === null ? { kind: 'node' } : { kind: 'node', unit };
  }
  if (ref.runtime !== 'containerd' && ref.runtime !== 'unknown')
    return {
      kind: 'container',
      value: ref,
      note: `dfdaemon runs in a ${ref.runtime} container (${ref.id.slice(0, 12)}): its image is not looked up`,
    };
  const socket = ctx.nodePath(ctx.options.containerdAddress ?? DEFAULT_SOCKET);
  if (
    !(await stat(socket).then(
      (s) => s.isSocket(),
      () => false,
    ))
  )
    return {
      kind: 'container',
      value: ref,
      note: `container ${ref.id.slice(0, 12)}: no containerd socket at ${socket} to ask for its image`,
    };
  const r = await runCommand(
    'ctr',
    ['--address', socket, '--timeout', '3s', '--namespace', 'k8s.io', 'containers', 'info', ref.id],
    {
      timeoutMs: Math.max(500, Math.min(4000, ctx.remainingMs() / 4)),
      signal: ctx.signal,
      maxBuffer: 4 * 1024 * 1024,
    },
  );
  if (r.kind !== 'ok') return { kind: 'container', value: ref, note: `container ${ref.id.slice(0, 12)}: ${r.reason}` };
  let info: { Image?: unknown; Labels?: unknown };
  try {
    info = JSON.parse(r.stdout) as typeof info;
  } catch {
    return {
      kind: 'container',
      value: ref,
      note: `container ${ref.id.slice(0, 12)}: ctr containers info printed no JSON`,
    };
  }
  // only the image and the names: the rest of the record (its OCI spec) holds the container's environment
  const out: DaemonContainer = { ...ref };
  if (typeof info.Image === 'string' && info.Image !== '') {
    out.image = info.Image;
    const tag = imageTag(info.Image);
    if (tag) out.tag = tag;
  }
  if (info.Labels && typeof info.Labels === 'object') {
    const labels: NonNullable<DaemonContainer['labels']> = {};
    for (const k of KEPT_LABELS) {
      const v = (info.Labels as Record<string, unknown>)[k];
      if (typeof v === 'string') labels[k] = v;
    }
    if (Object.keys(labels).length > 0) out.labels = labels;
  }
  return { kind: 'container', value: out };
}
