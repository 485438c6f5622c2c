// The read interface analysis code sees (docs/architecture.md#layout). It holds no IO itself: the directory-,
// tarball- and memory-backed implementations live beside it, so facts never open a file.

export interface BundleReader {
  /** Where the bundle came from, for messages. */
  readonly source: string;
  /** A file's text, or undefined when the bundle does not hold it. */
  text(path: string): Promise<string | undefined>;
  /** A file's lines, streamed; `.gz` files are decompressed. Throws on unreadable or corrupt data mid-stream. */
  lines(path: string): AsyncIterable<string>;
  /** A file's raw bytes in chunks (decompressed for `.gz`), for parsers that filter before splitting lines. */
  chunks(path: string): AsyncIterable<Uint8Array>;
  /**
   * A file as it is stored, for reads at byte offsets into the caller's memory (the log scanner reads into
   * its WebAssembly memory: no chunk allocated, none copied); undefined when it is compressed, absent, or
   * the bundle keeps no files.
   */
  openStored?(path: string): Promise<StoredFile | undefined>;
  /** Relative paths of every file under `dir` (recursive, sorted); empty when the dir is absent. */
  list(dir: string): Promise<string[]>;
}

export interface StoredFile {
  /** Its size in bytes when opened. */
  readonly size: number;
  /** Reads into `into` from byte `position`; returns how many bytes were read (0 at the end). */
  read(into: Uint8Array, position: number): Promise<number>;
  close(): Promise<void>;
}

/** An error that a person can act on: one line naming the file, exit code 2. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}
