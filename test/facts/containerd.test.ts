import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { downloadsSnippet } from '../../src/rules/snippets/containerd.js';
import { stepText } from '../../src/report/steps-render.js';

const HOSTS =
  'server = "https://index.docker.io"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n';
const V2 = (extra = '') =>
  `version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n${extra}  [plugins."io.containerd.grpc.v1.cri".registry]\n    config_path = "/etc/containerd/certs.d"\n`;

describe('containerd facts', () => {
  it('is absent without any raw/containerd file', async () => {
    expect((await factsFrom({})).containerd).toBeUndefined();
  });

  it('says containerd runs on defaults when config.toml is missing', async () => {
    const f = await factsFrom({ 'raw/containerd/version.txt': 'containerd containerd.io 1.7.27 x\n' });
    expect(f.containerd?.configSource).toBe('defaults');
    expect(f.containerd?.pull.downloads).toMatchObject({ limit: 3, fromDefault: true });
    expect(f.containerd?.imagePullProgressTimeout).toBe('5m0s');
    expect(f.notes.map((n) => n.text).join()).toMatch(/defaults/);
  });

  it('orders hosts, marks dfdaemon by its proxy port from the dfdaemon listeners, and sees the origin fallback', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS,
      'raw/net/listeners.txt':
        'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n',
    });
    const c = f.containerd!;
    expect(c.routes).toHaveLength(1);
    expect(c.routes[0]).toMatchObject({ registry: 'docker.io', firstIsDfdaemon: true, originFallback: true });
    expect(c.routes[0]!.hosts.map((h) => [h.role, h.url, h.isDfdaemon])).toEqual([
      ['mirror', 'http://127.0.0.1:4001', true],
      ['server', 'https://index.docker.io:443', false],
    ]);
    expect(c.mirrorHosts).toEqual(['127.0.0.1:4001']);
    expect(c.misconfigs).toEqual([]);
    expect(c.dfdaemonPresent).toBe(true);
  });

  it('flags a mirror on a dfdaemon port that is not the proxy (ports from facts.dfdaemon are not available here, listeners are)', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS.replace(/4001/g, '4000'),
      'raw/net/listeners.txt':
        'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4000 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\nLISTEN 0 1024 0.0.0.0:4001 0.0.0.0:* users:(("dfdaemon",pid=9,fd=4))\n',
    });
    expect(f.containerd!.misconfigs.map((m) => m.kind)).toContain('wrong-port');
  });

  it('routes nothing to a Go dfdaemon whose dfget.yaml gives its proxy no port, and says so', async () => {
    const files = (port: string) => ({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS.replace(/4001/g, '65001'),
      'raw/dfdaemon/config/dfget.yaml': `upload:\n  tcpListen:\n    port: 65002\nproxy:\n  tcpListen:\n    port:${port}\n`,
    });
    const off = (await factsFrom(files(''))).containerd!;
    expect(off.dfdaemon).toMatchObject({ proxyPorts: [] });
    expect(off.routes[0]!.hosts[0]).toMatchObject({ url: 'http://127.0.0.1:65001', isDfdaemon: false });
    expect(off.misconfigs.map((m) => m.kind)).toEqual(['dfdaemon-proxy-off']);
    expect(off.misconfigs[0]!.message).toMatch(
      /dfget.yaml:6 leaves proxy.tcpListen.port empty or 0, and the Go dfdaemon serves no proxy/,
    );
    const on = (await factsFrom(files(' 65001'))).containerd!;
    expect(on.dfdaemon).toMatchObject({ proxyPorts: [65001] });
    expect(on.misconfigs).toEqual([]);
  });

  it("takes a Go proxy port range as any of its ports, unless dfdaemon's listeners show which it holds", async () => {
    // ListenWithPortRange binds the first free port from start to end (dragonfly v2.1.49 pkg/rpc/server_listen.go:54-68)
    const LISTEN = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n';
    const files = (mirrorPort: number, listeners?: string) => ({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/docker.io/hosts.toml': HOSTS.replace(/4001/g, String(mirrorPort)),
      'raw/dfdaemon/config/dfget.yaml':
        'upload:\n  tcpListen:\n    port: 65002\nproxy:\n  tcpListen:\n    port:\n      start: 65001\n      end: 65010\n',
      ...(listeners === undefined ? {} : { 'raw/net/listeners.txt': LISTEN + listeners }),
    });
    // no listeners: any port of the range but the upload port may be the proxy
    const open = await factsFrom(files(65005));
    expect(open.dfdaemon?.ports?.proxy).toBe(65001);
    expect(open.dfdaemon?.portRanges).toEqual({ proxy: { start: 65001, end: 65010 } });
    expect(open.containerd!.routes[0]!.hosts[0]).toMatchObject({ port: 65005, isDfdaemon: true });
    expect(open.containerd!.misconfigs).toEqual([]);
    const upload = await factsFrom(files(65002));
    expect(upload.containerd!.misconfigs.map((m) => m.message)).toEqual([
      "http://127.0.0.1:65002 is dfdaemon's upload port, not its proxy port (65001–65010, the first free one)",
    ]);
    // another process held 65001 and 65003: the daemon took 65004, which is where containerd must go
    const held =
      'LISTEN 0 1024 0.0.0.0:65001 0.0.0.0:* users:(("nginx",pid=7,fd=3))\n' +
      'LISTEN 0 1024 0.0.0.0:65002 0.0.0.0:* users:(("dfget",pid=9,fd=3))\n' +
      'LISTEN 0 1024 0.0.0.0:65003 0.0.0.0:* users:(("nginx",pid=7,fd=4))\n' +
      'LISTEN 0 1024 0.0.0.0:65004 0.0.0.0:* users:(("dfget",pid=9,fd=4))\n';
    const bound = await factsFrom(files(65001, held));
    expect(bound.dfdaemon?.ports?.proxy).toBe(65004);
    expect(bound.dfdaemon?.portRanges?.proxy).toEqual({ start: 65001, end: 65010, bound: 65004 });
    expect(bound.containerd!.dfdaemon).toMatchObject({ proxyPorts: [65004] });
    expect(bound.containerd!.routes[0]!.hosts[0]).toMatchObject({ port: 65001, isDfdaemon: false });
    expect(bound.containerd!.misconfigs.map((m) => m.kind)).toEqual(['no-routing']);
    const right = await factsFrom(files(65004, held));
    expect(right.containerd!.misconfigs).toEqual([]);
  });

  it('builds legacy mirror routes with the default endpoint appended', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:65001"]\n',
    });
    const r = f.containerd!.routes[0]!;
    expect(r.source).toBe('legacy-mirrors');
    expect(r.hosts.map((h) => h.url)).toEqual(['http://127.0.0.1:65001', 'https://registry-1.docker.io:443']);
    expect(r.firstIsDfdaemon).toBe(true);
    // the endpoint's line in config.toml (a hosts.toml line of the parser's own making was cited as line 1)
    expect(r.hosts.map((h) => h.line)).toEqual([3, undefined]);
  });

  it('merges imports over the main file', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
      'raw/containerd/imports/10-cri.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 8\n',
    });
    expect(f.containerd!.pull.downloads).toMatchObject({ limit: 8, fromDefault: false });
    // set in an import, not in config.toml: the import and its line are named for it
    expect(f.containerd!.setIn.downloads).toEqual({ file: 'raw/containerd/imports/10-cri.toml', line: 3 });
  });

  // containerd 2.1+ parses dial_timeout with time.ParseDuration and drops the whole file on an error
  it('names a hosts.toml whose dial_timeout is no duration as rejected from 2.1.0, and ignored before', async () => {
    const files = (version: string) => ({
      'raw/containerd/version.txt': `containerd x v${version} y`,
      'raw/containerd/config.toml':
        "version = 3\n[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'\n",
      'raw/containerd/certs.d/docker.io/hosts.toml':
        'server = "https://index.docker.io"\n[host."http://127.0.0.1:4001"]\n  dial_timeout = "1"\n',
    });
    const rejected = await factsFrom(files('2.1.0'));
    expect(rejected.containerd?.routes[0]?.rejected?.message).toMatch(/dial_timeout "1" .* is no duration/);
    const older = await factsFrom(files('2.0.0'));
    expect(older.containerd?.routes[0]?.rejected).toBeUndefined();
  });

  it('takes effective values from config dump, but not a dump of another layout', async () => {
    const dump =
      'version = 2\n[plugins."io.containerd.grpc.v1.cri"]\n  max_concurrent_downloads = 3\n  [plugins."io.containerd.grpc.v1.cri".containerd]\n    snapshotter = "overlayfs"\n';
    const same = await factsFrom({
      'raw/containerd/config.toml': 'version = 2\n',
      'raw/containerd/config-dump.toml': dump,
    });
    expect(same.containerd?.configSource).toBe('dump');
    const v3 = await factsFrom({
      'raw/containerd/config.toml': "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n",
      'raw/containerd/config-dump.toml': dump,
    });
    expect(v3.containerd).toMatchObject({ configSource: 'file', snapshotter: 'native' });
    expect(v3.notes.map((n) => n.text).join()).toMatch(
      /layout v2 for a v3 config.toml: the running containerd does not understand/,
    );
    // a newer containerd migrates the file and dumps its own version (2.3+: v4): config.toml is read, in its
    // own layout, and the note says it was migrated, not misunderstood
    const migrated = await factsFrom({
      'raw/containerd/version.txt': 'containerd x v2.3.4 y',
      'raw/containerd/config.toml': "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n",
      'raw/containerd/config-dump.toml':
        "version = 4\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n",
    });
    expect(migrated.containerd).toMatchObject({ configSource: 'file', snapshotter: 'native', config: { layout: 3 } });
    const note = migrated.notes.map((n) => n.text).join();
    expect(note).toMatch(/layout v4 for a v3 config.toml: this containerd migrates the file to v4/);
    expect(note).not.toMatch(/does not understand/);
  });

  it('reads a version 4 dump (containerd 2.3+) in the layout of version 3', async () => {
    const f = await factsFrom({
      'raw/containerd/version.txt': 'containerd x v2.3.4 y',
      'raw/containerd/config.toml': 'version = 4\n',
      'raw/containerd/config-dump.toml':
        "version = 4\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'overlayfs'\n  [plugins.'io.containerd.cri.v1.images'.registry]\n    config_path = '/etc/containerd/hosts'\n",
    });
    expect(f.problems).toEqual([]);
    expect(f.containerd).toMatchObject({ configSource: 'dump', configPath: ['/etc/containerd/hosts'] });
  });

  describe('pull mode by version (src/knowledge/containerd.ts)', () => {
    const v3 = (cri = '', transfer = '') =>
      `version = 3\n[plugins.'io.containerd.cri.v1.images']\n${cri}[plugins.'io.containerd.transfer.v1.local']\n${transfer}`;
    it('2.1 uses the transfer service and its node-wide limit', async () => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.1.0 y',
        'raw/containerd/config.toml': v3('', '  max_concurrent_downloads = 5\n'),
      });
      expect(f.containerd!.pull).toMatchObject({ mode: 'transfer', downloads: { limit: 5, scope: 'per-daemon' } });
    });
    it('2.1 falls back to local pull when the CRI value is not 3, and names why', async () => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.1.0 y',
        'raw/containerd/config.toml': v3('  max_concurrent_downloads = 6\n  discard_unpacked_layers = true\n'),
      });
      expect(f.containerd!.pull.mode).toBe('local');
      // 2.1+ keeps one CRI limiter for the whole image service (v2.1.0 internal/cri/server/images/service.go:112-115)
      expect(f.containerd!.pull.downloads).toMatchObject({ limit: 6, scope: 'per-daemon' });
      expect(f.containerd!.pull.localReasons).toEqual([
        'discard_unpacked_layers = true',
        'max_concurrent_downloads = 6 (≠ 3)',
      ]);
      // discard_unpacked_layers keeps the pull local whatever the count: the fix goes to the CRI key
      const text = stepText(downloadsSnippet(f.containerd!, 10));
      expect(text).toContain("[plugins.'io.containerd.cri.v1.images']");
      expect(text).not.toContain('io.containerd.transfer.v1.local');
      // the count alone forced it: back to the transfer service, whose key then governs
      const countOnly = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.1.0 y',
        'raw/containerd/config.toml': v3('  max_concurrent_downloads = 6\n'),
      });
      expect(stepText(downloadsSnippet(countOnly.containerd!, 10))).toContain('io.containerd.transfer.v1.local');
    });
    it('locates the setting that governs, not the first line naming it', async () => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.1.0 y',
        'raw/containerd/config.toml': v3('  max_concurrent_downloads = 3\n', '  max_concurrent_downloads = 5\n'),
      });
      expect(f.containerd!.pull.downloads).toMatchObject({ limit: 5, scope: 'per-daemon' });
      expect(f.containerd!.setIn.downloads?.line).toBe(5);
      const local = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.0.0 y',
        'raw/containerd/config.toml': v3('  max_concurrent_downloads = 4\n', '  max_concurrent_downloads = 5\n'),
      });
      expect(local.containerd!.pull.downloads).toMatchObject({ limit: 4, scope: 'per-pull' });
      expect(local.containerd!.setIn.downloads?.line).toBe(3);
    });
    it('2.0 and 1.x use the CRI value per pull', async () => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x v2.0.0 y',
        'raw/containerd/config.toml': v3('', '  max_concurrent_downloads = 9\n'),
      });
      expect(f.containerd!.pull).toMatchObject({ mode: 'local', downloads: { limit: 3, scope: 'per-pull' } });
    });
    it('1.7.0–1.7.9 default to a 1m progress timeout', async () => {
      const f = await factsFrom({
        'raw/containerd/version.txt': 'containerd x 1.7.5 y',
        'raw/containerd/config.toml': 'version = 2\n',
      });
      expect(f.containerd!.imagePullProgressTimeout).toBe('1m0s');
    });
  });

  it('decompression: unpigz unless disabled (env or drop-in), igzip first from 2.0', async () => {
    const dec = (unpigz: string | null, igzip: string | null) =>
      JSON.stringify({ path: '/usr/bin', pathFrom: 'process', unpigz, igzip });
    const a = await factsFrom({
      'raw/containerd/version.txt': 'containerd x 1.6.20 y',
      'raw/containerd/decompressors.json': dec('/usr/bin/unpigz', '/usr/bin/igzip'),
    });
    expect(a.containerd!.decompression?.effective).toBe('unpigz');
    const b = await factsFrom({
      'raw/containerd/version.txt': 'containerd x v2.0.1 y',
      'raw/containerd/decompressors.json': dec('/usr/bin/unpigz', '/usr/bin/igzip'),
    });
    expect(b.containerd!.decompression?.effective).toBe('igzip');
    const c = await factsFrom({
      'raw/containerd/decompressors.json': dec('/usr/bin/unpigz', null),
      'raw/containerd/systemd/10-pigz.conf': '[Service]\nEnvironment="CONTAINERD_DISABLE_PIGZ=true"\n',
    });
    expect(c.containerd!.decompression).toMatchObject({
      effective: 'go-stdlib',
      disabledBy: ['CONTAINERD_DISABLE_PIGZ=true'],
    });
  });

  it('reports bad files with file and line, and still builds', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': V2('  max_concurrent_downloads = "many"\n'),
      'raw/containerd/certs.d/docker.io/hosts.toml': '[host."http://127.0.0.1:4001"\n',
      'raw/containerd/mirror-check.json': '{not json',
    });
    expect(f.containerd).toBeDefined();
    const where = f.problems.map((p) => `${p.file}:${p.line ?? ''}`);
    expect(where).toContain('raw/containerd/config.toml:3');
    expect(where).toContain('raw/containerd/certs.d/docker.io/hosts.toml:1');
    expect(where).toContain('raw/containerd/mirror-check.json:');
    expect(f.containerd!.misconfigs.map((m) => m.kind)).toContain('rejected');
  });
});

describe('containerd log', () => {
  it("reads crictl's klog line beside its FATA line as one failed pull, and counts no line unrecognised (dragonflyoss/dragonfly#3582)", async () => {
    const journal = readFileSync('fixtures/real/dfdaemon-go-500-host-only-wording/raw/containerd/journal.txt', 'utf8');
    const f = await factsFrom({ 'raw/containerd/journal.txt': journal });
    expect(f.problems.filter((p) => p.file === 'raw/containerd/journal.txt')).toEqual([]);
    expect(f.containerd!.log!.events.map((e) => [e.kind, e.line])).toEqual([['pull-failed-at-host', 2]]);
    // the client's line alone (the kubelet's journal, or crictl's stderr without its last line) is the failure
    const alone = await factsFrom({ 'raw/containerd/journal.txt': `${journal.split('\n')[0]}\n` });
    expect(alone.problems.filter((p) => p.file === 'raw/containerd/journal.txt')).toEqual([]);
    expect(alone.containerd!.log!.events).toMatchObject([
      { kind: 'pull-failed-at-host', line: 1, criClient: true, failedAt: { host: '127.0.0.1:65001', status: 500 } },
    ]);
  });

  it("reads crictl's klog line inside kubeadm's wrap, and takes the wrap's last line for kubeadm's (kubernetes/website#40520)", async () => {
    const journal = readFileSync(
      'fixtures/real/kubeadm-preflight-crictl-output-40520/raw/containerd/journal.txt',
      'utf8',
    );
    const f = await factsFrom({ 'raw/containerd/journal.txt': journal });
    expect(f.problems.filter((p) => p.file === 'raw/containerd/journal.txt')).toEqual([]);
    // crictl's fatal line repeats the client's failure: one pull failed, at the origin, unanswered
    expect(f.containerd!.log!.events).toMatchObject([
      { kind: 'pull-failed-unanswered', line: 2, failedAt: { host: 'registry.k8s.io' } },
    ]);
    // the client's line alone is the failure, with the image it names
    const alone = await factsFrom({ 'raw/containerd/journal.txt': `${journal.split('\n')[0]}\n` });
    expect(alone.containerd!.log!.events).toMatchObject([
      { kind: 'pull-failed-unanswered', line: 1, criClient: true, image: 'registry.k8s.io/coredns/coredns:v1.9.3' },
    ]);
  });

  it("says a ctr pull that failed at the registry's own host never used the mirror hosts.toml lists first (containerd#12550)", async () => {
    const dir = 'fixtures/real/containerd-2.1.5-hosts-toml-config-not-given-12550/raw/containerd';
    const hostsToml = readFileSync(`${dir}/certs.d/docker.io/hosts.toml`, 'utf8');
    const ctrLine = readFileSync(`${dir}/journal.txt`, 'utf8');
    // as analyze gives loose files: hosts.toml read as from containerd's config_path
    const loose = {
      manifest: { probes: { containerd: { status: 'ok' as const, durationMs: 0, configGiven: false } } },
    };
    const f = await factsFrom(
      {
        'raw/containerd/version.txt': readFileSync(`${dir}/version.txt`, 'utf8'),
        'raw/containerd/certs.d/docker.io/hosts.toml': hostsToml,
        'raw/containerd/journal.txt': ctrLine,
      },
      loose,
    );
    expect(f.notes).toContainEqual({
      text: expect.stringMatching(
        /^ctr's pull failed at registry-1\.docker\.io, the registry's own host for docker\.io, not at https:\/\/x1c5aepo97t16f\.xuanyuan\.run:443, which raw\/containerd\/certs\.d\/docker\.io\/hosts\.toml lists first: ctr reads hosts\.toml only when given --hosts-dir, so this pull did not go through that mirror/,
      ),
      source: 'raw/containerd/journal.txt:1',
    });
    // dfdaemon as the mirror is named as such
    const dfdaemon = await factsFrom(
      {
        'raw/containerd/certs.d/docker.io/hosts.toml':
          'server = "https://registry-1.docker.io"\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
        'raw/containerd/journal.txt': ctrLine,
      },
      loose,
    );
    expect(dfdaemon.notes.map((n) => n.text).join('\n')).toMatch(/so this pull did not go through dfdaemon \(/);
    // ctr's failure at the mirror: it read hosts.toml; the CRI client's failure at the origin: no ctr
    for (const journal of [
      'ctr: failed to resolve image: failed to do request: Head "http://127.0.0.1:4001/v2/library/nginx/manifests/latest?ns=docker.io": dial tcp 127.0.0.1:4001: connect: connection refused\n',
      readFileSync('fixtures/real/kubeadm-preflight-crictl-output-40520/raw/containerd/journal.txt', 'utf8').replace(
        /registry\.k8s\.io/g,
        'docker.io',
      ),
    ]) {
      const other = await factsFrom(
        {
          'raw/containerd/certs.d/docker.io/hosts.toml':
            '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
          'raw/containerd/journal.txt': journal,
        },
        loose,
      );
      expect(other.containerd!.log!.events.length).toBeGreaterThan(0);
      expect(other.notes.map((n) => n.text).join('\n')).not.toMatch(/^ctr's pull/m);
    }
  });

  it('counts the lines of a journal it cannot read as the file has them (the last newline ends a line)', async () => {
    const f = await factsFrom({ 'raw/containerd/journal.txt': 'nothing like a log line\n' });
    expect(f.problems).toContainEqual(
      expect.objectContaining({
        file: 'raw/containerd/journal.txt',
        line: 1,
        message: expect.stringMatching(/^1 of 1 lines not recognised as containerd log lines/),
      }),
    );
  });
});

describe('_default hosts.toml', () => {
  it("lists only its mirrors; the image's own registry is the fallback", async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/_default/hosts.toml':
        '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
    });
    const r = f.containerd!.routes[0]!;
    expect(r.registry).toBe('_default');
    expect(r.hosts.map((h) => h.url)).toEqual(['http://127.0.0.1:4001']);
    expect(r).toMatchObject({ firstIsDfdaemon: true, originFallback: true });
  });
  it('a mirror-only file (dfdaemon as server) has no origin fallback', async () => {
    const f = await factsFrom({
      'raw/containerd/config.toml': V2(),
      'raw/containerd/certs.d/docker.io/hosts.toml':
        'server = "http://127.0.0.1:4001"\n[host."http://127.0.0.1:4001"]\n',
    });
    expect(f.containerd!.routes[0]).toMatchObject({ firstIsDfdaemon: true, originFallback: false });
    expect(f.containerd!.mirrorHosts).toEqual(['127.0.0.1:4001']);
  });
});

describe('https to dfdaemon', () => {
  const files = (check?: object) => ({
    'raw/containerd/config.toml': V2(),
    'raw/containerd/certs.d/docker.io/hosts.toml': '[host."127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n',
    ...(check ? { 'raw/containerd/mirror-check.json': JSON.stringify([check]) } : {}),
  });
  it('flags a scheme-less dfdaemon host (containerd dials https), unless the live check got an answer over https', async () => {
    expect((await factsFrom(files())).containerd!.misconfigs.map((m) => m.kind)).toContain('scheme');
    const failed = {
      host: '127.0.0.1:4001',
      url: 'https://127.0.0.1:4001',
      tcp: 'open',
      connectMs: 0.1,
      v2Status: null,
      error: 'GET /v2/: EPROTO',
    };
    expect((await factsFrom(files(failed))).containerd!.misconfigs.map((m) => m.kind)).toContain('scheme');
    const tls = { ...failed, v2Status: 200, error: undefined };
    expect((await factsFrom(files(tls))).containerd!.misconfigs.map((m) => m.kind)).not.toContain('scheme');
  });

  it('notes the hosts.toml keys containerd ignores, with their lines, and that a proxy table there is no proxy (dragonflyoss/dragonfly#3981)', async () => {
    const proxyOnly = readFileSync(
      new URL(
        '../../fixtures/real/containerd-hosts-toml-proxy-keys-3981/raw/containerd/certs.d/docker.io/hosts.toml',
        import.meta.url,
      ),
      'utf8',
    );
    const config = {
      'raw/containerd/config.toml':
        'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
    };
    const f = await factsFrom({ ...config, 'raw/containerd/certs.d/docker.io/hosts.toml': proxyOnly });
    const note = f.notes.find((n) => n.text.includes('ignores keys'));
    expect(note?.source).toBe('raw/containerd/certs.d/docker.io/hosts.toml:1');
    expect(note?.text).toContain(
      'host."https://index.docker.io".proxy (line 1), host."https://auth.docker.io".proxy (line 4), host."https://registry-1.docker.io".proxy (line 8)',
    );
    expect(note?.text).toContain('hosts.toml has no proxy setting: pulls do not go through the proxy named here');
    expect(note?.text).toContain('still tried as hosts with pull, resolve and push');
    // the route is what containerd makes of it: the three hosts, then the registry
    expect(f.containerd?.routes[0]?.hosts.map((h) => h.url)).toEqual([
      'https://index.docker.io:443',
      'https://auth.docker.io:443',
      'https://registry-1.docker.io:443',
      'https://registry-1.docker.io:443',
    ]);
    // a stock dfdaemon hosts.toml: every key is one containerd reads, no note
    const stock = await factsFrom({
      ...config,
      'raw/containerd/certs.d/docker.io/hosts.toml':
        'server = "https://index.docker.io"\n\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n  skip_verify = true\n  [host."http://127.0.0.1:4001".header]\n    X-Dragonfly-Registry = "https://index.docker.io"\n',
    });
    expect(stock.notes.map((n) => n.text).join('\n')).not.toMatch(/ignores/);
  });
});

describe('disabled_plugins', () => {
  const notes = async (version: string, config: string) =>
    (
      await factsFrom({
        'raw/containerd/version.txt': `containerd containerd.io ${version} x\n`,
        'raw/containerd/config.toml': config,
      })
    ).notes
      .map((n) => n.text)
      .filter((t) => t.includes('CRI plugin is disabled'));

  it("says the kubelet cannot use a containerd whose CRI plugin is disabled (Docker's containerd.io package config)", async () => {
    // docker/containerd-packaging common/containerd.toml: no version line, so the plugin is named by its id
    for (const version of ['1.6.20', '1.7.27', '2.1.4']) {
      const [note] = await notes(version, 'disabled_plugins = ["cri"]\n');
      expect(note, version).toMatch(/the kubelet cannot pull through this containerd at all/);
      expect(note, version).toMatch(/as the config\.toml of Docker's containerd\.io package has it/);
    }
    const [byUri] = await notes('1.7.27', 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
    expect(byUri).toMatch(/disabled_plugins = \["io\.containerd\.grpc\.v1\.cri"\]\): the kubelet/);
  });

  it('a version 2 or 3 config naming a plugin by its id does not start on any release (1.5–1.7, 2.0–2.2, unknown)', async () => {
    // 1.x ValidateV2 (v1.5.0 services/server/config/config.go:98-107, v1.7.20 :99-116), 2.x ValidateVersion
    // (v2.0.0 cmd/containerd/server/config/config.go:120-124, v2.2.0 :116-120): no v1 migration renames it
    const read = async (version: string | null, config: string, imports: Record<string, string> = {}) =>
      factsFrom({
        ...(version === null ? {} : { 'raw/containerd/version.txt': `containerd containerd.io ${version} x\n` }),
        'raw/containerd/config.toml': config,
        ...imports,
      });
    const refusal = (f: Awaited<ReturnType<typeof read>>) =>
      f.problems.find((p) => p.message.includes('invalid disabled plugin URI'));
    for (const version of ['1.5.18', '1.6.20', '1.7.27', '2.0.6', '2.1.4', '2.2.1', null]) {
      const f = await read(version, 'version = 2\ndisabled_plugins = ["cri"]\n');
      expect(f.containerd!.configSource, String(version)).toBe('invalid');
      expect(refusal(f), String(version)).toMatchObject({ file: 'raw/containerd/config.toml', line: 2 });
      expect(refusal(f)!.message).toMatch(/the CRI plugin is io\.containerd\.grpc\.v1\.cri from version 2/);
      expect(
        f.notes.filter((n) => n.text.includes('CRI plugin is disabled')),
        String(version),
      ).toEqual([]);
      // no version check assumed: every release refuses it alike
      expect(f.containerd!.versionAssumptions.map((a) => a.fact)).not.toContain('containerd.config.import-merge');
    }
    for (const version of ['2.1.4', '2.2.1']) {
      const f = await read(version, 'version = 3\ndisabled_plugins = ["restart"]\n');
      expect(refusal(f)?.message, version).toMatch(/names "restart".*read as version 3/);
    }
    // a version 1 import's ids: 2.x renames them before the merge, 1.x appends them to a version 2 list
    const v1Import = { 'raw/containerd/imports/10-v1.toml': 'disabled_plugins = ["restart"]\n' };
    const main = 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n';
    expect(refusal(await read('2.1.4', main, v1Import))).toBeUndefined();
    expect(refusal(await read('1.7.27', main, v1Import))).toMatchObject({
      file: 'raw/containerd/imports/10-v1.toml',
      line: 1,
    });
    // 1.7.17+ checks the version first (ValidateV2, v1.7.20 :106-110): that is what it prints
    const v3 = await read('1.7.20', 'version = 3\ndisabled_plugins = ["cri"]\n');
    expect(v3.problems.map((p) => p.message).join('\n')).toMatch(/unsupported config version `3`/);
    expect(refusal(v3)).toBeUndefined();
    // not refused: a version 1 config's id, and a version 2 config's URI
    expect(refusal(await read('2.1.4', 'disabled_plugins = ["cri"]\n'))).toBeUndefined();
    expect(
      refusal(await read('1.7.27', 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n')),
    ).toBeUndefined();
  });

  it("a version 1 config's URI: 1.x matches it against plugin ids and keeps CRI, 2.x disables it; unknown assumes 2.x and says so", async () => {
    // V1DisabledFilter matches r.ID at version 1 (v1.7.20 services/server/config/config.go:324-334,
    // services/server/server.go:514-517); v1MigratePluginName keeps a dotted name (v2.0.0 config.go:175-190)
    const v1Uri = 'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n';
    expect(await notes('1.7.27', v1Uri)).toEqual([]);
    expect(await notes('1.6.20', v1Uri)).toEqual([]);
    expect(await notes('2.1.4', v1Uri)).toHaveLength(1);
    const unknown = await factsFrom({ 'raw/containerd/config.toml': v1Uri });
    expect(unknown.notes.filter((n) => n.text.includes('CRI plugin is disabled'))).toHaveLength(1);
    expect(unknown.containerd!.versionAssumptions.map((a) => [a.fact, a.range])).toContainEqual([
      'containerd.config.import-merge',
      '≥ 2.0.0',
    ]);
    // `containerd config dump` prints the merged config in the version it is read as: 1.x's version 1 by id
    const dumped = async (dump: string) =>
      (
        await factsFrom({
          'raw/containerd/version.txt': 'containerd x 1.7.27 y\n',
          'raw/containerd/config-dump.toml': dump,
        })
      ).notes.filter((n) => n.text.includes('CRI plugin is disabled'));
    expect(await dumped(`version = 1\n${v1Uri}`)).toEqual([]);
    expect(await dumped(`version = 2\n${v1Uri}`)).toHaveLength(1);
    // the id in a version 1 config: every release disables CRI
    const id = await factsFrom({ 'raw/containerd/config.toml': 'disabled_plugins = ["cri"]\n' });
    expect(id.notes.filter((n) => n.text.includes('CRI plugin is disabled'))).toHaveLength(1);
  });

  it('says nothing when another plugin is disabled', async () => {
    expect(await notes('1.7.27', 'version = 2\ndisabled_plugins = ["io.containerd.internal.v1.opt"]\n')).toEqual([]);
    expect(await notes('1.7.27', 'disabled_plugins = ["aufs"]\n')).toEqual([]);
  });
});
