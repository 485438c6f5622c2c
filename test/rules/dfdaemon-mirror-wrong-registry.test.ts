// dfdaemon.mirror-wrong-registry: containerd routes a registry through dfdaemon without naming it, and
// dfdaemon fetches from the one registry its config names (dragonflyoss/dragonfly#3419)
import { describe, expect, it } from 'vitest';
import { mirrorWrongRegistry } from '../../src/rules/dfdaemon/mirror-wrong-registry.js';
import { factsFrom } from '../helpers/bundle.js';

const CONFIG_PATH =
  'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n';
const HARBOR = 'raw/containerd/certs.d/harbor-core.71djy.cn/hosts.toml';
const HOST = '[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n';
const harborToml = (header = '') => `server = "https://harbor-core.71djy.cn"\n\n${HOST}${header}`;
const HEADER = '[host."http://127.0.0.1:4001".header]\n  x-dragonfly-registry = ["https://harbor-core.71djy.cn"]\n';

const rust = (files: Record<string, string>, version: string | null = 'v0.1.94') =>
  factsFrom({
    'raw/dfdaemon/generation.txt': 'rust\n',
    ...(version === null ? {} : { 'raw/dfdaemon/version.txt': `${version}\n` }),
    'raw/containerd/config.toml': CONFIG_PATH,
    ...files,
  });

const GO_HOST = '[host."http://127.0.0.1:65001"]\n  capabilities = ["pull", "resolve"]\n';
const goYaml = (dynamic: string) =>
  `proxy:\n  tcpListen:\n    port: 65001\n  registryMirror:\n${dynamic}    url: https://index.docker.io\n`;
const go = (dynamic: string, toml: string) =>
  factsFrom({
    'raw/dfdaemon/generation.txt': 'go\n',
    'raw/dfdaemon/config/dfget.yaml': goYaml(dynamic),
    'raw/containerd/config.toml': CONFIG_PATH,
    [HARBOR]: toml,
  });

describe('dfdaemon.mirror-wrong-registry', () => {
  it('names a private registry routed to a Rust dfdaemon before v1.3.5 without X-Dragonfly-Registry', async () => {
    const m = mirrorWrongRegistry.when(await rust({ [HARBOR]: harborToml() }));
    expect(m?.severity).toBe('critical');
    expect(mirrorWrongRegistry.cause).toBe('mirror-fallback');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain(
      `${HARBOR}:3: containerd sends harbor-core.71djy.cn's pulls to dfdaemon (http://127.0.0.1:4001) without an X-Dragonfly-Registry header`,
    );
    expect(ev).toContain('Rust dfdaemon v0.1.94 fetches them from proxy.registryMirror.addr: https://index.docker.io');
    expect(ev).toContain('it reads ?ns= from v1.3.5');
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain('/etc/containerd/certs.d/harbor-core.71djy.cn/hosts.toml');
    expect(steps).toContain('X-Dragonfly-Registry = [\\"https://harbor-core.71djy.cn\\"]');
    expect(steps).toContain('v1.3.5 or later');
  });

  it('is silent when the header is sent (any case), and for the registry dfdaemon fetches from anyway', async () => {
    expect(mirrorWrongRegistry.when(await rust({ [HARBOR]: harborToml(HEADER) }))).toBeNull();
    const dockerNoHeader = `server = "https://registry-1.docker.io"\n\n${HOST}`;
    expect(
      mirrorWrongRegistry.when(await rust({ 'raw/containerd/certs.d/docker.io/hosts.toml': dockerNoHeader })),
    ).toBeNull();
  });

  it("is silent when the Go daemon's url is the route's registry host on another port or scheme", async () => {
    const harborUrl = (url: string) =>
      factsFrom({
        'raw/dfdaemon/generation.txt': 'go\n',
        'raw/dfdaemon/config/dfget.yaml': `proxy:\n  tcpListen:\n    port: 65001\n  registryMirror:\n    url: ${url}\n`,
        'raw/containerd/config.toml': CONFIG_PATH,
        [HARBOR]: `server = "https://harbor-core.71djy.cn"\n\n${GO_HOST}`,
      });
    expect(mirrorWrongRegistry.when(await harborUrl('http://harbor-core.71djy.cn:5000'))).toBeNull();
    expect(mirrorWrongRegistry.when(await harborUrl('https://harbor-core.71djy.cn'))).toBeNull();
    expect(mirrorWrongRegistry.when(await harborUrl('https://other.example.com'))?.severity).toBe('critical');
  });

  it('holds until v1.3.4; from v1.3.5 dfdaemon reads ?ns= and the route works', async () => {
    expect(mirrorWrongRegistry.when(await rust({ [HARBOR]: harborToml() }, 'v1.3.4'))?.severity).toBe('critical');
    expect(mirrorWrongRegistry.when(await rust({ [HARBOR]: harborToml() }, 'v1.3.5'))).toBeNull();
  });

  it('says the assumption, as info, when the Rust release is unknown', async () => {
    const m = mirrorWrongRegistry.when(await rust({ [HARBOR]: harborToml() }, null));
    expect(m?.severity).toBe('info');
    expect(m?.evidence.join('\n')).toContain(
      'dfdaemon release not in the bundle: assumed before v1.3.5, which does this; from v1.3.5',
    );
  });

  it("compares with the registry dfdaemon.yaml's proxy.registryMirror.addr names", async () => {
    const yaml = 'proxy:\n  registryMirror:\n    addr: https://harbor-core.71djy.cn\n';
    const dockerNoHeader = `server = "https://registry-1.docker.io"\n\n${HOST}`;
    const f = await rust({
      'raw/dfdaemon/config/dfdaemon.yaml': yaml,
      [HARBOR]: harborToml(),
      'raw/containerd/certs.d/docker.io/hosts.toml': dockerNoHeader,
    });
    const ev = mirrorWrongRegistry.when(f)?.evidence.join('\n') ?? '';
    expect(ev).toContain("docker.io's pulls");
    expect(ev).not.toContain("harbor-core.71djy.cn's pulls");
    expect(ev).toContain(
      'proxy.registryMirror.addr: https://harbor-core.71djy.cn (raw/dfdaemon/config/dfdaemon.yaml:3)',
    );
  });

  it('names a header-less _default route: it serves every registry', async () => {
    const m = mirrorWrongRegistry.when(await rust({ 'raw/containerd/certs.d/_default/hosts.toml': HOST }));
    expect(m?.evidence[0]).toContain('every registry without a hosts.toml of its own (_default)');
    expect(JSON.stringify(m?.remediation.steps)).toContain('its own /etc/containerd/certs.d/<registry>/hosts.toml');
  });

  it('names a legacy mirror, whose `header` table (dfinit before v0.1.97) containerd never sends', async () => {
    const legacy =
      'version = 2\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor-core.71djy.cn"]\n  endpoint = ["http://127.0.0.1:4001", "https://harbor-core.71djy.cn"]\n[plugins."io.containerd.grpc.v1.cri".registry.mirrors."harbor-core.71djy.cn".header]\n  X-Dragonfly-Registry = "https://harbor-core.71djy.cn"\n';
    const m = mirrorWrongRegistry.when(await rust({ 'raw/containerd/config.toml': legacy }));
    expect(m?.severity).toBe('critical');
    expect(m?.evidence[0]).toContain('a legacy registry.mirrors entry has no headers of its own');
    expect(m?.evidence[0]).toContain("the mirror's `header` table is no containerd key");
    // registry.headers go to every registry: then the header is sent
    const global = legacy.replace(
      /\[plugins[^\n]*\.header\]\n[^\n]*\n$/,
      '[plugins."io.containerd.grpc.v1.cri".registry.headers]\n  X-Dragonfly-Registry = ["https://harbor-core.71djy.cn"]\n',
    );
    expect(global).toContain('registry.headers');
    expect(mirrorWrongRegistry.when(await rust({ 'raw/containerd/config.toml': global }))).toBeNull();
  });

  it('Go: needs the header and registryMirror.dynamic: true', async () => {
    const header =
      '[host."http://127.0.0.1:65001".header]\n  X-Dragonfly-Registry = ["https://harbor-core.71djy.cn"]\n';
    const toml = `server = "https://harbor-core.71djy.cn"\n\n${GO_HOST}`;
    expect(mirrorWrongRegistry.when(await go('    dynamic: true\n', toml + header))).toBeNull();
    const notDynamic = mirrorWrongRegistry.when(await go('', toml + header));
    expect(notDynamic?.severity).toBe('critical');
    expect(notDynamic?.evidence.join('\n')).toContain(
      'which the Go daemon ignores unless proxy.registryMirror.dynamic is true',
    );
    expect(JSON.stringify(notDynamic?.remediation.steps)).toContain('dynamic: true');
    const noHeader = mirrorWrongRegistry.when(await go('    dynamic: true\n', toml));
    expect(noHeader?.evidence.join('\n')).toContain('without an X-Dragonfly-Registry header');
    expect(noHeader?.evidence.join('\n')).toContain(
      'the Go dfdaemon fetches them from proxy.registryMirror.url: https://index.docker.io',
    );
  });
});
