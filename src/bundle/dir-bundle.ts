import { createReadStream, fstatSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { splitLines } from './line-split.js';
import type { BundleReader, StoredFile } from './reader.js';
import type { LinkedRange } from './writer.js';

/** A bundle in directory form. */
export class DirBundle implements BundleReader {
  /** `linked`: files the bundle holds by reference to the node's (BundleWriter.link), read in their place. */
  constructor(
    readonly dir: string,
    readonly source: string = dir,
    private readonly linked: ReadonlyMap<string, LinkedRange> = new Map(),
  ) {}

  private path(rel: string): string {
    const p = join(this.dir, rel);
    // a bundle path never escapes its directory, whatever a manifest or listing says
    if (relative(this.dir, p).startsWith('..')) throw new Error(`path outside the bundle: ${rel}`);
    return p;
  }

  // text() and list() read synchronously: a bundle's files are small and local, and analyze reads ~20 of
  // them one after another, where each asynchronous open, stat, read and close is a round trip through
  // libuv's thread pool (analyze of the seed bundle: 0.93 × the wall time, whole process, 15 alternating pairs)
  async text(rel: string): Promise<string | undefined> {
    const l = this.linked.get(rel);
    if (l) {
      const buf = Buffer.allocUnsafe(l.end - l.start);
      let n = 0;
      for (let got = 1; got > 0 && n < buf.length; n += got)
        got = readSync(l.file.fd, buf, n, buf.length - n, unshrunk(l) + n);
      return buf.toString('utf8', 0, n);
    }
    try {
      return readFileSync(this.path(rel), 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async *chunks(rel: string): AsyncIterable<Uint8Array> {
    const l = this.linked.get(rel);
    if (l) {
      for (let at = unshrunk(l); at < l.end;) {
        const { bytesRead, buffer } = await l.file.read(
          Buffer.allocUnsafe(Math.min(1 << 20, l.end - at)),
          0,
          undefined,
          at,
        );
        if (bytesRead === 0) return;
        at += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
      return;
    }
    // zlib is loaded for a .gz only: most bundles hold none, and it costs every start that reads one
    const gunzip = rel.endsWith('.gz') ? (await import('node:zlib')).createGunzip() : undefined;
    const file = createReadStream(this.path(rel), { highWaterMark: 1 << 20 });
    const stream = gunzip ? file.pipe(gunzip) : file;
    file.on('error', (e) => stream.destroy(e));
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } finally {
      file.destroy();
      stream.destroy();
    }
  }

  async openStored(rel: string): Promise<StoredFile | undefined> {
    const l = this.linked.get(rel);
    if (l) {
      const at = unshrunk(l);
      const size = l.end - at;
      return {
        size,
        read: async (into, position) =>
          position >= size
            ? 0
            : (await l.file.read(into, 0, Math.min(into.length, size - position), at + position)).bytesRead,
        // the file stays open for the bundle's other readers: its writer closes it
        close: async () => undefined,
      };
    }
    if (rel.endsWith('.gz')) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(this.path(rel), 'r');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
    // read on libuv's thread pool: the log scanner reads its next part while it scans the one before
    return {
      size: fstatSync(fh.fd).size,
      read: async (into, position) => (await fh.read(into, 0, into.length, position)).bytesRead,
      close: () => fh.close(),
    };
  }

  lines(rel: string): AsyncIterable<string> {
    return splitLines(this.chunks(rel));
  }

  async list(rel: string): Promise<string[]> {
    const root = this.path(rel);
    const out: string[] = [];
    const walk = (d: string): void => {
      let entries;
      try {
        entries = readdirSync(d, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      for (const ent of entries) {
        const full = join(d, ent.name);
        if (ent.isDirectory()) walk(full);
        else if (ent.isFile()) out.push(relative(this.dir, full).split(sep).join('/'));
      }
    };
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      // missing or unreadable: no files
    }
    if (isDir) walk(root);
    const prefix = rel === '' || rel === '.' ? '' : `${rel.replace(/\/$/, '')}/`;
    for (const k of this.linked.keys()) if (k.startsWith(prefix) && !out.includes(k)) out.push(k);
    return out.sort();
  }
}

/**
 * Where a linked range starts, once its file is checked to hold it still: a file truncated since it was
 * linked (a copytruncate rotation) would give other bytes than the redactor saw, so it is read no more.
 */
function unshrunk(l: LinkedRange): number {
  if (fstatSync(l.file.fd).size < l.end)
    throw new Error(`${l.path}: shorter than when dfdoctor read it (truncated by a log rotation?): not read again`);
  return l.start;
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
