import { describe, expect, it } from 'vitest';
import { factsFrom, firingRules } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

const FIXTURE = 'fixtures/net-localhost-v6';

const filesOf = (dir: string) => loadFixture(dir).files;

describe('net facts: which containerd hosts count as the mirror', () => {
  it('a hosts.toml whose `server` is dfdaemon on localhost is checked like a [host] mirror', async () => {
    const files = filesOf(FIXTURE);
    // containerd falls back to `server` after the hosts: here both are dfdaemon, under two spellings
    files['raw/containerd/certs.d/docker.io/hosts.toml'] =
      'server = "http://localhost:4001"\n\n[host."http://127.0.0.1:4001"]\n  capabilities = ["pull", "resolve"]\n';
    expect(await firingRules(files)).toContain('net.localhost-resolution');
    const facts = await factsFrom(files);
    const checked = (facts.net?.names ?? []).map((n) => [n.target.host, n.target.port, n.target.source]);
    // taken from containerd's config, not from the localhost/127.0.0.1 fallback
    expect(checked).toContainEqual(['localhost', 4001, 'containerd']);
  });

  it('a `server` that is the remote origin is not resolved as a local mirror', async () => {
    const files = filesOf(FIXTURE);
    files['raw/containerd/certs.d/docker.io/hosts.toml'] = 'server = "https://registry-1.docker.io"\n';
    const facts = await factsFrom(files);
    expect((facts.net?.names ?? []).map((n) => n.target.source)).not.toContain('containerd');
  });
});
