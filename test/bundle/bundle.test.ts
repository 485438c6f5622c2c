import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { openBundle } from '../../src/bundle/open.js';
import { BundleError } from '../../src/bundle/reader.js';
import { packTarball } from '../../src/bundle/tarball.js';
import { BundleWriter, type Redactor } from '../../src/bundle/writer.js';
import { DirBundle } from '../../src/bundle/dir-bundle.js';
import { MemoryBundle } from '../../src/bundle/memory-bundle.js';

const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'dfdoctor-test-'));
  dirs.push(d);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const host = { hostname: 'n1', kernel: '6.1', os: 'Debian', cpus: 2, memoryBytes: 1 };

/** A redactor that hides the word s3cret, as a password, wherever it is. */
const hidesS3cret: Redactor = (file, text) => ({
  text: text.replace(/s3cret/g, '<redacted>'),
  redactions: text.includes('s3cret') ? [{ file, what: 'password', count: 1 }] : [],
});

async function writeBundle(dir: string): Promise<void> {
  const w = new BundleWriter(dir);
  await w.writeText('raw/system/loadavg', '0.1 0.2 0.3 1/2 3\n', '/proc/loadavg');
  await w.writeText('raw/dfdaemon/logs/core.log.1.gz', 'ignored', '/var/log/dragonfly/daemon/core.log.1.gz');
  w.setMeasurement('cpu', { gunzipMBps: 100, sha256MBps: 500 });
  w.recordProbe('system', { status: 'ok', durationMs: 5 });
  w.recordProbe('disk', { status: 'skipped', reason: 'not implemented', durationMs: 0 });
  await w.finish({ tool: { name: 'dfdoctor', version: '0.1.0' }, host, createdAt: '2026-01-01T00:00:00Z' });
}

describe('bundle', () => {
  it('writes a tarball under a hidden partial name and renames it into place; a failed write leaves nothing', async () => {
    const dir = await tmp();
    await writeBundle(dir);
    const outDir = await tmp();
    const undo: (() => Promise<void>)[] = [];
    await packTarball(dir, join(outDir, 'node.tar.gz'), (fn) => {
      undo.push(fn);
      return () => undo.splice(undo.indexOf(fn), 1);
    });
    expect(await readdir(outDir)).toEqual(['node.tar.gz']);
    // the undo step was registered while writing and dropped once the bundle was in place
    expect(undo).toEqual([]);
    await expect(packTarball(dir, join(outDir, 'missing-dir', 'node.tar.gz'))).rejects.toThrow();
    expect(await readdir(outDir)).toEqual(['node.tar.gz']);
  });

  it('round-trips through the directory form and the .tar.gz form', async () => {
    const dir = await tmp();
    await writeBundle(dir);
    const tgz = join(await tmp(), 'b.tar.gz');
    await packTarball(dir, tgz);
    for (const path of [dir, tgz]) {
      const b = await openBundle(path);
      try {
        expect(b.manifest.probes.disk).toEqual({ status: 'skipped', reason: 'not implemented', durationMs: 0 });
        expect(b.measurements.cpu).toEqual({ gunzipMBps: 100, sha256MBps: 500 });
        expect(await b.reader.text('raw/system/loadavg')).toBe('0.1 0.2 0.3 1/2 3\n');
        expect(await b.reader.text('raw/none')).toBeUndefined();
        expect(await b.reader.list('raw')).toEqual(['raw/dfdaemon/logs/core.log.1.gz', 'raw/system/loadavg']);
      } finally {
        await b.close();
      }
    }
  });

  it('streams lines of plain and gzipped files, and fails loudly on a truncated gzip', async () => {
    const dir = await tmp();
    const gz = gzipSync(Buffer.from('a\r\nb\nc'));
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'logs/x.log.gz'), gz);
    await writeFile(join(dir, 'logs/cut.log.gz'), gz.subarray(0, gz.length - 6));
    const { DirBundle } = await import('../../src/bundle/dir-bundle.js');
    const b = new DirBundle(dir);
    const lines: string[] = [];
    for await (const l of b.lines('logs/x.log.gz')) lines.push(l);
    expect(lines).toEqual(['a', 'b', 'c']);
    await expect(async () => {
      for await (const _ of b.lines('logs/cut.log.gz')) void _;
    }).rejects.toThrow();
    const mem = new MemoryBundle({ 'x.gz': gz });
    const mlines: string[] = [];
    for await (const l of mem.lines('x.gz')) mlines.push(l);
    expect(mlines).toEqual(['a', 'b', 'c']);
  });

  it.each([
    ['missing manifest', null, /manifest\.json: missing/],
    ['truncated manifest', '{"format":"dfdoctor-bundle","vers', /manifest\.json: truncated or invalid JSON/],
    [
      'newer version',
      JSON.stringify({ format: 'dfdoctor-bundle', version: 2 }),
      /version 2 is newer than this dfdoctor supports \(1\)/,
    ],
    [
      'not a manifest',
      JSON.stringify({ format: 'other', version: 1 }),
      /manifest\.json: not a valid bundle manifest: format/,
    ],
  ])('%s gives one BundleError line naming the file', async (_name, content, re) => {
    const dir = await tmp();
    if (content !== null) await writeFile(join(dir, 'manifest.json'), content);
    const err = await openBundle(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleError);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toContain(join(dir, 'manifest.json'));
    expect((err as Error).message).not.toContain('\n');
  });

  it("reads a stored file at byte offsets into the caller's memory; a gzipped or missing one is not offered", async () => {
    const dir = await tmp();
    const text = Array.from({ length: 40_000 }, (_, i) => `line ${i}`).join('\n');
    await mkdir(join(dir, 'raw/dfdaemon/logs'), { recursive: true });
    await writeFile(join(dir, 'raw/dfdaemon/logs/a.log'), text);
    await writeFile(join(dir, 'raw/dfdaemon/logs/a.log.1.gz'), gzipSync(text));
    const reader = new DirBundle(dir);
    const f = await reader.openStored('raw/dfdaemon/logs/a.log');
    if (!f) throw new Error('not offered');
    try {
      const into = new Uint8Array(1000);
      expect(await f.read(into, 123_457)).toBe(1000);
      expect(Buffer.from(into).toString()).toBe(text.slice(123_457, 124_457));
      expect(await f.read(into, text.length - 10)).toBe(10);
      expect(await f.read(into, text.length)).toBe(0);
    } finally {
      await f.close();
    }
    expect(await reader.openStored('raw/dfdaemon/logs/a.log.1.gz')).toBeUndefined();
    expect(await reader.openStored('raw/dfdaemon/logs/none.log')).toBeUndefined();
  });

  it('closing a tarball bundle removes everything extracting it made, also for a single top-level folder', async () => {
    const dir = await tmp();
    await writeBundle(join(dir, 'node-1'));
    const tgz = join(await tmp(), 'b.tar.gz');
    const tar = await import('tar');
    await tar.create({ gzip: true, file: tgz, cwd: dir }, ['node-1']);
    const scratch = await tmp();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const b = await openBundle(tgz);
      expect(b.manifest.host.hostname).toBe('n1');
      expect(await readdir(scratch)).toHaveLength(1);
      await b.close();
      expect(await readdir(scratch)).toEqual([]);
      await expect(openBundle(join(dir, 'node-1', 'manifest.json'))).rejects.toThrow(BundleError);
      expect(await readdir(scratch)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });

  it('rejects a file that is not a tarball with one line', async () => {
    const f = join(await tmp(), 'junk.tar.gz');
    await writeFile(f, 'not a tarball');
    await expect(openBundle(f)).rejects.toThrow(BundleError);
  });

  it('writes measurements.json only when something was measured', async () => {
    const dir = await tmp();
    const w = new BundleWriter(dir);
    await w.finish({ tool: { name: 'dfdoctor', version: '0' }, host, createdAt: 'x' });
    await expect(readFile(join(dir, 'measurements.json'))).rejects.toThrow();
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).format).toBe('dfdoctor-bundle');
  });

  it('applies the redactor to every text written and records what it removed', async () => {
    const dir = await tmp();
    const w = new BundleWriter(dir, hidesS3cret);
    await w.writeText('raw/containerd/config.toml', 'password = "s3cret"\n', '/etc/containerd/config.toml');
    const m = await w.finish({ tool: { name: 'dfdoctor', version: '0' }, host, createdAt: 'x' });
    expect(await readFile(join(dir, 'raw/containerd/config.toml'), 'utf8')).toBe('password = "<redacted>"\n');
    expect(m.redactions).toEqual([{ file: 'raw/containerd/config.toml', what: 'password', count: 1 }]);
  });

  it('passes measurements.json through the redactor (a measured endpoint given with credentials)', async () => {
    const dir = await tmp();
    const w = new BundleWriter(dir, hidesS3cret);
    w.setMeasurement('loopback', {
      dfdaemon: {
        endpoint: 'http://u:s3cret@127.0.0.1:8000/metrics',
        connectP50Ms: 0.1,
        ttfbP50Ms: null,
        ttfbP99Ms: null,
        throughputMBps: null,
      },
    });
    const m = await w.finish({ tool: { name: 'dfdoctor', version: '0' }, host, createdAt: 'x' });
    const written = await readFile(join(dir, 'measurements.json'), 'utf8');
    expect(written).not.toContain('s3cret');
    expect(JSON.parse(written).loopback.dfdaemon.endpoint).toBe('http://u:<redacted>@127.0.0.1:8000/metrics');
    expect(m.redactions).toEqual([{ file: 'measurements.json', what: 'password', count: 1 }]);
  });

  it("records where each file came from, through the redactor (a scrape URL's credentials stay on the node)", async () => {
    const dir = await tmp();
    const w = new BundleWriter(dir, hidesS3cret);
    await w.writeText('raw/dfdaemon/metrics-0.prom', 'x 1\n', 'GET http://u:s3cret@127.0.0.1:8000/metrics at t0');
    await w.writeJson('raw/net/conntrack.json', { count: 1, max: 2 }, '/proc/sys/net/netfilter/nf_conntrack_count');
    const m = await w.finish({ tool: { name: 'dfdoctor', version: '0' }, host, createdAt: 'x' });
    expect(m.sources).toEqual({
      'raw/dfdaemon/metrics-0.prom': 'GET http://u:<redacted>@127.0.0.1:8000/metrics at t0',
      'raw/net/conntrack.json': '/proc/sys/net/netfilter/nf_conntrack_count',
    });
    expect(m.redactions).toEqual([{ file: 'manifest.json', what: 'password', count: 1 }]);
    expect(await readFile(join(dir, 'manifest.json'), 'utf8')).not.toContain('s3cret');
  });
});
