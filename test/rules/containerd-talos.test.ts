// Talos writes its CRI containerd's config (/etc/cri/containerd.toml, the /etc/cri/conf.d/cri.toml it
// imports, the hosts.toml files) from its machine config: a fix step names the machine config change, by
// the documents the node's Talos release has (knowledge/containerd-distributions.ts TALOS), not the files.
import { describe, expect, it } from 'vitest';
import { stepText } from '../../src/report/steps-render.js';
import { unpackBound } from '../../src/rules/containerd/unpack-bound.js';
import { configPathSnippet, logGrep, onThisNode, restart } from '../../src/rules/snippets/containerd.js';
import { factsFrom, manifest } from '../helpers/bundle.js';

// siderolabs/talos@ad882317 hack/cri-containerd.toml and the CRI parts under /etc/cri/conf.d
const FILES = {
  'raw/containerd/version.txt': 'containerd github.com/containerd/containerd/v2 v2.1.4 abc\n',
  'raw/containerd/config.toml': 'version = 3\n\nimports = [\n    "/etc/cri/conf.d/cri.toml",\n]\n',
  'raw/containerd/imports/cri.toml':
    "version = 3\n[plugins.'io.containerd.cri.v1.images']\n  snapshotter = 'native'\n  [plugins.'io.containerd.cri.v1.images'.registry]\n    config_path = '/etc/cri/conf.d/hosts'\n",
};
const SOURCES = { 'raw/containerd/imports/cri.toml': '/etc/cri/conf.d/cri.toml' };

async function talos(os: string, config?: string) {
  const host = { ...manifest().host, os };
  return (
    await factsFrom(FILES, {
      manifest: {
        host,
        sources: SOURCES,
        ...(config ? { probes: { containerd: { status: 'ok', durationMs: 1, config } } } : {}),
      },
    })
  ).containerd!;
}

describe('containerd steps on Talos', () => {
  it('name the machine config, not the cri.toml Talos writes again (Talos 1.13: machine.files, RegistryMirrorConfig; 1.11: machine.registries)', async () => {
    const c = await talos('Talos (v1.13.2)');
    expect(c.rewrittenAtBoot).toEqual({ by: 'talos', release: { major: 1, minor: 13 } });
    const snip = configPathSnippet(c);
    expect(snip.kind === 'snippet' && snip.file).toBe('/etc/cri/containerd.toml');
    const steps = onThisNode(c, [snip]).map(stepText);
    expect(steps[0]).toMatch(/^Talos writes \/etc\/cri\/containerd\.toml, the cri\.toml it imports/);
    expect(steps[0]).toContain('machine.files entry with path /etc/cri/conf.d/20-customization.part, op: create');
    expect(steps[0]).toContain('a RegistryMirrorConfig document per registry (name');
    expect(steps[0]).not.toContain('CRICustomizationConfig');
    const v11 = await talos('Talos (v1.11.5)');
    expect(stepText(onThisNode(v11, [configPathSnippet(v11)])[0]!)).toContain(
      'A registry mirror goes in machine.registries.mirrors.<registry>.endpoints',
    );
    expect(stepText(restart(c))).not.toContain('systemctl');
    expect(stepText(logGrep(c, 'x', 'y'))).toMatch(/^\$ talosctl logs cri /);
  });

  it('from Talos 1.14, a CRICustomizationConfig document; by its config path when os-release says no release', async () => {
    const v14 = onThisNode(await talos('Talos (v1.14.0)'), [configPathSnippet(await talos('Talos (v1.14.0)'))]);
    expect(stepText(v14[0]!)).toContain('a CRICustomizationConfig document (name');
    expect(stepText(v14[0]!)).toContain('RegistryMirrorConfig document per registry (name');
    const unknown = await talos('Linux', '/etc/cri/containerd.toml');
    expect(unknown.rewrittenAtBoot).toEqual({ by: 'talos', release: null });
    const first = stepText(onThisNode(unknown, [configPathSnippet(unknown)])[0]!);
    expect(first).toContain('Talos 1.14+');
    expect(first).toContain('before 1.14, a machine.files entry');
  });

  it('unpack-bound on a Talos node with snapshotter = "native" says first where the change goes', async () => {
    const f = await factsFrom(FILES, {
      manifest: { host: { ...manifest().host, os: 'Talos (v1.13.2)' }, sources: SOURCES },
    });
    const m = unpackBound.when(f);
    const steps = m!.remediation.steps.map(stepText);
    expect(steps[0]).toMatch(/^Talos writes/);
    expect(steps.join('\n')).not.toContain('/etc/cri/conf.d/cri.toml (');
    expect(m!.remediation.steps.some((s) => s.kind === 'snippet' && s.file === '/etc/cri/conf.d/cri.toml')).toBe(false);
  });

  it('leaves a node that is not Talos alone', async () => {
    const c = (await factsFrom(FILES, { manifest: { sources: SOURCES } })).containerd!;
    expect(c.rewrittenAtBoot).toBeNull();
    const snip = configPathSnippet(c);
    expect(snip.kind === 'snippet' && snip.file).toBe('/etc/cri/conf.d/cri.toml');
  });
});
