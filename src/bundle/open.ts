import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirBundle } from './dir-bundle.js';
import { BUNDLE_FORMAT_VERSION, type Manifest, ManifestSchema } from './manifest.js';
import type { Measurements } from './measurements.js';
import { safeParseOnce } from '../parse-once.js';
import { BundleError, type BundleReader } from './reader.js';

export interface OpenedBundle {
  reader: BundleReader;
  manifest: Manifest;
  measurements: Measurements;
  /** Removes what opening made (an extracted tarball); a no-op for a directory. */
  close(): Promise<void>;
}

/** Opens a bundle (directory or .tar.gz) and validates its manifest; every failure is one BundleError line. */
export async function openBundle(path: string): Promise<OpenedBundle> {
  const st = await stat(path).catch(() => undefined);
  if (!st) throw new BundleError(`${path}: no such bundle (expected a directory or a .tar.gz)`);
  let dir = path;
  let cleanup = async (): Promise<void> => {};
  if (st.isFile()) {
    // tar is loaded only for a tarball: analysing a directory does without it
    const { unpackTarball } = await import('./tarball.js');
    const { tempDir, bundleDir } = await unpackTarball(path);
    dir = bundleDir;
    cleanup = () => rm(tempDir, { recursive: true, force: true });
  } else if (!st.isDirectory()) {
    throw new BundleError(`${path}: not a directory or a .tar.gz file`);
  }
  try {
    const reader = new DirBundle(dir, path);
    const { manifest, measurements } = await readBundleHead(reader, st.isFile() ? `${path}:` : join(path, '/'));
    return { reader, manifest, measurements, close: cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/** Reads and validates manifest.json and measurements.json through any reader. */
export async function readBundleHead(
  reader: BundleReader,
  prefix = '',
): Promise<{ manifest: Manifest; measurements: Measurements }> {
  const mfile = `${prefix}manifest.json`;
  const text = await reader.text('manifest.json');
  if (text === undefined) throw new BundleError(`${mfile}: missing — not a dfdoctor bundle`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleError(`${mfile}: truncated or invalid JSON (${(e as Error).message})`);
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > BUNDLE_FORMAT_VERSION) {
    throw new BundleError(
      `${mfile}: bundle format version ${version} is newer than this dfdoctor supports (${BUNDLE_FORMAT_VERSION}); upgrade dfdoctor`,
    );
  }
  const parsed = safeParseOnce(ManifestSchema, raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new BundleError(`${mfile}: not a valid bundle manifest: ${where}: ${issue?.message ?? 'invalid'}`);
  }
  const mtext = await reader.text('measurements.json');
  let measurements: Measurements = {};
  if (mtext !== undefined) {
    let mraw: unknown;
    try {
      mraw = JSON.parse(mtext);
    } catch (e) {
      throw new BundleError(`${prefix}measurements.json: truncated or invalid JSON (${(e as Error).message})`);
    }
    // its schema (about 100 zod schemas, built as the module loads) only for a bundle that measured something
    const { MeasurementsSchema } = await import('./measurements.js');
    const m = safeParseOnce(MeasurementsSchema, mraw);
    if (!m.success) {
      const issue = m.error.issues[0];
      throw new BundleError(
        `${prefix}measurements.json: invalid: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    measurements = m.data;
  }
  return { manifest: parsed.data, measurements };
}
