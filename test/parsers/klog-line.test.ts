import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKlogLine } from '../../src/parsers/klog-line.js';

describe('klog lines', () => {
  it("reads crictl's structured line of a failed pull (dragonflyoss/dragonfly#3582, cri-tools v1.28–v1.30 remote_image.go:180)", () => {
    const line =
      'E1016 16:43:09.501206 2644669 remote_image.go:180] "PullImage from image service failed" err="rpc error: code = Unknown desc = failed to pull and unpack image \\"harbor.nebula.com/base/df/nginx:0911\\": 500 Internal Server Error" image="harbor.nebula.com/base/df/nginx:0911"';
    expect(parseKlogLine(line)).toEqual({
      severity: 'E',
      caller: 'remote_image.go:180',
      msg: 'PullImage from image service failed',
      fields: {
        err: 'rpc error: code = Unknown desc = failed to pull and unpack image "harbor.nebula.com/base/df/nginx:0911": 500 Internal Server Error',
        image: 'harbor.nebula.com/base/df/nginx:0911',
      },
    });
  });

  it('takes a thread id padded to 7 columns, a journal prefix, bare values, and a printf-style line', () => {
    expect(
      parseKlogLine(
        'Oct 16 08:45:00 node-1 kubelet[812]: W1016 08:45:00.123456     812 reflector.go:424] "Failed to watch" err="x=1, y" count=3',
      ),
    ).toEqual({
      severity: 'W',
      caller: 'reflector.go:424',
      msg: 'Failed to watch',
      fields: { err: 'x=1, y', count: '3' },
    });
    expect(parseKlogLine('I0101 00:00:01.000001   12345 server.go:7] Version: v1.30.2')).toEqual({
      severity: 'I',
      caller: 'server.go:7',
      msg: 'Version: v1.30.2',
      fields: {},
    });
  });

  it("reads crictl's line behind kubeadm's `output: ` wrap (kubernetes/website#40520, kubeadm#2936)", () => {
    const line = readFileSync(
      'fixtures/real/kubeadm-preflight-crictl-output-40520/raw/containerd/journal.txt',
      'utf8',
    ).split('\n')[0] as string;
    expect(parseKlogLine(line)).toMatchObject({
      severity: 'E',
      caller: 'remote_image.go:171',
      msg: 'PullImage from image service failed',
      fields: { image: 'registry.k8s.io/coredns/coredns:v1.9.3' },
    });
    // `kubeadm config images pull` words it "failed to pull image \"<image>\": output: …"; with --v=5
    // the wrap starts a line of its own (kubernetes#112464)
    const body = line.slice(line.indexOf('E0405'));
    expect(
      parseKlogLine(`failed to pull image "registry.k8s.io/coredns/coredns:v1.9.3": output: ${body}`)?.caller,
    ).toBe('remote_image.go:171');
    expect(parseKlogLine(`output: ${body}`)?.caller).toBe('remote_image.go:171');
    // other words before the header are no klog line
    expect(parseKlogLine(`failed to pull image: ${body}`)).toBeNull();
  });

  it('is no other line', () => {
    for (const l of [
      'time="2024-10-16T08:43:09Z" level=error msg="x"',
      'FATA[0000] pulling image: x',
      'E1016 16:43:09 2644669 remote_image.go:180] no microseconds',
      'X1016 16:43:09.501206 2644669 remote_image.go:180] "bad severity"',
    ])
      expect(parseKlogLine(l)).toBeNull();
  });
});
