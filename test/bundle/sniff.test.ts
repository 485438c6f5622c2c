import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles, hostsTomlRegistry } from '../../src/bundle/loose-files.js';
import { type LooseKind, sniffKind } from '../../src/bundle/sniff.js';

// where each kind sits in a bundle: the corpus's own files are the examples of every format
const AT: [RegExp, LooseKind][] = [
  [/\/raw\/dfdaemon\/logs\/core\.log$/, 'dfdaemon-go-log'],
  // the Go daemon's stderr (std-log lines of its proxy's ReverseProxy)
  [/\/raw\/dfdaemon\/logs\/stderr\.log$/, 'dfdaemon-go-log'],
  [/\/raw\/dfdaemon\/logs\/dfdaemon\.log$/, 'dfdaemon-rust-log'],
  [/\/raw\/containerd\/journal\.txt$/, 'containerd-log'],
  [/\/raw\/containerd\/config\.toml$/, 'containerd-config'],
  [/\/raw\/containerd\/version\.txt$/, 'containerd-version'],
  [/\/hosts\.toml$/, 'hosts-toml'],
  [/\/dfget\.yaml$/, 'dfget-yaml'],
  [/\/dfdaemon\.yaml$/, 'dfdaemon-yaml'],
  [/\/iptables-save\.txt$/, 'iptables-save'],
  [/\/nft-ruleset\.txt$/, 'nft-ruleset'],
  [/\/kubelet\/config\.yaml$/, 'kubelet-config'],
  [/\/kubelet\/flags\.txt$/, 'kubelet-flags'],
  [/\/kubelet\/events\.json$/, 'kubelet-events'],
  [/\/pasted\/describe-events\.txt$/, 'kubectl-describe-events'],
  [/\/pasted\/kubelet-journal\.txt$/, 'kubelet-event-log'],
  [/\/dmesg\.txt$/, 'dmesg'],
  [/\.prom$/, 'metrics'],
];
// a bundle's raw files, and the pastes a real case keeps as its issue pasted them (fixtures/README.md)
const files = execFileSync(
  'find',
  ['fixtures', '(', '-path', '*/raw/*', '-o', '-path', '*/pasted/*', ')', '-type', 'f'],
  {
    encoding: 'utf8',
  },
)
  .trim()
  .split('\n')
  .filter((f) => !f.endsWith('.gz'))
  .map((f) => ({ f, kind: AT.find(([r]) => r.test(f))?.[1], text: readFileSync(f, 'utf8') }))
  // an empty or deliberately broken file (the bad-input fixtures) says nothing about its kind
  .filter(
    (x): x is { f: string; kind: LooseKind; text: string } =>
      x.kind !== undefined && x.text.trim().length > 40 && !x.f.includes('bad-input'),
  );

describe('sniffKind', () => {
  it('has examples of every kind in the fixtures', () => {
    expect(new Set(files.map((x) => x.kind))).toEqual(new Set(AT.map(([, k]) => k)));
  });

  it.each(files.map((x) => [x.f, x] as const))('%s, under a name that says nothing', (_f, x) => {
    expect(sniffKind('attachment.txt', x.text)?.kind).toBe(x.kind);
  });

  it("takes the CRI client's klog line of a failed pull alone for a containerd log (crictl's stderr, the kubelet's journal)", () => {
    const line = readFileSync(
      'fixtures/real/dfdaemon-go-500-host-only-wording/raw/containerd/journal.txt',
      'utf8',
    ).split('\n')[0] as string;
    expect(sniffKind('x', `${line}\n`)?.kind).toBe('containerd-log');
    expect(sniffKind('x', `Oct 16 16:43:09 node-1 kubelet[812]: ${line}\n`)?.kind).toBe('containerd-log');
    // inside kubeadm's wrap of crictl's output (kubernetes/website#40520)
    expect(sniffKind('x', `[ERROR ImagePull]: failed to pull image a/b:1: output: ${line}\n`)?.kind).toBe(
      'containerd-log',
    );
  });

  it("takes ctr's last line of a pull that failed at a host for a containerd log, and no other ctr error", () => {
    // containerd#12550: ctr images pull on 2.1.5, the transfer service's wrap around the resolver's error
    const line = readFileSync(
      'fixtures/real/containerd-2.1.5-hosts-toml-config-not-given-12550/raw/containerd/journal.txt',
      'utf8',
    );
    expect(sniffKind('x', line)?.kind).toBe('containerd-log');
    expect(sniffKind('x', 'ctr: image "docker.io/library/nginx:latest": not found\n')).toBeNull();
  });

  it('takes Go dfdaemon records pretty-printed over several lines for a Go dfdaemon log', () => {
    const go = readFileSync('fixtures/real/dfdaemon-go-500-host-only-wording/raw/dfdaemon/logs/core.log', 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.stringify(JSON.parse(l), null, 2))
      .join('\n');
    expect(sniffKind('x', go)?.kind).toBe('dfdaemon-go-log');
  });

  it('reads pasted shapes: quoted, coloured, CRLF', () => {
    const rust = readFileSync('fixtures/real/dfdaemon-rust-startup-quoted/raw/dfdaemon/logs/dfdaemon.log', 'utf8');
    expect(rust).toContain('\r\n');
    expect(sniffKind('x', rust)?.kind).toBe('dfdaemon-rust-log');
    const go = readFileSync('fixtures/real/dfdaemon-go-console-grep/raw/dfdaemon/logs/core.log', 'utf8');
    expect(sniffKind('x', go)?.kind).toBe('dfdaemon-go-log');
    const coloured = rust.replace(/(\d{4}-\d\d-\d\dT[\d:.+]+)/g, '[2m$1[0m');
    expect(sniffKind('x', coloured)?.kind).toBe('dfdaemon-rust-log');
    const logrus = readFileSync('fixtures/real/containerd-logrus-terminal-fallback/raw/containerd/journal.txt', 'utf8');
    expect(sniffKind('x', logrus)?.kind).toBe('containerd-log');
  });

  it('knows containerd\'s JSON log lines ([debug] format = "json") from the Go dfdaemon\'s', () => {
    // containerd 1.6.20 with format = "json", recorded in the lab (test/lab/containerd-probe.test.ts)
    const json = [
      '{"level":"info","msg":"starting containerd","revision":"","time":"2026-12-07T14:21:18.301123456Z","version":"1.6.20~ds1"}',
      '{"error":"invalid plugin config: `mirrors` cannot be set when `config_path` is provided","level":"warning","msg":"failed to load plugin io.containerd.grpc.v1.cri","time":"2026-12-07T14:21:18.444969570Z"}',
    ].join('\n');
    expect(sniffKind('x', json)).toMatchObject({ kind: 'containerd-log' });
    // zap's JSON lines name a "ts" and a Go "caller"
    const zap =
      '{"level":"info","ts":"2022-11-09 06:39:20.000","caller":"peer/peertask_conductor.go:1120","msg":"peer task done, cost: 1ms","time":"2022-11-09T06:39:20Z"}';
    expect(sniffKind('x', zap)?.kind).toBe('dfdaemon-go-log');
  });

  it("knows the Go dfdaemon's stderr by its stream task's error, not any Go program's ReverseProxy line", () => {
    const line =
      '2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006';
    expect(sniffKind('stderr.log', `${line}\n`)).toMatchObject({ kind: 'dfdaemon-go-log' });
    // another program's ReverseProxy (an API gateway, a registry's own proxy) writes the same first part
    expect(
      sniffKind('x', '2021/06/26 11:35:16 httputil: ReverseProxy read error during body copy: unexpected EOF\n'),
    ).toBeNull();
  });

  it("knows the Go dfdaemon's exit for want of a port by its wording, not any `Error: …` line", () => {
    expect(sniffKind('x', 'Error: no available port to listen, port: 65001 - 65001\n')).toMatchObject({
      kind: 'dfdaemon-go-log',
    });
    expect(sniffKind('x', 'Error: unknown command "daemon" for "dfget"\n')).toBeNull();
  });

  it("knows containerd's CRI config error pasted without its line's head, or alone, and not a sentence quoting it (dragonflyoss/dragonfly#3372)", () => {
    const headless =
      'failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `mirrors` cannot be set when `config_path` is provided\n';
    expect(sniffKind('containerd.log', headless)?.kind).toBe('containerd-log');
    expect(
      sniffKind('x', 'invalid plugin config: `mirrors` cannot be set when `config_path` is provided\n')?.kind,
    ).toBe('containerd-log');
    expect(sniffKind('notes.txt', 'why do I get `mirrors` cannot be set when `config_path` is provided?\n')).toBeNull();
  });

  it("does not take `docker version`'s Client and Server blocks for containerd's version", () => {
    const text =
      'Client:\n Version:      24.0.7\n API version:  1.43\n\nServer:\n Engine:\n  Version:          24.0.7\n';
    expect(sniffKind('version', text)?.kind).not.toBe('containerd-version');
  });

  it('knows nothing of other text, except by a telling file name', () => {
    expect(sniffKind('notes.md', '# A heading\n\nsome prose about a pull that was slow\n')).toBeNull();
    expect(sniffKind('certs.d/docker.io/hosts.toml', 'server = "https://index.docker.io"\n')?.kind).toBe('hosts-toml');
  });
});

describe('assembleLooseFiles', () => {
  const tool = { name: 'dfdoctor', version: '0' };

  it('puts each file where a bundle holds it, says why, and leaves out what it cannot read', () => {
    const journal = readFileSync(
      'fixtures/real/containerd-bottlerocket-mirror-timeout/raw/containerd/journal.txt',
      'utf8',
    );
    const config = readFileSync(
      'fixtures/real/containerd-bottlerocket-mirror-timeout/raw/containerd/config.toml',
      'utf8',
    );
    const a = assembleLooseFiles(
      [
        { path: 'journal.txt', text: journal },
        { path: 'c1.toml', text: config },
        { path: 'c2.toml', text: config },
        { path: 'readme', text: 'hello' },
        { path: 'x.dat', text: 'INFO[0000] trying next host   host="h"', kind: 'containerd-log' },
      ],
      '2026-01-01T00:00:00Z',
      tool,
    );
    expect(Object.keys(a.files).sort()).toEqual(['raw/containerd/config.toml', 'raw/containerd/journal.txt']);
    expect(a.files['raw/containerd/journal.txt']).toContain('INFO[0000] trying next host');
    expect(a.taken.map((t) => [t.path, t.kind, t.bundlePath])).toEqual([
      ['journal.txt', 'containerd-log', 'raw/containerd/journal.txt'],
      ['c1.toml', 'containerd-config', 'raw/containerd/config.toml'],
      ['c2.toml', 'containerd-config', null],
      ['x.dat', 'containerd-log', 'raw/containerd/journal.txt'],
    ]);
    expect(a.unknown).toEqual([{ path: 'readme', start: 'hello' }]);
    expect(Object.keys(a.manifest.probes)).toEqual(['containerd']);
    expect(a.files['raw/dfdaemon/generation.txt']).toBeUndefined();
  });

  it("states no generation from a scheduler's log handed over as a Go dfdaemon log (dragonfly#3298), given or sniffed", () => {
    const scheduler =
      '{"level":"info","ts":"2024-05-31 02:08:18.729","caller":"resource/peer.go:291","msg":"peer state is Succeeded","hostID":"h","taskID":"t","peerID":"p"}\n';
    for (const f of [
      { path: 'core.log', text: scheduler, kind: 'dfdaemon-go-log' as const },
      { path: 'core.log', text: scheduler },
    ]) {
      const a = assembleLooseFiles([f], '2026-01-01T00:00:00Z', tool);
      expect(a.files['raw/dfdaemon/logs/core.log']).toBe(scheduler);
      expect(a.files['raw/dfdaemon/generation.txt']).toBeUndefined();
    }
    expect(sniffKind('x', scheduler)?.why).toContain("whose callers are the Dragonfly scheduler's");
  });

  it('keeps several dfdaemon logs apart and states the generation they agree on', () => {
    const go = readFileSync('fixtures/real/dfdaemon-go-stargz-p2p/raw/dfdaemon/logs/core.log', 'utf8');
    const a = assembleLooseFiles(
      [
        { path: 'a/core.log', text: go },
        { path: 'b/core.log', text: go },
      ],
      't',
      tool,
    );
    expect(Object.keys(a.files).sort()).toEqual([
      'raw/dfdaemon/generation.txt',
      'raw/dfdaemon/logs/2-core.log',
      'raw/dfdaemon/logs/core.log',
    ]);
    expect(a.files['raw/dfdaemon/generation.txt']).toBe('go\n');
    // a gzipped log arrives decompressed: its place must not carry .gz
    const gz = assembleLooseFiles([{ path: 'core.log.gz', text: go }], 't', tool);
    expect(Object.keys(gz.files)).toContain('raw/dfdaemon/logs/core.log');
  });

  it('splits a kubelet command line pasted on one line into one argument a line', () => {
    const a = assembleLooseFiles(
      [
        {
          path: 'ps.txt',
          text: '/usr/bin/kubelet --config=/var/lib/kubelet/config.yaml --serialize-image-pulls=false\n',
        },
      ],
      't',
      tool,
    );
    expect(a.files['raw/kubelet/flags.txt']).toBe(
      '/usr/bin/kubelet\n--config=/var/lib/kubelet/config.yaml\n--serialize-image-pulls=false\n',
    );
  });
});

describe('hostsTomlRegistry', () => {
  it('takes the registry from the path, else from server, Docker Hub as docker.io', () => {
    expect(hostsTomlRegistry('/etc/containerd/certs.d/ghcr.io/hosts.toml', 'server = "https://x"')).toBe('ghcr.io');
    expect(hostsTomlRegistry('hosts.toml', 'server = "https://index.docker.io"')).toBe('docker.io');
    expect(hostsTomlRegistry('paste.toml', "server = 'https://harbor.example.com:8443/v2'")).toBe(
      'harbor.example.com:8443',
    );
    expect(hostsTomlRegistry('paste.toml', '[host."http://127.0.0.1:4001"]')).toBe('_default');
    for (const dir of ['192.168.0.190:5000', 'localhost', 'my-registry:5000', 'my-registry_5000_', '_default'])
      expect(hostsTomlRegistry(`/etc/containerd/certs.d/${dir}/hosts.toml`, '')).toBe(dir);
  });

  it("takes no folder an attachment was saved in for the registry (containerd/containerd#6285's docker.io file)", () => {
    const text = 'server = "https://registry-1.docker.io"\n\n[host."http://192.168.0.190:5000"]\n';
    expect(hostsTomlRegistry('/home/me/issue-6285/hosts.toml', text)).toBe('docker.io');
    expect(hostsTomlRegistry('Downloads/hosts.toml', '[host."http://127.0.0.1:4001"]')).toBe('_default');
  });
});

describe('sniffKind: Helm values and dfget.yaml fragments under a name that says nothing', () => {
  // dragonflyoss/helm-charts dragonfly-1.1.65 (beee42a) charts/dragonfly/values.yaml: both daemons' sections,
  // the Rust `client` off and the Go `dfdaemon` on, its section near the end of a file longer than the sample
  const chart = [
    'client:',
    '  # -- Enable client.',
    '  enable: false',
    '  image:',
    '    repository: dragonflyoss/client',
    '  config:',
    '    upload:',
    '      server:',
    '        port: 4000',
    ...Array.from({ length: 1500 }, (_, i) => `    # a comment line of the chart's values, number ${i}`),
    'dfdaemon:',
    '  # -- Enable dfdaemon.',
    '  enable: true',
    '  image:',
    '    repository: dragonflyoss/dfdaemon',
    '  config:',
    '    aliveTime: 0s',
    '    gcInterval: 1m0s',
    '',
  ].join('\n');

  it("takes a chart's values for the daemon they enable, reading past the sample", () => {
    expect(chart.length).toBeGreaterThan(64 * 1024);
    expect(sniffKind('values.txt', chart)).toEqual({
      kind: 'dfget-yaml',
      why: "a Dragonfly Helm chart's values that deploy the Go dfdaemon (`dfdaemon:` enabled)",
    });
    // an override file naming the Go daemon's section alone, leaving `enable` to the chart
    expect(
      sniffKind('my.yaml', 'dfdaemon:\n  config:\n    proxy:\n      tcpListen:\n        port: 65001\n')?.kind,
    ).toBe('dfget-yaml');
  });

  it("takes an override that sets only a daemon section's other keys, beside a section only the chart has", () => {
    // dragonflyoss/dragonfly#2728 (chart 1.1.x, 2023-09-14), as posted: `dfdaemon:` holds only `metrics`
    const values = [
      'containerRuntime:',
      '  containerd:',
      '    enable: true',
      '    registries:',
      '      - "https://registry.hubble.jina.ai"',
      '      - "https://253352124568.dkr.ecr.us-east-2.amazonaws.com"',
      '      - "https://docker.io"',
      '',
      'manager:',
      '  metrics:',
      '    enable: true',
      '',
      'seedPeer:',
      '  metrics:',
      '    enable: true',
      '',
      'dfdaemon:',
      '  metrics:',
      '    enable: true',
      '',
      'redis:',
      '  enable: true',
      '',
      'jaeger:',
      '  enable: true',
      '',
    ].join('\n');
    expect(sniffKind('values.yml', values)).toEqual({
      kind: 'dfget-yaml',
      why: "a Dragonfly Helm chart's values that deploy the Go dfdaemon (`dfdaemon:` enabled)",
    });
    // `redis` and `mysql` are sections of many programs' YAML: beside them a `client:` stays another program's
    expect(
      sniffKind('app.yaml', 'client:\n  timeout: 5s\nredis:\n  addr: localhost:6379\nmysql:\n  host: db\n'),
    ).toBeNull();
  });

  it('takes fragments of dfget.yaml by the keys of its download and storage sections', () => {
    const download = 'download:\n  totalRateLimit: 2048Mi\n  perPeerRateLimit: 512Mi\n  pieceDownloadTimeout: 30s\n';
    const storage = 'storage:\n  taskExpireTime: 6h\n  strategy: io.d7y.storage.v2.simple\n  multiplex: true\n';
    expect(sniffKind('a.txt', download)?.kind).toBe('dfget-yaml');
    expect(sniffKind('b.txt', storage)?.kind).toBe('dfget-yaml');
    // the scheduler section alone (v2.1.49 client/config/peerhost.go:263-283): manager.enable, a typed netAddr
    const scheduler =
      'scheduler:\n  manager:\n    enable: true\n    netAddrs:\n      - type: tcp\n        addr: dragonfly-manager.dragonfly-system.svc.cluster.local:65003\n    refreshInterval: 10m\n  scheduleTimeout: 30s\n';
    expect(sniffKind('s.txt', scheduler)?.kind).toBe('dfget-yaml');
    // keys in any case, as viper reads them (it lowercases every key)
    expect(sniffKind('g.txt', 'AliveTime: 0s\nGcInterval: 1m0s\nKeepStorage: true\n')?.kind).toBe('dfget-yaml');
    expect(
      sniffKind(
        'h.txt',
        download
          .replace('perPeerRateLimit', 'PerPeerRateLimit')
          .replace('pieceDownloadTimeout', 'PieceDownloadTimeout'),
      )?.kind,
    ).toBe('dfget-yaml');
    // and no other YAML for either: a Rust fragment, a `client:` of another program, a manifest, a kubelet config
    expect(sniffKind('c.txt', 'download:\n  pieceTimeout: 30s\n  concurrentPieceCount: 16\n')?.kind).not.toBe(
      'dfget-yaml',
    );
    expect(sniffKind('d.txt', 'client:\n  timeout: 5s\n  retries: 3\nserver:\n  port: 8080\n')).toBeNull();
    const deployment =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        env:\n        - name: URL\n          value: https://example.com\n';
    expect(sniffKind('e.txt', deployment)).toBeNull();
    expect(
      sniffKind(
        'f.txt',
        'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserializeImagePulls: false\n',
      )?.kind,
    ).toBe('kubelet-config');
  });
});
