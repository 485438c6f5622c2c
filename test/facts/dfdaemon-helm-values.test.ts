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
