import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

const JOURNAL = 'raw/containerd/journal.txt';

async function attempts(lines: string[]) {
  const f = await factsFrom({ [JOURNAL]: `${lines.join('\n')}\n` });
  return f.containerd!.log!.attempts;
}

const at = (s: string) => `2024-05-02T10:00:${s}Z`;
const pull = (t: string, image = 'gcr.io/hello-world') => `time="${at(t)}" level=info msg="PullImage \\"${image}\\""`;
const resolving = (t: string, host: string) => `time="${at(t)}" level=debug msg="resolving" host="${host}"`;
const url = (host: string, repo = 'hello-world', tag = 'latest', ns = 'gcr.io') =>
  `http://${host}/v2/${repo}/manifests/${tag}?ns=${ns}`;
const doRequest = (t: string, host: string, u = url(host)) =>
  `time="${at(t)}" level=debug msg="do request" host="${host}" request.method=HEAD url="${u}"`;
const next = (t: string, host: string, u = url(host)) =>
  `time="${at(t)}" level=info msg="trying next host" error="failed to do request: Head \\"${u}\\": dial tcp ${host}: connect: no route to host" host="${host}"`;

describe('containerd log: time spent on each failed host', () => {
  it('times an attempt from its "resolving" line to its "trying next host" line, and names the host tried next', async () => {
    const a = await attempts([
      pull('53.182712069'),
      resolving('53.183979170', '10.0.0.7:5000'),
      doRequest('53.184026001', '10.0.0.7:5000'),
      next('56.185820263', '10.0.0.7:5000'),
      resolving('56.186012857', '10.0.0.30:5010'),
    ]);
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({
      host: '10.0.0.7:5000',
      registry: 'gcr.io',
      start: { line: 2, by: 'resolving' },
      end: { line: 4 },
      next: { host: '10.0.0.30:5010', line: 5 },
    });
    expect(a[0]!.seconds).toBeCloseTo(3.001841093, 9);
  });

  it('without debug lines, times the first host from PullImage and the next from the previous host failure', async () => {
    const a = await attempts([
      pull('27.739730770'),
      next('30.751322381', '10.0.0.7:5000'),
      next('33.751089124', '10.0.0.30:5010'),
    ]);
    expect(a.map((x) => [x.host, x.start.by, x.start.line, Number(x.seconds.toFixed(3)), x.resolve])).toEqual([
      ['10.0.0.7:5000', 'pull-image', 1, 3.012, 1],
      ['10.0.0.30:5010', 'previous-host', 2, 3.0, 1],
    ]);
    expect(a[0]!.next).toEqual({ host: '10.0.0.30:5010', line: 3 });
  });

  it('matches a short image name to the request containerd makes for it (docker.io/library, :latest)', async () => {
    const u = url('127.0.0.1:4001', 'library/nginx', 'latest', 'docker.io');
    const a = await attempts([pull('00.0', 'nginx'), next('02.5', '127.0.0.1:4001', u)]);
    expect(a.map((x) => x.seconds)).toEqual([2.5]);
  });

  it('keeps pulls of different images apart: each request names its image', async () => {
    const other = (h: string) => url(h, 'pause', '3.9');
    const a = await attempts([
      pull('00.0'),
      pull('00.5', 'gcr.io/pause:3.9'),
      next('03.0', '10.0.0.7:5000'),
      next('03.5', '10.0.0.7:5000', other('10.0.0.7:5000')),
    ]);
    expect(a.map((x) => [x.end.line, x.start.line, x.seconds])).toEqual([
      [3, 1, 3],
      [4, 2, 3],
    ]);
  });

  it('reads nothing when two pulls of the same image interleave: which failure is whose is not shown', async () => {
    expect(
      await attempts([
        pull('00.0'),
        pull('01.0'),
        next('03.0', '10.0.0.7:5000'),
        next('04.0', '10.0.0.7:5000'),
        next('06.0', '10.0.0.30:5010'),
        next('07.0', '10.0.0.30:5010'),
      ]),
    ).toEqual([]);
  });

  it('reads nothing when "resolving" lines of two pulls interleave (they name no image)', async () => {
    const other = (h: string) => url(h, 'pause', '3.9');
    expect(
      await attempts([
        pull('00.0'),
        resolving('00.1', '10.0.0.7:5000'),
        pull('00.2', 'gcr.io/pause:3.9'),
        resolving('00.3', '10.0.0.7:5000'),
        doRequest('00.4', '10.0.0.7:5000'),
        doRequest('00.5', '10.0.0.7:5000', other('10.0.0.7:5000')),
        next('03.0', '10.0.0.7:5000'),
        next('03.5', '10.0.0.7:5000', other('10.0.0.7:5000')),
      ]),
    ).toEqual([]);
  });

  it("reads nothing without the attempt's start: no PullImage, no resolving, no earlier failure", async () => {
    expect(await attempts([next('03.0', '10.0.0.7:5000'), next('06.0', '10.0.0.30:5010')])).toEqual([]);
    // the log begins inside the resolve: whose "resolving" this is cannot be told
    expect(
      await attempts([
        resolving('00.1', '10.0.0.7:5000'),
        doRequest('00.2', '10.0.0.7:5000'),
        next('03.0', '10.0.0.7:5000'),
      ]),
    ).toEqual([]);
  });

  it('reads nothing from a time without a date and zone (logrus counts seconds since start: WARN[0003])', async () => {
    const lines = [
      'INFO[0000] PullImage "gcr.io/hello-world"',
      `INFO[0003] trying next host    error="failed to do request: Head \\"${url('10.0.0.7:5000')}\\": dial tcp: no route to host" host="10.0.0.7:5000"`,
    ];
    expect(await attempts(lines)).toEqual([]);
  });
});
