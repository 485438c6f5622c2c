import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';
import { goDirect, goTaskLines, hex64 } from './dfdaemon-loggen.js';

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const blob = (repo: string, i: number) => `https://index.docker.io/v2/${repo}/blobs/sha256:${hex64(i)}`;

/** dfdaemon's log of one pull of library/nginx: its manifest at 0.5 s, a blob from 1 s to 4 s. */
const log = [
  goDirect(T0 + 500, 'GET', 'https://index.docker.io/v2/library/nginx/manifests/1.27'),
  ...goTaskLines({
    startMs: T0 + 1000,
    peer: 'p',
    task: 't',
    url: blob('library/nginx', 1),
    size: 30e6,
    mode: 'p2p',
    costMs: 3000,
  }),
].join('\n');

/** The kubelet's Pulled event, as `kubectl get events -o json` lists it. */
const pulled = (image: string, seconds: number, atMs: number) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        reason: 'Pulled',
        message: `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: 30000000 bytes.`,
        involvedObject: { kind: 'Pod', namespace: 'team', name: 'web-1' },
        source: { component: 'kubelet', host: 'node-1' },
        lastTimestamp: new Date(atMs).toISOString().replace(/\.\d+Z$/, 'Z'),
        count: 1,
      },
    ],
  });

const notes = async (events: string) =>
  (await factsFrom({ 'raw/dfdaemon/logs/core.log': `${log}\n`, 'raw/kubelet/events.json': events })).notes.map(
    (n) => n.text,
  );

describe("the kubelet's Pulled event beside dfdaemon's log of the same pull", () => {
  it("says how much of the kubelet's pull time dfdaemon's downloads took", async () => {
    // the kubelet's pull ran from 0.5 s to 5 s: it holds dfdaemon's 0.5 s to 4 s
    const got = (await notes(pulled('nginx:1.27', 4.5, T0 + 5000))).filter((t) => t.startsWith('The kubelet pulled'));
    expect(got).toEqual([
      "The kubelet pulled nginx:1.27 in 4.50 s (raw/kubelet/events.json item 1); dfdaemon's log shows that pull's registry requests and 1 blob(s) over 3.50 s of it (raw/dfdaemon/logs/core.log:2 onwards): the other 1.00 s went to steps outside dfdaemon, in containerd (unpacking the layers into snapshots) or the kubelet",
    ]);
  });

  it('says nothing of another image, or of a pull of the same image at another time', async () => {
    for (const events of [
      pulled('redis:7', 4.5, T0 + 5000),
      pulled('docker.io/library/nginx:1.27', 4.5, T0 + 600_000),
      // a pull too short to hold dfdaemon's downloads
      pulled('nginx:1.27', 1, T0 + 5000),
    ])
      expect((await notes(events)).filter((t) => t.startsWith('The kubelet pulled'))).toEqual([]);
  });
});
