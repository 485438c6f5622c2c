// `dfdoctor analyze FILE...`: loose files (pasted logs, configs, rulesets) read, recognised by their
// content and analysed as one bundle. The reading is here; recognising and laying out are pure
// (src/bundle/sniff.ts, src/bundle/loose-files.ts).
import { open, readFile, stat } from 'node:fs/promises';
import type { LooseFile } from '../bundle/loose-file.js';
import { assembleLooseFiles, takenNote } from '../bundle/loose-files.js';
import { MemoryBundle } from '../bundle/memory-bundle.js';
import { isLooseKind, LOOSE_KINDS } from '../bundle/sniff.js';
import { UsageError } from '../errors.js';
import type { AnalysisSettings } from '../facts/types.js';
import type { Report } from '../report/model.js';
import { analyse } from '../pipeline.js';
import { reportOrigin } from './analysis.js';
import { toolInfo } from './tool-info.js';

/** A pasted log is small; a file larger than this is not what `analyze FILE` is for (collect a bundle). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

/** True when the one argument is a bundle: a directory with manifest.json, or a gzipped tar (whatever its name). */
export async function isBundleArg(path: string): Promise<boolean> {
  if (/\.(?:tar\.gz|tgz)$/.test(path)) return true;
  const st = await stat(path).catch(() => undefined);
  if (st?.isDirectory()) return (await stat(`${path}/manifest.json`).catch(() => undefined)) !== undefined;
  if (!st?.isFile()) return false;
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, 0);
    if (bytesRead < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) return false;
    // a tar header says "ustar" at offset 257; a gzipped log does not (zlib is loaded for a gzip file
    // only: analysing a bundle directory does without it)
    const { constants, gunzipSync } = await import('node:zlib');
    const head = gunzipSync(buffer.subarray(0, bytesRead), { finishFlush: constants.Z_SYNC_FLUSH });
    return head.toString('latin1', 257, 262) === 'ustar';
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

/** `kind=path` when the part before `=` names a kind; a path that merely contains `=` stays a path. */
export function splitKindArg(arg: string): { kind?: LooseFile['kind']; path: string } {
  const eq = arg.indexOf('=');
  if (eq > 0) {
    const k = arg.slice(0, eq);
    if (isLooseKind(k)) return { kind: k, path: arg.slice(eq + 1) };
    if (/^[a-z][a-z-]*$/.test(k)) {
      throw new UsageError(`${arg}: unknown kind "${k}" (kinds: ${Object.keys(LOOSE_KINDS).join(', ')})`);
    }
  }
  return { path: arg };
}

async function readLoose(arg: string): Promise<LooseFile> {
  const { kind, path } = splitKindArg(arg);
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  if (st.isDirectory())
    throw new UsageError(`${path}: a directory without manifest.json is not a bundle; name the files in it instead`);
  if (st.size > MAX_FILE_BYTES)
    throw new UsageError(`${path}: ${st.size} bytes is more than loose-file analysis reads; collect a bundle instead`);
  let bytes = await readFile(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const { gunzipSync } = await import('node:zlib');
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new UsageError(`${path}: gzip data is corrupt (${(e as Error).message})`);
    }
  }
  return { path, text: bytes.toString('utf8'), ...(kind ? { kind } : {}) };
}

export async function analyseLooseFiles(args: readonly string[], settings: Partial<AnalysisSettings>): Promise<Report> {
  const inputs = await Promise.all(args.map(readLoose));
  const a = assembleLooseFiles(inputs, new Date().toISOString(), toolInfo());
  if (a.taken.length === 0) {
    throw new UsageError(
      `${a.unknown.map((u) => u.path).join(', ')}: no known format recognised (name one as KIND=PATH; kinds: ${Object.keys(LOOSE_KINDS).join(', ')})`,
    );
  }
  const reader = new MemoryBundle(a.files, `${args.length} loose file${args.length === 1 ? '' : 's'}`);
  const report = await analyse(
    reader,
    { manifest: a.manifest, measurements: {} },
    settings,
    reportOrigin({ kind: 'bundle', path: inputs.map((f) => f.path).join(', ') }),
  );
  // say what each file was taken for, first: a wrong guess is the first thing to check
  report.notes.unshift(
    ...a.taken.map((t) => ({ text: takenNote(t), source: 'analyze' })),
    ...a.unknown.map((u) => ({
      text: `${u.path}: not recognised as any known log, config or ruleset (starts "${u.start}"); name it as KIND=PATH to read it`,
      source: 'analyze',
    })),
  );
  return report;
}
