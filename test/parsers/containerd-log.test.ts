import { describe, expect, it } from 'vitest';
import {
  logfmtFields,
  parseContainerdLogLine,
  withoutRepeatedClientFailures,
} from '../../src/parsers/containerd-log.js';
import { criPluginRow, parseCtrPlugins } from '../../src/parsers/containerd-plugins.js';
import { parseContainerdVersion, versionAtLeast } from '../../src/parsers/containerd-version.js';

describe('containerd log lines', () => {
  // crictl's stderr of dragonflyoss/dragonfly#3582: the CRI client's klog line, then crictl's own
  const CLIENT =
    'E1016 16:43:09.501206 2644669 remote_image.go:180] "PullImage from image service failed" err="rpc error: code = Unknown desc = failed to pull and unpack image \\"harbor.nebula.com/base/df/nginx:0911\\": failed to resolve reference \\"harbor.nebula.com/base/df/nginx:0911\\": pulling from host 127.0.0.1:65001 failed with status code [manifests 0911]: 500 Internal Server Error" image="harbor.nebula.com/base/df/nginx:0911"';
  const FATA =
    'level=fatal msg="pulling image: failed to pull and unpack image \\"harbor.nebula.com/base/df/nginx:0911\\": failed to resolve reference \\"harbor.nebula.com/base/df/nginx:0911\\": pulling from host 127.0.0.1:65001 failed with status code [manifests 0911]: 500 Internal Server Error"';

  it("reads the CRI client's klog line of a failed pull as the failure containerd answered", () => {
    expect(parseContainerdLogLine(CLIENT, 1)).toMatchObject({
      kind: 'pull-failed-at-host',
      criClient: true,
      image: 'harbor.nebula.com/base/df/nginx:0911',
      failedAt: {
        host: '127.0.0.1:65001',
        status: 500,
        request: '/v2/base/df/nginx/manifests/0911?ns=harbor.nebula.com',
      },
    });
    // the client's other lines are no containerd event
    expect(
      parseContainerdLogLine(
        'E1016 16:43:09.501206 2644669 remote_runtime.go:1 "ContainerStatus from runtime service failed" err="x"',
        1,
      ),
    ).toBeNull();
  });

  it("counts once a failure crictl's FATA line repeats, and keeps a client line that stands alone", () => {
    const client = parseContainerdLogLine(CLIENT, 1)!;
    const fata = parseContainerdLogLine(FATA, 2)!;
    expect(withoutRepeatedClientFailures([client, fata])).toEqual([fata]);
    // crictl before v1.28 kept the gRPC status in its error
    const older = parseContainerdLogLine(
      FATA.replace('pulling image: ', 'pulling image: rpc error: code = Unknown desc = '),
      2,
    )!;
    expect(withoutRepeatedClientFailures([client, older])).toEqual([older]);
    expect(withoutRepeatedClientFailures([client])).toEqual([client]);
    // another pull's failure after it is no repeat
    const other = parseContainerdLogLine(FATA.replace(/0911/g, '0912'), 2)!;
    expect(withoutRepeatedClientFailures([client, other])).toEqual([client, other]);
  });

  it('reads a real "trying next host" line (containerd 1.6.20, recorded in the lab)', () => {
    const line =
      'time="2026-11-25T19:19:40Z" level=info msg="trying next host" error="failed to do request: Head \\"https://127.0.0.1:40297/v2/x/y/manifests/1?ns=127.0.0.1%3A43069\\": dial tcp 127.0.0.1:40297: connect: connection refused" host="127.0.0.1:40297"';
    const ev = parseContainerdLogLine(line, 7);
    expect(ev).toMatchObject({
      kind: 'trying-next-host',
      line: 7,
      host: '127.0.0.1:40297',
      time: '2026-11-25T19:19:40Z',
    });
    expect(ev?.error).toContain('connection refused');
    expect(ev?.error).toContain('"https://127.0.0.1:40297/v2/x/y/manifests/1?ns=127.0.0.1%3A43069"');
  });

  it("reads a pull that failed with a host's error status, in each release's wording", () => {
    // containerd 1.6.20 through ctr, recorded in the lab (test/lab/containerd-erroring-mirror.test.ts)
    const ctr =
      'ctr: failed to resolve reference "127.0.0.1:39813/lab/erroring:v1": pulling from host 127.0.0.1:46211 failed with status code [manifests v1]: 500 Internal Server Error';
    // the wording names the host and the tag, not the URL: the request is rebuilt from the image the error names
    expect(parseContainerdLogLine(ctr, 3)).toMatchObject({
      kind: 'pull-failed-at-host',
      failedAt: { host: '127.0.0.1:46211', status: 500, request: '/v2/lab/erroring/manifests/v1?ns=127.0.0.1:39813' },
    });
    // the CRI plugin's line of it (instrumented_service.go "PullImage %q failed"), whose wrap names the
    // image: the error of dragonflyoss/dragonfly#3582
    const crictl =
      'time="2024-10-16T08:43:09Z" level=error msg="PullImage \\"harbor.nebula.com/base/df/nginx:0911\\" failed" error="failed to pull and unpack image \\"harbor.nebula.com/base/df/nginx:0911\\": failed to resolve reference \\"harbor.nebula.com/base/df/nginx:0911\\": pulling from host 127.0.0.1:65001 failed with status code [manifests 0911]: 500 Internal Server Error"';
    expect(parseContainerdLogLine(crictl, 2)?.failedAt).toEqual({
      host: '127.0.0.1:65001',
      status: 500,
      request: '/v2/base/df/nginx/manifests/0911?ns=harbor.nebula.com',
    });
    // without the image, no request
    expect(
      parseContainerdLogLine(
        'ctr: pulling from host 127.0.0.1:65001 failed with status code [manifests 0911]: 500 Internal Server Error',
        1,
      )?.failedAt,
    ).toEqual({ host: '127.0.0.1:65001', status: 500 });
    // the CRI plugin's own error line, 1.7+ wording (k3s-io/k3s#10351: an embedded mirror on :6443)
    const cri =
      'time="2024-06-13T22:28:38.407225150+02:00" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:x,Attempt:0,} failed, error" error="failed to get sandbox image \\"rancher/mirrored-pause:3.6\\": failed to pull and unpack image \\"docker.io/rancher/mirrored-pause:3.6\\": failed to resolve reference \\"docker.io/rancher/mirrored-pause:3.6\\": unexpected status from HEAD request to https://127.0.0.1:6443/v2/rancher/mirrored-pause/manifests/3.6?ns=docker.io: 500 Internal Server Error"';
    expect(parseContainerdLogLine(cri, 1)?.failedAt).toEqual({
      host: '127.0.0.1:6443',
      status: 500,
      url: 'https://127.0.0.1:6443/v2/rancher/mirrored-pause/manifests/3.6?ns=docker.io',
    });
    // the fetcher's own wording (≤ 2.0.x, v1.6.24 remotes/docker/fetcher.go:185, :187) for a blob, as ctr
    // prints a pull's error, with the registry's message after it (crictl's form: fixtures/real/containerd-crictl-mirror-blob-400)
    const blob =
      'ctr: failed to copy: httpReadSeeker: failed open: unexpected status code https://docker.example/v2/library/nginx/blobs/sha256:566e?ns=docker.io: 400 Bad Request - Server message: unknown';
    expect(parseContainerdLogLine(blob, 3)?.failedAt).toEqual({
      host: 'docker.example',
      status: 400,
      url: 'https://docker.example/v2/library/nginx/blobs/sha256:566e?ns=docker.io',
    });
    // the same words from 1.4.0–1.4.11's resolver, for a manifest by tag, which it failed at once without
    // trying the hosts after it (v1.4.0 remotes/docker/resolver.go:306): no pull that every host failed
    expect(
      parseContainerdLogLine(
        'ctr: failed to resolve reference "docker.io/library/busybox:1.36": unexpected status code http://127.0.0.1:4001/v2/library/busybox/manifests/1.36?ns=docker.io: 500 Internal Server Error',
        5,
      ),
    ).toBeNull();
  });

  it('reads a pull that failed on a request no host answered, and not one its caller gave up on', () => {
    // containerd 1.6.20 through ctr, recorded for fixtures/real/containerd-ctr-mirror-refused-terminal
    const refused =
      'ctr: failed to resolve reference "docker.io/library/busybox:1.36": failed to do request: Head "http://127.0.0.1:4001/v2/library/busybox/manifests/1.36?ns=docker.io": dial tcp 127.0.0.1:4001: connect: connection refused';
    expect(parseContainerdLogLine(refused, 4)).toMatchObject({
      kind: 'pull-failed-unanswered',
      failedAt: {
        host: '127.0.0.1:4001',
        url: 'http://127.0.0.1:4001/v2/library/busybox/manifests/1.36?ns=docker.io',
        transport: 'dial tcp 127.0.0.1:4001: connect: connection refused',
      },
    });
    // Go before 1.14 left the URL unquoted (containerd 1.3.0 through crictl, containerd/cri#1336), and
    // crictl's line ends in a blank
    const unquoted =
      'FATA[0000] pulling image failed: rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ubuntu:18.04": failed to resolve reference "docker.io/library/ubuntu:18.04": failed to do request: Head http://localhost:1234/v2/library/ubuntu/manifests/18.04: dial tcp 127.0.0.1:1234: connect: connection refused ';
    expect(parseContainerdLogLine(`level=fatal msg=${JSON.stringify(unquoted.slice(11))}`, 2)?.failedAt).toEqual({
      host: 'localhost:1234',
      url: 'http://localhost:1234/v2/library/ubuntu/manifests/18.04',
      transport: 'dial tcp 127.0.0.1:1234: connect: connection refused',
    });
    // the fetcher's blob request, in the error field of the CRI plugin's line (a mirror's EOF, as
    // NginxProxyManager/nginx-proxy-manager#4479 quotes it)
    const blob =
      'level=error msg="PullImage \\"jc21/nginx-proxy-manager:latest\\" failed" error="failed to copy: httpReadSeeker: failed open: failed to do request: Get \\"https://hub-mirror.c.163.com/v2/jc21/nginx-proxy-manager/blobs/sha256:e53e87b0740476098e532b9715d68a910319716ab637de84b93d15d51bae1cd0?ns=docker.io\\": EOF"';
    expect(parseContainerdLogLine(blob, 9)?.failedAt).toEqual({
      host: 'hub-mirror.c.163.com',
      url: 'https://hub-mirror.c.163.com/v2/jc21/nginx-proxy-manager/blobs/sha256:e53e87b0740476098e532b9715d68a910319716ab637de84b93d15d51bae1cd0?ns=docker.io',
      transport: 'EOF',
    });
    // a request its caller cancelled, or whose deadline passed, says nothing of the host
    for (const cause of ['context canceled', 'context deadline exceeded'])
      expect(
        parseContainerdLogLine(
          `ctr: failed to copy: httpReadSeeker: failed open: failed to do request: Get "http://127.0.0.1:4001/v2/x/blobs/sha256:00?ns=docker.io": ${cause}`,
          1,
        ),
      ).toBeNull();
    // the host containerd moved on from is "trying next host", however its error reads
    expect(
      parseContainerdLogLine(
        'time="2026-11-25T19:19:40Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/x/manifests/1?ns=docker.io\\": dial tcp 127.0.0.1:4001: connect: connection refused" host="127.0.0.1:4001"',
        3,
      )?.kind,
    ).toBe('trying-next-host');
  });

  it('reads a pull that failed on an answer that was no manifest, with the image the error names', () => {
    // the CRI plugin's error line (the message of kubernetes-sigs/cri-tools#1137, logfmt-escaped)
    const line =
      'level=error msg="PullImage \\"victoriametrics/victoria-metrics:v1.76.1\\" failed" error="rpc error: code = NotFound desc = failed to pull and unpack image \\"docker.io/victoriametrics/victoria-metrics:v1.76.1\\": failed to unpack image on snapshotter overlayfs: unexpected media type text/html for sha256:04a732b9876d77c18601b92f91bb05d4591a1356dbbfd732c13f4db1362c796d: not found"';
    expect(parseContainerdLogLine(line, 2)).toMatchObject({
      kind: 'pull-failed-not-manifest',
      notManifest: {
        mediaType: 'text/html',
        digest: 'sha256:04a732b9876d77c18601b92f91bb05d4591a1356dbbfd732c13f4db1362c796d',
        image: 'docker.io/victoriametrics/victoria-metrics:v1.76.1',
      },
    });
    // a digest cut short is no digest
    expect(parseContainerdLogLine('ctr: unexpected media type text/html for sha256:04a7: not found', 1)).toBeNull();
  });

  it('reads the JSON format ([debug] format = "json"), behind a journal prefix too', () => {
    // containerd 1.6.20, recorded in the lab (test/lab/containerd-probe.test.ts): logrus' JSON, keys sorted
    const refusal =
      '{"error":"invalid plugin config: `mirrors` cannot be set when `config_path` is provided","level":"warning","msg":"failed to load plugin io.containerd.grpc.v1.cri","time":"2026-12-07T14:21:18.444969570Z"}';
    expect(parseContainerdLogLine(refusal, 2)).toMatchObject({
      kind: 'mirrors-with-config-path',
      time: '2026-12-07T14:21:18.444969570Z',
    });
    // the resolver's line in the same shape, in a journal
    const next = `Dec 07 14:21:20 node-1 containerd[812]: ${JSON.stringify({
      error:
        'failed to do request: Head "http://127.0.0.1:4001/v2/library/x/manifests/1?ns=docker.io": dial tcp 127.0.0.1:4001: connect: connection refused',
      host: '127.0.0.1:4001',
      level: 'info',
      msg: 'trying next host',
      time: '2026-12-07T14:21:20.000000000Z',
    })}`;
    expect(parseContainerdLogLine(next, 3)).toMatchObject({ kind: 'trying-next-host', host: '127.0.0.1:4001' });
    // JSON that is no log line, or one cut short, is nothing
    expect(parseContainerdLogLine('{"msg": 3}', 1)).toBeNull();
    expect(parseContainerdLogLine('{"level":"info","msg":"trying next host","ti', 1)).toBeNull();
  });

  it('reads journald-prefixed lines and the other kinds', () => {
    const j =
      'Nov 20 07:58:01 node-1 containerd[812]: time="2026-11-20T07:58:01Z" level=error msg="failed to decode hosts.toml" error="invalid `host` tree"';
    expect(parseContainerdLogLine(j, 1)).toMatchObject({ kind: 'hosts-toml-decode', error: 'invalid `host` tree' });
    expect(
      parseContainerdLogLine(
        'level=error msg="cancel pulling image docker.io/library/x:1 because of no progress in 1m0s"',
        2,
      )?.kind,
    ).toBe('progress-cancel');
    expect(
      parseContainerdLogLine(
        'level=warning msg="Found \'MaxConcurrentDownloads\' in CRI config which is incompatible with transfer service (value 6). Falling back to local image pull mode."',
        3,
      )?.kind,
    ).toBe('transfer-incompatible');
    // a CRI pull's first line starts the timing of its resolve (facts/containerd-host-attempts.ts); its last is not read
    expect(parseContainerdLogLine('level=info msg="PullImage \\"x\\""', 4)).toMatchObject({
      kind: 'pull-image',
      image: 'x',
    });
    expect(
      parseContainerdLogLine('level=info msg="PullImage \\"x\\" returns image reference \\"sha256:0a\\""', 4),
    ).toBeNull();
    expect(
      parseContainerdLogLine(
        'level=debug msg="do request" host="127.0.0.1:4001" request.method=HEAD url="http://127.0.0.1:4001/v2/x/manifests/1?ns=docker.io"',
        4,
      ),
    ).toMatchObject({
      kind: 'do-request',
      host: '127.0.0.1:4001',
      url: 'http://127.0.0.1:4001/v2/x/manifests/1?ns=docker.io',
    });
    expect(parseContainerdLogLine('garbage without fields', 5)).toBeNull();
  });

  it('reads the real 1.6.20 lines for a rejected hosts.toml and for mirrors with config_path (recorded in the lab)', () => {
    expect(
      parseContainerdLogLine(
        'time="2026-11-25T19:45:16Z" level=error msg="failed to decode hosts.toml" error="unknown capability mirror"',
        1,
      ),
    ).toMatchObject({
      kind: 'hosts-toml-decode',
      error: 'unknown capability mirror',
    });
    const l =
      'time="2026-11-25T19:45:16.246127922Z" level=warning msg="failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `mirrors` cannot be set when `config_path` is provided"';
    expect(parseContainerdLogLine(l, 2)?.kind).toBe('mirrors-with-config-path');
  });

  it('splits logfmt with escaped quotes', () => {
    expect(logfmtFields('a=1 b="x \\"y\\"" c=')).toEqual({ a: '1', b: 'x "y"', c: '' });
  });

  it('reads a quote a paste left open at the end of the line as the value written up to the cut', () => {
    expect(logfmtFields('msg="a" error="invalid plugin config: `mirrors` cannot')).toEqual({
      msg: 'a',
      error: 'invalid plugin config: `mirrors` cannot',
    });
  });

  it("reads containerd's CRI config error pasted alone, in each release's wrap, and not a sentence quoting it", () => {
    for (const l of [
      'invalid plugin config: `mirrors` cannot be set when `config_path` is provided',
      'invalid cri image config: `mirrors` cannot be set when `config_path` is provided',
      '  `mirrors` cannot be set when `config_path` is provided',
    ])
      expect(parseContainerdLogLine(l, 1), l).toMatchObject({ kind: 'mirrors-with-config-path' });
    for (const l of [
      'after the upgrade I get `mirrors` cannot be set when `config_path` is provided, why?',
      'invalid plugin config: `configs.tls` cannot be set when `config_path` is provided',
    ])
      expect(parseContainerdLogLine(l, 1), l).toBeNull();
  });
});

describe('containerd versions', () => {
  it.each([
    ['containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3', [1, 6, 20]],
    ['containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da', [1, 7, 27]],
    ['containerd github.com/containerd/containerd/v2 v2.1.0 061792f0ec', [2, 1, 0]],
    ['Client:\n  Version:  1.6.20~ds1\nServer:\n  Version:  1.7.10\n  UUID: x', [1, 7, 10]],
  ])('%s', (text, [ma, mi, pa]) => {
    expect(parseContainerdVersion(text)).toMatchObject({ major: ma, minor: mi, patch: pa });
  });
  it('compares', () => {
    const v = parseContainerdVersion('containerd x 2.1.0 y');
    expect(versionAtLeast(v, 2, 1)).toBe(true);
    expect(versionAtLeast(v, 2, 2)).toBe(false);
    expect(versionAtLeast(null, 1, 0)).toBe(false);
    expect(parseContainerdVersion('nothing here')).toBeNull();
  });
});

describe('ctr plugins ls', () => {
  it('finds the CRI plugin row and its status (1.6.20 output)', () => {
    const text = [
      'TYPE                                  ID                       PLATFORMS      STATUS    ',
      'io.containerd.content.v1              content                  -              ok        ',
      'io.containerd.snapshotter.v1          aufs                     linux/amd64    skip      ',
      'io.containerd.grpc.v1                 cri                      linux/amd64    error     ',
      'garbage',
    ].join('\n');
    const rows = parseCtrPlugins(text);
    expect(rows).toHaveLength(3);
    expect(criPluginRow(rows)).toEqual({ type: 'io.containerd.grpc.v1', id: 'cri', status: 'error', line: 4 });
    expect(criPluginRow(parseCtrPlugins('io.containerd.cri.v1  images  -  ok'))?.status).toBe('ok');
  });
});
