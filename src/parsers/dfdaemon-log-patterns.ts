// The messages that tell how a task was served and what it waited on, for both dfdaemon generations
// (messages as logged by dragonflyoss/dragonfly v2.1.49 client/daemon/peer and dragonflyoss/client
// dragonfly-client/src/resource; docs/dfdaemon.md), as byte prefixes the scanner matches before decoding a line.
import type { EventKind } from './dfdaemon-log-types.js';

export interface Pattern {
  prefix: string;
  bytes?: Buffer;
  kind: EventKind;
  /** Only when the message also contains this (cheap second filter). */
  contains?: string;
}

// Go v2.1.x messages (client/daemon/peer/*.go, transport/transport.go, piece_manager.go, storage).
const GO_PATTERNS: Pattern[] = [
  { prefix: 'start download with url: ', kind: 'task-start' },
  { prefix: 'download stream attribute: ', kind: 'stream-ready' },
  { prefix: 'round trip with dragonfly: ', kind: 'proxy-p2p' },
  { prefix: 'round trip directly, method: ', kind: 'proxy-direct' },
  { prefix: 'round trip directly error: ', kind: 'proxy-error' },
  { prefix: 'round trip with dragonfly error: ', kind: 'proxy-error' },
  { prefix: 'round trip error: ', kind: 'proxy-error' },
  { prefix: 'step 1: peer ', kind: 'register-start', contains: 'start to register' },
  { prefix: 'step 1: peer ', kind: 'register-failed', contains: 'register failed' },
  { prefix: 'register task success', kind: 'register-ok' },
  { prefix: 'register peer task failed: ', kind: 'register-failed' },
  { prefix: 'scheduler did not response in ', kind: 'schedule-timeout' },
  { prefix: 'start download from source due to ', kind: 'back-source' },
  { prefix: 'wait first peer packet from scheduler timeout', kind: 'schedule-timeout' },
  { prefix: 'download from source disabled', kind: 'schedule-timeout' },
  { prefix: 'receive back source code', kind: 'back-source' },
  { prefix: 'start to download from source', kind: 'back-source' },
  { prefix: 'download from source ok', kind: 'source-ok' },
  { prefix: 'download from source error: ', kind: 'source-error' },
  { prefix: 'back source status code ', kind: 'source-error' },
  { prefix: 'receive peer packet failed: ', kind: 'scheduler-error' },
  { prefix: 'receive new peer packet, main peer: ', kind: 'remote-peer' },
  { prefix: 'single piece, dest peer id: ', kind: 'piece-remote' },
  { prefix: 'peer download worker #', kind: 'piece-remote', contains: 'receive piece task' },
  { prefix: 'download piece failed, piece num: ', kind: 'piece-failed' },
  { prefix: 'reuse from peer task: ', kind: 'reuse' },
  { prefix: 'reuse partial data from peer task: ', kind: 'reuse' },
  { prefix: 'reuse file peer task done, cost: ', kind: 'reuse-done' },
  { prefix: 'peer task done, cost: ', kind: 'task-done' },
  { prefix: 'peer task failed, code: ', kind: 'task-failed' },
  { prefix: 'set calculateDigest to ', kind: 'digest-setting' },
  { prefix: 'validate digest failed', kind: 'digest-failed' },
  { prefix: 'invalid digest, refuse to read all pieces', kind: 'digest-failed' },
  { prefix: 'validate digest ok', kind: 'digest-ok' },
  { prefix: 'set download limiter ', kind: 'rate-limit-setting' },
  { prefix: 'require rate limit access error', kind: 'rate-limit-error' },
  { prefix: 'request limiter error: ', kind: 'rate-limit-error' },
];

// Rust client v0.1.x – v1.5.x messages (dragonfly-client task/*.rs, resource/*.rs, proxy/mod.rs, grpc/*.rs).
export const RUST_PATTERNS: Pattern[] = [
  { prefix: 'download task started: ', kind: 'task-start' },
  { prefix: 'download task succeeded', kind: 'task-succeeded' },
  { prefix: 'download task, cost: ', kind: 'task-slow' },
  { prefix: 'download task failed', kind: 'task-failed' },
  { prefix: 'download the pieces from local peer', kind: 'local-start' },
  { prefix: 'interested pieces after downloading from local', kind: 'local-start' },
  { prefix: 'all pieces are downloaded from local', kind: 'local-all' },
  { prefix: 'hit local cache response', kind: 'local-hit-announced' },
  { prefix: 'finished piece ', kind: 'piece-local', contains: ' from local' },
  { prefix: 'finished piece ', kind: 'piece-remote', contains: ' from remote peer ' },
  { prefix: 'finished piece ', kind: 'piece-remote', contains: ' from parent ' },
  { prefix: 'finished piece ', kind: 'piece-source', contains: ' from source' },
  { prefix: 'all pieces are downloaded from source', kind: 'source-all' },
  { prefix: 'all pieces are downloaded from remote peer', kind: 'remote-all' },
  { prefix: 'all pieces are downloaded from parent', kind: 'remote-all' },
  { prefix: 'need back to source response', kind: 'back-source' },
  { prefix: 'normal task response: ', kind: 'remote-peer' },
  { prefix: 'download from source error', kind: 'source-error' },
  { prefix: 'download back-to-source is disabled', kind: 'source-error' },
  { prefix: 'download from remote peer error', kind: 'piece-failed' },
  { prefix: 'download from parent error', kind: 'piece-failed' },
  { prefix: 'download with scheduler error', kind: 'scheduler-error' },
  { prefix: 'announce peer failed', kind: 'scheduler-error' },
  { prefix: 'receive message from scheduler failed', kind: 'scheduler-error' },
  { prefix: 'download piece finished: digest mismatch', kind: 'digest-failed' },
  { prefix: 'verify file digest', kind: 'digest-failed' },
  { prefix: 'proxy HTTP request via dfdaemon', kind: 'proxy-p2p' },
  { prefix: 'proxy HTTP request directly', kind: 'proxy-direct' },
  { prefix: 'proxy HTTPS request directly', kind: 'proxy-direct' },
  { prefix: 'proxy request rate limit exceeded', kind: 'proxy-rate-limited' },
  { prefix: 'announce host', kind: 'announce-host' },
];

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
