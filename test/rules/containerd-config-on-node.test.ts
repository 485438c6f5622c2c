// The config.toml a containerd step tells the SRE to edit is the node's file: where the probe read it
// (containerd's --config), else containerd's default; never the bundle's copy.
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { stepText } from '../../src/report/steps-render.js';
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
