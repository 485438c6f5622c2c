import { describe, expect, it } from 'vitest';
import {
  assertBenchNamespace,
  mirrorBlobRequest,
  parseImageRef,
  type PullPath,
} from '../../src/probes/bench-containerd.js';
import { parseDdSummary } from '../../src/probes/bench-phases.js';

describe('bench: the pull path', () => {
  it('normalises image references the way containerd does', () => {
    expect(parseImageRef('nginx')).toMatchObject({
      registryHost: 'docker.io',
      repo: 'library/nginx',
      ref: 'docker.io/library/nginx:latest',
    });
    expect(parseImageRef('127.0.0.1:5000/lab/app:v1')).toMatchObject({
      registryHost: '127.0.0.1:5000',
      repo: 'lab/app',
      suffix: ':v1',
    });
    expect(parseImageRef('ghcr.io/o/i@sha256:' + 'a'.repeat(64)).suffix).toBe('@sha256:' + 'a'.repeat(64));
    expect(() => parseImageRef('not an image')).toThrow(/not an image reference: "not an image": it holds a space/);
    expect(() => parseImageRef('Registry.io/UPPER:1')).toThrow(
      /not an image reference: "Registry.io\/UPPER:1": its repository "UPPER" \(under Registry.io\) is not lower-case/,
    );
    expect(() => parseImageRef('Nginx')).toThrow(/its repository "library\/Nginx" \(under docker.io\)/);
    expect(() => parseImageRef('  ')).toThrow(/it is empty/);
  });

  it('builds the request containerd sends through a mirror: ?ns= and the hosts.toml headers', () => {
    const path = {
      repo: 'team/app',
      registryHost: 'harbor.example.com',
      mirror: { url: 'http://127.0.0.1:4001', headers: { 'X-Dragonfly-Registry': 'https://harbor.example.com' } },
    } as unknown as PullPath;
    const r = mirrorBlobRequest(path, 'sha256:abc');
    expect(r?.url).toBe('http://127.0.0.1:4001/v2/team/app/blobs/sha256:abc?ns=harbor.example.com');
    expect(r?.headers['X-Dragonfly-Registry']).toBe('https://harbor.example.com');
    expect(mirrorBlobRequest({ ...path, mirror: null } as PullPath, 'sha256:abc')).toBeNull();
  });

  it('never uses a namespace that is not its own', () => {
    for (const ns of ['k8s.io', 'default', 'moby', 'dfdoctor-lab'])
      expect(() => assertBenchNamespace(ns)).toThrow(/refusing/);
    expect(() => assertBenchNamespace('dfdoctor-bench-0a1b2c3d')).not.toThrow();
  });

  it("reads dd's summary line in either locale", () => {
    expect(
      parseDdSummary('50+0 records in\n50+0 records out\n52428800 bytes (52 MB, 50 MiB) copied, 2.49 s, 21.1 MB/s\n'),
    ).toEqual({ bytes: 52428800, seconds: 2.49 });
    expect(parseDdSummary('1048576 bytes (1.0 MB, 1.0 MiB) copied, 0,0123 s, 85 MB/s')).toEqual({
      bytes: 1048576,
      seconds: 0.0123,
    });
    expect(parseDdSummary('dd: failed to open')).toBeNull();
  });
});
