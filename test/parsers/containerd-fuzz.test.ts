import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readContainerdConfig } from '../../src/parsers/containerd-config.js';
import { parseContainerdLogLine } from '../../src/parsers/containerd-log.js';
import { parseTomlLocated } from '../../src/parsers/containerd-toml.js';
import { parseContainerdVersion } from '../../src/parsers/containerd-version.js';
import { parseHostsToml } from '../../src/parsers/hosts-toml.js';
import { parseKubeletConfig } from '../../src/parsers/kubelet-config.js';
import { parseKubeletFlags } from '../../src/parsers/kubelet-flags.js';
import { containerdRules } from '../../src/rules/containerd/index.js';
import { kubeletRules } from '../../src/rules/kubelet.js';
import { factsFrom } from '../helpers/bundle.js';

// Garbage in never throws; it comes back as a located problem and the rest of the report stands.
const tomlish = fc.oneof(
  fc.string(),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          'version = 2',
          'version = 3',
          '[plugins."io.containerd.grpc.v1.cri"]',
          "[plugins.'io.containerd.cri.v1.images'.registry]",
          'config_path = 7',
          '[host."http://127.0.0.1:4001"]',
          'capabilities = ["pull", 1]',
          'server = []',
          'max_concurrent_downloads = "x"',
          '[[host]]',
          'host = 1',
          'imports = [1, "a"]',
        ),
        fc.string({ maxLength: 30 }),
      ),
      { maxLength: 12 },
    )
    .map((l) => l.join('\n')),
);

describe('containerd/kubelet parsers on arbitrary input', () => {
  it('never throw', () => {
    fc.assert(
      fc.property(tomlish, (text) => {
        parseHostsToml(text);
        const t = parseTomlLocated(text);
        if (t.ok) {
          readContainerdConfig(t.value, text);
          // the key locator walks every document the parser accepts to its end
          expect(t.lineOf(['version'])).toEqual(t.value.version === undefined ? undefined : expect.any(Number));
        } else expect(t.message).toMatch(/^invalid TOML/);
        parseContainerdLogLine(text, 1);
        parseContainerdVersion(text);
        parseKubeletConfig(text);
        parseKubeletFlags(text);
      }),
      { numRuns: 300 },
    );
  });

  it('facts build and rules evaluate from any file contents, with problems instead of exceptions', async () => {
    await fc.assert(
      fc.asyncProperty(
        tomlish,
        tomlish,
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom(
            '[null]',
            'null',
            '[{"path":"/x","bundleDir":"raw/containerd/certs.d","inConfigPath":true}]',
            '[{"host":1,"tcp":"open"}]',
            '[{"host":"127.0.0.1:4001","tcp":"refused"}]',
            '[{"host":"127.0.0.1:4001","tcp":"open","v2Status":"500"}]',
          ),
        ),
        fc.string(),
        async (config, hosts, json, yaml) => {
          const f = await factsFrom({
            'raw/containerd/config.toml': config,
            'raw/containerd/certs.d/docker.io/hosts.toml': hosts,
            'raw/containerd/mirror-check.json': json,
            'raw/containerd/hosts-dirs.json': json,
            'raw/containerd/decompressors.json': json,
            'raw/containerd/journal.txt': config,
            'raw/net/listeners.txt': hosts,
            'raw/kubelet/config.yaml': yaml,
          });
          expect(f.containerd).toBeDefined();
          expect(f.kubelet).toBeDefined();
          expect(f.problems.filter((p) => p.file.startsWith('(facts:'))).toEqual([]);
          for (const r of [...containerdRules, ...kubeletRules]) r.when(f);
        },
      ),
      { numRuns: 100 },
    );
  });
});
