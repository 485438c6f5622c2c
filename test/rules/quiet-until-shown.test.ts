// Issue 12 (trust): a stock setting that nothing in the bundle shows costing anything is a note, not a
// warning; the same setting with the evidence of its cost keeps its severity.
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';
import { goChartConfig, rustConfig } from '../facts/dfdaemon-fixture-configs.js';
import { goConsole, goTaskLines, hex64, rustTaskLines } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

async function find(files: Record<string, string>, rule: string) {
  return evaluate(await factsFrom(files), RULES).diagnoses.find((d) => d.rule === rule);
}
async function containerdKinds(files: Record<string, string>) {
  return ((await factsFrom(files)).containerd?.misconfigs ?? []).map((m) => m.kind);
}

const goFiles = (cfg: string, log: string[] = []) => ({
  'raw/dfdaemon/generation.txt': 'go\n',
  'raw/dfdaemon/config/dfget.yaml': cfg,
  ...(log.length > 0 ? { 'raw/dfdaemon/logs/core.log': `${log.join('\n')}\n` } : {}),
});
const containerdTo = (port: number) => ({
  'raw/containerd/version.txt': 'containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da\n',
  'raw/containerd/config.toml':
    'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'raw/containerd/hosts-dirs.json': JSON.stringify([
    { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
  ]),
  'raw/containerd/certs.d/docker.io/hosts.toml': `server = "https://index.docker.io"\n\n[host."http://127.0.0.1:${port}"]\n  capabilities = ["pull", "resolve"]\n`,
});

describe('containerd: a config_path without hosts.toml', () => {
  // EKS nodeadm writes config_path = '/etc/containerd/certs.d:/etc/docker/certs.d' on every node
  const eks = {
    'raw/containerd/config.toml':
      "version = 2\n[plugins.'io.containerd.grpc.v1.cri'.registry]\nconfig_path = '/etc/containerd/certs.d:/etc/docker/certs.d'\n",
  };
  it('is no finding on a node without dfdaemon, and config-path-without-hosts where dfdaemon waits for pulls', async () => {
    expect(await containerdKinds(eks)).toEqual([]);
    expect(await containerdKinds({ ...eks, ...goFiles(goChartConfig({ keepStorage: true })) })).toEqual([
      'config-path-without-hosts',
    ]);
  });
});

describe('dfdaemon.mirror-disabled', () => {
  const cfg = goChartConfig({ keepStorage: true, mirrorUrl: null });
  it('is critical when containerd routes pulls to the proxy, info when no runtime in the bundle does', async () => {
    expect((await find({ ...goFiles(cfg), ...containerdTo(65001) }, 'dfdaemon.mirror-disabled'))?.severity).toBe(
      'critical',
    );
    const alone = await find(goFiles(cfg), 'dfdaemon.mirror-disabled');
    expect(alone?.severity).toBe('info');
    expect(alone?.evidence.join('\n')).toMatch(/containerd's config is not in the bundle/);
  });

  it('advises dynamic: true for what the Go daemon reads: X-Dragonfly-Registry, never ?ns=', async () => {
    // dragonfly v2.1.0 client/daemon/proxy/reverse_proxy.go:37-48: the dynamic director reads the header only
    const steps = JSON.stringify(
      (await find({ ...goFiles(cfg), ...containerdTo(65001) }, 'dfdaemon.mirror-disabled'))?.remediation.steps,
    );
    expect(steps).toContain('dynamic: true   # take the registry from the X-Dragonfly-Registry header');
    expect(steps).not.toContain('?ns=');
  });

  it("says nothing where `proxy:` names the file the proxy's options are read from", async () => {
    // v2.1.49 client/config/peerhost.go:411-425: a string under `proxy` is a path the daemon reads them from
    const fromFile = 'scheduler:\n  manager:\n    enable: true\nproxy: /etc/dragonfly/proxy.yaml\n';
    expect(await find({ ...goFiles(fromFile), ...containerdTo(65001) }, 'dfdaemon.mirror-disabled')).toBeUndefined();
  });

  it('says nothing where the config serves no proxy at all: nothing answers 404, the port refuses', async () => {
    // dragonflyoss/dragonfly#1956's dfget.yaml, as far as the issue's paste goes: no proxy section
    const noProxy = 'scheduler:\n  manager:\n    enable: true\nstorage:\n  taskExpireTime: 6h\n';
    expect(await find({ ...goFiles(noProxy), ...containerdTo(65001) }, 'dfdaemon.mirror-disabled')).toBeUndefined();
    // the daemon's own warning still counts: a proxy ran without a mirror
    const warned = goConsole(
      T0,
      'warn',
      'proxy/proxy.go:182',
      'registry mirror url is empty, registry mirror feature is disabled',
    );
    expect(await find(goFiles(noProxy, [warned]), 'dfdaemon.mirror-disabled')).toBeDefined();
  });
});

describe('dfdaemon.reuse-disabled', () => {
  const cfg = goChartConfig({ keepStorage: true, multiplex: false });
  it('is info for a daemon nothing in the bundle sends a pull to, a warning once containerd routes pulls to it', async () => {
    // dragonflyoss/dragonfly v2.0.0 build/package/nfpm/config/dfget.yaml sets no `multiplex`: a package
    // install with no runtime routed to it
    const alone = await find(goFiles(cfg), 'dfdaemon.reuse-disabled');
    expect(alone?.severity).toBe('info');
    expect(alone?.evidence.join('\n')).toMatch(
      /no pull in the daemon's logs; containerd's config is not in the bundle/,
    );
    const routed = await find({ ...goFiles(cfg), ...containerdTo(65001) }, 'dfdaemon.reuse-disabled');
    expect(routed?.severity).toBe('warning');
    expect(routed?.evidence.join('\n')).toMatch(/containerd sends docker.io pulls through this dfdaemon/);
  });
});

describe('dfdaemon.version (a release whose stock proxy buffer is 32 KiB)', () => {
  const rust = (log: string[]) => ({
    'raw/dfdaemon/generation.txt': 'rust\n',
    'raw/dfdaemon/version.txt': 'v0.2.16\n',
    'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v0', keep: true }),
    ...(log.length > 0 ? { 'raw/dfdaemon/logs/dfdaemon.log': `${log.join('\n')}\n` } : {}),
  });
  it('is info with no pull to show, a warning when cache hits went through the buffer', async () => {
    const none = await find(rust([]), 'dfdaemon.version');
    expect(none?.severity).toBe('info');
    expect(none?.evidence.join('\n')).toMatch(/no cache-hit pull in the bundle/);
    const hit = rustTaskLines({
      startMs: T0,
      host: 'h',
      peer: 'p1',
      task: 't1',
      url: blob(1),
      size: 90e6,
      mode: 'hit',
      costMs: 900,
      series: 'v0',
    });
    expect((await find(rust(hit), 'dfdaemon.version'))?.severity).toBe('warning');
  });
});

describe('dfdaemon.scheduler-back-source without an earlier download', () => {
  const cfg = goChartConfig({ keepStorage: true });
  it('a Go back-to-source order alone is an info cache-miss', async () => {
    const log = goTaskLines({
      startMs: T0,
      peer: '10.0.0.1-1-a',
      task: 'ta',
      url: blob(2),
      size: 30e6,
      mode: 'source',
      costMs: 2000,
    });
    const d = await find(goFiles(cfg, log), 'dfdaemon.scheduler-back-source');
    expect(d?.cause).toBe('dfdaemon-cache-miss');
    expect(d?.severity).toBe('info');
    expect(d?.evidence.join('\n')).toMatch(/"receive back source code"/);
  });

  it('the v2.0.x scheduler error 5001 "… already reaches max reschedule times" (console encoding) is a warning for that peer', async () => {
    const peer = '10.50.0.2-1-9e7c5a3b-1d2f-4e6a-8b0c-3d5f7a9c1e2b';
    const line = goConsole(
      T0,
      'error',
      'scheduler/scheduler_grpc.pb.go:75',
      `client receive a message: *scheduler.PeerPacket error: [5001]reschedule parent for peer ${peer} already reaches max reschedule times for method: /scheduler.Scheduler/ReportPieceResult target: dns:///scheduler:8002 connState: READY`,
    );
    const d = await find(goFiles(cfg, [line]), 'dfdaemon.scheduler-back-source');
    expect(d?.severity).toBe('warning');
    expect(d?.evidence[0]).toContain(peer.slice(0, 16));
    expect(d?.evidence.join('\n')).toMatch(/maximum number of reschedules/);
    // another gRPC error through the same wrapper is no back-to-source order
    const other = goConsole(
      T0,
      'error',
      'scheduler/scheduler_grpc.pb.go:75',
      'client receive a message: *scheduler.PeerPacket error: rpc error: code = Unavailable for method: /scheduler.Scheduler/ReportPieceResult',
    );
    expect(await find(goFiles(cfg, [other]), 'dfdaemon.scheduler-back-source')).toBeUndefined();
  });

  it('stays silent for a Rust first download ordered to the origin', async () => {
    const log = rustTaskLines({
      startMs: T0,
      host: 'h',
      peer: 'p1',
      task: 't1',
      url: blob(3),
      size: 30e6,
      mode: 'source',
      costMs: 2000,
      series: 'v1',
    });
    const files = {
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/config/dfdaemon.yaml': rustConfig({ series: 'v1', keep: true }),
      'raw/dfdaemon/logs/dfdaemon.log': `${log.join('\n')}\n`,
    };
    expect(await find(files, 'dfdaemon.scheduler-back-source')).toBeUndefined();
  });
});
