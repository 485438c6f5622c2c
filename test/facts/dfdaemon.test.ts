import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goDaemonLogDir, parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';
import { goConfigSeconds, parseGoBytes } from '../../src/parsers/dfdaemon-config-go.js';
import { parseRustBytes, rustConfigSeconds } from '../../src/parsers/dfdaemon-config-rust.js';
import { factsFrom } from '../helpers/bundle.js';
import { gcThreshold } from '../../src/facts/disk-gc.js';
import { goChartConfig, rustConfig, rustMetrics } from './dfdaemon-fixture-configs.js';
import { goDirect, goJson, goTaskLines, hex64, rustCompact, rustProxy, rustTaskLines } from './dfdaemon-loggen.js';
import { samplesDir } from '../helpers/samples.js';

const SAMPLES = samplesDir();
const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

describe('dfdaemon config', () => {
  it('reads sizes and durations the way each generation does', () => {
    expect(parseGoBytes('1024Mi')).toBe(2 ** 30);
    expect(parseGoBytes('2MiB')).toBe(2 * 2 ** 20);
    expect(parseGoBytes('200M')).toBe(200 * 2 ** 20); // go-units RAMInBytes is binary
    expect(parseGoBytes(2097152)).toBe(2097152);
    expect(parseRustBytes('50GB')).toBe(50e9);
    expect(parseRustBytes('1GiB')).toBe(2 ** 30);
    expect(parseRustBytes('fast')).toBeUndefined();
    // Go: time.ParseDuration or integer nanoseconds; no days (Go has no such unit)
    expect(goConfigSeconds('1h30m')).toBe(5400);
    expect(goConfigSeconds('1.5s')).toBe(1.5);
    expect(goConfigSeconds(3e9)).toBe(3);
    expect(goConfigSeconds('30d')).toBeUndefined();
    expect(goConfigSeconds('soon')).toBeUndefined();
    // Rust: humantime (whole numbers, spaces allowed, days/weeks/months; `M` months, `m` minutes)
    expect(rustConfigSeconds('360s')).toBe(360);
    expect(rustConfigSeconds('2h 37min')).toBe(9420);
    expect(rustConfigSeconds('30d')).toBe(30 * 86400);
    expect(rustConfigSeconds('1M')).toBe(2_630_016);
    expect(rustConfigSeconds('1.5s')).toBeUndefined();
    expect(rustConfigSeconds(360)).toBeUndefined();
    expect(rustConfigSeconds('soon')).toBeUndefined();
  });

  it("reads Go's empty dataDir and logDir as the defaults they leave (v2.1.0 cmd/dfget/cmd/daemon.go:119-133)", () => {
    // the v2.1.0 docker-compose peer config and the v2.1.x reference docs write both as ''
    const r = parseDfdaemonConfig("logDir: ''\ndataDir: ''\n", 'go');
    expect(r.ok && r.config.storageDir).toEqual({ value: '/var/lib/dragonfly', from: 'default', key: 'dataDir' });
    expect(r.ok && r.config.logDir).toEqual({ value: '/var/log/dragonfly', from: 'default', key: 'logDir' });
    const set = parseDfdaemonConfig('dataDir: /data/df\n', 'go');
    expect(set.ok && set.config.storageDir).toMatchObject({ value: '/data/df', from: 'config' });
  });

  it("takes Go's dataDir default from the release: root's ~/.dragonfly/dfget-daemon before v2.0.2", async () => {
    // v2.0.1 client/config/peerhost_linux.go:37-38 (basic.HomeDir, root's); v2.0.2 pkg/dfpath/dfpath_linux.go:26
    const dir = (version?: string, text = 'keepStorage: true\n') => {
      const r = parseDfdaemonConfig(text, 'go', version);
      return r.ok ? r.config.storageDir : undefined;
    };
    expect(dir('v2.0.0')).toEqual({ value: '/root/.dragonfly/dfget-daemon', from: 'default', key: 'dataDir' });
    expect(dir('v2.0.1')).toMatchObject({ value: '/root/.dragonfly/dfget-daemon', from: 'default' });
    expect(dir('v2.0.1', "dataDir: ''\n")).toMatchObject({ value: '/root/.dragonfly/dfget-daemon', from: 'default' });
    expect(dir('v2.0.2')).toMatchObject({ value: '/var/lib/dragonfly', from: 'default' });
    expect(dir()).toMatchObject({ value: '/var/lib/dragonfly', from: 'default' });
    expect(dir('v2.0.1', 'dataDir: /data/df\n')).toMatchObject({ value: '/data/df', from: 'config' });
    // the cache dir the other areas read (the disk probe's, the storage volume's) is that one
    const facts = await factsFrom({
      'raw/dfdaemon/config/dfget.yaml': 'keepStorage: true\n',
      'raw/dfdaemon/version.txt': 'v2.0.1\n',
    });
    expect(facts.dfdaemon?.cacheDir).toEqual({ path: '/root/.dragonfly/dfget-daemon', from: 'default' });
  });

  it("takes the Go release from the daemon's start in its log, where nothing else names it, and reads the config with it", async () => {
    // v2.0.1's start, as cmd/dfget/cmd/daemon.go:93 logs it in version/version.go's text (commit and build: placeholders)
    const start = goJson(
      T0,
      'info',
      'cmd/daemon.go:93',
      'Version:\nMajor: 2, Minor: 0, GitVersion: v2.0.1, GitCommit: 2ad1b29, Platform: linux, BuildTime: 2022-02-11T03:02:31Z, GoVersion: go1.17.6 linux/amd64, Gotags: none, Gogcflags: none',
    );
    const files = {
      'raw/dfdaemon/config/dfget.yaml': 'keepStorage: true\n',
      'raw/dfdaemon/logs/core.log': `${start}\n`,
    };
    const facts = await factsFrom(files);
    expect(facts.dfdaemon?.version).toBe('v2.0.1');
    expect(facts.dfdaemon?.versionFrom).toBe('log');
    expect(facts.dfdaemon?.logs?.summary.daemonVersion?.ref.line).toBe(1);
    // v2.0.1's cache dir default, not v2.0.2's
    expect(facts.dfdaemon?.cacheDir).toEqual({ path: '/root/.dragonfly/dfget-daemon', from: 'default' });
    // what the bundle records of the release comes first
    const recorded = await factsFrom({ ...files, 'raw/dfdaemon/version.txt': 'v2.1.49\n' });
    expect(recorded.dfdaemon?.version).toBe('v2.1.49');
    expect(recorded.dfdaemon?.cacheDir).toEqual({ path: '/var/lib/dragonfly', from: 'default' });
  });

  it('takes the Rust release from the announce to the scheduler at start, where nothing else names it', async () => {
    // init_announce_host's span (#[instrument(skip(self))], at INFO up to v1.4.0) prints its request with the
    // "announce host to" line: dragonflyoss/client v1.4.0 dragonfly-client/src/grpc/scheduler.rs:226-239,
    // Build { git_version: CARGO_PKG_VERSION } (announcer/mod.rs:232); the host's other fields shortened
    const announce = (version: string | null) =>
      rustCompact(
        T0,
        'INFO',
        'init_announce_host',
        'dragonfly-client/src/grpc/scheduler.rs:239',
        'announce host to 10.96.1.20:8002',
        version === null
          ? ''
          : `request=AnnounceHostRequest { host: Some(Host { id: "10.244.2.9-node-b", r#type: 0, hostname: "node-b", ip: "10.244.2.9", port: 4000, download_port: 4001, os: "linux", platform: "ubuntu", cpu: Some(Cpu { logical_count: 8, physical_count: 4, percent: 1.5 }), build: Some(Build { git_version: "${version}", git_commit: Some("5dee749"), go_version: None, rust_version: Some("1.80.0"), platform: Some("linux") }), scheduler_cluster_id: 0, disable_shared: false }), interval: Some(Duration { seconds: 300, nanos: 0 }) }`,
      );
    // and a task whose end the log does not show, which the release-dependent note on task ends is about
    const started = rustTaskLines({
      startMs: T0 + 1000,
      host: 'node-b',
      peer: 'peer-1',
      task: hex64(1),
      url: `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(1)}`,
      size: 8 * 2 ** 20,
      mode: 'p2p',
      costMs: 300,
      series: 'v1',
    }).filter((l) => l.includes('download task started'));
    const files = {
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/logs/dfdaemon.log': `${[announce('1.4.0'), ...started].join('\n')}\n`,
    };
    const facts = await factsFrom(files);
    expect(facts.dfdaemon?.version).toBe('v1.4.0');
    expect(facts.dfdaemon?.versionFrom).toBe('log');
    expect(facts.dfdaemon?.logs?.summary.daemonVersion?.ref.line).toBe(1);
    // the bundle's own record comes first
    const recorded = await factsFrom({ ...files, 'raw/dfdaemon/version.txt': 'v1.2.8\n' });
    expect(recorded.dfdaemon?.version).toBe('v1.2.8');
    // v1.4.1 onwards at INFO: the span is DEBUG, the line has no request and names no release
    const bare = await factsFrom({
      ...files,
      'raw/dfdaemon/logs/dfdaemon.log': `${[announce(null), ...started].join('\n')}\n`,
    });
    expect(bare.dfdaemon?.version).toBeUndefined();
    // the release-dependent notes follow the release the log names: no assumption is made for it
    const assumed = 'the version is unknown: assumed ≥ v1.4.1';
    expect(bare.notes.map((n) => n.text).join('\n')).toContain(assumed);
    expect(facts.notes.map((n) => n.text).join('\n')).not.toContain(assumed);
  });

  it("takes Go's calculateDigest default from the release: off in v2.0.0 and v2.1.44–v2.1.49 only", () => {
    const digest = (version?: string) => {
      const r = parseDfdaemonConfig('download:\n  totalRateLimit: 1024Mi\n', 'go', version);
      return r.ok ? r.config.calculateDigest : undefined;
    };
    expect(digest('v2.0.0')?.value).toBe(false);
    expect(digest('v2.0.1')?.value).toBe(true);
    expect(digest('v2.1.43')?.value).toBe(true);
    expect(digest('v2.1.44')?.value).toBe(false);
    expect(digest('v2.1.49')?.value).toBe(false);
    expect(digest('v2.1.50')?.value).toBe(true);
    // unknown: the newest release's default
    expect(digest()).toMatchObject({ value: true, from: 'default' });
    const off = parseDfdaemonConfig('download:\n  calculateDigest: false\n', 'go', 'v2.3.4');
    expect(off.ok && off.config.calculateDigest).toMatchObject({ value: false, from: 'config' });
  });

  it("takes Go's limits, task expiry and GC threshold defaults from the release, when it is known", () => {
    const at = (version?: string, text = 'keepStorage: true\n') => {
      const r = parseDfdaemonConfig(text, 'go', version);
      if (!r.ok) throw new Error('unparsed');
      return r;
    };
    const MiB = 2 ** 20;
    const limits = (v?: string) => {
      const c = at(v).config;
      return [c.downloadRateLimit, c.perPeerRateLimit, c.uploadRateLimit].map((s) => s && [s.value / MiB, s.from]);
    };
    // dragonfly client/config/constants.go: 100/20/100 MB to v2.0.6, 1024/512/1024 MB from v2.0.7
    expect(limits('v2.0.0')).toEqual([
      [100, 'default'],
      [20, 'default'],
      [100, 'default'],
    ]);
    expect(limits('v2.0.6')).toEqual([
      [100, 'default'],
      [20, 'default'],
      [100, 'default'],
    ]);
    expect(limits('v2.0.7')).toEqual([
      [1024, 'default'],
      [512, 'default'],
      [1024, 'default'],
    ]);
    expect(limits()).toEqual([
      [1024, 'default'],
      [512, 'default'],
      [1024, 'default'],
    ]);
    expect(at('v2.0.4', 'download:\n  totalRateLimit: 2048Mi\n').config.downloadRateLimit).toMatchObject({
      value: 2048 * MiB,
      from: 'config',
    });
    // taskExpireTime 3m to v2.0.1, 6h from v2.0.2
    expect(at('v2.0.1').config.taskExpireSeconds).toMatchObject({ value: 180, from: 'default' });
    expect(at('v2.0.2').config.taskExpireSeconds).toMatchObject({ value: 21600, from: 'default' });
    expect(at().config.taskExpireSeconds).toMatchObject({ value: 21600, from: 'default' });
    // diskGCThresholdPercent arrives in v2.0.2: before it, nothing is read, and a set key is said to be unread
    expect(at('v2.0.1').config.gcHighThresholdPercent).toBeUndefined();
    const set = at('v2.0.1', 'storage:\n  diskGCThresholdPercent: 80\n');
    expect(set.config.gcHighThresholdPercent).toBeUndefined();
    expect(set.problems).toEqual([
      { line: 2, message: expect.stringMatching(/^storage.diskGCThresholdPercent: not read by v2.0.1/) as unknown },
    ]);
    expect(at('v2.0.2').config.gcHighThresholdPercent).toMatchObject({ value: 95, from: 'default' });
    expect(at(undefined, 'storage:\n  diskGCThresholdPercent: 80\n').config.gcHighThresholdPercent).toMatchObject({
      value: 80,
      from: 'config',
    });
  });

  it('takes a Go key the known release does not read as absent, and says so where the file sets it', () => {
    // v2.0.0–v2.0.1 have no metrics, logDir, health, prefetch or registryMirror.useProxies (v2.0.2 client/config/peerhost.go)
    const text =
      "metrics: ':8000'\nlogDir: /data/log\nhealth:\n  tcpListen:\n    port: 40902\ndownload:\n  prefetch: true\nproxy:\n  tcpListen:\n    port: 65001\n  registryMirror:\n    useProxies: true\n";
    const at = (version?: string) => {
      const r = parseDfdaemonConfig(text, 'go', version);
      if (!r.ok) throw new Error('unparsed');
      return r;
    };
    const old = at('v2.0.1');
    expect(old.config).toMatchObject({
      metricsAddr: { value: '', from: 'default' },
      logDir: { value: '/var/log/dragonfly', from: 'default' },
      prefetch: { value: false, from: 'default' },
      registryMirrorUseProxies: { value: false, from: 'default' },
      ports: { proxy: { value: 65001, from: 'config' } },
    });
    expect(old.config.ports.health).toBeUndefined();
    expect(old.config.ports.metrics).toBeUndefined();
    const unread = old.problems.map((p) => [p.line ?? 0, p.message.replace(/ \(.*/, '')] as const);
    expect(unread.sort((a, b) => a[0] - b[0])).toEqual([
      [1, 'metrics: not read by v2.0.1'],
      [2, 'logDir: not read by v2.0.1'],
      [5, 'health.tcpListen.port: not read by v2.0.1'],
      [7, 'download.prefetch: not read by v2.0.1'],
      [12, 'proxy.registryMirror.useProxies: not read by v2.0.1'],
    ]);
    for (const version of ['v2.0.2', undefined]) {
      const now = at(version);
      expect(now.problems).toEqual([]);
      expect(now.config).toMatchObject({
        metricsAddr: { value: ':8000', from: 'config' },
        logDir: { value: '/data/log' },
        prefetch: { value: true },
        registryMirrorUseProxies: { value: true },
        ports: { health: { value: 40902 }, metrics: { value: 8000 } },
      });
    }
  });

  it('claims no percentage GC threshold for a Go release that has none', async () => {
    const files = (version: string) => ({
      'raw/dfdaemon/config/dfget.yaml': 'keepStorage: true\n',
      'raw/dfdaemon/version.txt': `${version}\n`,
    });
    expect(gcThreshold(await factsFrom(files('v2.0.1')))).toBeNull();
    expect(gcThreshold(await factsFrom(files('v2.0.2')))).toMatchObject({ highPercent: 95, from: 'default' });
  });

  it('applies the Go code defaults where the chart sets nothing, and says they are defaults', () => {
    const r = parseDfdaemonConfig('download:\n  totalRateLimit: 100Mi\n', 'go');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.downloadRateLimit).toEqual({
      value: 100 * 2 ** 20,
      from: 'config',
      key: 'download.totalRateLimit',
      line: 2,
    });
    expect(r.config.perPeerRateLimit).toMatchObject({ value: 512 * 2 ** 20, from: 'default' });
    expect(r.config.multiplex).toMatchObject({ value: false, from: 'default' });
    expect(r.config.scheduleTimeoutSeconds).toMatchObject({ value: 300, from: 'default' });
    // no code default for proxies or the mirror URL (dragonfly v2.1.49 peerhost_linux.go:127-137, proxy.go:180-187)
    expect(r.config.proxyRules).toMatchObject({ from: 'default', value: [] });
    expect(r.config.registryMirror).toBeUndefined();
    expect(r.config.registryMirrorUseProxies).toMatchObject({ value: false, from: 'default' });
    // no port, no proxy (dragonfly v2.1.49 client/daemon/proxy/proxy_manager.go:158-160)
    expect(r.config.ports.proxy).toBeUndefined();
    expect(r.config.unfixedPorts?.proxy).toEqual({
      value: 'not served (no port)',
      from: 'default',
      key: 'proxy.tcpListen.port',
    });
    expect(r.config.ports.upload).toMatchObject({ value: 65002, from: 'default' });
    expect(r.config.metricsAddr?.value).toBe('');
    expect(r.config.logDir).toMatchObject({ value: '/var/log/dragonfly', from: 'default' });
    expect(goDaemonLogDir('/var/log/dragonfly/')).toBe('/var/log/dragonfly/daemon');
  });

  it('reads no key that no Go release has (proxy.listen.port)', () => {
    const r = parseDfdaemonConfig('proxy:\n  listen:\n    port: 9999\n', 'go');
    expect(r.ok && r.config.ports.proxy).toBeUndefined();
    expect(r.ok && r.config.unfixedPorts?.proxy).toMatchObject({ value: 'not served (no port)', from: 'default' });
  });

  it('reads a Go proxy port left empty or 0 as no proxy, and another listener port 0 as one the kernel picks', () => {
    // a user's v2.0.4 ConfigMap (dfget.yaml) wrote `port:` with no value under proxy.tcpListen
    const at = (proxyPort: string, uploadPort = '65002') => {
      const text = `upload:\n  tcpListen:\n    port: ${uploadPort}\nproxy:\n  tcpListen:\n    namespace:\n    listen: 0.0.0.0\n    port:${proxyPort}\n`;
      const r = parseDfdaemonConfig(text, 'go', 'v2.0.4');
      if (!r.ok) throw new Error('unparsed');
      return r.config;
    };
    const empty = at('');
    expect(empty.ports.proxy).toBeUndefined();
    expect(empty.unfixedPorts).toEqual({
      proxy: { value: 'not served (no port)', from: 'config', key: 'proxy.tcpListen.port', line: 8 },
    });
    expect(at(' 0').unfixedPorts?.proxy).toMatchObject({ from: 'config', line: 8 });
    expect(at('\n      start: 0\n      end: 0').unfixedPorts?.proxy).toMatchObject({ from: 'config' });
    // a range: the daemon tries its start first
    expect(at('\n      start: 65001\n      end: 65010').ports.proxy).toMatchObject({ value: 65001, from: 'config' });
    // kept beside it: the daemon holds the first free port of it (v2.1.49 pkg/rpc/server_listen.go:54-68)
    expect(at('\n      start: 65001\n      end: 65010').portRanges).toEqual({ proxy: { start: 65001, end: 65010 } });
    // an end at or below the start, or none, is the start alone (server_listen.go:50-52)
    expect(at('\n      start: 65001\n      end: 65001').portRanges).toBeUndefined();
    expect(at('\n      start: 65001').portRanges).toBeUndefined();
    expect(at(' 65001', '\n      start: 65002\n      end: 65004').portRanges).toEqual({
      upload: { start: 65002, end: 65004 },
    });
    expect(at(' 65001').unfixedPorts).toBeUndefined();
    // 0 elsewhere: ListenWithPortRange(ip, 0, 0), a port the kernel picks; an empty one keeps the code default
    const random = at(' 65001', '0');
    expect(random.ports.upload).toBeUndefined();
    expect(random.unfixedPorts?.upload).toMatchObject({ value: 'a port the kernel picks', line: 3 });
    expect(at(' 65001', '').ports.upload).toMatchObject({ value: 65002, from: 'default' });
  });

  it('does not guess the proxy port of a Go config whose proxy options are in another file', () => {
    const r = parseDfdaemonConfig('proxy: /etc/dragonfly/proxy.yaml\n', 'go');
    expect(r.ok && r.config.ports.proxy).toBeUndefined();
    expect(r.ok && r.config.unfixedPorts).toBeUndefined();
    expect(r.problems.map((p) => p.message).join()).toMatch(
      /proxy: the daemon reads its proxy's options from \/etc\/dragonfly\/proxy.yaml/,
    );
  });

  it('reads the chart 1.1.65 dfget.yaml', () => {
    const r = parseDfdaemonConfig(goChartConfig({ metrics: true }), 'go');
    expect(r.ok && r.config).toMatchObject({
      multiplex: { value: true, from: 'config' },
      keepStorage: { value: false, from: 'config' },
      scheduleTimeoutSeconds: { value: 30 },
      calculateDigest: { value: false },
      registryMirror: { value: 'https://index.docker.io' },
      ports: { proxy: { value: 65001 }, metrics: { value: 8000 }, upload: { value: 65002 } },
    });
  });

  it("applies each Rust release's key names and defaults, by version or, unknown, by the keys used", () => {
    const oldKeys = parseDfdaemonConfig('download:\n  rateLimit: 50000000\n', 'rust');
    const unknown = parseDfdaemonConfig('storage:\n  keep: true\n', 'rust');
    expect(oldKeys.ok && oldKeys.config).toMatchObject({
      rateKey: 'rateLimit',
      rustDefaults: { version: 'v1.2.7', assumed: true },
      downloadRateLimit: { value: 5e7, from: 'config' },
      proxyReadBufferSize: { value: 4 * 2 ** 20, from: 'default' },
    });
    expect(unknown.ok && unknown.config).toMatchObject({
      rateKey: 'bandwidthLimit',
      rustDefaults: { assumed: true },
      downloadRateLimit: { value: 50e9, from: 'default' },
      proxyReadBufferSize: { value: 524288 },
      scheduleTimeoutSeconds: { value: 10800 },
      keepStorage: { value: true },
    });
    const at = (v: string, text = 'storage:\n  keep: true\n') => {
      const r = parseDfdaemonConfig(text, 'rust', v);
      if (!r.ok) throw new Error('unparsed');
      return r;
    };
    // neighbouring releases on each side of a change (dragonflyoss/client dragonfly-client-config/src/dfdaemon.rs)
    expect(at('v0.1.82').config).toMatchObject({
      rustDefaults: { version: 'v0.1.82', assumed: false },
      downloadRateLimit: { value: 10e9 },
      proxyReadBufferSize: { value: 32768 },
      scheduleTimeoutSeconds: { value: 30 },
      pieceTimeoutSeconds: { value: 180 },
      concurrentPieceCount: { value: 16 },
    });
    expect(at('v0.2.16').config.proxyReadBufferSize?.value).toBe(32 * 1024);
    expect(at('v0.2.17').config.proxyReadBufferSize?.value).toBe(4 * 2 ** 20);
    expect(at('v1.4.0').config.proxyReadBufferSize?.value).toBe(4 * 2 ** 20);
    expect(at('v1.4.1').config.proxyReadBufferSize?.value).toBe(512 * 1024);
    expect(at('v1.2.7').config).toMatchObject({
      rateKey: 'rateLimit',
      downloadRateLimit: { value: 10 * 2 ** 30 },
      taskExpireSeconds: { value: 30 * 86400 },
    });
    expect(at('v1.2.7').config.backToSourceRateLimit).toBeUndefined();
    expect(at('v1.2.8').config).toMatchObject({
      rateKey: 'bandwidthLimit',
      downloadRateLimit: { value: 10e9 },
      backToSourceRateLimit: { value: 10e9 },
    });
    expect(at('v1.2.9').config).toMatchObject({
      downloadRateLimit: { value: 50e9 },
      backToSourceRateLimit: { value: 50e9 },
    });
    expect(at('v1.0.35').config.pieceTimeoutSeconds.value).toBe(120);
    expect(at('v1.0.36').config.pieceTimeoutSeconds.value).toBe(360);
    expect(at('v1.2.0').config.taskExpireSeconds?.value).toBe(6 * 3600);
    // a key the running release does not read is named, and its default applies
    const wrong = at('v1.2.8', 'download:\n  rateLimit: 100MB\n');
    expect(wrong.config.downloadRateLimit).toMatchObject({ value: 10e9, from: 'default' });
    expect(wrong.problems[0]?.message).toMatch(/download.rateLimit: not read by v1.2.8/);
    expect(at('v1.2.7', 'download:\n  rateLimit: 100MB\n').config.downloadRateLimit).toMatchObject({
      value: 100e6,
      from: 'config',
    });
    const rs = parseDfdaemonConfig(rustConfig({ series: 'v1' }), 'rust');
    expect(rs.ok && rs.config).toMatchObject({
      proxyRules: { from: 'config', value: [{ regex: 'blobs/sha256.*' }] },
      ports: { proxy: { value: 4001 }, metrics: { value: 4002 } },
    });
  });

  it('locates bad YAML and bad values, and still reports the rest', async () => {
    expect(parseDfdaemonConfig('download:\n  totalRateLimit: [\n', 'go')).toMatchObject({
      ok: false,
      problems: [{ line: expect.any(Number) }],
    });
    const r = parseDfdaemonConfig('download:\n  totalRateLimit: fast\n', 'go');
    expect(r.ok && r.config.downloadRateLimit).toMatchObject({ from: 'default' });
    expect(r.problems[0]).toMatchObject({ line: 2 });
    const f = await factsFrom({ 'raw/dfdaemon/config/dfget.yaml': 'a: [\n', 'raw/dfdaemon/generation.txt': 'go\n' });
    expect(f.problems.find((p) => p.file === 'raw/dfdaemon/config/dfget.yaml')).toMatchObject({
      line: expect.any(Number),
    });
    expect(f.dfdaemon?.generation).toBe('go');
    expect(f.dfdaemon?.config).toBeUndefined();
  });

  it('says the first YAML error once, with how many follow, not one problem per line it spoils', () => {
    // the opening of a paste in dragonflyoss/dragonfly#2339: a stray backtick before a chart-indented dfget.yaml
    const text = '`    aliveTime: 0s\n    gcInterval: 1m0s\n    keepStorage: true\n';
    const r = parseDfdaemonConfig(text, 'go');
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 1, column: 1 });
    expect(r.problems[0]?.message).toMatch(
      /^invalid YAML: Plain value cannot start with reserved character ` \(and \d+ more errors? after it\)$/,
    );
  });
});

describe('dfdaemon metrics facts', () => {
  it('turns two Rust scrapes into traffic totals, rates and duration quantiles', async () => {
    const a = rustMetrics({
      version: 'v1.5.1',
      local: 100e6,
      remote: 10e6,
      source: 0,
      tasks: 10,
      proxy: 20,
      viaDfdaemon: 10,
      cpu: 10,
      rss: 2e8,
      durationsMs: [10, 20, 30],
    });
    const b = rustMetrics({
      version: 'v1.5.1',
      local: 300e6,
      remote: 10e6,
      source: 50e6,
      tasks: 14,
      proxy: 30,
      viaDfdaemon: 14,
      cpu: 12,
      rss: 2.1e8,
      durationsMs: [10, 20, 30, 3000, 3000, 3000, 3000],
    });
    const f = await factsFrom(
      { 'raw/dfdaemon/metrics-0.prom': a, 'raw/dfdaemon/metrics-1.prom': b },
      {
        manifest: {
          probes: {
            dfdaemon: {
              status: 'ok',
              durationMs: 1,
              scrapeTimes: ['2026-11-20T08:00:00.000Z', '2026-11-20T08:00:02.000Z'],
            },
          },
        },
      },
    );
    const m = f.dfdaemon?.metrics;
    expect(f.dfdaemon?.generation).toBe('rust');
    expect(m?.intervalSeconds).toBe(2);
    expect(m?.traffic?.LOCAL_PEER).toMatchObject({ total: 300e6, delta: 200e6, perSecond: 100e6 });
    expect(m?.traffic?.BACK_TO_SOURCE?.perSecond).toBe(25e6);
    expect(m?.tasks?.delta).toBe(4);
    expect(m?.proxyDirect).toMatchObject({ total: 16, delta: 6 });
    expect(m?.cpuCores).toBe(1);
    expect(m?.rssBytes).toBe(2.1e8);
    // the four observations between the scrapes, all 3000 ms: p50 inside the 2048–4096 bucket
    expect(m?.downloadDurationMs).toMatchObject({ window: 'interval', count: 4 });
    expect(m?.downloadDurationMs?.p50).toBeGreaterThan(2048);
    expect(m?.downloadDurationMs?.p50).toBeLessThanOrEqual(4096);
    expect(m?.version).toBe('v1.5.1');
    expect(f.notes.some((n) => n.text.includes('PR #2028'))).toBe(true);
  });

  it('reads the Go dfdaemon counters and notes what the scheduler metric cannot show', async () => {
    const go = readFileSync(`${SAMPLES}metrics-go-dfdaemon-v2.1.49.SYNTHESISED.prom`, 'utf8');
    const f = await factsFrom({ 'raw/dfdaemon/metrics-0.prom': go });
    const m = f.dfdaemon?.metrics;
    expect(f.dfdaemon?.generation).toBe('go');
    expect(m?.cacheHits).toMatchObject({ total: 5, delta: null, perSecond: null });
    expect(m?.proxyDirect?.total).toBe(8);
    expect(m?.proxyViaP2P?.total).toBe(10);
    expect(m?.traffic).toBeUndefined();
    expect(m?.version).toBe('v2.1.49');
    expect(m?.cacheHits?.at).toMatch(/^raw\/dfdaemon\/metrics-0\.prom:\d+$/);
    expect(f.notes.some((n) => n.text.includes('dragonfly_scheduler_traffic'))).toBe(true);
  });

  it('locates garbage in a scrape and keeps the good samples', async () => {
    const f = await factsFrom({
      'raw/dfdaemon/metrics-0.prom': 'dragonfly_dfdaemon_peer_task_total 3\nthis is {not a sample\n',
      'raw/dfdaemon/metrics-1.prom': 'dragonfly_dfdaemon_peer_task_total 5\n',
    });
    expect(f.problems).toContainEqual(expect.objectContaining({ file: 'raw/dfdaemon/metrics-0.prom', line: 2 }));
    expect(f.dfdaemon?.metrics?.tasks).toMatchObject({ total: 5, delta: 2 });
  });
});

describe('dfdaemon log facts', () => {
  it('groups blob tasks into pulls and fills recentPull for the other areas', async () => {
    const lines = [
      ...goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'p2p', costMs: 3000 }),
      ...goTaskLines({ startMs: T0 + 10, peer: 'b', task: 'tb', url: blob(2), size: 100e6, mode: 'p2p', costMs: 1500 }),
      goDirect(T0 + 300_000, 'GET', 'https://index.docker.io/v2/library/app/manifests/1'),
      ...goTaskLines({
        startMs: T0 + 300_800,
        peer: 'c',
        task: 'tc',
        url: blob(1),
        size: 300e6,
        mode: 'p2p',
        costMs: 2000,
      }),
      ...goTaskLines({
        startMs: T0 + 300_810,
        peer: 'd',
        task: 'td',
        url: blob(3),
        size: 8000,
        mode: 'p2p',
        costMs: 20,
      }),
    ];
    const f = await factsFrom({
      'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n`,
      'raw/dfdaemon/generation.txt': 'go\n',
    });
    const pulls = f.dfdaemon?.logs?.pulls ?? [];
    expect(pulls).toHaveLength(2);
    expect(pulls[1]).toMatchObject({
      bytes: 300e6 + 8000,
      layers: 1,
      direct: [expect.objectContaining({ viaP2P: false })],
    });
    expect(pulls[1]?.seconds).toBeCloseTo(2.8, 3);
    expect(f.dfdaemon?.recentPull).toMatchObject({ bytes: 300e6 + 8000, layers: 1 });
    expect(f.dfdaemon?.recentPull?.seconds).toBeCloseTo(2.8, 3);
    expect(f.dfdaemon?.recentPull?.evidence).toContain('raw/dfdaemon/logs/core.log:');
  });

  it('tells apart pulls of different repositories on a node that never pauses a minute', async () => {
    // two images pulled at once, then a third right after, each blob 20 s after the one before:
    // no 60 s pause, so by time alone all of them were one "pull"
    const repoBlob = (repo: string, i: number) => `https://index.docker.io/v2/${repo}/blobs/sha256:${hex64(i)}`;
    const task = (i: number, repo: string, at: number, costMs: number, size = 50e6) =>
      goTaskLines({
        startMs: T0 + at,
        peer: `p${i}`,
        task: `t${i}`,
        url: repoBlob(repo, i),
        size,
        mode: 'p2p',
        costMs,
      });
    const lines = [
      goDirect(T0 - 1000, 'GET', 'https://index.docker.io/v2/library/redis/manifests/7'),
      goDirect(T0 - 900, 'GET', 'https://auth.docker.io/token?scope=repository:library/redis:pull,push&service=x'),
      ...task(1, 'library/redis', 0, 30_000),
      ...task(2, 'library/nginx', 10_000, 5000),
      ...task(3, 'library/redis', 20_000, 30_000),
      ...task(4, 'library/nginx', 30_000, 5000),
      goDirect(T0 + 49_000, 'GET', 'https://index.docker.io/v2/library/app/manifests/1'),
      goDirect(T0 + 49_500, 'GET', 'https://auth.docker.io/token?scope=repository%3Alibrary%2Fapp%3Apull'),
      ...task(5, 'library/app', 50_000, 2000),
      // a task whose URL the log lost (its first line rotated away) joins the pull that took the task before
      ...task(6, 'library/app', 51_000, 1000, 8000).filter((l) => !l.includes('start download with url')),
    ];
    const f = await factsFrom({
      'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n`,
      'raw/dfdaemon/generation.txt': 'go\n',
    });
    const pulls = f.dfdaemon?.logs?.pulls ?? [];
    const ids = (i: number) => pulls[i]?.tasks.map((t) => t.taskId);
    // the most recent last, by end: nginx ends at 35 s, app at 52 s, redis at 50 s
    expect(pulls.map((p) => p.tasks.length)).toEqual([2, 2, 2]);
    expect([ids(0), ids(1), ids(2)]).toEqual([
      ['t2', 't4'],
      ['t1', 't3'],
      ['t5', 't6'],
    ]);
    // each pull's direct requests are of its own repository (or name none)
    expect(pulls[1]?.direct.map((d) => d.url)).toEqual([
      'https://index.docker.io/v2/library/redis/manifests/7',
      'https://auth.docker.io/token?scope=repository:library/redis:pull,push&service=x',
    ]);
    expect(pulls[2]?.direct.map((d) => d.url)).toEqual([
      'https://index.docker.io/v2/library/app/manifests/1',
      'https://auth.docker.io/token?scope=repository%3Alibrary%2Fapp%3Apull',
    ]);
    expect(pulls[2]?.seconds).toBeCloseTo(3, 3);
    expect(pulls.map((p) => p.repository)).toEqual([
      'index.docker.io/library/nginx',
      'index.docker.io/library/redis',
      'index.docker.io/library/app',
    ]);
    // redis ran from 0 to 50 s, nginx from 10 to 35 s; app began as redis ended
    expect(pulls.map((p) => p.overlapping)).toEqual([
      ['index.docker.io/library/redis'],
      ['index.docker.io/library/nginx'],
      [],
    ]);
    expect(f.dfdaemon?.recentPull).toMatchObject({ bytes: 50e6 + 8000, layers: 1 });
    expect(f.dfdaemon?.recentPull?.evidence).toMatch(
      /^index\.docker\.io\/library\/app: 2 blobs \(1 layers\), 50 MB in 3\.00 s \(/,
    );
    expect(f.dfdaemon?.recentPull?.evidence).not.toContain('same time');
  });

  it('says in the pull in question which other pulls ran beside it', async () => {
    const url = (repo: string, i: number) => `https://index.docker.io/v2/${repo}/blobs/sha256:${hex64(i)}`;
    const lines = [
      ...goTaskLines({
        startMs: T0,
        peer: 'a',
        task: 'ta',
        url: url('library/redis', 1),
        size: 9e6,
        mode: 'p2p',
        costMs: 30_000,
      }),
      ...goTaskLines({
        startMs: T0 + 10_000,
        peer: 'b',
        task: 'tb',
        url: url('library/nginx', 2),
        size: 9e6,
        mode: 'p2p',
        costMs: 30_000,
      }),
    ];
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n` });
    expect(f.dfdaemon?.recentPull?.evidence).toMatch(
      /^index\.docker\.io\/library\/nginx: 1 blobs .*; 1 other pull\(s\) ran at the same time, sharing the link, disk and dfdaemon: index\.docker\.io\/library\/redis$/,
    );
  });

  it('joins a URL-less first task to the repository its pull names next', async () => {
    const lines = [
      ...goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 9e6, mode: 'p2p', costMs: 100 }).filter(
        (l) => !l.includes('start download with url'),
      ),
      ...goTaskLines({ startMs: T0 + 50, peer: 'b', task: 'tb', url: blob(2), size: 9e6, mode: 'p2p', costMs: 100 }),
    ];
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n` });
    expect(f.dfdaemon?.logs?.pulls.map((p) => p.tasks.map((t) => t.taskId))).toEqual([['ta', 'tb']]);
  });

  it('keeps a pull without a repository when a later one without a repository starts', async () => {
    const urlOf = (repo: string, i: number) => `https://index.docker.io/v2/${repo}/blobs/sha256:${hex64(i)}`;
    const task = (i: number, repo: string | null, at: number, costMs: number) => {
      const lines = goTaskLines({
        startMs: T0 + at,
        peer: `p${i}`,
        task: `t${i}`,
        url: urlOf(repo ?? 'lost', i),
        size: 9e6,
        mode: 'p2p',
        costMs,
      });
      return repo === null ? lines.filter((l) => !l.includes('start download with url')) : lines;
    };
    const lines = [
      ...task(1, 'library/y', 0, 100_000),
      ...task(2, 'library/x', 1000, 1000),
      // 88 s after x's last end: a pull of its own, whose repository the log does not say
      ...task(3, null, 90_000, 1000),
      ...task(4, 'library/y', 101_000, 1000),
      // 148 s after y's end: another pull without a repository; the one before it is not lost
      ...task(5, null, 250_000, 1000),
    ];
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n` });
    const pulls = f.dfdaemon?.logs?.pulls ?? [];
    expect(pulls.map((p) => p.tasks.map((t) => t.taskId))).toEqual([['t2'], ['t3'], ['t1', 't4'], ['t5']]);
    // y ran from 0 to 102 s: the report says what else ran during it, named or not
    expect(pulls[2]?.overlapping).toEqual(['index.docker.io/library/x', undefined]);
    expect(pulls[3]?.overlapping).toEqual([]);
  });

  it('says a Go stream hit has no logged duration, and reports unreadable lines with their place', async () => {
    const lines = [
      ...goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'hit', costMs: 0 }),
      'some garbage line',
    ];
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${lines.join('\n')}\n` });
    expect(f.dfdaemon?.recentPull).toMatchObject({ bytes: 300e6, seconds: null });
    expect(f.notes.some((n) => n.text.includes('no duration for a stream cache hit'))).toBe(true);
    expect(f.problems).toContainEqual(
      expect.objectContaining({
        file: 'raw/dfdaemon/logs/core.log',
        line: lines.length,
        message: expect.stringContaining('1 of'),
      }),
    );
  });

  it('reads Rust logs, .gz rotations included, and honours the --since cutoff recorded by the probe', async () => {
    const { gzipSync } = await import('node:zlib');
    const old = [
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p0',
        task: 'r0',
        url: blob(5),
        size: 50e6,
        mode: 'source',
        costMs: 900,
        series: 'v1',
      }),
    ];
    const recent = [
      rustProxy(T0 + 3600_000, blob(6), true),
      ...rustTaskLines({
        startMs: T0 + 3600_001,
        host: 'h',
        peer: 'p1',
        task: 'r1',
        url: blob(6),
        size: 20e6,
        mode: 'hit',
        costMs: 120,
        series: 'v1',
      }),
    ];
    const f = await factsFrom(
      {
        'raw/dfdaemon/logs/dfdaemon.log.1.gz': gzipSync(`${old.join('\n')}\n`),
        'raw/dfdaemon/logs/dfdaemon.log': `${recent.join('\n')}\n`,
      },
      {
        manifest: {
          probes: { dfdaemon: { status: 'ok', durationMs: 1, sinceCutoff: new Date(T0 + 1800_000).toISOString() } },
        },
      },
    );
    expect(f.dfdaemon?.generation).toBe('rust');
    expect(f.dfdaemon?.logs?.summary.tasks.map((t) => t.taskId)).toEqual(['r1']);
    expect(f.dfdaemon?.logs?.stats.beforeSince).toBe(old.length);
    expect(f.notes.some((n) => n.text.includes('older than --since'))).toBe(true);
  });
});

// dragonflyoss/dragonfly v2.2.4 (#4157) replaced `verbose` with `logLevel`: each release reads only its own
describe('the Rust log level, by release', () => {
  const T = Date.parse('2025-03-01T10:00:00Z');
  // a cache hit as a release writes it (the generator's default: every line at INFO, as before v1.4.1)
  const task = (i: number, release?: string) =>
    rustTaskLines({
      startMs: T + i * 1000,
      host: 'node-1',
      peer: `peer-${i}`,
      task: hex64(i),
      url: `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`,
      size: 8 * 2 ** 20,
      mode: 'hit',
      costMs: 300,
      series: 'v1',
      ...(release ? { release } : {}),
    });
  const notesOf = async (lines: string[], version?: string) =>
    (
      await factsFrom({
        'raw/dfdaemon/generation.txt': 'rust\n',
        ...(version ? { 'raw/dfdaemon/version.txt': `${version}\n` } : {}),
        'raw/dfdaemon/logs/dfdaemon.log': `${lines.join('\n')}\n`,
      })
    ).notes.map((n) => n.text);
  const ASSUMED = /assumed ≥ v1\.4\.1\) piece lines and "download task succeeded" are DEBUG/;

  it('says what an INFO log of an unknown release cannot show, unless its piece lines are there at INFO', async () => {
    const lines = [task(1), task(2)].flat();
    expect(lines.some((l) => / INFO .*finished piece /.test(l))).toBe(true);
    // piece lines written at INFO: a release before v1.4.1, so the assumption does not hold here
    expect((await notesOf(lines)).join('\n')).not.toMatch(ASSUMED);
    // the same tasks as v1.4.1 onwards write them at INFO (piece lines and the end they share the level of
    // are DEBUG) say nothing of their release: the assumption is named
    const quiet = (i: number) => task(i, 'v1.5.1');
    const unended = [quiet(1), quiet(2)].flat();
    expect(unended.some((l) => /finished piece|download task succeeded/.test(l))).toBe(false);
    expect(unended.some((l) => l.includes('download task started'))).toBe(true);
    expect((await notesOf(unended)).join('\n')).toMatch(ASSUMED);
  });

  it('says nothing of task ends and durations on a log that holds no task', async () => {
    // dragonflyoss/client PR #871: a start-up log in the pretty layout, as posted (head)
    const startUp = [
      '  2024-11-30T10:18:51.412425+08:00  INFO  dfdaemon started at pid 59272',
      '    at dragonfly-client/src/bin/dfdaemon/main.rs:294',
      '',
      '  2024-11-30T10:18:51.413164+08:00  INFO  stats server listening on 0.0.0.0:4004',
      '    at dragonfly-client/src/stats/mod.rs:104',
      '    in run',
    ];
    // dragonflyoss/dragonfly#3807: the proxy's one error line, as posted
    const proxyError = [
      '  2025-02-03T18:13:01.739929233+00:00 ERROR  failed to serve connection from 127.0.0.1:51158: invalid HTTP method parsed',
      '    at dragonfly-client/src/proxy/mod.rs:206',
    ];
    const DEBUG_NOTE = /The Rust dfdaemon log holds no DEBUG line/;
    for (const log of [startUp, proxyError]) {
      expect((await notesOf(log)).join('\n')).not.toMatch(DEBUG_NOTE);
      expect((await notesOf(log, 'v1.5.1')).join('\n')).not.toMatch(DEBUG_NOTE);
    }
    // the same start-up followed by a task whose end the log does not show: the note is back
    const started = task(1).filter((l) => l.includes('download task started'));
    expect((await notesOf([...startUp, ...started], 'v1.5.1')).join('\n')).toMatch(DEBUG_NOTE);
    // v1.4.1's proxy download span still records url (proxy/task.rs:50-53, :126-133): v1.4.2 dropped it
    expect((await notesOf([...startUp, ...started], 'v1.5.1')).join('\n')).toContain(
      "from v1.4.2 the proxy's download span carries no url field either",
    );
  });
});

describe("a Dragonfly scheduler's log among dfdaemon's", () => {
  // dragonflyoss/dragonfly#3758 (v2.2.0): the scheduler's console log, given as a dfdaemon log
  const scheduler =
    '2025-01-11T02:43:06.956Z\tINFO\tscheduling/scheduling.go:136\tsend NeedBackToSourceResponse, because of scheduling exceeded RetryBackToSourceLimit 5\t{"hostID": "h", "taskID": "t", "peerID": "p"}\n';

  it('is left out with a note, so nothing of dfdaemon (generation, log level) is drawn from it', async () => {
    const f = await factsFrom({ 'raw/dfdaemon/logs/scheduler.log': scheduler });
    expect(f.dfdaemon?.logs).toBeUndefined();
    expect(f.dfdaemon?.generation ?? null).toBeNull();
    const notes = f.notes.map((n) => n.text).join('\n');
    expect(notes).toContain(
      "raw/dfdaemon/logs/scheduler.log: this is the Dragonfly scheduler's log, not dfdaemon's (its lines' callers, such as `scheduling/scheduling.go`, are scheduler sources)",
    );
    expect(notes).not.toContain('The Go dfdaemon log holds no DEBUG line');
  });

  it("leaves the daemon's own log beside it read", async () => {
    const core = `${goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'p2p', costMs: 900 }).join('\n')}\n`;
    const f = await factsFrom({ 'raw/dfdaemon/logs/scheduler.log': scheduler, 'raw/dfdaemon/logs/core.log': core });
    expect(f.dfdaemon?.logs?.files).toEqual(['raw/dfdaemon/logs/core.log']);
    expect(f.dfdaemon?.logs?.generation).toBe('go');
  });
});

describe('the Go log level, by release', () => {
  const infoLog = `${goTaskLines({ startMs: T0, peer: 'a', task: 'ta', url: blob(1), size: 300e6, mode: 'p2p', costMs: 900 }).join('\n')}\n`;
  const factsFor = (version: string | null, config: string) =>
    factsFrom({
      'raw/dfdaemon/logs/core.log': infoLog,
      'raw/dfdaemon/generation.txt': 'go\n',
      'raw/dfdaemon/config/dfget.yaml': config,
      ...(version ? { 'raw/dfdaemon/version.txt': `${version}\n` } : {}),
    });
  const notesFor = async (version: string | null, config: string) =>
    (await factsFor(version, config)).notes.map((n) => n.text);
  const noDebug = (notes: string[]) => notes.find((n) => n.startsWith('The Go dfdaemon log holds no DEBUG line'));

  it('names the switch of the release at hand when the log holds no DEBUG line', async () => {
    expect(noDebug(await notesFor('v2.1.49', 'console: false\n'))).toContain(
      'this release, v2.1.49, logs DEBUG only with `verbose: true` or `--verbose`',
    );
    expect(noDebug(await notesFor('v2.3.4', 'console: false\n'))).toContain(
      'this release, v2.3.4, logs DEBUG only with `logLevel: debug`',
    );
    expect(noDebug(await notesFor(null, 'console: false\n'))).toContain(
      '`verbose: true` up to v2.2.3 and `logLevel: debug` from v2.2.4; the version is unknown',
    );
  });

  it('says the pieces a parent offers are logged at INFO, in the wording of the release at hand', async () => {
    // "get piece" (poller) through v2.0.8 (alone up to v2.0.1), "got piece" (synchronizer) from v2.0.2;
    // a piece from the origin ("download piece %d") is DEBUG in every release
    const get = '"get piece <n> from <address>/<peer id>"';
    const got = '"got piece <n> from <address>/<peer id>"';
    const parent = async (version: string | null) => {
      const n = noDebug(await notesFor(version, 'console: false\n')) ?? '';
      expect(n, version ?? 'unknown').toContain('("download piece <n>") is DEBUG in every release too');
      expect(n).not.toContain('per-piece lines are DEBUG');
      return n.slice(n.indexOf('each piece a parent offers is logged at INFO'));
    };
    expect(await parent('v2.0.1')).toBe(`each piece a parent offers is logged at INFO: in v2.0.1, ${get}.`);
    for (const v of ['v2.0.2', 'v2.0.8']) {
      const n = await parent(v);
      expect(n).toContain(`in ${v}, ${got} (or "get piece <n> from …"`);
    }
    for (const v of ['v2.0.9', 'v2.2.3', 'v2.2.4'])
      expect(await parent(v)).toBe(`each piece a parent offers is logged at INFO: in ${v}, ${got}.`);
    // unknown: the newest wording, and what was assumed
    const unknown = await parent(null);
    expect(unknown).toContain(`INFO: ${got} (the version is unknown: assumed ≥ v2.0.9; v2.0.0–v2.0.1: ${get}`);
    // the release the log's start names is the one the note follows
    const start = goJson(
      T0,
      'info',
      'cmd/daemon.go:93',
      'Version:\nMajor: 2, Minor: 0, GitVersion: v2.0.1, GitCommit: 2ad1b29, Platform: linux, BuildTime: 2022-02-11T03:02:31Z, GoVersion: go1.17.6 linux/amd64, Gotags: none, Gogcflags: none',
    );
    const fromLog = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${start}\n${infoLog}` });
    expect(fromLog.dfdaemon?.versionFrom).toBe('log');
    expect(noDebug(fromLog.notes.map((n) => n.text))).toContain(`in v2.0.1, ${get}.`);
  });

  it("says nothing of the log level from the daemon's stderr alone: its std-log lines have no level", async () => {
    const stderr =
      '2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006\n';
    const f = await factsFrom({ 'raw/dfdaemon/logs/stderr.log': stderr });
    expect(f.dfdaemon?.logs?.generation).toBe('go');
    expect(noDebug(f.notes.map((n) => n.text))).toBeUndefined();
    // beside a zap log written at INFO, the note stands
    const both = await factsFrom({ 'raw/dfdaemon/logs/stderr.log': stderr, 'raw/dfdaemon/logs/core.log': infoLog });
    expect(noDebug(both.notes.map((n) => n.text))).toBeDefined();
  });

  it('reads only the switch of the release at hand, and says the other one is not read', async () => {
    const late = await factsFor('v2.2.4', 'verbose: true\n');
    expect(late.dfdaemon?.config?.verbose).toBeUndefined();
    expect(late.dfdaemon?.config?.logLevel).toMatchObject({ value: 'info', from: 'default' });
    expect(late.problems).toContainEqual(
      expect.objectContaining({
        file: 'raw/dfdaemon/config/dfget.yaml',
        line: 1,
        message: expect.stringContaining('verbose: not read by v2.2.4 (from v2.2.4 the daemon reads logLevel'),
      }),
    );
    const early = await factsFor('v2.1.49', 'logLevel: debug\n');
    expect(early.dfdaemon?.config?.logLevel).toBeUndefined();
    expect(early.problems.map((p) => p.message)).toContainEqual(
      expect.stringContaining('logLevel: not read by v2.1.49'),
    );
    // each release's own key: no problem
    expect((await factsFor('v2.2.3', 'verbose: true\n')).problems).toEqual([]);
    expect((await factsFor('v2.3.4', 'logLevel: debug\n')).problems).toEqual([]);
    // unknown release: both keys are read, and the note says which release reads the one set
    const unknown = await factsFor(null, 'verbose: true\n');
    expect(unknown.dfdaemon?.config?.verbose).toMatchObject({ value: true, from: 'config' });
    expect(noDebug(unknown.notes.map((n) => n.text))).toContain(
      'if the daemon is v2.2.4 or later, it no longer reads it',
    );
    expect(noDebug(await notesFor(null, 'logLevel: debug\n'))).toContain('if the daemon is older than v2.2.4');
    expect(noDebug(await notesFor('v2.2.4', 'verbose: true\n'))).not.toContain('no longer reads');
  });

  it('says a log at WARN or ERROR cannot show the pulls, only where the release reads logLevel', async () => {
    const quiet = (notes: string[]) => notes.find((n) => n.includes('it writes no INFO line'));
    const warn = quiet(await notesFor('v2.3.4', 'logLevel: WARN\n'));
    expect(warn).toContain('raw/dfdaemon/config/dfget.yaml sets `logLevel: WARN` (line 1)');
    expect(warn).toContain('only from what it logs at WARN and ERROR');
    expect(quiet(await notesFor(null, 'logLevel: error\n'))).toContain('if the daemon is v2.2.4 or later');
    expect(quiet(await notesFor('v2.2.3', 'logLevel: warn\n'))).toBeUndefined();
    expect(quiet(await notesFor('v2.3.4', 'logLevel: info\n'))).toBeUndefined();
    expect(quiet(await notesFor('v2.3.4', 'logLevel: verbose\n'))).toBeUndefined();
  });
});
