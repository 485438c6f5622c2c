// The messages that tell how a task was served and what it waited on, for both dfdaemon generations,
// as byte prefixes the scanner matches before decoding a line.
import { GO_MESSAGES } from '../knowledge/dfdaemon-go.js';
import { patternsOf } from '../knowledge/dfdaemon-log-messages.js';
import { RUST_MESSAGES } from '../knowledge/dfdaemon-rust.js';
import type { EventKind } from './dfdaemon-log-types.js';

export interface Pattern {
  prefix: string;
  bytes?: Buffer;
  kind: EventKind;
  /** Only when the message also contains this (cheap second filter). */
  contains?: string;
}

// The tables live with their release ranges and upstream sources in src/knowledge/: every wording any
// release prints is matched; which release printed a line is not needed to read it.
export const GO_PATTERNS: Pattern[] = patternsOf(GO_MESSAGES);
export const RUST_PATTERNS: Pattern[] = patternsOf(RUST_MESSAGES);

/** Patterns grouped by first character for a one-switch dispatch. */
function index(ps: Pattern[]): Map<number, Pattern[]> {
  const m = new Map<number, Pattern[]>();
  for (const p of ps) {
    p.bytes = Buffer.from(p.prefix, 'latin1');
    const c = (p.prefix.charCodeAt(0) << 8) | p.prefix.charCodeAt(1);
    const list = m.get(c) ?? [];
    list.push(p);
    m.set(c, list);
  }
  return m;
}
export const GO_INDEX = index(GO_PATTERNS);
export const RUST_INDEX = index(RUST_PATTERNS);
