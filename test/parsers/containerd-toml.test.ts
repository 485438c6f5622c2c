import { describe, expect, it } from 'vitest';
import { parseTomlLocated } from '../../src/parsers/containerd-toml.js';

function located(text: string) {
  const p = parseTomlLocated(text);
  if (!p.ok) throw new Error(p.message);
  return p.lineOf;
}

describe('parseTomlLocated: where keys are written', () => {
  const CRI = 'io.containerd.cri.v1.images';
  const TRANSFER = 'io.containerd.transfer.v1.local';
  const lineOf = located(`version = 3 # [plugins] in a comment
root = "/var/lib/containerd" # max_concurrent_downloads = 1
description = """
max_concurrent_downloads = 2
[plugins.'${TRANSFER}']
"""
imports = [
  "/etc/containerd/conf.d/*.toml", # a comment
  ['nested', "]"],
]
[plugins.'${CRI}']
  max_concurrent_downloads = 3
  pinned_images = { sandbox = "registry.k8s.io/pause:3.10", "a.b" = { c = 1 } }
  [ plugins . "${CRI}" . registry ]
    config_path = '/etc/containerd/certs.d'
[plugins."${TRANSFER}"]
  max_concurrent_downloads = 5
  "max_concurrent\\u005funpacks" = 2
[[proxy_plugins.x.y]]
  type = "snapshot"
`);

  it('resolves table headers, quoted and dotted keys, whatever the quoting and spacing', () => {
    expect(lineOf(['version'])).toBe(1);
    expect(lineOf(['plugins', CRI])).toBe(11);
    expect(lineOf(['plugins', CRI, 'max_concurrent_downloads'])).toBe(12);
    expect(lineOf(['plugins', CRI, 'registry', 'config_path'])).toBe(15);
    expect(lineOf(['plugins', TRANSFER, 'max_concurrent_downloads'])).toBe(17);
    expect(lineOf(['plugins', TRANSFER, 'max_concurrent_unpacks'])).toBe(18);
    expect(lineOf(['proxy_plugins', 'x', 'y', 'type'])).toBe(20);
  });

  it('records the keys of inline tables on their own line', () => {
    expect(lineOf(['plugins', CRI, 'pinned_images', 'sandbox'])).toBe(13);
    expect(lineOf(['plugins', CRI, 'pinned_images', 'a.b', 'c'])).toBe(13);
  });

  it('is not fooled by keys in comments, strings or multi-line values', () => {
    expect(lineOf(['root'])).toBe(2);
    expect(lineOf(['description'])).toBe(3);
    expect(lineOf(['imports'])).toBe(7);
    expect(lineOf(['max_concurrent_downloads'])).toBeUndefined();
    expect(lineOf(['plugins', 'max_concurrent_downloads'])).toBeUndefined();
  });
});
