// A terminal session pasted as one file (src/bundle/transcript.ts), on the real one of kind#3857
// (fixtures/real/containerd-kind-session-pasted), and what must stay whole.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { splitTranscript } from '../../src/bundle/transcript.js';

const CASE = new URL('../../fixtures/real/containerd-kind-session-pasted/', import.meta.url);
const read = (rel: string) => readFileSync(new URL(rel, CASE), 'utf8');
const tool = { name: 'dfdoctor', version: '0.1.0' };

describe('a terminal session given to analyze as one file', () => {
  it("is read as what its commands printed: the real case's bundle is what analyze makes of the paste", () => {
    const a = assembleLooseFiles([{ path: 'pasted-session.txt', text: read('pasted-session.txt') }], 'x', tool);
    expect(Object.keys(a.files).sort()).toEqual([
      'raw/containerd/certs.d/localhost:5001/hosts.toml',
      'raw/containerd/journal.txt',
    ]);
    for (const [rel, text] of Object.entries(a.files)) expect(text, rel).toBe(read(rel));
    expect(a.manifest.sources).toEqual(JSON.parse(read('manifest.json')).sources);
    expect(a.taken.map((t) => t.kind)).toEqual(['hosts-toml', 'containerd-log']);
  });

  it('names a log a command printed after its file, and the lines before the first prompt as their own part', () => {
    const go = '{"level":"info","ts":"2022-09-04 13:04:07.771","caller":"peer/peertask_conductor.go:277","msg":"x"}';
    const parts = splitTranscript({
      path: 'paste.txt',
      text: `some words\n[root@node-1 ~]# tail -f /var/log/dragonfly/daemon/core.log\n${go}\n${go}\n`,
    });
    expect(parts?.map((p) => p.path)).toEqual([
      'paste.txt (before its first prompt)',
      'paste.txt: $ tail -f /var/log/dragonfly/daemon/core.log',
    ]);
    expect(parts?.[1]?.text).toBe(`${go}\n${go}\n`);
    const a = assembleLooseFiles(parts?.slice(1) ?? [], 'x', tool);
    expect(Object.keys(a.files)).toContain('raw/dfdaemon/logs/core.log');
    // a command that names no file: the log keeps the session's name
    const k = splitTranscript({
      path: 'paste.txt',
      text: `u@node:~$ kubectl logs dfdaemon-x | grep 'get piece'\n${go}\n`,
    });
    expect(Object.keys(assembleLooseFiles(k ?? [], 'x', tool).files)).toContain('raw/dfdaemon/logs/paste.txt');
  });

  it('splits bare `$ ` prompts before any command, a relative `cat`, and a command continued with `\\`', () => {
    // containerd#11478: run in /etc/containerd, `$ cat certs.d/docker.io/hosts.toml`, then `$ systemctl …`
    const c11478 = new URL('../../fixtures/real/containerd-1.7.24-session-relative-cat-11478/', import.meta.url);
    const r = (rel: string) => readFileSync(new URL(rel, c11478), 'utf8');
    const a = assembleLooseFiles([{ path: 'pasted-session.txt', text: r('pasted-session.txt') }], 'x', tool);
    expect(Object.keys(a.files).sort()).toEqual([
      'raw/containerd/certs.d/docker.io/hosts.toml',
      'raw/containerd/journal.txt',
    ]);
    for (const [rel, text] of Object.entries(a.files)) expect(text, rel).toBe(r(rel));
    expect(a.manifest.sources).toEqual(JSON.parse(r('manifest.json')).sources);
    expect(a.taken.map((t) => t.kind)).toEqual(['hosts-toml', 'containerd-log']);
  });

  it('leaves whole a config whose comments read like commands, and a log without prompts', () => {
    // `# ` starts a comment in YAML and TOML: a bare prompt counts only before a `cat` of an absolute path
    const yaml = '# kubectl -n dragonfly-system edit cm dragonfly-client\n# crictl pull alpine\nproxy:\n  rules: []\n';
    expect(splitTranscript({ path: 'dfdaemon.yaml', text: yaml })).toBeNull();
    expect(splitTranscript({ path: 'core.log', text: read('raw/containerd/journal.txt') })).toBeNull();
  });
});
