import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Manifest } from '../bundle/manifest.js';
import { BundleWriter, type Redactor } from '../bundle/writer.js';
import { DirBundle } from '../bundle/dir-bundle.js';
import { readHost } from '../probes/host.js';
import { PROBES } from '../probes/index.js';
import type { ProbeOptions } from '../probes/context.js';
import { runProbes } from '../probes/runner.js';
import type { ProbeName } from '../causes.js';
import type { CleanupStack } from './cleanup.js';
import type { Progress } from './progress.js';
import { toolInfo } from './tool-info.js';

export interface Gathered {
  dir: string;
  manifest: Manifest;
  /** The bundle, for reading on this node: with the files it holds by reference when it links. */
  reader(): DirBundle;
  /** Removes the bundle dir. */
  remove(): Promise<void>;
}

/** Runs the probes into a fresh bundle dir in the temp dir. */
export async function gather(o: {
  options: ProbeOptions;
  deselected: Map<ProbeName, string>;
  signal: AbortSignal;
  cleanup: CleanupStack;
  progress: Progress;
  redactor?: Redactor;
  /** The bundle is only read on this node, then removed: a log window may be held by reference (BundleWriter). */
  link?: boolean;
}): Promise<Gathered> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-'));
  // On SIGINT/SIGTERM the cleanup stack removes the dir while an aborted probe may still be writing
  // into it (and a write recreates it); removing it once more, synchronously, at exit closes that race.
  const removeAtExit = () => rmSync(dir, { recursive: true, force: true });
  process.on('exit', removeAtExit);
  const remove = () => rm(dir, { recursive: true, force: true });
  const unregister = o.cleanup.add(remove);
  const out = new BundleWriter(dir, o.redactor, o.link === true);
  await runProbes({
    probes: PROBES,
    deselected: o.deselected,
    options: o.options,
    out,
    signal: o.signal,
    cleanup: o.cleanup,
    progress: o.progress,
  });
  const manifest = await out.finish({
    tool: toolInfo(),
    host: await readHost(o.options.root),
    createdAt: new Date().toISOString(),
  });
  o.progress.done();
  return {
    dir,
    manifest,
    reader: () => new DirBundle(dir, dir, out.links),
    remove: async () => {
      unregister();
      await out.closeLinks();
      await remove();
      process.removeListener('exit', removeAtExit);
    },
  };
}
