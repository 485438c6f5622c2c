// A node without config.toml runs on containerd's built-in config, whose version is its release's: 1 on
// 1.x, 3 on 2.0–2.2, 4 from 2.3 (facts/containerd-built-in.ts). The real case is
// fixtures/real/containerd-2.1.5-hosts-toml-config-not-given-12550 (containerd/containerd#12550).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { buildReadSettings } from '../../src/report/read-settings.js';
import { stepText } from '../../src/report/steps-render.js';
import { configPathSnippet } from '../../src/rules/snippets/containerd.js';
import { factsFrom } from '../helpers/bundle.js';

const CASE = new URL('../../fixtures/real/containerd-2.1.5-hosts-toml-config-not-given-12550/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, CASE), 'utf8');

/** A bundle with containerd's version alone (or, unknown, its empty environment): no config.toml. */
const withoutConfig = (version?: string) =>
  factsFrom(version ? { 'raw/containerd/version.txt': `${version}\n` } : { 'raw/containerd/env.txt': '' });
const layoutRow = (f: Awaited<ReturnType<typeof factsFrom>>) =>
  buildReadSettings(f).find((r) => r.area === 'containerd' && r.setting === 'config layout')?.value;

describe("containerd's built-in config on a node without config.toml", () => {
  it('is version 1 on 1.7: steps name [plugins.cri]', async () => {
    const f = await withoutConfig('containerd containerd.io 1.7.27 x');
    expect(f.containerd?.configSource).toBe('defaults');
    expect(layoutRow(f)).toBe('v1');
    expect(stepText(configPathSnippet(f.containerd!))).toContain('[plugins.cri.registry]');
  });

  it('is version 3 on 2.1 (and 4 from 2.3): steps name the images plugin, not [plugins.cri]', async () => {
    const f = await withoutConfig('containerd github.com/containerd/containerd/v2 v2.1.0 x');
    expect(layoutRow(f)).toBe('v3');
    const text = stepText(configPathSnippet(f.containerd!));
    expect(text).toContain("[plugins.'io.containerd.cri.v1.images'.registry]");
    expect(text).not.toContain('plugins.cri');
    expect(f.containerd?.pull.downloads.setting).toBe(
      'plugins."io.containerd.transfer.v1.local".max_concurrent_downloads',
    );
    const v23 = await withoutConfig('containerd github.com/containerd/containerd/v2 v2.3.0 x');
    expect(layoutRow(v23)).toBe('v4');
  });

  it('keeps version 1 for an unknown release, and names the assumption', async () => {
    const f = await withoutConfig();
    expect(f.containerd?.version).toBeNull();
    expect(layoutRow(f)).toBe('v1');
    expect(f.notes.map((n) => n.text).join('\n')).toContain(
      'assumed the built-in config (no config.toml) is version 1 (< 2.0.0)',
    );
  });

  it('reads a 2.1.5 node whose config is not given (containerd#12550) in the version 3 layout', async () => {
    const manifest = JSON.parse(read('manifest.json')) as Manifest;
    const f = await factsFrom(
      {
        'raw/containerd/version.txt': read('raw/containerd/version.txt'),
        'raw/containerd/certs.d/docker.io/hosts.toml': read('raw/containerd/certs.d/docker.io/hosts.toml'),
      },
      { manifest },
    );
    expect(f.containerd).toMatchObject({ configSource: 'not-given', version: { major: 2, minor: 1, patch: 5 } });
    expect(layoutRow(f)).toBe('v3');
    expect(stepText(configPathSnippet(f.containerd!))).toContain(
      "[plugins.'io.containerd.cri.v1.images'.registry]\n  config_path = '/etc/containerd/certs.d'",
    );
  });
});
