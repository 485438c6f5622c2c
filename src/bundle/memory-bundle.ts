import { splitLines } from './line-split.js';
import type { BundleReader } from './reader.js';

/** A bundle held in memory: what tests build instead of writing files. */
export class MemoryBundle implements BundleReader {
  private readonly files: Map<string, Uint8Array>;

  constructor(
    files: Record<string, string | Uint8Array>,
    readonly source = '<memory>',
  ) {
    this.files = new Map(
      Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v) : v]),
    );
  }

  private async bytes(rel: string): Promise<Uint8Array | undefined> {
    const b = this.files.get(rel);
    if (b === undefined) return undefined;
    // zlib is loaded for a .gz only (`analyze` of loose files loads this module)
    return rel.endsWith('.gz') ? (await import('node:zlib')).gunzipSync(b) : b;
  }

  async text(rel: string): Promise<string | undefined> {
    const b = this.files.get(rel);
    return b === undefined ? undefined : new TextDecoder().decode(b);
  }

  async *chunks(rel: string): AsyncIterable<Uint8Array> {
    const b = await this.bytes(rel);
    if (b === undefined) throw Object.assign(new Error(`${rel}: no such file in bundle`), { code: 'ENOENT' });
    yield b;
  }

  lines(rel: string): AsyncIterable<string> {
    return splitLines(this.chunks(rel));
  }

  async list(dir: string): Promise<string[]> {
    const prefix = dir === '' || dir === '.' ? '' : dir.replace(/\/?$/, '/');
    return [...this.files.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
