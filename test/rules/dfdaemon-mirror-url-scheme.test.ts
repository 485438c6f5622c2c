// dfdaemon.mirror-url-scheme: a Go registryMirror.url without a scheme (dragonflyoss/dragonfly#4006)
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';
import { goChartConfig } from '../facts/dfdaemon-fixture-configs.js';

async function find(files: Record<string, string>) {
  return evaluate(await factsFrom(files), RULES).diagnoses.find((d) => d.rule === 'dfdaemon.mirror-url-scheme');
}
const goFiles = (cfg: string) => ({ 'raw/dfdaemon/generation.txt': 'go\n', 'raw/dfdaemon/config/dfget.yaml': cfg });
const containerdTo = {
  'raw/containerd/version.txt': 'containerd containerd.io 1.7.27 05044ec0a9a75232cad458027ca83437aae3f4da\n',
  'raw/containerd/config.toml':
    'version = 2\n\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n',
  'raw/containerd/hosts-dirs.json': JSON.stringify([
    { path: '/etc/containerd/certs.d', bundleDir: 'raw/containerd/certs.d', inConfigPath: true },
  ]),
  'raw/containerd/certs.d/docker.io/hosts.toml':
    'server = "https://index.docker.io"\n\n[host."http://127.0.0.1:65001"]\n  capabilities = ["pull", "resolve"]\n',
};
// goChartConfig writes `dynamic: true`; a mirror that takes no header writes it false
const fixed = (url: string) =>
  goChartConfig({ keepStorage: true, mirrorUrl: url }).replace('dynamic: true', 'dynamic: false');

describe('dfdaemon.mirror-url-scheme', () => {
  it('names the key with file and line and writes the scheme in the fix', async () => {
    const d = await find({ ...goFiles(fixed('harbor.example.com')), ...containerdTo });
    expect(d?.severity).toBe('critical');
    const ev = d?.evidence.join('\n') ?? '';
    expect(ev).toMatch(/proxy\.registryMirror\.url: harbor\.example\.com \(raw\/dfdaemon\/config\/dfget\.yaml:\d+\)/);
    expect(ev).toContain('scheme : no source client found');
    expect(JSON.stringify(d?.remediation.steps)).toContain('url: https://harbor.example.com');
  });

  it('reads host:port as Go does: the host becomes the scheme', async () => {
    const ev = (await find(goFiles(fixed('harbor.example.com:5000'))))?.evidence.join('\n') ?? '';
    expect(ev).toContain('scheme harbor.example.com: no source client found');
  });

  it('says the daemon does not start where url.Parse refuses the value', async () => {
    const d = await find({ ...goFiles(fixed('10.0.0.5:5000')), ...containerdTo });
    expect(d?.severity).toBe('critical');
    expect(d?.evidence.join('\n')).toMatch(/first path segment in URL cannot contain colon.*does not start/);
  });

  it('is a warning with dynamic: true (requests with X-Dragonfly-Registry do not use it) or no route', async () => {
    const dynamic = goChartConfig({ keepStorage: true, mirrorUrl: 'harbor.example.com' });
    expect((await find({ ...goFiles(dynamic), ...containerdTo }))?.severity).toBe('warning');
    expect((await find(goFiles(fixed('harbor.example.com'))))?.severity).toBe('warning');
  });

  it('says nothing of a URL with a scheme', async () => {
    expect(await find({ ...goFiles(fixed('https://harbor.example.com')), ...containerdTo })).toBeUndefined();
    expect(await find({ ...goFiles(fixed('http://10.0.0.5:5000')), ...containerdTo })).toBeUndefined();
  });
});
