import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as tar from 'tar';
import { BundleError } from './reader.js';

/** Registers an undo step for every exit path (SIGINT included); returns its remover. */
export type OnExit = (fn: () => Promise<void>) => () => void;

/**
 * Packs a bundle directory into a .tar.gz whose top-level entries are the bundle's own files. It is
 * written beside `outFile` under a hidden temporary name and renamed into place when complete, so an
 * interrupted or failed write never leaves a truncated bundle under the name a user would attach.
 */
export async function packTarball(dir: string, outFile: string, onExit?: OnExit): Promise<void> {
  const entries = (await readdir(dir)).sort();
  const partial = join(dirname(outFile), `.${basename(outFile)}.${process.pid}.partial`);
  const drop = () => rm(partial, { force: true });
  const unregister = onExit?.(drop);
  try {
    await tar.create({ gzip: true, file: partial, cwd: dir, portable: true }, entries);
    await rename(partial, outFile);
  } catch (e) {
    await drop();
    throw e;
  } finally {
    unregister?.();
  }
}

/**
 * Extracts a bundle tarball into a fresh temp dir (`tempDir`, which the caller removes); the bundle
 * is `bundleDir`, the temp dir itself or its single top-level folder.
 */
export async function unpackTarball(file: string): Promise<{ tempDir: string; bundleDir: string }> {
  // Read the whole archive once without writing anything: a truncated or corrupt file fails here,
  // before any file exists. tar.extract rejects on the first error while entries already opened are
  // still being written, so removing its temp dir then raced those writes (ENOTEMPTY) and left it behind.
  try {
    await tar.list({ file, strict: true });
  } catch (e) {
    throw new BundleError(`${file}: not a readable .tar.gz bundle, truncated or corrupt (${(e as Error).message})`);
  }
  const tempDir = await mkdtemp(join(tmpdir(), 'dfdoctor-bundle-'));
  try {
    await tar.extract({ file, cwd: tempDir, strict: true, preservePaths: false });
  } catch (e) {
    await removeDir(tempDir);
    throw new BundleError(`${file}: not a readable .tar.gz bundle (${(e as Error).message})`);
  }
  const top = await readdir(tempDir, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  return { tempDir, bundleDir: only?.isDirectory() ? join(tempDir, only.name) : tempDir };
}

/** Removes a temp dir that writes may still land in: rm retries ENOTEMPTY, then once more after they settle. */
async function removeDir(dir: string): Promise<void> {
  const opts = { recursive: true, force: true, maxRetries: 5, retryDelay: 20 } as const;
  await rm(dir, opts).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 50));
  await rm(dir, opts).catch(() => undefined);
}
