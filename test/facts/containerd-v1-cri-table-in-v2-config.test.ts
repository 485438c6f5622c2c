// A version 2+ config whose CRI settings sit under the version 1 id, [plugins.cri]: 1.x from 1.3.0 does not
// start with it, 2.x ignores the table (facts/containerd-v1-cri-table-in-v2-config.ts).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

const CONFIG = 'version = 2\n[plugins.cri.registry.mirrors."docker.io"]\n  endpoint = ["http://127.0.0.1:65001"]\n';

async function read(config: string, version: string | null) {
  return factsFrom({
    'raw/containerd/config.toml': config,
    ...(version === null
      ? {}
      : { 'raw/containerd/version.txt': `containerd github.com/containerd/containerd ${version} x\n` }),
  });
}
const noteOf = (f: Awaited<ReturnType<typeof read>>) => f.notes.find((n) => n.text.includes('the version 1 name'));

describe('[plugins.cri] in a config of version 2 or above', () => {
  it('with the version unknown: says 1.x from 1.3.0 does not start with it and 2.x ignores it, at the table', async () => {
    const f = await read(CONFIG, null);
    expect(noteOf(f)?.text).toBe(
      'raw/containerd/config.toml declares version = 2 but writes CRI settings under [plugins.cri], the version 1 name: containerd 1.x (from 1.3.0) does not start with it ("invalid plugin key URI \\"cri\\" expect io.containerd.x.vx"), and containerd 2.x starts and reads a version 2 config\'s plugin tables by their URI, so [plugins.cri] belongs to no plugin and is ignored whole (it sets registry). Which holds here depends on the containerd version, which is not known; either way, write it as [plugins."io.containerd.grpc.v1.cri"]',
    );
    expect(noteOf(f)?.source).toBe('raw/containerd/config.toml:2');
    // read as 2.x reads it: the mirror is not used
    expect(f.containerd!.config.cri.mirrors).toEqual({});
    // kata-containers/tests#5353 (fixtures/real/containerd-v2-plugins-cri-kata-tests-5353): the release not given
    const kata = readFileSync(
      new URL(
        '../../fixtures/real/containerd-v2-plugins-cri-kata-tests-5353/raw/containerd/config.toml',
        import.meta.url,
      ),
      'utf8',
    );
    const k = noteOf(await read(kata, null));
    expect(k?.source).toBe('raw/containerd/config.toml:6');
    expect(k?.text).toMatch(
      /containerd 1\.x \(from 1\.3\.0\) does not start with it .* containerd 2\.x starts .* ignored whole \(it sets disable_hugetlb_controller, containerd, registry\)/,
    );
    // nothing said of [plugins.cri] in a version 1 file, or of the version 2 name in a version 2 file
    expect(noteOf(await read(CONFIG.replace('version = 2\n', ''), null))).toBeUndefined();
    expect(
      noteOf(await read(CONFIG.replace('plugins.cri.', 'plugins."io.containerd.grpc.v1.cri".'), null)),
    ).toBeUndefined();
  });

  it('on 2.1.4 and 2.3.0: the table is ignored; on 1.6.20 the config is refused, with no note', async () => {
    for (const v of ['v2.1.4', 'v2.3.0']) {
      const text = noteOf(await read(CONFIG, v))?.text;
      expect(text, v).toMatch(
        new RegExp(`containerd ${v.slice(1)} reads a version 2 config's plugin tables by their URI`),
      );
      expect(text, v).not.toMatch(/1\.x/);
    }
    const old = await read(CONFIG, 'v1.6.20');
    expect(noteOf(old)).toBeUndefined();
    expect(old.problems.some((p) => p.message.includes('invalid plugin key URI'))).toBe(true);
  });

  it('a version 3 file: 1.x from 1.5.0, and the images table as the fix', async () => {
    const text = noteOf(await read('version = 3\n[plugins.cri]\n  max_concurrent_downloads = 10\n', null))?.text;
    expect(text).toMatch(/containerd 1\.x \(from 1\.5\.0\) does not start with it/);
    expect(text).toMatch(/1\.6\.32\+ and 1\.7\.17\+ "unsupported config version `3`"/);
    expect(text).toMatch(/\[plugins\."io\.containerd\.cri\.v1\.images"\] for images and registries/);
  });
});
