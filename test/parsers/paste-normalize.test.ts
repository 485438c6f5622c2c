import { readFileSync } from 'node:fs';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';
import { describe, expect, it } from 'vitest';
import { parseContainerdLogLine, HEADLESS_MESSAGES, HOST_MESSAGES } from '../../src/parsers/containerd-log.js';
import { LogScanner } from '../../src/parsers/dfdaemon-log.js';
import {
  logrusToLogfmt,
  looksPasted,
  normalizePastedChunks,
  normalizePastedLine,
  normalizePastedLines,
} from '../../src/parsers/paste-normalize.js';

const GO_JSON =
  '{"level":"info","ts":"2022-11-09 06:39:19.162","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.40.0.3-1-c81a2f5e-7b3d-4e9a-a1c6-0d2e4f6a8b13","task":"1b3d5f7a9c0e2a4c6e8a0b2d4f6a8c0e1f3b5d7f9a1c3e5a7c9e1b3d5f7a9c0e","component":"PeerTask"}';
const RUST =
  '2024-11-29T09:48:37.042387642+00:00 INFO refresh available scheduler addresses: ["10.70.1.203"] at dragonfly-client/src/grpc/scheduler.rs:602';

async function collect(chunks: Uint8Array[]): Promise<string> {
  async function* gen() {
    yield* chunks;
  }
  const out: Uint8Array[] = [];
  for await (const c of normalizePastedChunks(gen())) out.push(c);
  return Buffer.concat(out).toString('utf8');
}

describe('normalizePastedLine', () => {
  it('strips colour codes with and without their ESC byte', () => {
    expect(normalizePastedLine(`\x1b[2m2024-11-29T09:48:37.042387642+00:00\x1b[0m \x1b[32m INFO\x1b[0m refresh`)).toBe(
      '2024-11-29T09:48:37.042387642+00:00  INFO refresh',
    );
    expect(normalizePastedLine('[2m2024-11-29T09:48:37.042387642+00:00[0m [32m INFO[0m refresh')).toBe(
      '2024-11-29T09:48:37.042387642+00:00  INFO refresh',
    );
  });

  it('leaves bracketed text that is not a colour code alone', () => {
    expect(normalizePastedLine('cost [10m] and [5001]reschedule')).toBe('cost [10m] and [5001]reschedule');
  });

  it('drops CR, a reply quote, a grep file-name prefix and a [TRUNCATED] marker', () => {
    expect(normalizePastedLine(`${RUST}\r`)).toBe(RUST);
    expect(normalizePastedLine(`> ${RUST}`)).toBe(RUST);
    expect(normalizePastedLine(`> > ${RUST}`)).toBe(RUST);
    expect(normalizePastedLine(`core-2021-07-08T11-56-48.625.log:${GO_JSON}`)).toBe(GO_JSON);
    expect(normalizePastedLine(`${GO_JSON.slice(0, 120)} [TRUNCATED]`)).toBe(GO_JSON.slice(0, 120));
  });

  it('cuts a kubectl banner in front of the first record', () => {
    const l =
      '> kubectl logs dragonfly-seed-client-0 -n dragonfly-system Defaulted container "seed-client" out of: seed-client, wait-for-manager (init) 2024-11-29T09:48:36.952553530+00:00 INFO tracing initialized';
    expect(normalizePastedLine(l)).toBe('2024-11-29T09:48:36.952553530+00:00 INFO tracing initialized');
  });

  it('puts back the TABs of a zap console line that a paste turned into spaces', () => {
    const l =
      '2021-09-27T14:32:21.709Z        INFO    transport/transport.go:159      start download with url: https://r.example/v2/x/blobs/sha256:ab      {"peer": "p", "component": "transport"}';
    expect(normalizePastedLine(l)).toBe(
      '2021-09-27T14:32:21.709Z\tINFO\ttransport/transport.go:159\tstart download with url: https://r.example/v2/x/blobs/sha256:ab\t{"peer": "p", "component": "transport"}',
    );
    // zap's own TAB-separated output is left as it is
    const real =
      '2022-08-24T13:03:02.190Z\tINFO\tpeer/peertask_conductor.go:340\tstep 2: start report piece result\t{"peer": "p"}';
    expect(normalizePastedLine(real)).toBe(real);
  });

  it('replaces redaction placeholders in IPv4 addresses, keeping the host part', () => {
    expect(normalizePastedLine('reschedule parent for peer x.y.z.14-1-3989ac73-98b8-4ca7-b45c-e3410f1dfc01')).toBe(
      'reschedule parent for peer 0.0.0.14-1-3989ac73-98b8-4ca7-b45c-e3410f1dfc01',
    );
    expect(normalizePastedLine('dial tcp xx.xx.xx.xx:443')).toBe('dial tcp 0.0.0.0:443');
    expect(normalizePastedLine('d7y.io/dragonfly/v2 and 10.1.2.3')).toBe('d7y.io/dragonfly/v2 and 10.1.2.3');
  });

  it('restores a journal line that lost its head inside a known message', () => {
    const l =
      'ing next host" error="failed to do request: Head \\"http://127.0.0.1:4001/v2/x/manifests/1?ns=docker.io\\": dial tcp 127.0.0.1:4001: i/o timeout" host="127.0.0.1:4001"';
    const n = normalizePastedLine(l, { knownMessages: HOST_MESSAGES });
    const ev = parseContainerdLogLine(n, 7);
    expect(ev?.kind).toBe('trying-next-host');
    expect(ev?.host).toBe('127.0.0.1:4001');
    // a tail that fits no known message is left alone
    expect(normalizePastedLine('xyzzy" error="e" host="h"', { knownMessages: HOST_MESSAGES })).toBe(
      'xyzzy" error="e" host="h"',
    );
  });

  it("restores the CRI plugin's load failure pasted without its head or the end of its error (dragonflyoss/dragonfly#3372)", () => {
    // the block, byte for byte (fixtures/real/containerd-1.6.20-mirrors-refused-headless-3372)
    const l =
      'failed to load plugin io.containerd.grpc.v1.cri" error="invalid plugin config: `mirrors` cannot be set when `config_path` is provided';
    const n = normalizePastedLine(l, { knownMessages: HEADLESS_MESSAGES });
    expect(n).toBe(`msg="${l}`);
    expect(parseContainerdLogLine(n, 1)).toMatchObject({
      kind: 'mirrors-with-config-path',
      msg: 'failed to load plugin io.containerd.grpc.v1.cri',
      error: 'invalid plugin config: `mirrors` cannot be set when `config_path` is provided',
    });
    // 2.x's message, its plugin in id=
    const v2 =
      'ad plugin" error="unable to load CRI image service plugin dependency: invalid cri image config: `mirrors` cannot be set when `config_path` is provided" id=io.containerd.podsandbox.controller.v1.podsandbox';
    expect(parseContainerdLogLine(normalizePastedLine(v2, { knownMessages: HEADLESS_MESSAGES }), 1)?.kind).toBe(
      'mirrors-with-config-path',
    );
    // another plugin's load failure is not the CRI plugin's: its tail is no known message
    const other =
      'failed to load plugin io.containerd.snapshotter.v1.btrfs" error="path /var/lib/containerd/x must be a btrfs';
    expect(normalizePastedLine(other, { knownMessages: HEADLESS_MESSAGES })).toBe(other);
    // nothing but the head: no field follows, nothing to restore
    expect(normalizePastedLine('failed to load plugin"', { knownMessages: HEADLESS_MESSAGES })).toBe(
      'failed to load plugin"',
    );
  });
});

describe('logrusToLogfmt', () => {
  it('rewrites the terminal format with a time, padded message and fields', () => {
    const l =
      'INFO[2021-04-14T13:44:56.185820263-05:00] trying next host                              error="failed to do request: Head \\"http://192.0.2.7:5000/v2/hello-world/manifests/latest?ns=gcr.io\\": dial tcp 192.0.2.7:5000: connect: no route to host" host="192.0.2.7:5000"';
    const out = logrusToLogfmt(l);
    expect(out.startsWith('time="2021-04-14T13:44:56.185820263-05:00" level=info msg="trying next host" error=')).toBe(
      true,
    );
    const ev = parseContainerdLogLine(out, 1);
    expect(ev).toMatchObject({
      kind: 'trying-next-host',
      host: '192.0.2.7:5000',
      time: '2021-04-14T13:44:56.185820263-05:00',
    });
  });

  it('keeps quotes in the message and reads WARN[0000] as no time', () => {
    expect(
      logrusToLogfmt('INFO[2021-04-14T13:44:53.182712069-05:00] PullImage "gcr.io/hello-world"               '),
    ).toBe('time="2021-04-14T13:44:53.182712069-05:00" level=info msg="PullImage \\"gcr.io/hello-world\\""');
    expect(
      logrusToLogfmt('WARN[0000] image connect using default endpoints: [unix:///run/containerd/containerd.sock]'),
    ).toBe('level=warning msg="image connect using default endpoints: [unix:///run/containerd/containerd.sock]"');
  });

  it('finds the fields of a message too long to be padded', () => {
    const long = 'a message longer than the forty-four column pad of the terminal formatter';
    expect(logrusToLogfmt(`ERRO[0003] ${long} error="boom" host=h`)).toBe(
      `level=error msg="${long}" error="boom" host=h`,
    );
  });

  it('leaves other lines alone', () => {
    expect(logrusToLogfmt('time="x" level=info msg="y"')).toBe('time="x" level=info msg="y"');
  });
});

describe('normalizePastedLines', () => {
  it('joins a record wrapped inside a quoted value and keeps the line count', () => {
    const lines = [
      '  2026-03-04T08:03:17.908100271+00:00  INFO  proxy request headers: {"authorization": "Bearer abc',
      'def", "accept": "*/*"} }',
      '    at dragonfly-client/src/proxy/mod.rs:1',
    ];
    const out = normalizePastedLines(lines);
    expect(out).toHaveLength(3);
    expect(out[0]).toBe(
      '  2026-03-04T08:03:17.908100271+00:00  INFO  proxy request headers: {"authorization": "Bearer abcdef", "accept": "*/*"} }',
    );
    expect(out[1]).toBe('');
    expect(out[2]).toBe(lines[2]);
  });

  it('does not join a cut line onto the next record', () => {
    const lines = [
      'time="t1" level=info msg="Pulled image \\"x\\" with image id \\"sha256:ab',
      'time="t2" level=info msg="next"',
    ];
    expect(normalizePastedLines(lines)).toEqual(lines);
  });

  it('joins a zap JSON record a terminal wrapped inside an id, where the rest starts with a digit', () => {
    // fixtures/real/dfdaemon-go-json-wrapped-paste (dragonflyoss/dragonfly#836): its first record, wrapped
    const [head, rest, next] = readFileSync(
      new URL('../../fixtures/real/dfdaemon-go-json-wrapped-paste/raw/dfdaemon/logs/core.log', import.meta.url),
      'utf8',
    ).split('\n') as [string, string, string];
    expect(rest).toMatch(/^\d/);
    const out = normalizePastedLines([head, rest, next]);
    expect(out).toEqual([head + rest, '', next]);
    expect(JSON.parse(out[0] as string)).toMatchObject({ msg: 'all pieces requests send, just wait failed pieces' });
    // a line that starts with a date is a record of its own, not a continuation
    const dated = '2021-11-29T18:07:08.747Z\tINFO\tpeer/x.go:1\tnext';
    expect(normalizePastedLines([head, dated])).toEqual([head, dated]);
  });
});

describe('normalizePastedLines: a JSON record wrapped where no quote is open', () => {
  const real = readFileSync(
    new URL('../../fixtures/real/dfdaemon-go-quoted-reply-wrapped/raw/dfdaemon/logs/core.log', import.meta.url),
    'utf8',
  );

  it('joins a record quoted in a reply and wrapped between a key and its value (dragonfly#729)', () => {
    const lines = real.split('\n').slice(0, 3);
    expect(lines[1]).toMatch(/"component":$/);
    const out = normalizePastedLines(lines);
    expect(out.slice(1)).toEqual(['', '']);
    expect(JSON.parse(out[0] as string)).toMatchObject({
      msg: 'start download from source due to dfcodes.SchedNeedBackSource',
      component: 'streamPeerTask',
    });
  });

  it('does not join a cut record onto the next record', () => {
    const cut = '{"level":"info","ts":"2021-10-14 05:19:24.504","msg":"a","component":';
    const next = '{"level":"info","ts":"2021-10-14 05:19:24.505","msg":"b"}';
    expect(normalizePastedLines([cut, next])).toEqual([cut, next]);
  });

  it('reads every line of the real paste as a dfdaemon record, none left unrecognised', async () => {
    const s = new LogScanner(logScanWasm(), { file: 'x', onEvent: () => {} });
    s.push(new TextEncoder().encode(await collect([new TextEncoder().encode(real)])));
    const st = s.end();
    expect(st.unrecognised).toBe(0);
    expect(st.byLayout['go-json']).toBe(1);
  });
});

describe('normalizePastedLines: a pretty-printed JSON record', () => {
  // a Go dfdaemon core.log record (dragonflyoss/dragonfly#3582's first one) as jq or an editor prints it
  const record = {
    level: 'info',
    ts: '2024-10-16 08:38:18.037',
    caller: 'cmd/daemon.go:148',
    msg: 'Version:\nMajor: 2, Minor: 0, GitVersion: v2.1.0, GitCommit: e49b0af',
  };
  const pretty = (o: unknown) => JSON.stringify(o, null, 2).split('\n');

  it('joins an indented record back into the one line zap writes, in its key order, keeping the line count', async () => {
    const lines = [...pretty(record), GO_JSON];
    const out = normalizePastedLines(lines);
    expect(out).toEqual([JSON.stringify(record), '', '', '', '', '', GO_JSON]);
    // sorted keys (jq -S) and a stack trace come back in zap's order: level, ts, caller, msg, fields, stacktrace
    const sorted = pretty({ caller: 'a.go:1', component: 'x', level: 'warn', msg: 'm', stacktrace: 's', ts: 't' });
    expect(normalizePastedLines(sorted)[0]).toBe(
      '{"level":"warn","ts":"t","caller":"a.go:1","msg":"m","component":"x","stacktrace":"s"}',
    );
    // the dfdaemon scanner reads both records, none unrecognised
    const s = new LogScanner(logScanWasm(), { file: 'x', onEvent: () => {} });
    s.push(new TextEncoder().encode(await collect([new TextEncoder().encode(`${lines.join('\n')}\n`)])));
    const st = s.end();
    expect(st.unrecognised).toBe(0);
    expect(st.byLayout['go-json']).toBe(2);
  });

  it('joins a record whose first key is on the brace line, quoted in a reply, and nothing else', () => {
    const lines = pretty(record).map((l) => `> ${l}`);
    lines.splice(0, 2, `> {"level": "info",`);
    expect(normalizePastedLines(lines)[0]).toBe(JSON.stringify(record));
    // what is no log record is left alone: another object, a brace that never closes, a broken record
    const config = pretty({ registry: { mirrors: ['http://127.0.0.1:65001'] } });
    expect(normalizePastedLines(config)).toEqual(config);
    const open = ['{', '  "level": "info",', '  "msg": "x",', GO_JSON];
    expect(normalizePastedLines(open)).toEqual(open);
    const broken = ['{', '  "level": "info"', '  "msg": "x"', '}'];
    expect(normalizePastedLines(broken)).toEqual(broken);
  });
});

describe('normalizePastedChunks', () => {
  it('passes a log the daemon wrote through byte for byte', async () => {
    const text = `${GO_JSON}\n${GO_JSON}\n`;
    const chunks = [new TextEncoder().encode(text.slice(0, 100)), new TextEncoder().encode(text.slice(100))];
    expect(looksPasted(text)).toBe(false);
    expect(await collect(chunks)).toBe(text);
  });

  it('cleans a pasted log, and the dfdaemon scanner then recognises every record', async () => {
    const pasted = [`> ${RUST}\r`, '> \r', `> [2m${RUST}[0m\r`, ''].join('\n');
    const out = await collect([new TextEncoder().encode(pasted)]);
    expect(out.split('\n')).toEqual([RUST, '', RUST, '']);
    const s = new LogScanner(logScanWasm(), { file: 'x', onEvent: () => {} });
    s.push(new TextEncoder().encode(out));
    const st = s.end();
    expect(st.unrecognised).toBe(0);
    expect(st.lines).toBe(3);
    // without the layer, the same paste is three unrecognised lines
    const raw = new LogScanner(logScanWasm(), { file: 'x', onEvent: () => {} });
    raw.push(new TextEncoder().encode(pasted));
    expect(raw.end().unrecognised).toBeGreaterThan(0);
  });

  it('judges a log by its first 64 KiB however it is read, and a paste there is cleaned whole', async () => {
    const clean = `${GO_JSON}\n`.repeat(Math.ceil((80 * 1024) / (GO_JSON.length + 1)));
    const late = `${clean}> ${RUST}\r\n`;
    // one 1 MiB-style chunk or many small ones: the same verdict (a paste sign past 64 KiB is not looked at)
    expect(await collect([Buffer.from(late)])).toBe(late);
    expect(
      await collect(
        Array.from({ length: 8 }, (_, k) =>
          Buffer.from(late).subarray((k * late.length) / 8, ((k + 1) * late.length) / 8),
        ),
      ),
    ).toBe(late);
    const early = `> ${RUST}\r\n${clean}`;
    expect(await collect([Buffer.from(early)])).toBe(`${RUST}\n${clean}`);
  });
});
