import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';
import { medianWatch, type SettleRule } from './stable.js';

// dfdoctor's own loopback baseline: an echo/stream server on 127.0.0.1 in a worker thread (so the
// two ends run on separate threads, as containerd and dfdaemon do), and a client here that measures
// request/response RTT on a kept-alive connection and on fresh connections, and bulk throughput.
// Every phase is bounded in samples, bytes and time; a stalled packet (a drop, a shaper) ends the
// phase at its deadline and the sample counts as its elapsed time so far (a lower bound).

const SERVER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const net = require('node:net');
const CHUNK = Buffer.alloc(1 << 20, 0x61);
const server = net.createServer((s) => {
  s.setNoDelay(true);
  let mode = null;
  s.on('error', () => {});
  s.on('data', (d) => {
    if (mode === null) {
      mode = d[0] === 0x54 ? 'stream' : 'echo';
      if (mode === 'stream') {
        const want = d.length >= 9 ? Number(d.readBigUInt64BE(1)) : 0;
        let sent = 0;
        const pump = () => {
          while (sent < want && !s.destroyed) {
            const n = Math.min(CHUNK.length, want - sent);
            sent += n;
            if (!s.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) { s.once('drain', pump); return; }
          }
          if (sent >= want) s.end();
        };
        pump();
        return;
      }
    }
    if (mode === 'echo') s.write(d);
  });
});
// the same server on an abstract UNIX socket (no file on disk): what this CPU moves right now without lo's
// qdisc and without netfilter, the reference a slow loopback figure is judged against
const unix = net.createServer(server.listeners('connection')[0]);
const unixPath = '\0dfdoctor-' + process.pid + '-' + Math.random().toString(36).slice(2);
let ready = 0;
let unixOk = true;
const done = () => { if (++ready === 2) parentPort.postMessage({ port: server.address().port, unixPath: unixOk ? unixPath : null }); };
server.listen(0, '127.0.0.1', done);
unix.on('error', () => { unixOk = false; done(); });
unix.listen(unixPath, done);
`;

/** A dropped SYN is retransmitted after 1 s: a connect may take that long once before it is a failure. */
const CONNECT_MS = 1500;

export interface BaselineServer {
  port: number;
  /** Abstract UNIX socket of the same server (Linux), for the CPU-bound reference figure. */
  unixPath: string | null;
  stop(): Promise<void>;
}

export async function startBaselineServer(timeoutMs = 3000): Promise<BaselineServer> {
  const w = new Worker(SERVER_SOURCE, { eval: true });
  const { port, unixPath } = await new Promise<{ port: number; unixPath: string | null }>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('baseline server did not start')), timeoutMs);
    w.once('message', (m: { port: number; unixPath: string | null }) => {
      clearTimeout(t);
      resolve(m);
    });
    w.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
  let stopped = false;
  return {
    port,
    unixPath,
    async stop() {
      if (stopped) return;
      stopped = true;
      await w.terminate();
    },
  };
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** Connects with a deadline; resolves the socket or null (refused, timeout, error) with the reason. */
export function connectWithin(
  host: string,
  port: number | null,
  ms: number,
): Promise<{ socket: Socket; ms: number } | { error: 'refused' | 'timeout' | 'error'; detail: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // port null: `host` is a UNIX socket path
    const s = port === null ? connect({ path: host }) : connect({ host, port });
    s.setNoDelay(true);
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ error: 'timeout', detail: `no connection within ${ms} ms` });
    }, ms);
    s.once('connect', () => {
      clearTimeout(timer);
      resolve({ socket: s, ms: performance.now() - t0 });
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      s.destroy();
      resolve({ error: e.code === 'ECONNREFUSED' ? 'refused' : 'error', detail: e.code ?? e.message });
    });
  });
}

/** Waits for `n` bytes on a socket, or the deadline; returns false on deadline or close. */
function readBytes(s: Socket, n: number, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    let got = 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.off('data', onData);
      s.off('close', onClose);
      resolve(ok);
    };
    const onData = (d: Buffer) => {
      got += d.length;
      if (got >= n) done(true);
    };
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), Math.max(0, deadline - performance.now()));
    s.on('data', onData);
    s.on('close', onClose);
  });
}

export interface RttResult {
  samples: number[];
  /** Samples cut short by the phase deadline (counted at their elapsed time). */
  censored: number;
}

export interface RttOptions {
  maxSamples: number;
  budgetMs: number;
  signal?: AbortSignal;
  /** Stop as soon as the median is stable (see medianWatch), before the sample or time bound. */
  settle?: SettleRule;
}

/** Request/response round trips of 1 byte over one kept-alive connection. */
export async function keepAliveRtt(port: number, opts: RttOptions): Promise<RttResult> {
  const c = await connectWithin('127.0.0.1', port, Math.max(CONNECT_MS, opts.budgetMs));
  if ('error' in c) throw new Error(`baseline connect: ${c.detail}`);
  // the budget is for round trips: a lossy path can spend a second on the SYN alone (its first
  // retransmission), which must not leave no time for a single sample
  const deadline = performance.now() + opts.budgetMs;
  const s = c.socket;
  const out: RttResult = { samples: [], censored: 0 };
  const settled = opts.settle ? medianWatch(opts.settle) : () => false;
  const one = Buffer.from([0x45]);
  try {
    s.write(one);
    await readBytes(s, 1, deadline); // warm-up, and the server's mode byte
    while (out.samples.length < opts.maxSamples && performance.now() < deadline && !opts.signal?.aborted) {
      const t0 = performance.now();
      s.write(one);
      const ok = await readBytes(s, 1, deadline);
      out.samples.push(performance.now() - t0);
      if (!ok) {
        out.censored++;
        break;
      }
      if (settled(out.samples)) break;
    }
  } finally {
    s.destroy();
  }
  return out;
}

/** Connect + 1-byte round trip + close, on a new connection each time. */
export async function freshConnRtt(port: number, opts: RttOptions): Promise<RttResult> {
  const deadline = performance.now() + opts.budgetMs;
  const out: RttResult = { samples: [], censored: 0 };
  const settled = opts.settle ? medianWatch(opts.settle) : () => false;
  while (out.samples.length < opts.maxSamples && performance.now() < deadline && !opts.signal?.aborted) {
    const t0 = performance.now();
    const c = await connectWithin('127.0.0.1', port, Math.max(1, deadline - t0));
    if ('error' in c) {
      out.samples.push(performance.now() - t0);
      out.censored++;
      break;
    }
    c.socket.write(Buffer.from([0x45]));
    const ok = await readBytes(c.socket, 1, deadline);
    out.samples.push(performance.now() - t0);
    c.socket.destroy();
    if (!ok) {
      out.censored++;
      break;
    }
    if (settled(out.samples)) break;
  }
  return out;
}

export interface ThroughputResult {
  bytes: number;
  seconds: number;
  MBps: number;
}

/** Bulk transfer from the server (TCP port on 127.0.0.1, or a UNIX socket path): at most `maxBytes`, stopped at the deadline. */
export async function bulkThroughput(
  target: number | string,
  opts: { maxBytes: number; budgetMs: number },
): Promise<ThroughputResult> {
  const start = performance.now();
  const deadline = start + opts.budgetMs;
  const c =
    typeof target === 'number'
      ? await connectWithin('127.0.0.1', target, Math.max(CONNECT_MS, opts.budgetMs))
      : await connectWithin(target, null, Math.max(CONNECT_MS, opts.budgetMs));
  if ('error' in c) throw new Error(`baseline connect: ${c.detail}`);
  const s = c.socket;
  const req = Buffer.alloc(9);
  req[0] = 0x54;
  req.writeBigUInt64BE(BigInt(opts.maxBytes), 1);
  return new Promise((resolve) => {
    let bytes = 0;
    let first: number | null = null;
    let last = performance.now();
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      // from the first byte: connection setup is the RTT phases' business
      const from = first ?? start;
      const seconds = Math.max(1e-6, (last - from) / 1000);
      resolve({ bytes, seconds, MBps: bytes / 1e6 / seconds });
    };
    const timer = setTimeout(
      () => {
        last = performance.now();
        finish();
      },
      Math.max(0, deadline - performance.now()),
    );
    s.on('data', (d: Buffer) => {
      if (first === null) first = performance.now();
      bytes += d.length;
      last = performance.now();
      if (bytes >= opts.maxBytes) finish();
    });
    s.on('end', finish);
    s.on('error', finish);
    s.write(req);
  });
}
