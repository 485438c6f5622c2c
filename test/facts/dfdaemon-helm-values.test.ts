// A Dragonfly chart's values handed over as dfdaemon's config: the report asks for the ConfigMap the
// chart renders, by the name the chart gives it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

const values = readFileSync(
  new URL('../../fixtures/real/dfdaemon-rust-helm-values-hf-proxy/raw/dfdaemon/config/dfdaemon.yaml', import.meta.url),
  'utf8',
);

describe('Helm values given as the config', () => {
  it('names the ConfigMap <release>-dragonfly-client (helm-charts _helpers.tpl:20-28, :53-55)', async () => {
    const f = await factsFrom({ 'raw/dfdaemon/config/dfdaemon.yaml': values });
    const p = f.problems.find((x) => x.message.includes("the Dragonfly Helm chart's values"));
    expect(p?.message).toContain('get configmap <release>-dragonfly-client -o yaml');
    expect(p?.message).toContain('<release>-client when the release name contains "dragonfly"');
  });
});

describe('Helm values that override the chart’s names', () => {
  const problem = async (text: string) =>
    (await factsFrom({ 'raw/dfdaemon/config/dfdaemon.yaml': text })).problems.find((x) =>
      x.message.includes("the Dragonfly Helm chart's values"),
    )?.message ?? '';

  it('names the ConfigMap <fullnameOverride>-client whatever the release (_helpers.tpl:20-22, :53-55)', async () => {
    const m = await problem(`fullnameOverride: p2p\n${values}`);
    expect(m).toContain('get configmap p2p-client -o yaml');
    expect(m).not.toContain('<release>');
  });

  it('takes the client name and nameOverride from the values', async () => {
    const m = await problem(`nameOverride: d7y\nclient:\n  name: peer\n  config:\n    verbose: true\n`);
    expect(m).toContain('get configmap <release>-d7y-peer -o yaml');
    expect(m).toContain('<release>-peer when the release name contains "d7y"');
  });

  it('names the Go chart’s dfdaemon ConfigMap from a Go chart’s values', async () => {
    const m = await problem(`fullnameOverride: df-\ndfdaemon:\n  config:\n    verbose: true\n`);
    expect(m).toContain('get configmap df-dfdaemon -o yaml');
  });
});

describe('the generation a bundle without generation.txt takes from Helm values', () => {
  const real = (c: string, file: string) =>
    readFileSync(new URL(`../../fixtures/real/${c}/raw/dfdaemon/config/${file}`, import.meta.url), 'utf8');

  it('is the one the values deploy, as `analyze values.yaml` reads it (dragonfly#2728: the Go chart)', async () => {
    const goValues = real('dfdaemon-go-helm-values-given-2728', 'dfget.yaml');
    expect((await factsFrom({ 'raw/dfdaemon/config/dfget.yaml': goValues })).dfdaemon?.generation).toBe('go');
    expect((await factsFrom({ 'raw/dfdaemon/config/dfdaemon.yaml': values })).dfdaemon?.generation).toBe('rust');
  });

  it('stays unknown when the values name both daemons or neither', async () => {
    const both = 'client:\n  enable: true\n  config: {}\ndfdaemon:\n  enable: true\n  config: {}\n';
    expect((await factsFrom({ 'raw/dfdaemon/config/values.yaml': both })).dfdaemon?.generation ?? null).toBeNull();
  });
});
