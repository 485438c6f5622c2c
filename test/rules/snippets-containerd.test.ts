// The config snippets rules advise must be read back by containerd's layout rules as modelled in
// src/parsers: a snippet under the wrong table would be advice containerd ignores.
import { describe, expect, it } from 'vitest';
import type { ContainerdFacts } from '../../src/facts/containerd.js';
import { type ConfigLayout, readContainerdConfig } from '../../src/parsers/containerd-config.js';
import { parseTomlLocated } from '../../src/parsers/containerd-toml.js';
import { parseHostsToml } from '../../src/parsers/hosts-toml.js';
import type { Step } from '../../src/report/model.js';
import {
  configPathSnippet,
  dfdaemonHostSnippet,
  dfdaemonServerSnippet,
  downloadsSnippet,
  hostsTomlSnippet,
  progressTimeoutSnippet,
  snapshotterSnippet,
} from '../../src/rules/snippets/containerd.js';
import { factsFrom } from '../helpers/bundle.js';

const LISTEN =
  'State Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0 1024 0.0.0.0:4011 0.0.0.0:* users:(("dfdaemon",pid=9,fd=3))\n';

async function containerd(layout: ConfigLayout): Promise<ContainerdFacts> {
  const f = await factsFrom({
    'raw/containerd/config.toml': `version = ${layout}\n`,
    'raw/net/listeners.txt': LISTEN,
  });
  if (!f.containerd) throw new Error('no containerd facts');
  return f.containerd;
}

/** The snippet appended to a config.toml of its layout, read as containerd's config. */
function readBack(layout: ConfigLayout, step: Step) {
  if (step.kind !== 'snippet') throw new Error(`not a snippet: ${step.kind}`);
  const parsed = parseTomlLocated(`version = ${layout}\n${step.text}\n`);
  if (!parsed.ok) throw new Error(parsed.message);
  const { config, problems } = readContainerdConfig(parsed.value);
  expect(problems).toEqual([]);
  return config;
}

describe('containerd config.toml snippets', () => {
  it.each([1, 2, 3] as const)('config_path lands in the registry table of a v%i config', async (layout) => {
    const c = await containerd(layout);
    expect(readBack(layout, configPathSnippet(c, '/etc/containerd/certs.d')).cri.configPath).toBe(
      '/etc/containerd/certs.d',
    );
  });

  it.each([1, 2, 3] as const)(
    'max_concurrent_downloads of a local pull lands in the CRI table of v%i',
    async (layout) => {
      const c = await containerd(layout);
      const local = {
        ...c,
        pull: { ...c.pull, mode: 'local' as const, defaultPath: 'local' as const, localReasons: [] },
      };
      expect(readBack(layout, downloadsSnippet(local, 7)).cri.maxConcurrentDownloads).toBe(7);
    },
  );

  it('max_concurrent_downloads of a transfer pull lands in the transfer service', async () => {
    const c = await containerd(3);
    const transfer = { ...c, pull: { ...c.pull, mode: 'transfer' as const } };
    const config = readBack(3, downloadsSnippet(transfer, 9));
    expect(config.transfer.maxConcurrentDownloads).toBe(9);
    expect(config.cri.maxConcurrentDownloads).toBeUndefined();
  });

  it.each([1, 2, 3] as const)(
    'image_pull_progress_timeout and snapshotter land where v%i reads them',
    async (layout) => {
      const c = await containerd(layout);
      expect(readBack(layout, progressTimeoutSnippet(c)).cri.imagePullProgressTimeout).toBe('5m0s');
      expect(readBack(layout, snapshotterSnippet(c, 'overlayfs')).cri.snapshotter).toBe('overlayfs');
    },
  );
});

describe('hosts.toml snippets', () => {
  it("send pulls and tag lookups to dfdaemon's proxy port first, the origin as server", async () => {
    const c = await containerd(2);
    const step = hostsTomlSnippet(c, 'ghcr.io');
    if (step.kind !== 'snippet') throw new Error('not a snippet');
    expect(step.file).toBe('/etc/containerd/certs.d/ghcr.io/hosts.toml');
    const parsed = parseHostsToml(step.text);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.file.server).toMatchObject({ host: 'ghcr.io', scheme: 'https' });
    expect(parsed.file.hosts).toEqual([
      expect.objectContaining({ scheme: 'http', host: '127.0.0.1', port: 4011, capabilities: ['pull', 'resolve'] }),
    ]);
  });

  it('docker.io falls back to index.docker.io; a dial_timeout and a dfdaemon server read back', async () => {
    const c = await containerd(3);
    const read = (s: Step) => {
      if (s.kind !== 'snippet') throw new Error('not a snippet');
      const p = parseHostsToml(s.text);
      if (!p.ok) throw new Error(p.message);
      return p.file;
    };
    expect(read(hostsTomlSnippet(c)).server?.host).toBe('index.docker.io');
    expect(read(dfdaemonHostSnippet(c, { dialTimeout: '1s' })).hosts[0]?.dialTimeout).toBe('1s');
    expect(read(dfdaemonServerSnippet(c)).server).toMatchObject({ host: '127.0.0.1', port: 4011 });
  });
});
