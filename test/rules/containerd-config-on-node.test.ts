// The config.toml a containerd step tells the SRE to edit is the node's file: where the probe read it
// (containerd's --config), else containerd's default; never the bundle's copy.
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { stepText } from '../../src/report/steps-render.js';
import { logGrep } from '../../src/rules/snippets/containerd.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

const FIXTURE = new URL('../../fixtures/real/containerd-2.2.0-mirrors-refused/', import.meta.url).pathname;

async function stepsWith(probes: Manifest['probes']): Promise<string[]> {
  const fx = loadFixture(FIXTURE);
  const facts = await factsFrom(fx.files, {
    manifest: { ...fx.manifest, probes: { ...fx.manifest.probes, ...probes } },
  });
  const d = evaluate(facts, RULES).diagnoses.find((x) => x.rule === 'containerd.mirror-misconfigured');
  if (!d) throw new Error('containerd.mirror-misconfigured did not fire');
  return d.remediation.steps.map(stepText);
}

describe('containerd steps name the config.toml on the node', () => {
  it('the path containerd was started with, as the probe recorded it', async () => {
    const steps = await stepsWith({
      containerd: { status: 'ok', durationMs: 1, config: '/etc/containerd/custom-config.toml' },
    });
    expect(steps.join('\n')).toContain('/etc/containerd/custom-config.toml');
    expect(steps.join('\n')).not.toContain('raw/containerd');
  });

  it("containerd's default when the bundle does not say", async () => {
    const steps = await stepsWith({});
    expect(steps.join('\n')).toContain('/etc/containerd/config.toml');
    expect(steps.join('\n')).not.toContain('raw/containerd');
  });
});

describe('containerd steps on an EKS node, whose nodeadm writes config.toml at every boot', () => {
  const NODEADM = { by: 'nodeadm', unit: '/etc/systemd/system/nodeadm-config.service' };
  const steps = (containerd: Record<string, unknown>) =>
    stepsWith({ containerd: { status: 'ok', durationMs: 1, ...containerd } });

  it('say first that a config.toml change goes in the NodeConfig too', async () => {
    const s = await steps({ config: '/etc/containerd/config.toml', bootWriter: NODEADM });
    expect(s[0]).toBe(
      "EKS's nodeadm writes /etc/containerd/config.toml again at every boot (/etc/systemd/system/nodeadm-config.service runs `nodeadm init --skip run`): put a change to it in the NodeConfig's spec.containerd.config as well, the inline TOML that nodeadm merges over the file it writes (the instance's user data: the launch template), or the next boot undoes it.",
    );
    expect(s.slice(1)).toEqual(await steps({ config: '/etc/containerd/config.toml' }));
  });

  it('on Bottlerocket, say first that the change goes through the settings that render config.toml', async () => {
    const fx = loadFixture(FIXTURE);
    const host = { ...fx.manifest.host, os: 'Bottlerocket OS 1.47.0 (aws-k8s-1.34)' };
    const facts = await factsFrom(fx.files, { manifest: { ...fx.manifest, host } });
    const d = evaluate(facts, RULES).diagnoses.find((x) => x.rule === 'containerd.mirror-misconfigured');
    expect(d?.remediation.steps.map(stepText)[0]).toMatch(
      /^Bottlerocket writes \/etc\/containerd\/config\.toml from its settings, so an edit to the file does not last/,
    );
  });

  it('say nothing of nodeadm where it is not, or where containerd reads another file', async () => {
    for (const rec of [
      { config: '/etc/containerd/config.toml' },
      { config: '/etc/containerd/own.toml', bootWriter: NODEADM },
    ])
      expect((await steps(rec)).join('\n')).not.toContain('nodeadm');
  });
});

describe('containerd steps on MicroK8s, which writes its containerd.toml from a template as containerd starts', () => {
  const steps = (config: string) => stepsWith({ containerd: { status: 'ok', durationMs: 1, config } });

  it('send the change to the template and restart the snap service, where the probe found its containerd.toml', async () => {
    const s = await steps('/var/snap/microk8s/7229/args/containerd.toml');
    expect(s[0]).toBe(
      'MicroK8s writes /var/snap/microk8s/7229/args/containerd.toml from /var/snap/microk8s/current/args/containerd-template.toml each time its containerd starts, so an edit to the written file does not last: make the change in the template.',
    );
    const text = s.join('\n');
    expect(text).toContain(
      'delete the registry.mirrors tables from /var/snap/microk8s/current/args/containerd-template.toml',
    );
    expect(text).toContain('snap restart microk8s.daemon-containerd');
    expect(text).not.toContain('systemctl restart containerd');
  });

  it("grep containerd's log in the journal of MicroK8s' snap service", async () => {
    const f = await factsFrom(
      {
        'raw/containerd/config.toml':
          '# canonical/microk8s microk8s-resources/default-args/containerd-template.toml @ d099c907 (excerpt, rendered)\nversion = 2\n[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/var/snap/microk8s/current/args/certs.d"\n',
      },
      {},
    );
    if (!f.containerd) throw new Error('no containerd facts');
    expect(stepText(logGrep(f.containerd, 'fetch failed', 'why'))).toBe(
      "$ journalctl -u snap.microk8s.daemon-containerd --since -1h | grep -E 'fetch failed'    # why",
    );
  });

  it('say nothing of MicroK8s for a config elsewhere', async () => {
    expect((await steps('/etc/containerd/config.toml')).join('\n')).not.toContain('MicroK8s');
  });
});
