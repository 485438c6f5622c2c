import { stepText } from '../../src/report/steps-render.js';
import { describe, expect, it } from 'vitest';
import type { Measurements } from '../../src/bundle/measurements.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';
import { lowDownloadConcurrency } from '../../src/rules/containerd/low-download-concurrency.js';
import { mirrorFallback } from '../../src/rules/containerd/mirror-fallback.js';
import { mirrorMisconfigured } from '../../src/rules/containerd/mirror-misconfigured.js';
import { registryRoundtrip } from '../../src/rules/containerd/registry-roundtrip.js';
import { unpackBound } from '../../src/rules/containerd/unpack-bound.js';
import { serialPulls } from '../../src/rules/kubelet.js';

const LISTEN =
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n';
const CFG = (layout: 2 | 3) =>
  layout === 2
    ? 'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'
    : "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n";
const HOSTS = (caps = '"pull", "resolve"') =>
  `server = "https://index.docker.io"\n[host."http://127.0.0.1:4001"]\n  capabilities = [${caps}]\n`;

function bench(layers: number, bytes: number, wall: number): Measurements['bench'] {
  return {
    image: 'r/app:1',
    pulls: [
      {
        kind: 'warm',
        wallSeconds: wall,
        resolveSeconds: null,
        layers: Array.from({ length: layers }, (_, i) => ({
          digest: `sha256:${i}`,
          bytes: bytes / layers,
          fetchSeconds: null,
          unpackSeconds: null,
        })),
      },
    ],
    floors: { dfdaemonFetchMBps: null, diskReadMBps: null, loopbackMBps: null, gunzipMBps: null, sha256MBps: null },
  };
}

describe('containerd.mirror-misconfigured', () => {
  it("fires when dfdaemon runs but containerd has no routing, with the layout's snippet", async () => {
    for (const layout of [2, 3] as const) {
      const f = await factsFrom({
        'raw/containerd/config.toml': `version = ${layout}\n`,
        'raw/net/listeners.txt': LISTEN,
      });
      const m = mirrorMisconfigured.when(f);
      expect(m?.severity).toBe('critical');
      const steps = m!.remediation.steps.map(stepText).join('\n');
      expect(steps).toContain(
        layout === 3
          ? "[plugins.'io.containerd.cri.v1.images'.registry]"
          : '[plugins."io.containerd.grpc.v1.cri".registry]',
      );
      expect(steps).toContain('systemctl restart containerd');
    }
  });
  it('tells a Go dfdaemon that serves no proxy to give it a port, and routes containerd to that port', async () => {
    const files = (port: string) => ({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS().replace(/4001/g, '65001'),
      'raw/dfdaemon/config/dfget.yaml': `proxy:\n  tcpListen:\n    listen: 0.0.0.0\n    port:${port}\n`,
    });
    const m = mirrorMisconfigured.when(await factsFrom(files('')));
    expect(m?.severity).toBe('critical');
    expect(m!.evidence.join('\n')).toMatch(/dfget.yaml:4 leaves proxy.tcpListen.port empty or 0/);
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toMatch(/proxy:\n {2}tcpListen:\n {4}port: 65001/);
    expect(steps).not.toContain('4001');
    expect(mirrorMisconfigured.when(await factsFrom(files(' 65001')))).toBeNull();
  });
  it('is silent for a working dfdaemon route, and without a dfdaemon on the node', async () => {
    expect(
      mirrorMisconfigured.when(
        await factsFrom({
          'raw/containerd/config.toml': CFG(2),
          'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
          'raw/net/listeners.txt': LISTEN,
        }),
      ),
    ).toBeNull();
    expect(mirrorMisconfigured.when(await factsFrom({ 'raw/containerd/config.toml': 'version = 2\n' }))).toBeNull();
  });
  it('names a config_path written in the CRI table itself, moves it, and takes the legacy mirrors out with it', async () => {
    // the shape of a public install script's config for containerd 2.1.4: config_path one table too high
    const config = `version = 2
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  config_path = "/etc/containerd/certs.d"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]
    endpoint = ["https://mirror.example"]
`;
    const f = await factsFrom({
      'raw/containerd/config.toml': config,
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/net/listeners.txt': LISTEN,
    });
    expect(f.containerd?.config.cri.configPath).toBeUndefined();
    // first the key that is misplaced, then what follows from it; the mirror is not dfdaemon ('no-routing')
    expect(f.containerd?.misconfigs.map((x) => x.kind)).toEqual(['config-path-misplaced', 'wrong-dir', 'no-routing']);
    const m = mirrorMisconfigured.when(f);
    expect(m?.severity).toBe('critical');
    expect(m?.evidence[0]).toMatch(
      /^config_path = "\/etc\/containerd\/certs\.d" is set in \[plugins\."io\.containerd\.grpc\.v1\.cri"\] itself, where containerd does not read it/,
    );
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain('move config_path from [plugins."io.containerd.grpc.v1.cri"] into its registry table');
    expect(steps).toContain('delete the registry.mirrors tables (docker.io)');
    // once: the config_path snippet of the move, not a second one to set it
    expect(steps.split('config_path = "/etc/containerd/certs.d"').length - 1).toBe(1);
    // the same config with config_path where it belongs: no misplaced key (the mirrors beside it are another finding)
    const right = await factsFrom({
      'raw/containerd/config.toml': config.replace(
        '  config_path = "/etc/containerd/certs.d"\n',
        '  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "/etc/containerd/certs.d"\n',
      ),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/net/listeners.txt': LISTEN,
    });
    expect(right.containerd?.misconfigs.map((x) => x.kind)).not.toContain('config-path-misplaced');
  });
  it('takes legacy mirrors out where it advises setting config_path beside them', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."quay.io"]\n  endpoint = ["https://quay.example"]\n',
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/net/listeners.txt': LISTEN,
    });
    const steps = mirrorMisconfigured.when(f)!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain('[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path');
    expect(steps).toContain('delete the registry.mirrors tables (quay.io)');
  });
  // fixtures/real/containerd-1.4-mirror-keyed-registry-1 (dragonfly#1344) is the real case
  it('renames a misnamed legacy mirror where it is, with its endpoints, and sets no config_path beside it', async () => {
    const legacy = (name: string) =>
      `version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."${name}"]\n  endpoint = ["http://127.0.0.1:65001","https://registry-1.docker.io"]\n`;
    const m = mirrorMisconfigured.when(
      await factsFrom({ 'raw/containerd/config.toml': legacy('registry-1.docker.io') }),
    );
    expect(m?.severity).toBe('critical');
    expect(m?.evidence[0]).toBe(
      'registry.mirrors is keyed on "registry-1.docker.io", but containerd looks up Docker Hub images under "docker.io": the mirror is never used for them (raw/containerd/config.toml:3)',
    );
    expect(m?.remediation.summary).toMatch(/^Key the registry\.mirrors table on the name images use/);
    const snippets = m!.remediation.steps.flatMap((s) => (s.kind === 'snippet' ? [s] : []));
    // the node's own port (the Go daemon's 65001), not the Rust default; no config_path, which 1.5–1.7
    // refuse beside registry.mirrors and 1.4 does not have
    expect(snippets.map((s) => [s.file, s.text])).toEqual([
      [
        '/etc/containerd/config.toml',
        '[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:65001", "https://registry-1.docker.io"]',
      ],
    ]);
    expect(m!.remediation.steps.map(stepText).join('\n')).not.toContain('config_path =');
    // keyed on docker.io already: nothing to rename
    expect(mirrorMisconfigured.when(await factsFrom({ 'raw/containerd/config.toml': legacy('docker.io') }))).toBeNull();
  });
  it('writes a misnamed hosts.toml again under the name images use', async () => {
    const m = mirrorMisconfigured.when(
      await factsFrom({
        'raw/containerd/config.toml': CFG(2),
        'raw/containerd/certs.d/index.docker.io/hosts.toml': HOSTS(),
        'raw/net/listeners.txt': LISTEN,
      }),
    );
    expect(m?.evidence[0]).toMatch(/^hosts\.toml is keyed on "index\.docker\.io"/);
    const files = m!.remediation.steps.flatMap((s) => (s.kind === 'snippet' ? [s.file] : []));
    expect(files).toEqual(['/etc/containerd/certs.d/docker.io/hosts.toml']);
  });
  it('fires on a refused mirror (nothing listens) but leaves a black-holed one to mirror-fallback', async () => {
    const check = (tcp: string) =>
      JSON.stringify([
        {
          host: '127.0.0.1:4001',
          url: 'http://127.0.0.1:4001',
          tcp,
          connectMs: tcp === 'refused' ? 0.1 : null,
          v2Status: null,
        },
      ]);
    const base = {
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/net/listeners.txt': LISTEN,
    };
    const refused = await factsFrom({ ...base, 'raw/containerd/mirror-check.json': check('refused') });
    expect(mirrorMisconfigured.when(refused)?.evidence[0]).toMatch(/nothing listens on 127\.0\.0\.1:4001/);
    const dropped = await factsFrom({ ...base, 'raw/containerd/mirror-check.json': check('timeout') });
    expect(mirrorMisconfigured.when(dropped)).toBeNull();
    const fb = mirrorFallback.when(dropped);
    expect(fb?.severity).toBe('critical');
    expect(fb?.impactSeconds).toBe(30);
  });
});

describe('containerd.mirror-fallback', () => {
  it('counts "trying next host" lines for the mirror and costs each blob request the dial timeout', async () => {
    const line = (i: number) =>
      `time="2026-11-20T07:5${i}:00Z" level=info msg="trying next host" error="dial tcp 127.0.0.1:4001: i/o timeout" host="127.0.0.1:4001"`;
    const f = await factsFrom(
      {
        'raw/containerd/config.toml': CFG(2),
        'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
        'raw/containerd/journal.txt': [line(1), 'level=info msg="trying next host" host="other:5000"', line(2)].join(
          '\n',
        ),
        'raw/containerd/mirror-check.json': JSON.stringify([
          { host: '127.0.0.1:4001', url: 'http://127.0.0.1:4001', tcp: 'timeout', connectMs: null, v2Status: null },
        ]),
      },
      { measurements: { bench: bench(4, 4e8, 10) } },
    );
    const m = mirrorFallback.when(f);
    expect(m?.evidence[0]).toMatch(/^2 "trying next host" line\(s\) for 127\.0\.0\.1:4001/);
    // the count is a floor: fetches by digest that leave the mirror are not logged at info level
    expect(m?.evidence[1]).toMatch(
      /fetches by digest .* logs nothing at info level \(core\/remotes\/docker\/fetcher\.go\)/,
    );
    expect(m?.impactSeconds).toBe((4 + 2) * 30);
  });
  it('judges a line without host= by the request its error quotes: a last host\'s "fetch failed" at the registry is no mirror\'s', async () => {
    // buildkit vendors containerd's resolver and logs no host= (lines as a buildkit doc quotes them)
    const lines = [
      'level=info msg="trying next host" error="mkdir /nonexistent: permission denied" span="resolving docker.io/library/python:3.11-slim"',
      'level=info msg="trying next host" error="mkdir /nonexistent: permission denied" span="resolving docker.io/library/python:3.11-slim"',
      'level=info msg="fetch failed" error="failed to do request: Head \\"https://registry-1.docker.io/v2/library/python/manifests/3.11-slim\\": dial tcp 74.86.228.110:443: i/o timeout"',
    ];
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': lines.join('\n') }));
    expect(m?.severity).toBe('warning');
    expect(m?.evidence[0]).toMatch(/^2 "trying next host" line\(s\) for \?/);
    // a mirror's request (ns=) in a "fetch failed" line counts, and is named as what it says
    const mirror =
      'level=info msg="fetch failed" error="failed to do request: Head \\"http://mirror.example:5000/v2/library/python/manifests/3.11-slim?ns=docker.io\\": dial tcp 10.0.0.9:5000: i/o timeout"';
    const both = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': [...lines, mirror].join('\n') }));
    expect(both?.evidence[0]).toMatch(/^3 "trying next host" \/ "fetch failed" line\(s\)/);
  });
  it('matches a mirror written without a port to the host containerd logs for it (no port either)', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml':
        'server = "https://registry-1.docker.io"\n[host."http://dfdaemon.local"]\n  capabilities = ["pull", "resolve"]\n',
      'raw/containerd/journal.txt':
        'time="2026-11-20T07:51:00Z" level=info msg="trying next host" error="dial tcp: i/o timeout" host="dfdaemon.local"\n',
    });
    expect(mirrorFallback.when(f)?.evidence[0]).toMatch(/^1 "trying next host" line\(s\) for dfdaemon\.local/);
  });
  it('checks the mirrors that failed, and on registry.mirrors says the hosts.toml settings need the move first', async () => {
    // the real Bottlerocket case: two mirrors in registry.mirrors, neither of them dfdaemon
    const fx = loadFixture(
      new URL('../../fixtures/real/containerd-bottlerocket-mirror-timeout/', import.meta.url).pathname,
    );
    const m = mirrorFallback.when(await factsFrom(fx.files, { manifest: fx.manifest }));
    const steps = m!.remediation.steps.map(stepText);
    expect(steps.filter((x) => x.startsWith('$ curl '))).toEqual([
      "$ curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' https://mirror-a.example.com:81/v2/",
      "$ curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' http://localhost:8080/v2/",
    ]);
    const text = steps.join('\n');
    expect(text).toMatch(/registry\.mirrors, where containerd tries the registry itself after them/);
    expect(text).toContain('config_path = "/etc/containerd/certs.d"');
  });
  it("checks the port and the request of a mirror's error that names only the host (real Go dfdaemon 500)", async () => {
    // containerd's 1.4.12–1.6.24 wording names 127.0.0.1:65001, the Go dfdaemon's port, and no URL
    const fx = loadFixture(new URL('../../fixtures/real/dfdaemon-go-500-host-only-wording/', import.meta.url).pathname);
    const m = mirrorFallback.when(await factsFrom(fx.files, { manifest: fx.manifest }));
    const steps = m!.remediation.steps.map(stepText);
    expect(steps.filter((x) => x.startsWith('$ curl '))).toEqual([
      "$ curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' http://127.0.0.1:65001/v2/",
      "$ curl -sS -m 10 -o /dev/null -w '%{http_code}\\n' https://harbor.nebula.com/v2/    # any code, 401 included, means this node reaches the registry",
    ]);
    const text = steps.join('\n');
    expect(text).toContain('The mirror answered 500 to /v2/base/df/nginx/manifests/0911:');
    expect(text).toContain("grep -n '/v2/base/df/nginx/manifests/0911' ");
    // it answered: no timeout, no `server`
    expect(text).not.toMatch(/dial_timeout|`server`/);
    expect(m!.remediation.summary).toMatch(/^Find out why the mirror answers an error status/);
  });
  it('on a Bottlerocket node, sends the mirrors to the settings that render them, not to a file', async () => {
    const fx = loadFixture(
      new URL('../../fixtures/real/containerd-bottlerocket-mirror-timeout/', import.meta.url).pathname,
    );
    // the host as a probe on that node records it (its /etc/os-release PRETTY_NAME)
    const manifest = { ...fx.manifest, host: { ...fx.manifest.host, os: 'Bottlerocket OS 1.20.3 (aws-k8s-1.29)' } };
    const m = mirrorFallback.when(await factsFrom(fx.files, { manifest }));
    const steps = m!.remediation.steps.map(stepText);
    expect(steps.at(-1)).toMatch(/^On Bottlerocket these mirrors come from settings\.container-registry\.mirrors/);
    expect(m!.remediation.steps.filter((x) => x.kind === 'snippet')).toEqual([]);
  });
  it('gives hosts.toml settings straight away when the mirror is in a hosts.toml', async () => {
    const line =
      'time="2026-11-20T07:51:00Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/x/manifests/1\\": dial tcp 127.0.0.1:4001: i/o timeout" host="127.0.0.1:4001"';
    const f = await factsFrom({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt': `${line}\n`,
    });
    const text = mirrorFallback.when(f)!.remediation.steps.map(stepText).join('\n');
    expect(text).toContain("curl -sS -m 5 -o /dev/null -w '%{http_code} %{time_total}s\\n' http://127.0.0.1:4001/v2/");
    expect(text).not.toContain('registry.mirrors');
  });
  it('is silent with a healthy mirror and a quiet log', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt': 'level=info msg="PullImage \\"x\\""\n',
      'raw/containerd/mirror-check.json': JSON.stringify([
        { host: '127.0.0.1:4001', url: 'http://127.0.0.1:4001', tcp: 'open', connectMs: 0.1, v2Status: 200 },
      ]),
    });
    expect(mirrorFallback.when(f)).toBeNull();
  });
});

describe('containerd.registry-roundtrip', () => {
  it('fires only when the dfdaemon host lacks resolve', async () => {
    const files = (caps: string) => ({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(caps),
      'raw/net/listeners.txt': LISTEN,
    });
    expect(registryRoundtrip.when(await factsFrom(files('"pull"')))?.evidence[0]).toMatch(
      /no "resolve".*index\.docker\.io/,
    );
    expect(registryRoundtrip.when(await factsFrom(files('"pull", "resolve"')))).toBeNull();
  });
});

describe('containerd.low-download-concurrency', () => {
  const files = { 'raw/containerd/version.txt': 'containerd x 1.6.20 y', 'raw/containerd/config.toml': CFG(2) };
  it('estimates impact from the waves at the measured per-stream rate', async () => {
    const measurements: Measurements = {
      bench: bench(12, 1.2e9, 20),
      loopback: { dfdaemon: { endpoint: 'x', connectP50Ms: 0.1, ttfbP50Ms: 1, ttfbP99Ms: 2, throughputMBps: 100 } },
      disk: {
        path: '/var/lib/dragonfly',
        device: null,
        fsType: null,
        rotational: false,
        seqReadMBps: 2000,
        randReadP50Ms: null,
        randReadP99Ms: null,
        method: 'o_direct',
        bytesRead: 1,
        freeBytes: null,
        totalBytes: null,
      },
    };
    const m = lowDownloadConcurrency.when(await factsFrom(files, { measurements }));
    // 12 layers of 100 MB at 100 MB/s per stream: 4 waves × 1 s = 4 s with 3 slots; 2 waves (10 slots) = 2 s; the disk (2000 MB/s) does not cap
    expect(m?.impactSeconds).toBeCloseTo(2, 5);
    expect(m?.severity).toBe('warning');
    expect(m?.remediation.steps.map(stepText)[0]).toContain(
      '[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 10',
    );
  });
  it('uses the transfer service section on 2.1+', async () => {
    const m = lowDownloadConcurrency.when(
      await factsFrom(
        { 'raw/containerd/version.txt': 'containerd x v2.1.0 y', 'raw/containerd/config.toml': CFG(3) },
        { measurements: { bench: bench(12, 1.2e9, 20) } },
      ),
    );
    expect(m?.remediation.steps.map(stepText)[0]).toContain("[plugins.'io.containerd.transfer.v1.local']");
    expect(m?.evidence.join()).toMatch(/one semaphore for the whole node/);
  });
  it('is silent when the layers fit the limit, or without a pull to judge', async () => {
    expect(
      lowDownloadConcurrency.when(await factsFrom(files, { measurements: { bench: bench(3, 3e8, 5) } })),
    ).toBeNull();
    expect(lowDownloadConcurrency.when(await factsFrom(files))).toBeNull();
  });
});

describe('containerd.unpack-bound', () => {
  const dec = (unpigz: string | null) => JSON.stringify({ path: '/usr/bin', pathFrom: 'process', unpigz, igzip: null });
  const disk = (seq: number): Measurements['disk'] => ({
    path: '/',
    device: null,
    fsType: null,
    rotational: false,
    seqReadMBps: seq,
    randReadP50Ms: null,
    randReadP99Ms: null,
    method: 'o_direct',
    bytesRead: 1,
    freeBytes: null,
    totalBytes: null,
  });
  it('fires when gunzip is far below the transport and puts the unpack excess in impactSeconds', async () => {
    const f = await factsFrom(
      { 'raw/containerd/decompressors.json': dec('/usr/bin/unpigz') },
      { measurements: { cpu: { gunzipMBps: 50, sha256MBps: 500 }, disk: disk(500), bench: bench(2, 1e9, 30) } },
    );
    const m = unpackBound.when(f);
    expect(m?.impactSeconds).toBeCloseTo(1000 / 50 - 1000 / 500, 5);
  });
  describe('on MicroK8s, which writes its containerd.toml from a template and picks native on ZFS', () => {
    // canonical/microk8s microk8s-resources/default-args/containerd-template.toml @ d099c907 (excerpt), as
    // run-containerd-with-args:57 renders it with SNAP_DATA=/var/snap/microk8s/current
    const microk8s = (snapshotter: string) =>
      `# Use config version 2 to enable new configuration fields.\nversion = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  [plugins."io.containerd.grpc.v1.cri".containerd]\n    snapshotter = "${snapshotter}"\n    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n  [plugins."io.containerd.grpc.v1.cri".cni]\n    bin_dir = "/var/snap/microk8s/current/opt/cni/bin"\n    conf_dir = "/var/snap/microk8s/current/args/cni-network"\n  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "/var/snap/microk8s/current/args/certs.d"\n`;
    const steps = (m: ReturnType<typeof unpackBound.when>) => m?.remediation.steps ?? [];

    it('names the template and the zfs snapshotter, not /etc/containerd/config.toml and overlayfs', async () => {
      const m = unpackBound.when(await factsFrom({ 'raw/containerd/config.toml': microk8s('native') }));
      // its stock config on ZFS, with no pull shown slowed: info, not a warning
      expect(m?.severity).toBe('info');
      expect(m?.evidence[1]).toContain("MicroK8s' own choice there");
      expect(m?.remediation.summary).not.toMatch(/pigz|overlayfs/);
      expect(m?.remediation.summary).toContain(
        "use containerd's zfs snapshotter on a dataset of its own, named in /var/snap/microk8s/current/args/containerd-template.toml",
      );
      const text = steps(m).map(stepText).join('\n');
      expect(text).not.toContain('/etc/containerd/config.toml');
      expect(text).toContain('stat -f -c %T /var/snap/microk8s/common');
      expect(text).toContain(
        'zfs create -o mountpoint=/var/snap/microk8s/common/var/lib/containerd/io.containerd.snapshotter.v1.zfs <pool>/containerd',
      );
      expect(steps(m).find((s) => s.kind === 'snippet')).toMatchObject({
        file: '/var/snap/microk8s/current/args/containerd-template.toml',
        text: '[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "zfs"    # in place of "${SNAPSHOTTER}"',
      });
      expect(text).toContain('snap restart microk8s.daemon-containerd');
    });

    it('is a warning there too once a pull shows the unpack slowed it', async () => {
      const f = await factsFrom(
        { 'raw/containerd/config.toml': microk8s('native') },
        { measurements: { cpu: { gunzipMBps: 50, sha256MBps: 500 }, disk: disk(500), bench: bench(2, 1e9, 30) } },
      );
      expect(unpackBound.when(f)?.severity).toBe('warning');
    });

    it('is silent on the stock overlayfs render, and elsewhere native still gets overlayfs, pigz not first', async () => {
      expect(unpackBound.when(await factsFrom({ 'raw/containerd/config.toml': microk8s('overlayfs') }))).toBeNull();
      const m = unpackBound.when(
        await factsFrom({
          'raw/containerd/config.toml':
            'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n',
        }),
      );
      expect(m?.severity).toBe('warning');
      expect(m?.remediation.summary).toBe(
        'Use the overlayfs snapshotter (native copies each parent layer whole), and prefer zstd images on small CPUs.',
      );
      expect(steps(m).find((s) => s.kind === 'snippet')).toMatchObject({
        file: '/etc/containerd/config.toml',
        text: '[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "overlayfs"',
      });
      expect(steps(m).map(stepText).join('\n')).toContain('systemctl restart containerd');
    });
  });

  it('fires for a native snapshotter or missing unpigz, and not when gunzip keeps up', async () => {
    const native = await factsFrom({
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".containerd]\n  snapshotter = "native"\n  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]\n    runtime_type = "io.containerd.runc.v2"\n',
    });
    expect(unpackBound.when(native)?.evidence[0]).toMatch(/native/);
    const noPigz = await factsFrom(
      { 'raw/containerd/decompressors.json': dec(null) },
      { measurements: { cpu: { gunzipMBps: 150, sha256MBps: 500 }, disk: disk(200) } },
    );
    expect(unpackBound.when(noPigz)?.remediation.steps.map(stepText)[0]).toMatch(/pigz/);
    // what inflates in-process: Go's compress/gzip, and klauspost/compress/gzip from 2.4 (v2.4.0-beta.0)
    expect(unpackBound.when(noPigz)?.evidence.join('\n')).toMatch(
      /Go's compress\/gzip inflates every layer on one thread/,
    );
    for (const [v, inflater] of [
      ['v2.3.4', "Go's compress/gzip"],
      ['v2.4.0-beta.0', 'klauspost/compress/gzip'],
    ] as const) {
      const f = await factsFrom(
        {
          'raw/containerd/decompressors.json': dec(null),
          'raw/containerd/version.txt': `containerd github.com/containerd/containerd/v2 ${v} x\n`,
        },
        { measurements: { cpu: { gunzipMBps: 150, sha256MBps: 500 }, disk: disk(200) } },
      );
      expect(unpackBound.when(f)?.evidence.join('\n')).toContain(`or igzip on containerd's PATH`);
      expect(unpackBound.when(f)?.evidence.join('\n')).toContain(`${inflater} inflates every layer on one thread`);
    }
    const fine = await factsFrom(
      { 'raw/containerd/decompressors.json': dec('/usr/bin/unpigz') },
      { measurements: { cpu: { gunzipMBps: 150, sha256MBps: 500 }, disk: disk(200) } },
    );
    expect(unpackBound.when(fine)).toBeNull();
    // no unpigz but a CPU that keeps up with the transport: nothing to report
    const fast = await factsFrom(
      { 'raw/containerd/decompressors.json': dec(null) },
      { measurements: { cpu: { gunzipMBps: 300, sha256MBps: 500 }, disk: disk(200) } },
    );
    expect(unpackBound.when(fast)).toBeNull();
  });
  it('a slow CPU with unpigz installed and no pull it slowed is info, states the floor and installs nothing', async () => {
    const f = await factsFrom(
      { 'raw/containerd/decompressors.json': dec('/usr/bin/unpigz') },
      { measurements: { cpu: { gunzipMBps: 14, sha256MBps: 260 }, disk: disk(285) } },
    );
    const m = unpackBound.when(f);
    expect(m?.severity).toBe('info');
    expect(m?.title).toBe('Unpack sets the floor: pulls here cannot unpack faster than 14 MB/s of gzip layers');
    expect([m?.remediation.summary, ...(m?.remediation.steps ?? []).map(stepText)].join('\n')).not.toMatch(/install/i);
    expect(m?.evidence.join('\n')).toMatch(/inflates with \/usr\/bin\/unpigz .*nothing to install/);
  });
  it('a pull it slowed makes the same CPU a warning; the estimate never exceeds the measured pull', async () => {
    const f = await factsFrom(
      { 'raw/containerd/decompressors.json': dec('/usr/bin/unpigz') },
      { measurements: { cpu: { gunzipMBps: 14, sha256MBps: 260 }, disk: disk(285), bench: bench(2, 1e9, 30) } },
    );
    const m = unpackBound.when(f);
    expect(m?.severity).toBe('warning');
    expect(m?.impactSeconds).toBe(30);
  });
  it('pigz installed but disabled by CONTAINERD_DISABLE_PIGZ: remove the variable, do not install it', async () => {
    const f = await factsFrom(
      {
        'raw/containerd/decompressors.json': dec('/usr/bin/unpigz'),
        'raw/containerd/env.txt': 'CONTAINERD_DISABLE_PIGZ=1\n',
      },
      { measurements: { cpu: { gunzipMBps: 40, sha256MBps: 500 }, disk: disk(285) } },
    );
    const m = unpackBound.when(f);
    expect(m?.severity).toBe('warning');
    const text = [m?.remediation.summary, ...(m?.remediation.steps ?? []).map(stepText)].join('\n');
    expect(text).toMatch(/Remove CONTAINERD_DISABLE_PIGZ/);
    expect(text).not.toMatch(/apt-get install/);
  });
});

describe('kubelet.serial-pulls', () => {
  it('fires on the default and on an explicit true; silent on false', async () => {
    expect(
      serialPulls.when(await factsFrom({ 'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n' }))?.confidence,
    ).toBe(0.6);
    const explicit = serialPulls.when(
      await factsFrom({ 'raw/kubelet/config.yaml': 'serializeImagePulls: true\nmaxParallelImagePulls: 3\n' }),
    );
    expect(explicit?.evidence.join()).toMatch(
      /maxParallelImagePulls = 3 with serializeImagePulls = true: the kubelet refuses/,
    );
    expect(serialPulls.when(await factsFrom({ 'raw/kubelet/config.yaml': 'serializeImagePulls: false\n' }))).toBeNull();
  });

  // kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go (1.27+): serializeImagePulls left unset
  // defaults to false when maxParallelImagePulls is 2 or more
  it('is silent on a config that sets only maxParallelImagePulls ≥ 2: the kubelet then pulls in parallel', async () => {
    const f = await factsFrom({ 'raw/kubelet/config.yaml': 'maxParallelImagePulls: 3\n' });
    expect(f.kubelet?.serializeImagePulls).toEqual({ value: false, from: 'default' });
    expect(serialPulls.when(f)).toBeNull();
    const one = await factsFrom({ 'raw/kubelet/config.yaml': 'maxParallelImagePulls: 1\n' });
    expect(one.kubelet?.serializeImagePulls).toEqual({ value: true, from: 'default' });
    expect(serialPulls.when(one)?.evidence.join()).toMatch(/maxParallelImagePulls = 1: one pull at a time either way/);
  });
});

describe('containerd.mirror-fallback timed from the log', () => {
  const t = (s: string) => `2021-04-14T08:16:${s}-05:00`;
  const pull = (s: string) => `time="${t(s)}" level=info msg="PullImage \\"gcr.io/hello-world\\""`;
  const failed = (s: string, host: string, ns = 'gcr.io', repo = 'hello-world') =>
    `time="${t(s)}" level=error msg="trying next host" error="failed to do request: Head \\"http://${host}/v2/${repo}/manifests/latest?ns=${ns}\\": dial tcp ${host}: connect: no route to host" host="${host}"`;
  // containerd/containerd#5351's review thread: two gcr.io mirrors without a route, 3 s each
  const TWO = [pull('27.739730770'), failed('30.751322381', '10.0.0.7:5000'), failed('33.751089124', '10.0.0.30:5010')];

  it("costs the finding what the log's timestamps show each failing mirror cost the resolve, and says the next host was a mirror", async () => {
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': TWO.join('\n') }));
    expect(m?.impactSeconds).toBeCloseTo(6.01, 2);
    expect(m?.title).toBe('A mirror fails and containerd moves on to the next mirror');
    const text = m!.evidence.join('\n');
    expect(text).toContain(
      '10.0.0.7:5000 3.01 s, from "PullImage" at 08:16:27.739 (line 1) to "trying next host" at 08:16:30.751 (line 2)',
    );
    expect(text).toContain(
      `10.0.0.30:5010 3.00 s, from the previous host's failure at 08:16:30.751 (line 2) to "trying next host" at 08:16:33.751 (line 3)`,
    );
    expect(text).toContain('after 10.0.0.7:5000 failed, containerd tried 10.0.0.30:5010');
  });
  it('estimates nothing when two pulls of the image interleave, and keeps the origin in the title when the origin came next', async () => {
    const twice = [pull('27.0'), pull('27.5'), failed('30.0', '10.0.0.7:5000'), failed('30.5', '10.0.0.7:5000')];
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': twice.join('\n') }));
    expect(m?.impactSeconds).toBeUndefined();
    expect(m?.title).toBeUndefined();
    // the next host is the registry's own (Docker Hub's registry-1.docker.io): the title stays
    const origin = [
      `time="${t('00.0')}" level=info msg="PullImage \\"nginx\\""`,
      failed('02.0', '127.0.0.1:4001', 'docker.io', 'library/nginx'),
      `time="${t('02.1')}" level=debug msg="resolving" host="registry-1.docker.io"`,
    ];
    const o = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': origin.join('\n') }));
    expect(o?.impactSeconds).toBe(2);
    expect(o?.title).toBeUndefined();
    expect(o!.evidence.join('\n')).not.toContain('another mirror');
  });
  it('keeps the origin in the title when the route puts it after the last failing mirror (real Bottlerocket pull)', async () => {
    // mirror-a timed out (30 s), localhost:8080 answered EOF after 120 s, then the registry served the pull
    const fx = loadFixture(
      new URL('../../fixtures/real/containerd-bottlerocket-mirror-timeout/', import.meta.url).pathname,
    );
    const m = mirrorFallback.when(await factsFrom(fx.files, { manifest: fx.manifest }));
    expect(m?.impactSeconds).toBeCloseTo(150.03, 2);
    expect(m?.title).toBeUndefined();
    expect(m!.evidence.join('\n')).toContain('after mirror-a.example.com:81 failed, containerd tried localhost:8080');
  });
});

describe('containerd.mirror-fallback from dfdaemon proxy errors', () => {
  it('fires when dfdaemon logs proxy errors and the origin is the fallback', async () => {
    const files = {
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/dfdaemon/logs/core.log':
        '{"level":"error","ts":"2022-11-09 06:39:20.000","caller":"transport/transport.go:250","msg":"round trip with dragonfly error: context deadline exceeded"}\n',
    };
    const m = mirrorFallback.when(await factsFrom(files));
    expect(m?.evidence[0]).toMatch(/1 proxy error line\(s\) in dfdaemon's log, first raw\/dfdaemon\/logs\/core\.log:1/);
    // mirror-only (dfdaemon is the server): no origin to fall back to
    const mirrorOnly = mirrorFallback.when(
      await factsFrom({
        ...files,
        'raw/containerd/certs.d/docker.io/hosts.toml':
          'server = "http://127.0.0.1:4001"\n[host."http://127.0.0.1:4001"]\n',
      }),
    );
    expect(mirrorOnly).toBeNull();
  });
});

describe('containerd.mirror-fallback from a pull the mirror failed', () => {
  // crictl's last line in dragonflyoss/dragonfly#2647 (kind quick start, the Go dfdaemon's proxy on :65001)
  const CRICTL =
    'FATA[0001] pulling image: rpc error: code = Unknown desc = failed to pull and unpack image "ghcr.io/dragonflyoss/dragonfly2/scheduler:v2.0.5": failed to resolve reference "ghcr.io/dragonflyoss/dragonfly2/scheduler:v2.0.5": unexpected status from HEAD request to http://127.0.0.1:65001/v2/dragonflyoss/dragonfly2/scheduler/manifests/v2.0.5?ns=ghcr.io: 500 Internal Server Error';

  it("is critical on dfdaemon's proxy port, says the hosts after it failed too, and asks why it answered so", async () => {
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${CRICTL}\n` }));
    expect(m?.severity).toBe('critical');
    expect(m?.evidence[0]).toMatch(
      /^1 pull\(s\) failed with the mirror 127\.0\.0\.1:65001's 500 .*: "…unexpected status from HEAD request to http:\/\/127\.0\.0\.1:65001\/v2\//,
    );
    expect(m?.evidence[1]).toContain(
      'the hosts after it (the origin registry, unless the mirror is the `server`) did not serve it either',
    );
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain("grep -n '/v2/dragonflyoss/dragonfly2/scheduler/manifests/v2.0.5'");
    expect(steps).toContain('https://ghcr.io/v2/');
    // the mirror is up and answering: no dial timeout, and no `server` that would keep pulls on it
    expect(steps).not.toMatch(/dial_timeout|make the mirror the `server`/);
  });

  it('writes no command with what could break its quoting, and reads a URL it cannot parse as none', async () => {
    const quoted = CRICTL.replace('/manifests/v2.0.5', "/manifests/v2'$(id)");
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${quoted}\n` }));
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain("The mirror answered 500 to /v2/dragonflyoss/dragonfly2/scheduler/manifests/v2'$(id):");
    expect(steps).not.toMatch(/grep -n '.*\$\(id\)/);
    const odd = CRICTL.replace('http://127.0.0.1:65001/', 'http://127.0.0.1:65001:x/');
    const n = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${odd}\n` }));
    expect(n).toBeNull();
  });

  it("is silent when the host that failed is the registry itself; another mirror's failure is read as such", async () => {
    const at = (to: string) => CRICTL.replace(/http:\/\/127\.0\.0\.1:65001\S*(?=: 500)/, to);
    const registry = at('https://registry-1.docker.io/v2/library/busybox/manifests/1.36');
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${registry}\n` }))).toBeNull();
    // a "trying next host" for the registry's own host (containerd/containerd#9886) is no mirror's either
    const origin =
      'time="2024-02-27T08:31:55.323253964Z" level=info msg="trying next host" error="failed to do request: Head \\"https://registry.k8s.io/v2/pause/manifests/3.9\\": dial tcp 172.17.0.2:443: connect: connection refused" host=registry.k8s.io';
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${origin}\n` }))).toBeNull();
    // k3s's embedded mirror (k3s-io/k3s#10351): a mirror, as its ns= says, but not dfdaemon's
    const k3s = at('https://127.0.0.1:6443/v2/rancher/mirrored-pause/manifests/3.6?ns=docker.io');
    const m = mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${k3s}\n` }));
    expect(m?.severity).toBe('critical');
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain(
      "The mirror 127.0.0.1:6443 answered 500 to /v2/rancher/mirrored-pause/manifests/3.6; it is not dfdaemon's proxy (port 4001 or 65001 on loopback): its own log says why.",
    );
    expect(steps).not.toContain('/var/log/dragonfly');
    expect(steps).toContain('https://registry-1.docker.io/v2/');
  });

  it('with the route known, counts only its mirrors and names the hosts after the one that failed', async () => {
    const line = CRICTL.replace(
      /http:\/\/127\.0\.0\.1:65001\/v2\/\S*\?ns=ghcr\.io/,
      'http://127.0.0.1:4001/v2/library/x/manifests/1?ns=docker.io',
    );
    const files = {
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt': `${line}\n`,
    };
    const m = mirrorFallback.when(await factsFrom(files));
    expect(m?.evidence.join('\n')).toContain('https://index.docker.io:443 did not serve it either');
    const other = line.replace(/127\.0\.0\.1:4001/g, '127.0.0.1:65001');
    expect(mirrorFallback.when(await factsFrom({ ...files, 'raw/containerd/journal.txt': `${other}\n` }))).toBeNull();
  });
});

describe('containerd.mirror-fallback and a hosts.toml whose server is the registry itself', () => {
  it('reads a pull that failed at that server as failed at the origin, not at a mirror (containerd#12550)', async () => {
    const fx = loadFixture(
      new URL('../../fixtures/real/containerd-2.1.5-hosts-toml-config-not-given-12550/', import.meta.url).pathname,
    );
    const facts = await factsFrom(fx.files, { manifest: fx.manifest });
    const route = facts.containerd?.routes.find((r) => r.registry === 'docker.io');
    expect(route?.hosts.map((h) => `${h.host} ${h.role}`)).toEqual([
      'x1c5aepo97t16f.xuanyuan.run mirror',
      'registry-1.docker.io origin',
    ]);
    expect(mirrorFallback.when(facts)).toBeNull();
  });
});

describe('containerd.mirror-fallback from a pull that failed on a mirror that gave no answer', () => {
  // ctr's last line with containerd 1.6.20, nothing listening on dfdaemon's port and the registry after
  // it down too (fixtures/real/containerd-ctr-mirror-refused-terminal)
  const REFUSED =
    'ctr: failed to resolve reference "docker.io/library/busybox:1.36": failed to do request: Head "http://127.0.0.1:4001/v2/library/busybox/manifests/1.36?ns=docker.io": dial tcp 127.0.0.1:4001: connect: connection refused';

  it("is critical on dfdaemon's port, says the hosts after it failed too, and asks whether dfdaemon listens", async () => {
    const files = {
      'raw/containerd/version.txt': 'containerd github.com/containerd/containerd 1.6.20~ds1',
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt': `${REFUSED}\n`,
    };
    const m = mirrorFallback.when(await factsFrom(files));
    expect(m?.severity).toBe('critical');
    expect(m?.title).toBeUndefined();
    expect(m?.evidence[0]).toMatch(
      /^1 pull\(s\) failed with no answer from the mirror 127\.0\.0\.1:4001 \(dial tcp 127\.0\.0\.1:4001: connect: connection refused\) in raw\/containerd\/journal\.txt, first at line 1: "…failed to do request: Head /,
    );
    expect(m?.evidence[1]).toMatch(/^containerd tries the next host when a request gets no answer/);
    expect(m?.evidence[1]).toContain('https://index.docker.io:443 did not serve it either');
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain("Nothing answered at dfdaemon's proxy 127.0.0.1:4001");
    expect(steps).toContain("ss -ltn 'sport = :4001'");
    expect(steps).toContain('https://registry-1.docker.io/v2/');
    // a mirror that is down is no mirror answering errors: the dead-mirror advice stays
    expect(steps).toContain('dial_timeout');
    expect(steps).not.toContain('/var/log/dragonfly');
  });

  it('advises dial_timeout from 2.0.7, where the 2.0 line took it, not only from 2.1.0', async () => {
    // containerd commit b50cbbc98 (v2.0.7 core/remotes/docker/config/hosts.go:365-367, :529-535)
    const steps = async (version: string) =>
      mirrorFallback
        .when(
          await factsFrom({
            'raw/containerd/version.txt': `containerd github.com/containerd/containerd/v2 ${version} abcdef0`,
            'raw/containerd/config.toml': CFG(2),
            'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
            'raw/containerd/journal.txt': `${REFUSED}\n`,
          }),
        )!
        .remediation.steps.map(stepText)
        .join('\n');
    const older = await steps('v2.0.6');
    expect(older).toContain('has no per-host dial_timeout (added in 2.0.7 and 2.1.0)');
    expect(older).not.toContain('In each hosts.toml, fail fast when dfdaemon is down:');
    const backported = await steps('v2.0.7');
    expect(backported).toContain('In each hosts.toml, fail fast when dfdaemon is down:');
    expect(backported).toContain('dial_timeout = "1s"');
    expect(backported).not.toContain('has no per-host dial_timeout');
  });

  it('on 1.3.0–1.3.3 says the registry after the mirror was never tried, and advises no fallback settings', async () => {
    // containerd/cri#1336: containerd 1.3.0, a legacy mirror for docker.io that refused, no fallback
    const CRICTL =
      'FATA[0000] pulling image failed: rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/ubuntu:18.04": failed to resolve reference "docker.io/library/ubuntu:18.04": failed to do request: Head http://localhost:1234/v2/library/ubuntu/manifests/18.04: dial tcp 127.0.0.1:1234: connect: connection refused ';
    const files = {
      'raw/containerd/config.toml':
        '[plugins.cri.registry]\n  [plugins.cri.registry.mirrors]\n    [plugins.cri.registry.mirrors."docker.io"]\n       endpoint = ["http://localhost:1234"]\n',
      'raw/containerd/journal.txt': `${CRICTL}\n`,
    };
    const at = async (version: string) =>
      mirrorFallback.when(
        await factsFrom({
          ...files,
          'raw/containerd/version.txt': `containerd github.com/containerd/containerd ${version}`,
        }),
      );
    const old = await at('v1.3.0');
    expect(old?.severity).toBe('critical');
    expect(old?.title).toBe(
      'The mirror gives no answer and containerd 1.3.0 fails the pull without trying the registry',
    );
    expect(old?.evidence[1]).toBe(
      'containerd 1.3.0 fails a pull at the first host whose request gets no answer, without trying the hosts after it (it tries them from 1.3.4): the dead mirror alone failed the pull, and https://registry-1.docker.io:443 was never tried',
    );
    expect(old?.remediation.summary).toMatch(
      /^Bring the mirror back or take it out of the config; upgrade containerd to 1\.3\.4/,
    );
    const steps = old!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain('curl -sS -m 5 -o /dev/null');
    expect(steps).toContain('containerd 1.3.0 does not try the next host after one that gives no answer');
    // 1.3 has no config_path, dial_timeout or `server`, and logs no "trying next host"
    expect(steps).not.toMatch(/config_path|dial_timeout|`server`|trying next host|registry-1\.docker\.io\/v2\//);
    // from 1.3.4 the registry after it was tried
    const fixed = await at('v1.3.4');
    expect(fixed?.title).toBeUndefined();
    expect(fixed?.evidence[1]).toContain('https://registry-1.docker.io:443 did not serve it either');
  });

  it("reads the kubelet's Failed events where containerd's log says nothing of the pull, and counts no pull twice", async () => {
    // siderolabs/talos#12972's event, its hand-wrapped lines joined (the digest shortened as the reporter did)
    const message =
      'Failed to pull image "docker.io/coredns/coredns:1.13.1": failed to pull and unpack image "docker.io/coredns/coredns:1.13.1": failed to copy: httpReadSeeker: failed open: failed to do request: Get "http://docker-io.regproxy.example.com/v2/coredns/coredns/manifests/sha256:9b9128...?ns=docker.io": dial tcp: lookup docker-io.regproxy.example.com on 192.168.122.1:53: no such host';
    const events = JSON.stringify({
      items: [
        { reason: 'Pulled', message: 'Successfully pulled image "a:1" in 1s (1s including waiting)' },
        { reason: 'Failed', count: 7, involvedObject: { name: 'coredns-1' }, message },
        { reason: 'Failed', message: 'Failed to pull image "a:2": pull QPS exceeded' },
      ],
    });
    const files = {
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml':
        'server = "https://registry-1.docker.io"\n[host."http://docker-io.regproxy.example.com"]\n  capabilities = ["pull", "resolve"]\n',
      'raw/kubelet/events.json': events,
    };
    const m = mirrorFallback.when(await factsFrom(files));
    expect(m?.severity).toBe('critical');
    expect(m?.evidence[0]).toMatch(
      /^7 pull\(s\) failed with no answer from the mirror docker-io\.regproxy\.example\.com \(dial tcp: lookup .* no such host\) in raw\/kubelet\/events\.json, first at event 2: "…failed to do request: Get /,
    );
    // the error names the host without its port (80, the scheme's default), as Go writes a URL's host:
    // the route's host it is, and the one after it
    expect(m?.evidence[1]).toMatch(
      /nothing answered at the mirror, and https:\/\/registry-1\.docker\.io:443 did not serve it either$/,
    );
    // the same failure in containerd's log: the log's line is the one counted
    const logged = mirrorFallback.when(
      await factsFrom({ ...files, 'raw/containerd/journal.txt': `ctr: ${message.slice(message.indexOf(': ') + 2)}\n` }),
    );
    expect(logged?.evidence[0]).toMatch(/^1 pull\(s\) failed .* in raw\/containerd\/journal\.txt, first at line 1: /);
  });

  it("is silent where the host that gave no answer is the registry's own, or its blob store", async () => {
    // the registry's CDN behind Docker Hub's redirect (k3s-io/k3s#5217, as the kubelet's event quotes the error)
    const cdn =
      'level=error msg="PullImage \\"rancher/mirrored-metrics-server:v0.5.2\\" failed" error="rpc error: code = Unknown desc = failed to pull and unpack image \\"docker.io/rancher/mirrored-metrics-server:v0.5.2\\": failed to copy: httpReaderSeeker: failed open: failed to do request: Get \\"https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/f7/f73640fb506199d02192ef1dc99404aeb1afec43a9f7dad5de96c09eda17cd71/data?verify=1646639722-2wX9zENAiV%2FgTE%2Brzh46EwHC%2BAg%3D\\": EOF"';
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${cdn}\n` }))).toBeNull();
    const registry = REFUSED.replace(
      /http:\/\/127\.0\.0\.1:4001\/v2\/library\/busybox\/manifests\/1\.36\?ns=docker\.io/,
      'https://registry-1.docker.io/v2/library/busybox/manifests/1.36',
    ).replace('dial tcp 127.0.0.1:4001', 'dial tcp 54.1.2.3:443');
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${registry}\n` }))).toBeNull();
    // a pull its caller cancelled at the mirror says nothing of the mirror
    const cancelled = REFUSED.replace('dial tcp 127.0.0.1:4001: connect: connection refused', 'context canceled');
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${cancelled}\n` }))).toBeNull();
  });
});

describe('containerd.mirror-fallback from a mirror that answered a manifest request with a page', () => {
  // dragonflyoss/dragonfly#2523, as posted: dfdaemon first for docker.io (AKS, the chart's containerd integration)
  const message = (image: string, ref: string) =>
    `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref}": failed to unpack image on snapshotter overlayfs: unexpected media type text/html for sha256:723cc6bcc69478b1942d6796f2bcf2f67af9efa9974a3c8a0716d162721485bb: not found`;
  const events = JSON.stringify({
    items: [
      { reason: 'Failed', message: message('nginx', 'docker.io/library/nginx:latest') },
      { reason: 'Failed', count: 3, message: message('busybox:latest', 'docker.io/library/busybox:latest') },
    ],
  });
  const files = {
    'raw/containerd/config.toml': CFG(2),
    'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
    'raw/kubelet/events.json': events,
  };

  it('is critical, names the mirror that answered and the shared digest, and asks what it answers', async () => {
    const m = mirrorFallback.when(await factsFrom(files));
    expect(m?.severity).toBe('critical');
    expect(m?.title).toBe(
      'The mirror answers manifest requests with text/html, not a manifest, and containerd fails the pull',
    );
    expect(m?.evidence[0]).toBe(
      '4 pull(s) failed on "unexpected media type text/html for sha256:723cc6bcc69478b1942d6796f2bcf2f67af9efa9974a3c8a0716d162721485bb" in raw/kubelet/events.json, first at event 1 (docker.io/library/nginx:latest): the first host of docker.io\'s route, http://127.0.0.1:4001, answered its manifest request with Content-Type text/html, which is no manifest',
    );
    expect(m?.evidence[2]).toMatch(
      /^2 different images \(docker\.io\/library\/nginx:latest, docker\.io\/library\/busybox:latest\) resolved to the same digest/,
    );
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toContain("curl -sS -m 10 -D - -o /dev/null -H 'Accept: ");
    expect(steps).toContain("'http://127.0.0.1:4001/v2/library/nginx/manifests/latest?ns=docker.io'");
    expect(steps).toContain('dfdaemon passes on what the registry it forwards to answered');
    // it answers: no dial timeout, no `server`, no fallback target
    expect(steps).not.toMatch(/dial_timeout|`server`/);
    expect(m?.evidence.join('\n')).not.toContain('fallback target');
  });

  it('is silent where containerd was seen leaving the mirror, or no route ties the answer to one', async () => {
    // containerd left the mirror (refused): the page came from a host after it
    const left =
      'time="2026-11-25T19:19:40Z" level=info msg="trying next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/library/nginx/manifests/latest?ns=docker.io\\": dial tcp 127.0.0.1:4001: connect: connection refused" host="127.0.0.1:4001"';
    const m = mirrorFallback.when(await factsFrom({ ...files, 'raw/containerd/journal.txt': `${left}\n` }));
    expect(m?.title).toBeUndefined();
    expect(m?.evidence.join('\n')).not.toContain('unexpected media type');
    // no mirror in the route for docker.io: nothing says a mirror answered
    const direct = await factsFrom({ 'raw/containerd/config.toml': CFG(2), 'raw/kubelet/events.json': events });
    expect(mirrorFallback.when(direct)).toBeNull();
  });

  it("reads containerd's own line of it (crictl's, kubernetes-sigs/cri-tools#1137)", async () => {
    const crictl =
      'FATA[0002] pulling image: rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/victoriametrics/victoria-metrics:v1.76.1": failed to unpack image on snapshotter overlayfs: unexpected media type text/html for sha256:04a732b9876d77c18601b92f91bb05d4591a1356dbbfd732c13f4db1362c796d: not found';
    const m = mirrorFallback.when(
      await factsFrom({
        'raw/containerd/config.toml': CFG(2),
        'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
        'raw/containerd/journal.txt': `${crictl}\n`,
      }),
    );
    expect(m?.evidence[0]).toMatch(
      /^1 pull\(s\) failed on "unexpected media type text\/html for sha256:04a7.* in raw\/containerd\/journal\.txt, first at line 1 \(docker\.io\/victoriametrics\/victoria-metrics:v1\.76\.1\)/,
    );
    expect(m?.evidence.join('\n')).not.toContain('same digest');
  });
});

describe('containerd.mirror-fallback after a progress-timeout cancel', () => {
  it("suggests the progress timeout in the node's layout", async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd containerd.io 1.7.5 x',
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt':
        'time="2026-11-20T07:51:00Z" level=error msg="cancel pulling image docker.io/library/app:1 because of no progress in 1m0s"\n',
    });
    const m = mirrorFallback.when(f);
    expect(m?.severity).toBe('critical');
    expect(m?.remediation.steps.map(stepText).join('\n')).toContain(
      '[plugins."io.containerd.grpc.v1.cri"]\n  image_pull_progress_timeout = "5m0s"',
    );
    expect(m?.remediation.steps.map(stepText).join('\n')).toContain('image_pull_progress_timeout 1m0s');
  });
  it('a cancel alone, with no mirror known to be on the way, says nothing of a mirror (kubernetes#131521)', async () => {
    const log = [
      'level=error msg="cancel pulling image private_registery.mydomain/csg/idrac_to_kafka:20250429T0012 because of no progress in 1m0s"',
      'level=error msg="PullImage \\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\" failed" error="rpc error: code = Canceled desc = failed to pull and unpack image \\"private_registery.mydomain/csg/idrac_to_kafka:20250429T0012\\": context canceled"',
    ].join('\n');
    expect(mirrorFallback.when(await factsFrom({ 'raw/containerd/journal.txt': `${log}\n` }))).toBeNull();
    // the same cancel where a hosts.toml routes the registry through dfdaemon
    const routed = await factsFrom({
      'raw/containerd/config.toml': CFG(2),
      'raw/containerd/certs.d/private_registery.mydomain/hosts.toml': HOSTS(),
      'raw/containerd/journal.txt': `${log}\n`,
    });
    expect(mirrorFallback.when(routed)?.evidence.join('\n')).toMatch(/"cancel pulling image .*" line\(s\)/);
  });
});

// containerd sets no download limiter for max_concurrent_downloads ≤ 0 (transfer.go:59-60, service.go:115)
describe('containerd.low-download-concurrency with max_concurrent_downloads = 0', () => {
  it('reads 0 as no limit: nothing fires, where it once divided by zero', async () => {
    const { files, manifest, measurements } = loadFixture(
      new URL('../../fixtures/containerd-v3-transfer-concurrency/', import.meta.url).pathname,
    );
    const base = await factsFrom(files, { manifest, measurements });
    expect(lowDownloadConcurrency.when(base)?.severity).toBe('warning');
    const unlimited = await factsFrom(
      {
        ...files,
        'raw/containerd/config.toml': `${files['raw/containerd/config.toml']}[plugins.'io.containerd.transfer.v1.local']\n  max_concurrent_downloads = 0\n`,
      },
      { manifest, measurements },
    );
    expect(unlimited.containerd?.pull.downloads.limit).toBe(0);
    expect(lowDownloadConcurrency.when(unlimited)).toBeNull();
  });
});
