import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { layerLikeData, measureCpu } from '../../src/probes/containerd-cpu.js';
import { argValue, envTxt, findProcesses, stripUrlUserinfo } from '../../src/probes/containerd-proc.js';

describe('containerd probe helpers', () => {
  it('keeps only proxy and decompressor variables, without credentials', () => {
    const t = envTxt({
      PATH: '/usr/bin',
      HTTPS_PROXY: 'http://bob:s3cret@proxy.corp:3128',
      no_proxy: 'localhost',
      CONTAINERD_DISABLE_PIGZ: '1',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    expect(t.split('\n')).toEqual([
      'CONTAINERD_DISABLE_PIGZ=1',
      'HTTPS_PROXY=http://proxy.corp:3128',
      'no_proxy=localhost',
    ]);
    expect(stripUrlUserinfo('Environment="HTTP_PROXY=http://u:p@10.0.0.1:3128"')).toBe(
      'Environment="HTTP_PROXY=http://10.0.0.1:3128"',
    );
  });
  it('finds the processes of several names in one pass over /proc, each with its name', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'dfdoctor-proc-'));
    try {
      const add = (pid: number, comm: string, args: string[]) => {
        mkdirSync(join(proc, String(pid)));
        writeFileSync(join(proc, String(pid), 'comm'), `${comm}\n`);
        writeFileSync(join(proc, String(pid), 'cmdline'), `${args.join('\0')}\0`);
      };
      add(7, 'dfget', ['/opt/dragonfly/bin/dfget', 'daemon']);
      add(12, 'sshd', ['sshd']);
      add(31, 'dfdaemon', ['/usr/local/bin/dfdaemon', '--config', '/etc/dragonfly/dfdaemon.yaml']);
      mkdirSync(join(proc, 'self'));
      const found = await findProcesses(['dfdaemon', 'dfget'], proc);
      expect(found.sort((a, b) => a.pid - b.pid)).toEqual([
        { pid: 7, comm: 'dfget', args: ['/opt/dragonfly/bin/dfget', 'daemon'] },
        { pid: 31, comm: 'dfdaemon', args: ['/usr/local/bin/dfdaemon', '--config', '/etc/dragonfly/dfdaemon.yaml'] },
      ]);
      expect((await findProcesses('sshd', proc)).map((p) => p.pid)).toEqual([12]);
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
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

describe('stripTomlSecrets', () => {
  it('blanks known credential keys in containerd TOML and keeps the rest', async () => {
    const { stripTomlSecrets } = await import('../../src/probes/containerd-proc.js');
    const text = [
      '[plugins."io.containerd.grpc.v1.cri".registry.configs."r.example.com".auth]',
      '  username = "robot"',
      '  password = "hunter2-long-secret"',
      "  auth = 'cm9ib3Q6aHVudGVyMg=='",
      '  identitytoken = "tok\\"en"',
      '[host."http://127.0.0.1:4001".header]',
      '  Authorization = "Basic cm9ib3Q6aHVudGVyMg=="',
      '  X-Dragonfly-Registry = "https://u:p@index.docker.io"',
      'max_concurrent_downloads = 3',
    ].join('\n');
    const out = stripTomlSecrets(text);
    for (const secret of ['hunter2-long-secret', 'cm9ib3Q6aHVudGVyMg==', 'tok\\"en', 'u:p@'])
      expect(out).not.toContain(secret);
    expect(out).toContain('username = "robot"');
    expect(out).toContain('password = "REDACTED"');
    expect(out).toContain('X-Dragonfly-Registry = "https://index.docker.io"');
    expect(out).toContain('max_concurrent_downloads = 3');
  });
});
