// The generated Rust logs write a task's lines as each release does (dragonflyoss/client at the tag:
// RUST_TASK_FORMS in dfdaemon-loggen.ts): v0.1.82's task/mod.rs "…from local peer", "…from remote peer",
// v0.1.126–v1.1.2's resource/task.rs "interested pieces after removing the finished piece" and
// "from parent Some(…)", v1.1.3's "interested pieces after downloading from local" and "using protocol", and
// the "need back to source response: {:?}" that v1.4.1 shortened; and dfdoctor reads each form.
import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { rustProxy, rustReleaseTask, rustTaskLines, type RustTask } from './dfdaemon-loggen.js';

const RELEASES = ['v0.1.82', 'v0.2.16', 'v0.2.17', 'v1.2.7', 'v1.2.8', 'v1.5.1'];
const task = (release: string, mode: RustTask['mode']): RustTask => ({
  ...rustReleaseTask(release, mode),
  debug: true,
});
const log = (release: string, mode: RustTask['mode']) => rustTaskLines(task(release, mode)).join('\n');

describe('the generated Rust task lines, by release', () => {
  it("are the release's wordings, at its lines", () => {
    // v0.2.16 dragonfly-client/src/resource/task.rs:376 (info!), :386, :1530; v0.1.82 task/mod.rs:1355, :1025
    expect(log('v0.2.16', 'hit')).toContain(
      'resource/task.rs:376: interested pieces after removing the finished piece: []',
    );
    expect(log('v0.2.16', 'hit')).toContain('resource/task.rs:386: all pieces are downloaded from local');
    expect(log('v0.2.16', 'hit')).toMatch(/resource\/task\.rs:1530: finished piece \w+-0 from local /);
    expect(log('v0.2.16', 'hit')).not.toContain('local peer');
    expect(log('v0.1.82', 'hit')).toMatch(/task\/mod\.rs:1355: finished piece \w+-0 from local peer /);
    // v0.2.16 :1114 "from parent {:?}" of Option<String>; v1.2.7 :1183 adds "using protocol {}"
    expect(log('v0.2.16', 'p2p')).toMatch(
      /task\.rs:1114: finished piece \w+-0 from parent Some\("10\.0\.3\.17-[^"]+"\) /,
    );
    expect(log('v1.2.7', 'p2p')).toMatch(
      /task\.rs:1183: finished piece \w+-0 from parent Some\("[^"]+"\) using protocol tcp /,
    );
    expect(log('v1.2.7', 'hit')).toContain('resource/task.rs:441: interested pieces after downloading from local: []');
    // v1.2.8 :836 prints the response's Debug; v1.5.1 :950 does not
    expect(log('v1.2.8', 'source')).toContain(
      'resource/task.rs:836: need back to source response: NeedBackToSourceResponse',
    );
    expect(log('v1.5.1', 'source')).toMatch(/resource\/task\.rs:950: need back to source response host_id=/);
    expect(() => log('v1.3.0', 'hit')).toThrow(/not written here/);
    // proxy/mod.rs: v0.2.16 :370 / :414 "… for method: {}, uri: {}", v0.2.17 :398, v1.2.7 :392 the request's Debug
    const url = task('v0.2.16', 'hit').url;
    expect(rustProxy(0, url, true, 'v1', 'v0.2.16')).toContain(
      `proxy/mod.rs:370: proxy HTTP request via dfdaemon by rule config for method: GET, uri: ${url}`,
    );
    expect(rustProxy(0, url, false, 'v1', 'v0.2.16')).toContain(
      `proxy/mod.rs:414: proxy HTTP request directly to remote server for method: GET, uri: ${url}`,
    );
    expect(rustProxy(0, url, true, 'v1', 'v0.2.17')).toContain('proxy/mod.rs:398: ');
    expect(rustProxy(0, url, true, 'v0', 'v1.2.7')).toContain(
      'proxy/mod.rs:392: proxy HTTP request via dfdaemon by rule config: Request { method: GET',
    );
  });

  it('are read as the task they are, in every release', async () => {
    const served = { hit: 'local', p2p: 'remote-peer', source: 'back-to-source' } as const;
    for (const release of RELEASES)
      for (const mode of ['hit', 'p2p', 'source'] as const) {
        const f = await factsFrom({ 'raw/dfdaemon/logs/dfdaemon.log': `${log(release, mode)}\n` });
        const t = f.dfdaemon?.logs?.summary.tasks[0];
        expect(t?.servedBy, `${release} ${mode}`).toBe(served[mode]);
        expect(t?.reportedHit, `${release} ${mode}`).toBe(mode === 'hit');
        expect(t?.pieces[mode === 'hit' ? 'local' : mode === 'p2p' ? 'remote' : 'source'], `${release} ${mode}`).toBe(
          2,
        );
        expect(t?.refs.done, `${release} ${mode}`).toBeDefined();
        expect(f.dfdaemon?.logs?.stats.unrecognised, `${release} ${mode}`).toBe(0);
      }
    for (const release of RELEASES) {
      const url = task(release, 'hit').url;
      const lines = [rustProxy(0, url, true, 'v1', release), rustProxy(5, url, false, 'v1', release)];
      const f = await factsFrom({ 'raw/dfdaemon/logs/dfdaemon.log': `${lines.join('\n')}\n` });
      expect(
        f.dfdaemon?.logs?.summary.proxy.map((p) => [p.url, p.viaP2P]),
        release,
      ).toEqual([
        [url, true],
        [url, false],
      ]);
    }
  });
});
