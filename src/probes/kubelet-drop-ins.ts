// The kubelet's drop-in configs (`--config-dir`, 1.28+): every `*.conf` file under the directory, merged
// over the config file in lexical order and under the flags (kubernetes/kubernetes cmd/kubelet/app/server.go
// mergeKubeletConfigurations: filepath.WalkDir, extension ".conf", JSON merge patch). EKS's nodeadm writes
// the settings a user gives the node there (/etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf), so a
// pull limit set by hand on such a node is only in a drop-in.
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BUNDLE } from '../bundle/layout.js';
import type { ProbeContext } from './context.js';
import { readNodeFile } from './read-node.js';

/** Drop-ins beyond this are not read (a config dir holds a handful). */
const MAX_FILES = 32;

/** Copies the drop-ins under `dir` (a node path) into the bundle; returns the ones copied and what went wrong. */
export async function copyDropIns(ctx: ProbeContext, dir: string): Promise<{ files: string[]; problems: string[] }> {
  const found: string[] = [];
  const problems: string[] = [];
  // WalkDir's order: entries by name, a directory's contents where the directory comes
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(ctx.nodePath(d), { withFileTypes: true });
    } catch (e) {
      problems.push(`kubelet --config-dir ${d}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (found.length >= MAX_FILES) return;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.conf')) found.push(p);
    }
  };
  await walk(dir);
  const files: string[] = [];
  for (const p of found) {
    const r = await readNodeFile(ctx.nodePath(p), 1024 * 1024);
    if (r.kind !== 'ok') {
      problems.push(r.reason);
      continue;
    }
    const rel = relative(dir, p);
    await ctx.out.writeText(`${BUNDLE.kubelet.configDir}/${rel}`, r.text, p);
    files.push(rel);
  }
  if (found.length >= MAX_FILES)
    problems.push(`kubelet --config-dir ${dir}: only the first ${MAX_FILES} drop-ins read`);
  return { files, problems };
}
