// CRI settings under a top-level key containerd's config does not have (`[plugin.…]`): no release reads
// them (facts/containerd-misspelt-plugins.ts). The real case is fixtures/real/containerd-docs-plugin-typo-mirrors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

const CONFIG = readFileSync(
  new URL('../../fixtures/real/containerd-docs-plugin-typo-mirrors/raw/containerd/config.toml', import.meta.url),
  'utf8',
);

async function read(config: string, version?: string) {
  const facts = await factsFrom({
    'raw/containerd/config.toml': config,
    ...(version === undefined ? {} : { 'raw/containerd/version.txt': version }),
  });
  return {
    notes: facts.notes
      .filter((n) => n.text.includes("a key containerd's config does not have"))
      .map((n) => `${n.text} @ ${n.source}`),
    mirrors: facts.containerd?.config.cri.mirrors,
  };
}

describe('CRI settings under a misspelt top-level `plugin` table', () => {
  it("containerd/cri's registry.md example: says the table is never read, where, and how to write it", async () => {
    const r = await read(CONFIG);
    expect(r.notes).toEqual([
      'raw/containerd/config.toml writes [plugin."io.containerd.grpc.v1.cri".registry.mirrors] under `plugin`, a key containerd\'s config does not have (plugin settings go under `plugins`): containerd 1.x drops it without a log line, 2.x logs "Ignoring unknown key in TOML" with the file and row, and drops it, so what it sets (registry) is never read. Write it as [plugins."io.containerd.grpc.v1.cri".registry.mirrors] @ raw/containerd/config.toml:5',
    ]);
    expect(r.mirrors).toEqual({});
  });

  it('says what the detected release does', async () => {
    expect((await read(CONFIG, 'containerd github.com/containerd/containerd v1.7.20 8fc6bcff\n')).notes[0]).toContain(
      'containerd 1.7.20 drops it without a log line,',
    );
    expect((await read(CONFIG, 'containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7\n')).notes[0]).toContain(
      'containerd 2.1.4 logs "Ignoring unknown key in TOML" with the file and row, and drops it,',
    );
  });

  it('says nothing of the same tables under `plugins`, which are read, nor of a top-level key containerd has', async () => {
    const fixed = CONFIG.replaceAll('[plugin.', '[plugins.');
    const r = await read(fixed);
    expect(r.notes).toEqual([]);
    expect(r.mirrors?.['docker.io']).toEqual(['https://registry-1.docker.io']);
    // a key that differs from `plugins` only in case is read by some releases (2.x matches it case-insensitively)
    expect((await read(CONFIG.replaceAll('[plugin.', '[Plugins.'))).notes).toEqual([]);
    expect(
      (await read(`version = 2\n[proxy_plugins.cri]\n  type = "snapshot"\n  address = "/run/x.sock"\n`)).notes,
    ).toEqual([]);
  });

  it('finds the table in an import too, at its first header', async () => {
    const facts = await factsFrom({
      'raw/containerd/config.toml': 'version = 2\nimports = ["/etc/containerd/conf.d/*.toml"]\n',
      'raw/containerd/imports/mirror.toml':
        'version = 2\n\n[plugin.cri.registry]\n  config_path = "/etc/containerd/certs.d"\n',
    });
    const n = facts.notes.find((x) => x.text.includes("a key containerd's config does not have"));
    expect(n?.source).toBe('raw/containerd/imports/mirror.toml:3');
    expect(n?.text).toContain('writes [plugin.cri.registry] under `plugin`');
    expect(n?.text).toContain('Write it as [plugins.cri.registry]');
  });

  it('with dfdaemon listening, the missing route cites the misspelt table at its line', async () => {
    const listeners =
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n' +
      'LISTEN 0      1024         0.0.0.0:4001       0.0.0.0:*    users:(("dfdaemon",pid=812,fd=12))\n';
    const facts = await factsFrom({
      'raw/containerd/config.toml': CONFIG.replaceAll('https://registry-1.docker.io', 'http://127.0.0.1:4001'),
      'raw/net/listeners.txt': listeners,
    });
    const m = facts.containerd?.misconfigs.find((x) => x.kind === 'no-routing');
    expect(m).toMatchObject({ file: 'raw/containerd/config.toml', line: 5 });
    expect(m?.message).toContain(
      'neither config_path nor registry.mirrors is set where containerd reads them: raw/containerd/config.toml writes the registry settings under [plugin."io.containerd.grpc.v1.cri".registry.mirrors], and containerd\'s config has no `plugin` key',
    );
  });
});
