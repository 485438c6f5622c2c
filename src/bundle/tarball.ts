import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { BundleError } from './reader.js';

/** Packs a bundle directory into a .tar.gz whose top-level entries are the bundle's own files. */
export async function packTarball(dir: string, outFile: string): Promise<void> {
  const entries = (await readdir(dir)).sort();
  await tar.create({ gzip: true, file: outFile, cwd: dir, portable: true }, entries);
}

/**
 * Extracts a bundle tarball into a fresh temp dir (`tempDir`, which the caller removes); the bundle
 * is `bundleDir`, the temp dir itself or its single top-level folder.
 */
export async function unpackTarball(file: string): Promise<{ tempDir: string; bundleDir: string }> {
  const tempDir = await mkdtemp(join(tmpdir(), 'dfdoctor-bundle-'));
  try {
    await tar.extract({ file, cwd: tempDir, strict: true, preservePaths: false });
  } catch (e) {
    await rm(tempDir, { recursive: true, force: true });
    throw new BundleError(`${file}: not a readable .tar.gz bundle (${(e as Error).message})`);
  }
  const top = await readdir(tempDir, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  return { tempDir, bundleDir: only?.isDirectory() ? join(tempDir, only.name) : tempDir };
}
