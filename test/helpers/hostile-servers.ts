// Endpoints that misbehave, on loopback, for the hardening tests (issue 9 §2). Each is a real TCP
// listener: the CLI under test talks to it over real sockets, the way it would talk to a sick dfdaemon.
import { randomFillSync } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

export type HostileKind =
  /** accepts the connection and never sends a byte */
  | 'silent'
  /** sends a 200 and its headers at once, then the body one byte a second */
  | 'trickle'
  /** a 200 with 50 MB of random bytes as the body */
  | 'garbage'
  /** 50 MB of random bytes instead of an HTTP response */
  | 'raw-garbage'
  /** accepts, then resets the connection (RST) as soon as the request starts */
  | 'reset';

export const HOSTILE_KINDS: readonly HostileKind[] = ['silent', 'trickle', 'garbage', 'raw-garbage', 'reset'];

export interface HostileServer {
  kind: HostileKind;
  port: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Connections accepted so far: proof that the CLI did reach the endpoint. */
  accepted(): number;
  close(): Promise<void>;
}

const GARBAGE_BYTES = 50 * 1000 * 1000;

/** Sends `total` random bytes in 64 KiB writes, respecting backpressure, until done or the peer leaves. */
function pourGarbage(sock: Socket, total: number): void {
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < total && !sock.destroyed) {
      randomFillSync(chunk);
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (!sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        sock.once('drain', pump);
        return;
      }
    }
    if (!sock.destroyed) sock.end();
  };
  pump();
}

function handle(kind: HostileKind, sock: Socket, timers: Set<NodeJS.Timeout>): void {
  sock.on('error', () => {});
  switch (kind) {
    case 'silent':
      // read and discard whatever arrives, answer nothing, keep the socket open
      sock.resume();
      return;
    case 'reset':
      sock.once('data', () => sock.resetAndDestroy());
      return;
    case 'raw-garbage':
      sock.once('data', () => pourGarbage(sock, GARBAGE_BYTES));
      return;
    case 'garbage':
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\nconnection: close\r\n\r\n');
        pourGarbage(sock, GARBAGE_BYTES);
      });
      return;
    case 'trickle':
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: 100000\r\n\r\n');
        const t = setInterval(() => {
          if (sock.destroyed) {
            clearInterval(t);
            timers.delete(t);
            return;
          }
          sock.write('#');
        }, 1000);
        timers.add(t);
      });
      return;
  }
}

/** Starts one misbehaving endpoint on 127.0.0.1 (a free port). */
export async function startHostile(kind: HostileKind): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;
  const server: Server = createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    handle(kind, sock, timers);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    kind,
    port,
    origin: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
