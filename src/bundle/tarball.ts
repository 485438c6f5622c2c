import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { BundleError } from './reader.js';

/** Packs a bundle directory into a .tar.gz whose top-level entries are the bundle's own files. */
export async function packTarball(dir: string, outFile: string): Promise<void> {
  const entries = (await readdir(dir)).sort();
  await tar.create({ gzip: true, file: outFile, cwd: dir, portable: true }, entries);
}

/** Extracts a bundle tarball into a fresh temp dir; accepts a single top-level folder too. */
export async function unpackTarball(file: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dfdoctor-bundle-'));
  try {
    await tar.extract({ file, cwd: dir, strict: true, preservePaths: false });
  } catch (e) {
    throw new BundleError(`${file}: not a readable .tar.gz bundle (${(e as Error).message})`);
  }
  const top = await readdir(dir, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  if (only?.isDirectory()) return join(dir, only.name);
  return dir;
}
