// The read interface analysis code sees (docs/architecture.md#layout). It holds no IO itself: the directory-,
// tarball- and memory-backed implementations live beside it, so facts never open a file.

export interface BundleReader {
  /** Where the bundle came from, for messages. */
  readonly source: string;
  /** A file's text, or undefined when the bundle does not hold it. */
  text(path: string): Promise<string | undefined>;
  /** A file's lines, streamed; `.gz` files are decompressed. Throws on unreadable or corrupt data mid-stream. */
  lines(path: string): AsyncIterable<string>;
  /**
   * A file's raw bytes in chunks (decompressed for `.gz`), for parsers that filter before splitting lines;
   * from byte `from` of that content on when given (a second pass over a log's tail).
   */
  chunks(path: string, from?: number): AsyncIterable<Uint8Array>;
  /** Relative paths of every file under `dir` (recursive, sorted); empty when the dir is absent. */
  list(dir: string): Promise<string[]>;
}

/** An error that a person can act on: one line naming the file, exit code 2. */
export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}
