// What unpack-bound advises: install or re-enable a parallel decompressor, leave the native snapshotter.
import type { Step } from '../../report/model.js';
import { onThisNode, overlayfsSnippet, restart } from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';
import type { UnpackFinding } from './unpack-bound.js';
import { usesIgzip } from './text.js';

export const UNPACK_SUMMARY =
  'Install pigz (1.x) or isa-l igzip (2.0+) where containerd finds it (when it lacks them), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.';

export function unpackSummary({ native, stdlib, missing }: UnpackFinding): string {
  if (stdlib && !missing)
    return 'Let containerd use the decompressor already installed (remove the variable that disables it), keep the overlayfs snapshotter, and prefer zstd images on small CPUs.';
  if (stdlib || native) return UNPACK_SUMMARY;
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
  if (native && c) out.push(overlayfsSnippet(c));
  if (c && (stdlib || native)) out.push(restart(c));
  out.push(prose('Build images with zstd layers (inflates several times faster than gzip) for CPU-poor nodes.'));
  return c ? onThisNode(c, out) : out;
}
