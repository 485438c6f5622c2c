import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { createGunzip } from 'node:zlib';
import { splitLines } from './line-split.js';
import type { BundleReader } from './reader.js';

/** A bundle in directory form. */
export class DirBundle implements BundleReader {
  constructor(
    readonly dir: string,
    readonly source: string = dir,
  ) {}

  private path(rel: string): string {
    const p = join(this.dir, rel);
    // a bundle path never escapes its directory, whatever a manifest or listing says
    if (relative(this.dir, p).startsWith('..')) throw new Error(`path outside the bundle: ${rel}`);
    return p;
  }

  async text(rel: string): Promise<string | undefined> {
    try {
      return await readFile(this.path(rel), 'utf8');
    } catch (e) {
      if (isMissing(e)) return undefined;
      throw e;
    }
  }

  async *chunks(rel: string): AsyncIterable<Uint8Array> {
    const file = createReadStream(this.path(rel), { highWaterMark: 1 << 20 });
    const stream = rel.endsWith('.gz') ? file.pipe(createGunzip()) : file;
    file.on('error', (e) => stream.destroy(e));
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } finally {
      file.destroy();
      stream.destroy();
    }
  }

  lines(rel: string): AsyncIterable<string> {
    return splitLines(this.chunks(rel));
  }

  async list(rel: string): Promise<string[]> {
    const root = this.path(rel);
    const out: string[] = [];
    const walk = async (d: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(d, { withFileTypes: true });
      } catch (e) {
        if (isMissing(e)) return;
        throw e;
      }
      for (const ent of entries) {
        const full = join(d, ent.name);
        if (ent.isDirectory()) await walk(full);
        else if (ent.isFile()) out.push(relative(this.dir, full).split(sep).join('/'));
      }
    };
    const st = await stat(root).catch(() => undefined);
    if (st?.isDirectory()) await walk(root);
    return out.sort();
  }
}

function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
