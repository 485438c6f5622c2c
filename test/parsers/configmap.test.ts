import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configMapEntry } from '../../src/parsers/configmap.js';
import { parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';

const KEYS = ['dfdaemon.yaml', 'dfget.yaml'];

describe('configMapEntry', () => {
  it('reads a real paste\'s data["dfdaemon.yaml"] at the file\'s own line numbers, and sees it cut before kind:', () => {
    // dragonflyoss/dragonfly#4634 (fixtures/real/dfdaemon-rust-config-in-configmap)
    const text = readFileSync(
      new URL(
        '../../fixtures/real/dfdaemon-rust-config-in-configmap/raw/dfdaemon/config/dfdaemon.yaml',
        import.meta.url,
      ),
      'utf8',
    );
    const cm = configMapEntry(text, KEYS);
    expect(cm).toMatchObject({ key: 'dfdaemon.yaml', sameLines: true, cut: true });
    const keepLine = text.split('\n').findIndex((l) => l.trim() === 'keep: true') + 1;
    const r = parseDfdaemonConfig(cm?.text ?? '', 'rust');
    expect(r.ok && r.config.keepStorage).toMatchObject({ value: true, from: 'config', line: keepLine });
  });

  it('takes the only entry of a whole ConfigMap under another key, and a quoted value with its own lines', () => {
    const whole = [
      'apiVersion: v1',
      'data:',
      '  config.yaml: "storage:\\n  keep: true\\n"',
      'kind: ConfigMap',
      'metadata:',
      '  name: dragonfly-client',
      '',
    ].join('\n');
    expect(configMapEntry(whole, KEYS)).toEqual({
      key: 'config.yaml',
      text: 'storage:\n  keep: true\n',
      sameLines: false,
      cut: false,
    });
  });

  it("finds the ConfigMap among a manifest's documents, at the manifest's line numbers", () => {
    // the shape of dragonflyoss/dragonfly v2.1.49 test/testdata/k8s/proxy.yaml: ConfigMap, Service, StatefulSet
    const manifest = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: proxy',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: proxy',
      'data:',
      '  dfget.yaml: |',
      '    keepStorage: true',
      '---',
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      '',
    ].join('\n');
    const e = configMapEntry(manifest, ['dfget.yaml']);
    expect(e).toMatchObject({ key: 'dfget.yaml', sameLines: true, cut: false });
    expect((e?.text ?? '').split('\n').findIndex((l) => l.trim() === 'keepStorage: true') + 1).toBe(12);
    // no ConfigMap among them: nothing
    expect(configMapEntry(manifest.replace('kind: ConfigMap', 'kind: Secret'), ['dfget.yaml'])).toBeNull();
  });

  it('leaves alone a config that is the file itself, and other kinds', () => {
    expect(configMapEntry('storage:\n  keep: true\n', KEYS)).toBeNull();
    const secret = 'apiVersion: v1\ndata:\n  dfdaemon.yaml: |\n    storage: {}\nkind: Secret\n';
    expect(configMapEntry(secret, KEYS)).toBeNull();
    // a cut paste (no kind:) is taken only when its data names the config
    expect(configMapEntry('apiVersion: v1\ndata:\n  other.yaml: |\n    a: 1\n', KEYS)).toBeNull();
  });
});
