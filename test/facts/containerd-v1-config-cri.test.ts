// A config read as version 1 whose CRI settings sit under the version 2 id: containerd 1.x ignores them
// (facts/containerd-v1-config-cri.ts). The real case is fixtures/real/containerd-1.4.4-v2-table-without-version-5236.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

const CASE = new URL(
  '../../fixtures/real/containerd-1.4.4-v2-table-without-version-5236/raw/containerd/',
  import.meta.url,
);
const CONFIG = readFileSync(new URL('config.toml', CASE), 'utf8');
const VERSION = readFileSync(new URL('version.txt', CASE), 'utf8');

async function notes(config: string, version: string): Promise<string[]> {
  const facts = await factsFrom({ 'raw/containerd/config.toml': config, 'raw/containerd/version.txt': version });
  return facts.notes.filter((n) => n.text.includes('the version 2 name')).map((n) => `${n.text} @ ${n.source}`);
}

describe('CRI settings under the version 2 id in a config read as version 1', () => {
  it('on 1.4.4 (containerd#5236): says the table is ignored, where it is, and to add version = 2', async () => {
    expect(await notes(CONFIG, VERSION)).toEqual([
      'raw/containerd/config.toml has no version line (read as version 1) but writes its CRI settings under [plugins."io.containerd.grpc.v1.cri"], the version 2 name: containerd 1.4.4 reads a version 1 config\'s CRI settings from [plugins.cri] only, so that table is ignored whole (registry mirrors, config_path, max_concurrent_downloads…). Add `version = 2` at the top of the file @ raw/containerd/config.toml:1',
    ]);
  });

  it('says nothing where the file declares version 2, or on 2.3+, which migrates the file and reads the mirror', async () => {
    expect(await notes(`version = 2\n${CONFIG}`, VERSION)).toEqual([]);
    const v2 = 'containerd github.com/containerd/containerd/v2 v2.3.0\n';
    expect(await notes(CONFIG, v2)).toEqual([]);
    // 2.3+ migrates the version 1 file (its tables keep their dotted name) and reads the mirror
    const facts = await factsFrom({ 'raw/containerd/config.toml': CONFIG, 'raw/containerd/version.txt': v2 });
    expect(facts.containerd?.version).toMatchObject({ major: 2, minor: 3 });
    expect(facts.containerd?.config.cri.mirrors).toEqual({ 'local.dce': ['http://10.6.151.61:80'] });
  });
});
