import { createHash } from 'node:crypto';
import { open, readdir, rm, stat } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { request } from 'undici';
import type { BenchPhase } from '../bundle/measurements.js';
import type { Cleanup } from './context.js';
import { runCommand } from './exec.js';

/**
 * Phase isolation on one layer (`dfdoctor bench`): the same bytes through each stage of a pull on
 * its own — (a) the blob fetched through the mirror with containerd's request, (b) read from the
 * cache dir's device past the page cache, (c) moved over loopback, (d) gunzipped, (e) sha256'd.
 */

export interface PhaseResult {
  phase: BenchPhase;
  MBps: number | null;
  how: string;
}

const rate = (bytes: number, seconds: number) => (seconds > 0 ? bytes / 1e6 / seconds : null);

/** (a) GET the blob the way containerd does; keeps the first `keepBytes` for the CPU phases. */
export async function timedFetch(
  req: { url: string; headers: Record<string, string> },
  o: { keepBytes: number; timeoutMs: number; signal: AbortSignal },
): Promise<{ ok: true; bytes: number; seconds: number; sample: Buffer } | { ok: false; reason: string }> {
  const t0 = performance.now();
  try {
    const res = await request(req.url, {
      method: 'GET',
      headers: req.headers,
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      signal: o.signal,
    });
    if (res.statusCode !== 200) {
      await res.body.dump();
      return { ok: false, reason: `GET ${req.url}: HTTP ${res.statusCode}` };
    }
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let bytes = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (keptBytes < o.keepBytes) {
        const part = chunk.subarray(0, o.keepBytes - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
    }
    return { ok: true, bytes, seconds: (performance.now() - t0) / 1000, sample: Buffer.concat(kept) };
  } catch (e) {
    return { ok: false, reason: `GET ${req.url}: ${(e as Error).message}` };
  }
}

/** Looks in the cache dir for a file holding this blob (same size, same leading bytes); bounded walk. */
export async function findCachedBlob(
  cacheDir: string,
  size: number,
  head: Buffer,
  maxEntries = 20_000,
): Promise<string | null> {
  const stack: { dir: string; depth: number }[] = [{ dir: cacheDir, depth: 0 }];
  let seen = 0;
  const probe = head.subarray(0, 64 * 1024);
  while (stack.length > 0) {
    const { dir, depth } = stack.pop() as { dir: string; depth: number };
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > maxEntries) return null;
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < 6) stack.push({ dir: p, depth: depth + 1 });
      else if (e.isFile()) {
        const st = await stat(p).catch(() => null);
        if (!st || st.size !== size) continue;
        const fh = await open(p, 'r').catch(() => null);
        if (!fh) continue;
        try {
          const buf = Buffer.alloc(probe.length);
          const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
          if (bytesRead === probe.length && buf.equals(probe)) return p;
        } finally {
          await fh.close();
        }
      }
    }
  }
  return null;
}

/** dd's closing line: "52428800 bytes (52 MB, 50 MiB) copied, 2.49 s, 21.1 MB/s". */
export function parseDdSummary(stderr: string): { bytes: number; seconds: number } | null {
  const m = /(\d+) bytes .*copied, ([\d.,]+) s/.exec(stderr);
  if (!m) return null;
  return { bytes: Number(m[1]), seconds: Number((m[2] as string).replace(',', '.')) };
}

async function ddDirect(
  file: string,
  bytes: number,
  signal: AbortSignal,
): Promise<{ ok: true; MBps: number } | { ok: false; reason: string }> {
  const count = Math.max(1, Math.ceil(bytes / (1 << 20)));
  const r = await runCommand('dd', [`if=${file}`, 'of=/dev/null', 'bs=1M', `count=${count}`, 'iflag=direct'], {
    timeoutMs: 120_000,
    signal,
  });
  if (r.kind !== 'ok') return { ok: false, reason: r.reason };
  const s = parseDdSummary(r.stderr);
  const v = s ? rate(s.bytes, s.seconds) : null;
  return v === null
    ? { ok: false, reason: `dd: no summary (${r.stderr.trim().slice(0, 120)})` }
    : { ok: true, MBps: v };
}

/**
 * (b) The disk floor: an O_DIRECT read of the cached blob itself when dfdaemon's cache holds it
 * (read-only); else one temp file of the same bytes under the cache dir, removed on every path.
 */
export async function diskPhase(o: {
  cacheDir: string | null;
  bytes: number;
  sample: Buffer;
  cleanup: Cleanup;
  signal: AbortSignal;
}): Promise<PhaseResult> {
  if (!o.cacheDir) return { phase: 'disk-read', MBps: null, how: 'no cache dir known (--cache-dir)' };
  const cached = await findCachedBlob(o.cacheDir, o.bytes, o.sample).catch(() => null);
  if (cached) {
    const r = await ddDirect(cached, o.sample.length, o.signal);
    return r.ok
      ? { phase: 'disk-read', MBps: r.MBps, how: `O_DIRECT read of the cached blob ${cached}` }
      : { phase: 'disk-read', MBps: null, how: `O_DIRECT read of ${cached} failed: ${r.reason}` };
  }
  const tmp = join(o.cacheDir, `.dfdoctor-bench-${process.pid}-${Date.now()}.tmp`);
  const remove = () => rm(tmp, { force: true });
  const unregister = o.cleanup.add(remove);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.write(o.sample);
      await fh.sync();
    } finally {
      await fh.close();
    }
    const r = await ddDirect(tmp, o.sample.length, o.signal);
    return r.ok
      ? {
          phase: 'disk-read',
          MBps: r.MBps,
          how: `O_DIRECT read of a temp file of the layer's bytes under ${o.cacheDir} (blob not found in the cache)`,
        }
      : { phase: 'disk-read', MBps: null, how: `O_DIRECT read under ${o.cacheDir} failed: ${r.reason}` };
  } catch (e) {
    return {
      phase: 'disk-read',
      MBps: null,
      how: `cannot write a temp file under ${o.cacheDir}: ${(e as Error).message}`,
    };
  } finally {
    await remove();
    unregister();
  }
}

/** (c) The same bytes over a TCP connection on 127.0.0.1 (dfdoctor's own listener). */
export async function loopbackPhase(sample: Buffer, timeoutMs: number): Promise<PhaseResult> {
  const server = createServer();
  try {
    await new Promise<void>((r, j) => {
      server.once('error', j);
      server.listen(0, '127.0.0.1', () => r());
    });
    const port = (server.address() as AddressInfo).port;
    const got = new Promise<number>((resolve, reject) => {
      const t = setTimeout(
        () => reject(new Error(`loopback transfer timed out after ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      server.once('connection', (s) => {
        let n = 0;
        s.on('data', (d: Buffer) => {
          n += d.length;
          if (n >= sample.length) {
            clearTimeout(t);
            resolve(performance.now());
            s.destroy();
          }
        });
        s.on('error', () => undefined);
      });
    });
    const t0 = performance.now();
    const c = connect(port, '127.0.0.1');
    c.on('error', () => undefined);
    const CH = 256 * 1024;
    for (let off = 0; off < sample.length; off += CH) {
      if (!c.write(sample.subarray(off, off + CH))) await new Promise((r) => c.once('drain', r));
    }
    const t1 = await got;
    c.destroy();
    return {
      phase: 'loopback',
      MBps: rate(sample.length, (t1 - t0) / 1000),
      how: "TCP on 127.0.0.1 to dfdoctor's own listener",
    };
  } catch (e) {
    return { phase: 'loopback', MBps: null, how: `loopback transfer failed: ${(e as Error).message}` };
  } finally {
    server.close();
  }
}

/** (d) gunzip of the layer bytes (a prefix ends early; the rate is of the compressed bytes consumed). */
export async function gunzipPhase(sample: Buffer): Promise<PhaseResult> {
  const t0 = performance.now();
  const ok = await new Promise<boolean>((resolve) => {
    const g = createGunzip();
    g.on('data', () => undefined);
    g.on('end', () => resolve(true));
    g.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'Z_BUF_ERROR'));
    g.end(sample);
  });
  const s = (performance.now() - t0) / 1000;
  return ok
    ? {
        phase: 'gunzip',
        MBps: rate(sample.length, s),
        how: 'zlib gunzip in dfdoctor (one core; containerd uses unpigz when on PATH)',
      }
    : { phase: 'gunzip', MBps: null, how: 'the layer is not gzip' };
}

/** (e) sha256 of the layer bytes, as containerd verifies each blob. */
export function sha256Phase(sample: Buffer): PhaseResult {
  const t0 = performance.now();
  const h = createHash('sha256');
  const CH = 1 << 20;
  for (let off = 0; off < sample.length; off += CH) h.update(sample.subarray(off, off + CH));
  h.digest();
  return {
    phase: 'sha256',
    MBps: rate(sample.length, (performance.now() - t0) / 1000),
    how: 'sha256 in dfdoctor (one core)',
  };
}
