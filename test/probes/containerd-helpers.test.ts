import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layerLikeData, measureCpu } from '../../src/probes/containerd-cpu.js';
import { argValue, envTxt, stripUrlUserinfo } from '../../src/probes/containerd-proc.js';

describe('containerd probe helpers', () => {
  it('keeps only proxy and decompressor variables, without credentials', () => {
    const t = envTxt({ PATH: '/usr/bin', HTTPS_PROXY: 'http://bob:s3cret@proxy.corp:3128', no_proxy: 'localhost', CONTAINERD_DISABLE_PIGZ: '1', AWS_SECRET_ACCESS_KEY: 'x' });
    expect(t.split('\n')).toEqual(['CONTAINERD_DISABLE_PIGZ=1', 'HTTPS_PROXY=http://proxy.corp:3128', 'no_proxy=localhost']);
    expect(stripUrlUserinfo('Environment="HTTP_PROXY=http://u:p@10.0.0.1:3128"')).toBe('Environment="HTTP_PROXY=http://10.0.0.1:3128"');
  });
  it('reads flags in both spellings', () => {
    expect(argValue(['containerd', '--config', '/a.toml'], '--config', '-c')).toBe('/a.toml');
    expect(argValue(['containerd', '-c=/b.toml'], '--config', '-c')).toBe('/b.toml');
    expect(argValue(['containerd'], '--config')).toBeUndefined();
  });
  it('generates layer-like data that gzip compresses like real layers (2–6×)', () => {
    const raw = layerLikeData(1 << 20);
    const ratio = raw.length / gzipSync(raw).length;
    expect(ratio).toBeGreaterThan(2);
    expect(ratio).toBeLessThan(6);
  });
  it('measures both rates, and stops measuring once aborted', async () => {
    const m = await measureCpu(100, new AbortController().signal);
    expect(m.gunzipMBps).toBeGreaterThan(0);
    expect(m.sha256MBps).toBeGreaterThan(0);
    const ac = new AbortController();
    ac.abort();
    expect(await measureCpu(100, ac.signal)).toEqual({ gunzipMBps: null, sha256MBps: null });
  });
});
