// The lines of a log part that a redaction rule could change, found by the guard search in WebAssembly
// (assembly/redact-triggers.ts): every line that holds one of the rules' guards (redact-text.ts,
// LINE_TRIGGERS), and perhaps a few more. A line it does not name holds no guard, so every rule leaves it
// as it is.
import { GUARD_WORDS } from './redact-text.js';

interface Exports {
  memory: WebAssembly.Memory;
  layout(cap: number): number;
  inputAt(): number;
  init(): number;
  next(from: number, len: number): number;
}

/** Bytes past the input that the search reads, kept zero (assembly/redact-triggers.ts, PAD). */
const PAD = 32;

export class GuardSearch {
  private readonly x: Exports;
  private cap = 0;

  constructor(module: WebAssembly.Module, words: readonly string[] = GUARD_WORDS) {
    this.x = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    const at = this.x.layout(64 * 1024);
    this.cap = 64 * 1024;
    const list = Buffer.concat([
      ...words.map((w) => Buffer.concat([Uint8Array.of(w.length), Buffer.from(w, 'latin1')])),
      Uint8Array.of(0),
    ]);
    if (words.some((w) => w.length > 255) || list.length > 4096) throw new Error('guard words: too many or too long');
    new Uint8Array(this.x.memory.buffer, at, list.length).set(list);
    if (this.x.init() !== words.length)
      throw new Error('guard words: each must be three or more lower-case ASCII letters');
  }

  /** The [start, end) of each line of `bytes` (split at "\n") that may hold a guard, in order. */
  *lines(bytes: Uint8Array): Generator<[number, number]> {
    const len = bytes.length;
    if (len > this.cap) {
      this.x.layout(len);
      this.cap = len;
    }
    const inAt = this.x.inputAt();
    const mem = new Uint8Array(this.x.memory.buffer, inAt, len + PAD);
    mem.set(bytes);
    mem.fill(0, len);
    for (let at = this.x.next(0, len); at >= 0;) {
      const start = bytes.lastIndexOf(0x0a, at) + 1;
      const nl = bytes.indexOf(0x0a, at);
      const end = nl < 0 ? len : nl;
      yield [start, end];
      if (nl < 0) return;
      at = this.x.next(nl + 1, len);
    }
  }
}
