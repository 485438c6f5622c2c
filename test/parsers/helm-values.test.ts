// A Dragonfly Helm chart's values handed over as dfdaemon's config is told from the config itself.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { helmValuesKeys } from '../../src/parsers/helm-values.js';

const real = (path: string) => readFileSync(new URL(`../../fixtures/real/${path}`, import.meta.url), 'utf8');

describe('helmValuesKeys', () => {
  it("names the chart's keys of a user's values (dragonflyoss/dragonfly#3905)", () => {
    expect(helmValuesKeys(real('dfdaemon-rust-helm-values-given/raw/dfdaemon/config/dfdaemon.yaml'))).toEqual([
      'seedClient',
      'client',
    ]);
    expect(helmValuesKeys('dfdaemon:\n  config:\n    storage:\n      multiplex: true\n')).toEqual(['dfdaemon']);
  });

  it("is null for dfdaemon's own config, rendered by the chart or written by hand (its manager and scheduler keys included)", () => {
    expect(helmValuesKeys(real('helm-chart-1.7.0/raw/dfdaemon/config/dfdaemon.yaml'))).toBeNull();
    expect(helmValuesKeys(real('package-go-dfget-v2.1.49/raw/dfdaemon/config/dfget.yaml'))).toBeNull();
    // a seed client's own config has a top-level seedPeer (the d7y.io reference config)
    expect(
      helmValuesKeys(real('dfdaemon-rust-reference-config-seed-peer/raw/dfdaemon/config/dfdaemon.yaml')),
    ).toBeNull();
    expect(helmValuesKeys('manager:\n  addr: http://m:65003\nscheduler:\n  scheduleTimeout: 30s\n')).toBeNull();
    // a key only under another key, or text that is not YAML
    expect(helmValuesKeys('proxy:\n  client:\n    x: 1\n')).toBeNull();
    expect(helmValuesKeys('client:\n  - [\n')).toBeNull();
  });
});
