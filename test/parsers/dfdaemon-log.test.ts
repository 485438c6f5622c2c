import { readFileSync } from 'node:fs';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { factsFrom } from '../helpers/bundle.js';
import { describe, expect, it } from 'vitest';
import { type LogEvent, LogScanner, parseZapTs } from '../../src/parsers/dfdaemon-log.js';
import { TimelineBuilder } from '../../src/parsers/dfdaemon-timeline.js';
import {
  goConsole,
  goDirect,
  goJson,
  goStartupLines,
  goTaskLines,
  hex64,
  rustCompact,
  rustProxy,
  rustTaskLines,
} from '../facts/dfdaemon-loggen.js';

function scan(text: string, chunk = 1 << 20, sinceMs?: number) {
  const events: LogEvent[] = [];
  const s = new LogScanner(logScanWasm(), {
    file: 'core.log',
    ...(sinceMs === undefined ? {} : { sinceMs }),
    onEvent: (e) => events.push(e),
  });
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) s.push(buf.subarray(i, i + chunk));
  const stats = s.end();
  const b = new TimelineBuilder();
  for (const e of events) b.add(e);
  return { events, stats, summary: b.finish() };
}

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const BLOB = (i: number) => `https://index.docker.io/v2/library/app/blobs/sha256:${hex64(i)}`;

describe('Go dfdaemon logs (zap JSON and console)', () => {
  it('reads the real public line samples of both layouts', () => {
    const real = [
      '{"level":"info","ts":"2022-11-09 06:39:19.162","caller":"peer/peertask_conductor.go:307","msg":"register task success, SizeScope: NORMAL","peer":"10.22.60.85-1-abc","task":"9156eabc","component":"PeerTask","trace":"f158f0e8"}',
      '2022-08-24T13:09:04.964Z\tINFO\tpeer/peertask_reuse.go:221\treuse from peer task: 10.101.204.106-1-8c51, total size: 7459\t{"peer": "10.101.204.106-1-zzz", "task": "c34b", "component": "reuseStreamPeerTask"}',
      '2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: unexpected EOF',
    ].join('\n');
    const { events, stats } = scan(real);
    expect(stats.unrecognised).toBe(0);
    expect(stats.byLayout).toMatchObject({ 'go-json': 1, 'go-console': 1, 'go-stdlog': 1 });
    expect(events.map((e) => e.kind)).toEqual(['register-ok', 'reuse', 'proxy-body-cut']);
    expect(events[0]).toMatchObject({
      task: '9156eabc',
      peer: '10.22.60.85-1-abc',
      line: 1,
      tsMs: Date.UTC(2022, 10, 9, 6, 39, 19, 162),
    });
    expect(events[1]).toMatchObject({ task: 'c34b', contentLength: 7459, line: 2, layout: 'go-console' });
  });

  it('rebuilds a timeline per request: hit, P2P, back-to-source after a schedule timeout', () => {
    const lines = [
      ...goStartupLines(T0 - 60_000, 1024 * 1024 * 1024, false),
      goDirect(T0 - 900, 'GET', 'https://index.docker.io/v2/library/app/manifests/1.0'),
      ...goTaskLines({
        startMs: T0,
        peer: '10.0.0.5-1-a',
        task: 't1',
        url: BLOB(1),
        size: 200e6,
        mode: 'hit',
        costMs: 0,
      }),
      ...goTaskLines({
        startMs: T0 + 10,
        peer: '10.0.0.5-1-b',
        task: 't2',
        url: BLOB(2),
        size: 50 * 2 ** 20,
        mode: 'p2p',
        costMs: 1800,
        registerMs: 1200,
        verbose: true,
      }),
      ...goTaskLines({
        startMs: T0 + 20,
        peer: '10.0.0.5-1-c',
        task: 't3',
        url: BLOB(3),
        size: 30e6,
        mode: 'timeout-source',
        costMs: 33_000,
        registerMs: 30_000,
      }),
    ];
    const { summary, stats } = scan(lines.join('\n'), 777);
    expect(stats.unrecognised).toBe(0);
    expect(summary.rateLimitSetting?.bytesPerSecond).toBe(1073741824);
    expect(summary.digestSetting?.on).toBe(false);
    expect(summary.proxy).toHaveLength(2 + 0); // the direct manifest + the verbose "round trip with dragonfly" line
    const byTask = new Map(summary.tasks.map((t) => [t.taskId, t]));
    const hit = byTask.get('t1');
    expect(hit).toMatchObject({
      reportedHit: true,
      servedBy: 'local',
      contentLength: 200e6,
      costMs: null,
      costFrom: 'unknown',
      digest: `sha256:${hex64(1)}`,
    });
    const p2p = byTask.get('t2');
    expect(p2p).toMatchObject({
      servedBy: 'remote-peer',
      costMs: 1800,
      costFrom: 'logged',
      registerWaitMs: 1200,
      reportedHit: false,
    });
    expect(p2p?.pieces.remote).toBe(13);
    const src = byTask.get('t3');
    expect(src).toMatchObject({
      servedBy: 'back-to-source',
      scheduleTimeout: true,
      registerWaitMs: 30_000,
      costMs: 33_000,
    });
  });

  it('reads zap console lines the same way as JSON', () => {
    const t = { startMs: T0, peer: 'p-1', task: 'tc', url: BLOB(9), size: 10e6, mode: 'p2p' as const, costMs: 700 };
    const a = scan(goTaskLines(t).join('\n')).summary.tasks[0];
    const b = scan(goTaskLines(t, goConsole).join('\n')).summary.tasks[0];
    expect(b).toMatchObject({
      taskId: a?.taskId,
      servedBy: a?.servedBy,
      costMs: a?.costMs,
      registerWaitMs: a?.registerWaitMs,
    });
  });

  it('takes what a truncated JSON line shows and escapes in messages', () => {
    const line = goJson(T0, 'info', 'peer/peertask_conductor.go:1393', 'peer task done, cost: 4500ms', {
      peer: 'p',
      task: 't',
    });
    const { events, stats } = scan(
      `${line.slice(0, line.indexOf(`ms"`) + 2)}\n${goJson(T0, 'error', 'x.go:1', 'peer task failed, code: 1000, reason: "quoted"', { peer: 'p', task: 't' })}`,
    );
    expect(stats.unrecognised).toBe(0);
    expect(events[0]?.kind).toBe('task-done');
    expect(events[0]?.costMs).toBe(4500);
    expect(events[1]).toMatchObject({
      kind: 'task-failed',
      text: 'peer task failed, code: 1000, reason: "quoted"',
      task: 't',
    });
  });

  it('counts lines in no layout, never failing on them', () => {
    const { stats, events } = scan(
      'garbage here\n\n{"level":"info","ts":"2024-06-21 10:00:00.000","caller":"a.go:1","msg":"register task success","peer":"p"}\n\u0000\u0001binary',
    );
    expect(stats.unrecognised).toBe(2);
    expect(stats.unrecognisedSamples[0]).toMatchObject({ line: 1, text: 'garbage here' });
    expect(events).toHaveLength(1);
  });

  it("reads the stack zap writes under a console ERROR line as the log's, standard-library frames too", async () => {
    // fixtures/real/dfdaemon-go-zap-stack-pasted: dragonflyoss/dragonfly#657, as posted (spaces, not tabs)
    const pasted = readFileSync(
      new URL('../../fixtures/real/dfdaemon-go-zap-stack-pasted/raw/dfdaemon/logs/core.log', import.meta.url),
      'utf8',
    );
    expect(pasted).toContain('\nsync.(*Once).doSlow\n');
    // read as the facts read a log, pasted ones through the normaliser (its spaces were tabs)
    const facts = await factsFrom({ 'raw/dfdaemon/generation.txt': 'go\n', 'raw/dfdaemon/logs/core.log': pasted });
    expect(facts.dfdaemon?.logs?.stats).toMatchObject({ lines: 14, unrecognised: 0 });
    expect(facts.dfdaemon?.logs?.stats.byLayout['go-console']).toBe(1);
    // dragonflyoss/dragonfly#1677 (v2.0.x), whose excerpt begins inside a stack, the file lines under tabs;
    // the parent's address remapped
    const excerpt = [
      '\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/piece_downloader.go:163',
      'd7y.io/dragonfly/v2/client/daemon/peer.(*pieceManager).DownloadPiece',
      '\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/piece_manager.go:188',
      '2022-09-04T13:04:07.771Z\tERROR\tpeer/piece_manager.go:192\tdownload piece failed, piece num: 0, error: connect with http://10.70.0.186:65002/download/8eb/x with error: dial tcp 10.70.0.186:65002: i/o timeout',
      'd7y.io/dragonfly/v2/client/daemon/peer.(*pieceManager).DownloadPiece',
      '',
      '\t/go/src/d7y.io/dragonfly/v2/client/daemon/peer/piece_manager.go:192',
    ].join('\n');
    const r = scan(excerpt);
    expect(r.stats.unrecognised).toBe(0);
    expect(r.stats.byLayout['go-console']).toBe(1);
    // a line in no layout is still counted
    expect(scan(`${excerpt}\nnot a frame: words and spaces`).stats.unrecognised).toBe(1);
  });

  it('drops lines older than --since', () => {
    const lines = [
      goJson(T0, 'info', 'a.go:1', 'register task success', { peer: 'a' }),
      goJson(T0 + 60_000, 'info', 'a.go:1', 'register task success', { peer: 'b' }),
    ];
    const r = scan(lines.join('\n'), 1 << 20, T0 + 1000);
    expect(r.events.map((e) => e.peer)).toEqual(['b']);
    expect(r.stats.beforeSince).toBe(1);
  });
});

describe('Rust client logs (tracing compact and pretty)', () => {
  it('reads the real compact sample', () => {
    const real =
      '2024-08-06T11:50:06.590777349+00:00  INFO download_task: dragonfly-client/src/grpc/dfdaemon_download.rs:221: download task started: Download { url: "https://index.docker.io/v2/library/nginx/blobs/sha256:dfaa", digest: None, range: None }';
    const { events, stats } = scan(real);
    expect(stats.unrecognised).toBe(0);
    expect(stats.byLayout['rust-compact']).toBe(1);
    expect(events[0]).toMatchObject({
      kind: 'task-start',
      url: 'https://index.docker.io/v2/library/nginx/blobs/sha256:dfaa',
      level: 'info',
      tsMs: Date.parse('2024-08-06T11:50:06.590Z'),
    });
  });

  it('reads the real pretty block with ANSI residue and takes span fields from its "in" lines', () => {
    const real = [
      '  2025-07-03T03:28:43.810132723+00:00 ERROR  download piece finished: digest mismatch expected: crc32:4032120726, actual: crc32:1944964255',
      '    at dragonfly-client/src/resource/piece.rs:490',
      '    in download_from_parent with piece_id: "46237877-262"',
      '    \u001b[2min\u001b[0m download_task with host_id: "10.98.88.28-runner12", task_id: "46237877", peer_id: "10.98.88.28-runner12-717530e3", url: "https://x/blobs/sha256:aa", content_length: 1744913264',
      '',
    ].join('\n');
    const { events, stats } = scan(real);
    expect(stats.unrecognised).toBe(0);
    expect(stats.errors).toBe(1);
    expect(events[0]).toMatchObject({
      kind: 'digest-failed',
      task: '46237877',
      peer: '10.98.88.28-runner12-717530e3',
      contentLength: 1744913264,
      layout: 'rust-pretty',
    });
  });

  it.each(['v0', 'v1'] as const)('rebuilds hit / P2P / source timelines (%s)', (series) => {
    const lines = [
      rustProxy(T0 - 500, 'https://index.docker.io/v2/library/app/manifests/1.0', false, series),
      rustProxy(T0 - 1, BLOB(1), true, series),
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p1',
        task: 'r1',
        url: BLOB(1),
        size: 40 * 2 ** 20,
        mode: 'hit',
        costMs: 900,
        series,
      }),
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p2',
        task: 'r2',
        url: BLOB(2),
        size: 8 * 2 ** 20,
        mode: 'p2p',
        costMs: 300,
        series,
      }),
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'p3',
        task: 'r3',
        url: BLOB(3),
        size: 12 * 2 ** 20,
        mode: 'source',
        costMs: 2000,
        series,
      }),
    ];
    const { summary, stats } = scan(lines.join('\n'), 4096);
    expect(stats.unrecognised).toBe(0);
    expect(summary.proxy.map((p) => p.viaP2P)).toEqual([false, true]);
    const by = new Map(summary.tasks.map((t) => [t.taskId, t]));
    expect(by.get('r1')).toMatchObject({
      servedBy: 'local',
      reportedHit: true,
      contentLength: 40 * 2 ** 20,
      costMs: 900,
      costFrom: 'timestamps',
    });
    expect(by.get('r1')?.pieces.local).toBe(10);
    expect(by.get('r2')).toMatchObject({ servedBy: 'remote-peer', costMs: 300 });
    expect(by.get('r3')).toMatchObject({ servedBy: 'back-to-source', costMs: 2000 });
  });

  it("keeps an error line's end, where its cause is, beside its first 240 characters; not an info line's", () => {
    const piece = `${hex64(3)}-254`;
    const parent = `10.40.1.75-dragonfly-seed-client-2-${hex64(4).slice(0, 36)}-seed`;
    // task.rs:1338-1343 (v0.1.126–v1.5.1), with std::io::Error's Debug inside the client's Error::IO
    const msg = `download piece ${piece} from parent "${parent}" error: IO(Os { code: 111, kind: ConnectionRefused, message: "Connection refused" })`;
    const spans = `download_task{host_id="h" task_id="${hex64(3)}" peer_id="p-1"}`;
    const line = (level: 'INFO' | 'ERROR', text: string) =>
      rustCompact(T0, level, spans, 'dragonfly-client/src/resource/task.rs:1338', text);
    const long = `${msg} ${'x'.repeat(200)} after the middle: Connection refused`;
    const [err, info] = [scan(line('ERROR', long)).events[0], scan(line('INFO', long)).events[0]];
    expect(err?.kind).toBe('piece-failed');
    expect(err?.text.startsWith(long.slice(0, 240))).toBe(true);
    expect(err?.text.endsWith(`…${long.slice(-120)}`)).toBe(true);
    expect(info?.text).toBe(long.slice(0, 240));
    // a message that fits both parts is kept whole
    expect(scan(line('ERROR', msg)).events[0]?.text).toBe(msg);
    // Go: v2.1.49 piece_manager.go:202, the error after a long URL
    const goMsg = `download piece failed, piece num: 0, error: connect with http://10.90.0.186:65002/download/${'d'.repeat(300)} with error: dial tcp 10.90.0.186:65002: i/o timeout, from peer: 10.90.0.186-1-x`;
    const go = scan(goJson(T0, 'error', 'peer/piece_manager.go:202', goMsg, { peer: 'a', task: 't' })).events[0];
    expect(go?.kind).toBe('piece-failed');
    expect(go?.text).toBe(`${goMsg.slice(0, 240)}…${goMsg.slice(-120)}`);
  });

  it('keeps request headers (tokens) out of the quoted proxy line', () => {
    const l = rustCompact(
      T0,
      'INFO',
      'handler',
      'dragonfly-client/src/proxy/mod.rs:467',
      'proxy HTTP request directly to remote server: Request { method: GET, uri: https://r.example/v2/a/manifests/1, version: HTTP/1.1, headers: {"authorization": "Bearer s3cr3t"} }',
    );
    const { events } = scan(l);
    expect(events[0]).toMatchObject({ kind: 'proxy-direct', url: 'https://r.example/v2/a/manifests/1' });
    expect(events[0]?.text).not.toContain('s3cr3t');
  });

  it('keeps request headers out of the quoted proxy line when a header value holds a CR or a line separator', () => {
    // a "." in a regex stops at these, and the cut once kept the whole request, headers and all
    for (const odd of ['\r', '\u2028', '\u2029']) {
      const l = rustCompact(
        T0,
        'INFO',
        'handler',
        'dragonfly-client/src/proxy/mod.rs:467',
        `proxy HTTP request via dfdaemon by rule config: Request { method: GET, uri: https://r.example/v2/a/blobs/sha256:1, version: HTTP/1.1, headers: {"x-odd": "a${odd}b", "authorization": "Bearer s3cr3t"} }`,
      );
      const { events } = scan(l);
      expect(events[0]).toMatchObject({ kind: 'proxy-p2p', url: 'https://r.example/v2/a/blobs/sha256:1' });
      expect(events[0]?.text).not.toContain('s3cr3t');
      expect(events[0]?.text).toContain('uri: https://r.example/v2/a/blobs/sha256:1');
    }
  });

  it('keeps request headers out of the quoted proxy line in the pretty layout too', () => {
    const pretty = [
      '  2025-07-03T03:28:43.810132723+00:00  INFO  proxy HTTP request directly to remote server: Request { method: GET, uri: https://r.example/v2/a/manifests/1, version: HTTP/1.1, headers: {"authorization": "Bearer s3cr3t"} }',
      '    at dragonfly-client/src/proxy/mod.rs:467',
      '',
    ].join('\n');
    const { events, stats } = scan(pretty);
    expect(stats.unrecognised).toBe(0);
    expect(events[0]).toMatchObject({ kind: 'proxy-direct', layout: 'rust-pretty' });
    expect(events[0]?.text).toContain('uri: https://r.example/v2/a/manifests/1');
    expect(events[0]?.text).not.toContain('s3cr3t');
  });

  it('reads the v1.5 slow-task WARN with its cost and size', () => {
    const l = rustCompact(
      T0,
      'WARN',
      'download_task',
      'dragonfly-client-metric/src/lib.rs:1003',
      'download task, cost: 1.234s, size: 1048576 bytes',
      'task_id="x" peer_id="y"',
    );
    const { events } = scan(l);
    expect(events[0]).toMatchObject({ kind: 'task-slow', costMs: 1234, contentLength: 1048576, task: 'x' });
  });
});

describe('scanner properties', () => {
  it('gives the same events whatever the chunking (property)', () => {
    const text = [
      ...goTaskLines({
        startMs: T0,
        peer: 'p',
        task: 't',
        url: BLOB(1),
        size: 20e6,
        mode: 'p2p',
        costMs: 500,
        verbose: true,
      }),
      ...rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: 'q',
        task: 'r',
        url: BLOB(2),
        size: 9e6,
        mode: 'source',
        costMs: 200,
        series: 'v1',
      }),
      'not a log line',
    ].join('\r\n');
    const whole = scan(text);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), (n) => {
        const r = scan(text, n);
        expect(r.events).toEqual(whole.events);
        expect(r.stats.unrecognised).toBe(1);
      }),
      { numRuns: 40 },
    );
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const s = new LogScanner(logScanWasm(), { file: 'x', onEvent: () => {} });
        s.push(bytes);
        const st = s.end();
        expect(st.lines).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('parses zap timestamps', () => {
    expect(parseZapTs('2024-06-21 10:00:01.5')).toBe(T0 + 1500);
    expect(parseZapTs('2024-06-21T10:00:01.000+02:00')).toBe(T0 + 1000 - 2 * 3600_000);
    expect(parseZapTs('nope')).toBeNull();
  });

  it('handles gzip input through the bundle reader path', async () => {
    const { MemoryBundle } = await import('../../src/bundle/memory-bundle.js');
    const text = goTaskLines({
      startMs: T0,
      peer: 'p',
      task: 't',
      url: BLOB(1),
      size: 1e6,
      mode: 'hit',
      costMs: 0,
    }).join('\n');
    const b = new MemoryBundle({ 'raw/dfdaemon/logs/core.log.1.gz': gzipSync(text) });
    const events: LogEvent[] = [];
    const s = new LogScanner(logScanWasm(), { file: 'x', onEvent: (e) => events.push(e) });
    for await (const c of b.chunks('raw/dfdaemon/logs/core.log.1.gz')) s.push(c);
    s.end();
    expect(events.some((e) => e.kind === 'reuse')).toBe(true);
  });
});

describe('Go wordings by release (dragonflyoss/dragonfly transport.go, peertask_conductor.go, scheduler client.go)', () => {
  const peer = '10.0.0.1-1-aaaa';
  const pt = { peer, task: 't1', component: 'PeerTask' };
  it('v2.0.8–v2.1.11: the URL stops before the header dump, and the dump (auth included) is not kept', () => {
    const url = BLOB(5);
    const v2111 = goJson(
      T0,
      'info',
      'transport/transport.go:243',
      `start download with url: ${url}, header: http.Header{"Authorization":[]string{"Bearer s3cr3t-token"}, "User-Agent":[]string{"containerd/v1.6.20"}}`,
      pt,
    );
    const v2112 = goJson(T0, 'info', 'transport/transport.go:338', `start download with url: ${url}`, pt);
    for (const line of [v2111, v2112]) {
      const { events } = scan(`${line}\n`);
      expect(events[0]).toMatchObject({ kind: 'task-start', url });
      expect(events[0]?.text).not.toMatch(/s3cr3t|Authorization/);
    }
  });
  it('v2.0.0–v2.1.24 append ", parallel count: N" to the new-peer-packet line: it is recognised either way', () => {
    const old = goJson(
      T0,
      'info',
      'peer/peertask_conductor.go:764',
      'receive new peer packet, main peer: 10.0.3.17-7-6d1f, parallel count: 4',
      pt,
    );
    const now = goJson(
      T0,
      'info',
      'peer/peertask_conductor.go:764',
      'receive new peer packet, main peer: 10.0.3.17-7-6d1f',
      pt,
    );
    expect(scan(`${old}\n${now}\n`).events.map((e) => e.kind)).toEqual(['remote-peer', 'remote-peer']);
  });
  it("v2.0.0–v2.0.2: times registration from the scheduler client's own lines (fields taskId/peerID)", () => {
    const ids = { taskId: 't9', peerID: peer };
    const lines = [
      goJson(
        T0,
        'info',
        'client/client.go:83',
        `generate hash key taskId: t9 and start to register peer task for peer_id(${peer}) url(${BLOB(9)})`,
        ids,
      ),
      goJson(
        T0 + 6200,
        'info',
        'client/client.go:105',
        `register peer task result success url: ${BLOB(9)}, scheduler: 10.1.0.4:8002`,
        ids,
      ),
    ];
    const { summary } = scan(`${lines.join('\n')}\n`);
    expect(summary.tasks[0]).toMatchObject({ peerId: peer, registerWaitMs: 6200 });
  });
  it("v2.0.0–v2.0.1: reads a file or stream task's own end, a reuse's size and v2.0.0's direct route", () => {
    // v2.0.0 peertask_file_callback.go:79, :123, peertask_stream_callback.go:78, :121, peertask_reuse.go:58, transport.go:141
    const a = { ...pt, task: 'ta', peer: 'pa' };
    const b = { ...pt, task: 'tb', peer: 'pb' };
    const c = { ...pt, task: 'tc', peer: 'pc', component: 'reuseFilePeerTask' };
    const lines = [
      goJson(T0, 'info', 'peer/peertask_file.go:100', 'step 1: peer pa start to register', a),
      goJson(T0 + 900, 'info', 'peer/peertask_file_callback.go:79', 'file peer task done, cost: 900ms', a),
      goJson(T0, 'info', 'peer/peertask_stream.go:77', 'step 1: peer pb start to register', b),
      goJson(
        T0 + 50,
        'error',
        'peer/peertask_stream_callback.go:121',
        'stream peer task failed, code: 4002, reason: x',
        b,
      ),
      goJson(T0, 'info', 'peer/peertask_reuse.go:58', 'reuse from peer task: 10.0.0.2-1-bbbb, size: 7459', c),
      goJson(T0, 'debug', 'transport/transport.go:141', `round trip directly: HEAD ${BLOB(3)}`),
    ];
    const { summary } = scan(`${lines.join('\n')}\n`);
    const task = (id: string) => summary.tasks.find((t) => t.taskId === id);
    expect(task('ta')).toMatchObject({ costMs: 900, costFrom: 'logged' });
    expect(task('tb')).toMatchObject({ failed: true });
    expect(task('tc')).toMatchObject({ contentLength: 7459, reportedHit: true });
    expect(summary.proxy).toEqual([expect.objectContaining({ url: BLOB(3), viaP2P: false })]);
  });
  it("v2.0.0–v2.0.8: the scheduler's back-to-source order named as the reason is the scheduler's order", () => {
    for (const [level, code] of [
      ['warn', 'dfcodes.SchedNeedBackSource'],
      ['info', 'base.Code_SchedNeedBackSource'],
      ['info', 'commonv1.Code_SchedNeedBackSource'],
    ] as const) {
      const lines = [
        goJson(T0, 'info', 'peer/peertask_base.go:300', `step 1: peer ${peer} start to register`, pt),
        goJson(T0 + 700, level, 'peer/peertask_base.go:515', `start download from source due to ${code}`, pt),
      ];
      expect(scan(`${lines.join('\n')}\n`).summary.tasks[0], code).toMatchObject({
        schedulerBackSource: true,
        backSourceOrderWaitMs: 700,
        scheduleTimeout: false,
        servedBy: 'back-to-source',
      });
    }
    // the daemon's own reason stays its own
    const timeout = goJson(
      T0,
      'warn',
      'peer/peertask_conductor.go:1036',
      'start download from source due to wait first peer packet from scheduler timeout',
      pt,
    );
    expect(scan(`${timeout}\n`).summary.tasks[0]).toMatchObject({ schedulerBackSource: false, scheduleTimeout: true });
  });
  it('"receive back source code" is the scheduler\'s order, timed from registering', () => {
    const lines = [
      goJson(T0, 'info', 'peer/peertask_conductor.go:270', `step 1: peer ${peer} start to register`, pt),
      goJson(T0 + 40, 'info', 'peer/peertask_conductor.go:298', 'register task success, SizeScope: NORMAL', pt),
      goJson(T0 + 1800, 'info', 'peer/peertask_conductor.go:738', 'receive back source code', pt),
    ];
    const t = scan(`${lines.join('\n')}\n`).summary.tasks[0];
    expect(t).toMatchObject({
      schedulerBackSource: true,
      backSourceOrderWaitMs: 1800,
      registerWaitMs: 40,
      servedBy: 'back-to-source',
    });
  });
  it('takes the startup warning of a disabled registry mirror', () => {
    const line = goJson(
      T0,
      'warn',
      'proxy/proxy.go:182',
      'registry mirror url is empty, registry mirror feature is disabled',
    );
    expect(scan(`${line}\n`).summary.mirrorDisabled?.line).toBe(1);
  });
  it("takes the proxy's round-trip errors, not peer exchange's WARN for one peer it tries before the next", () => {
    const tp = { component: 'transport' };
    const answered = goJson(
      T0,
      'error',
      'transport/transport.go:254',
      'round trip error: dial tcp 10.1.0.9:443: i/o timeout',
      { method: 'GET', url: BLOB(2) },
    );
    // v2.3.4 transport.go:454 log.Warnf("round trip error: %s, dest peer: %#v", err, destPeer), then :367
    const peerTried = goJson(
      T0 + 10,
      'warn',
      'transport/transport.go:454',
      'round trip error: dial tcp 10.0.0.5:65001: connect: connection refused, dest peer: &pex.DestPeer{MemberMeta:(*pex.MemberMeta)(0xc000a1e000), PeerID:"10.0.0.5-1-cccc"}',
      { ...tp, peer: 'p-7' },
    );
    const { summary } = scan(`${answered}\n${peerTried}\n`);
    expect(summary.proxyErrors.map((r) => r.line)).toEqual([1]);
  });
  it("takes the HTTPS hijack's TLS failures: the client's alert, and the std-log proxy error (502)", () => {
    const lines = [
      goJson(
        T0,
        'error',
        'proxy/proxy.go:526',
        'handshake failed for harbor.example.com:443: remote error: tls: unknown certificate authority',
      ),
      goJson(T0, 'error', 'proxy/proxy_sni.go:108', 'handshake failed for harbor.example.com: EOF'),
      '2024/06/21 10:00:00 http: proxy error: x509: certificate signed by unknown authority',
      '2024/06/21 10:00:00 http: TLS handshake error from 127.0.0.1:5000: EOF',
      // the client closed its connection: ReverseProxy logs the cancel of its request as a proxy error
      '2024/06/21 10:00:01 http: proxy error: context canceled',
    ];
    const { summary, events } = scan(`${lines.join('\n')}\n`);
    expect(summary.proxyTlsRefused.map((r) => r.line)).toEqual([1]);
    expect(summary.proxyUpstreamErrors.map((r) => r.line)).toEqual([3]);
    expect(events.find((e) => e.line === 3)).toMatchObject({ layout: 'go-stdlog', tsMs: null });
  });
  it("takes ReverseProxy's body cut short (std-log, dragonfly#2631), beside its 502 and not other std-log lines", () => {
    const lines = [
      // the line of dragonflyoss/dragonfly#2631, as posted
      '2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006',
      '2023/08/14 16:18:33 http: proxy error: context deadline exceeded',
      '2023/08/14 16:18:34 http: superfluous response.WriteHeader call from net/http/httputil.(*ReverseProxy).ServeHTTP',
    ];
    const { summary, events, stats } = scan(`${lines.join('\n')}\n`);
    expect(events.map((e) => [e.line, e.kind, e.layout, e.tsMs])).toEqual([
      [1, 'proxy-body-cut', 'go-stdlog', null],
      [2, 'proxy-upstream-error', 'go-stdlog', null],
    ]);
    expect(summary.proxyBodyCut.map((r) => r.text)).toEqual([
      'httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006',
    ]);
    expect(summary.proxyUpstreamErrors.map((r) => r.line)).toEqual([2]);
    expect(stats.byLayout['go-stdlog']).toBe(3);
    expect(stats.unrecognised).toBe(0);
  });
  it("takes the daemon's exit for want of a port: cobra's stderr line (dragonfly#1171) and its zap lines, no other Error: line", () => {
    const lines = [
      'Error: no available port to listen, port: 65001 - 65001',
      // a Rust client returning an error from main prints the same prefix
      'Error: unknown field `foo`',
      goJson(
        T0,
        'error',
        'daemon/daemon.go:676',
        'failed to listen for proxy service: no available port to listen, port: 65001 - 65001',
      ),
      goJson(T0, 'error', 'cmd/root.go:126', 'no available port to listen, port: 65001 - 65001'),
    ];
    const { summary, events, stats } = scan(`${lines.join('\n')}\n`);
    expect(events.map((e) => [e.line, e.kind, e.layout, e.level])).toEqual([
      [1, 'listen-failed', 'go-stdlog', 'error'],
      [3, 'listen-failed', 'go-json', 'error'],
      [4, 'listen-failed', 'go-json', 'error'],
    ]);
    expect(summary.listenFailed.map((r) => r.text)).toEqual([
      'no available port to listen, port: 65001 - 65001',
      'failed to listen for proxy service: no available port to listen, port: 65001 - 65001',
      'no available port to listen, port: 65001 - 65001',
    ]);
    expect(stats.unrecognised).toBe(1);
    expect(stats.unrecognisedSamples[0]?.line).toBe(2);
  });
  it("takes the HTTPS hijack's failed dial to the registry (proxy.go:534@v2.3.4), JSON and console, not its tunnel", () => {
    const lines = [
      goJson(
        T0,
        'error',
        'proxy/proxy.go:534',
        'dial failed for harbor.example.com:443: dial tcp 10.20.0.7:443: connect: connection refused',
      ),
      goJson(T0, 'debug', 'proxy/proxy.go:480', 'hijackHTTPS hosts not match, tunneling https request for ghcr.io:443'),
      goConsole(
        T0 + 1000,
        'error',
        'proxy/proxy.go:454',
        'dial failed for harbor.example.com:443: x509: certificate signed by unknown authority',
      ),
    ];
    const { summary, events } = scan(`${lines.join('\n')}\n`);
    expect(summary.proxyHijackDialFailed.map((r) => r.line)).toEqual([1, 3]);
    expect(summary.proxyHijackDialFailed[0]?.text).toBe(
      'dial failed for harbor.example.com:443: dial tcp 10.20.0.7:443: connect: connection refused',
    );
    expect(events.map((e) => [e.line, e.kind, e.layout])).toEqual([
      [1, 'proxy-hijack-dial-failed', 'go-json'],
      [3, 'proxy-hijack-dial-failed', 'go-console'],
    ]);
    expect(summary.proxyErrors).toEqual([]);
    expect(summary.proxyUpstreamErrors).toEqual([]);
  });
  it('counts DEBUG lines, so facts know whether the log was written at DEBUG', () => {
    expect(scan(`${goDirect(T0, 'GET', BLOB(1))}\n`).stats.debugLines).toBe(1);
    expect(scan(`${goStartupLines(T0, 1, false).join('\n')}\n`).stats.debugLines).toBe(0);
  });
});

describe('Rust wordings by release (dragonflyoss/client)', () => {
  const f = 'task_id="r1" peer_id="p1"';
  it('a parent piece failing its CRC ("download from parent error: {:?}", the error in its Debug form) is a digest failure', () => {
    const line = rustCompact(
      T0,
      'ERROR',
      'download_task',
      'dragonfly-client/src/resource/task.rs:877',
      'download from parent error: DigestMismatch("crc32:1", "crc32:2")',
      f,
    );
    expect(scan(`${line}\n`).summary.tasks[0]?.digestFailures).toHaveLength(1);
  });
  it("keeps request headers of an older client's Download {…} out of the evidence", () => {
    const line = rustCompact(
      T0,
      'INFO',
      'download_task',
      'dragonfly-client/src/grpc/dfdaemon_download.rs:393',
      `download task started: Download { url: "${BLOB(2)}", request_header: {"authorization": "Basic dXNlcjpwYXNz"}, piece_length: None }`,
      f,
    );
    const { events } = scan(`${line}\n`);
    expect(events[0]).toMatchObject({ kind: 'task-start', url: BLOB(2) });
    expect(events[0]?.text).not.toContain('dXNlcjpwYXNz');
  });
  it("keeps a download's credentials out of the evidence, to the struct's end or the text's", () => {
    const head = `download task started: Download { url: "${BLOB(3)}", `;
    const storage =
      'object_storage: Some(ObjectStorage { region: Some("us"), access_key_secret: Some("EvS3Sec}ret-42\\"x"), session_token: None })';
    for (const msg of [
      `${head}${storage}, hdfs: Some(Hdfs { delegation_token: Some("EvHdfsDeleg-77") }), prefetch: false }`,
      // cut inside the struct by the evidence's length, or by the line itself
      `${head}hugging_face: Some(HuggingFace { token: Some("hf_EvHubTok${'9'.repeat(300)}`,
      `${head}${storage.slice(0, 90)}`,
    ]) {
      const line = rustCompact(
        T0,
        'INFO',
        'download_task',
        'dragonfly-client/src/grpc/dfdaemon_download.rs:393',
        msg,
        f,
      );
      const { events } = scan(`${line}\n`);
      expect(events[0]).toMatchObject({ kind: 'task-start', url: BLOB(3) });
      for (const s of ['EvS3Sec', 'EvHdfsDeleg', 'hf_EvHubTok']) expect(events[0]?.text).not.toContain(s);
      expect(events[0]?.text).toMatch(/(object_storage|hugging_face): \(left out\)/);
    }
  });
  it('"download the pieces from local" is the local start in both wordings (…local peer ≤ v0.1.125)', () => {
    const a = rustCompact(
      T0,
      'INFO',
      'download_task',
      'dragonfly-client/src/task/mod.rs:293',
      'download the pieces from local peer',
      f,
    );
    const b = rustCompact(
      T0,
      'DEBUG',
      'download_task',
      'dragonfly-client/src/resource/task.rs:429',
      'download the pieces from local',
      f,
    );
    expect(scan(`${a}\n${b}\n`).events.map((e) => e.kind)).toEqual(['local-start', 'local-start']);
  });
  // a v1.5.1 task at INFO, where the piece lines and "download task succeeded" are DEBUG: its start, the list
  // of pieces still wanted after the local ones (resource/task.rs:452), then the lines given, ms after T0
  const TASK_RS = 'dragonfly-client/src/resource/task.rs';
  const infoTask = (wanted: string, ...then: [ms: number, line: number, msg: string][]) =>
    [
      rustCompact(
        T0,
        'INFO',
        'download_task',
        'dragonfly-client/src/proxy/task.rs:127',
        'download task started: Download { url: "u" }',
        f,
      ),
      rustCompact(
        T0 + 2,
        'INFO',
        'download_task',
        `${TASK_RS}:452`,
        `interested pieces after downloading from local: ${wanted}`,
        f,
      ),
      ...then.map(([ms, line, msg]) => rustCompact(T0 + ms, 'INFO', 'download_task', `${TASK_RS}:${line}`, msg, f)),
    ].join('\n') + '\n';
  it('ends a task the scheduler served at INFO with "all pieces are downloaded with scheduler" (…from remote peer in v0.1.76)', () => {
    // a peer-served task shows the scheduler's answer (:813) and this line (:602; v0.1.76 task/mod.rs:415)
    for (const [end, msg] of [
      [602, 'all pieces are downloaded with scheduler'],
      [415, 'all pieces are downloaded from remote peer'],
    ] as const) {
      const log = infoTask(
        '[0, 1, 2, 3]',
        [40, 813, 'normal task response: ["10.0.3.17-node-b-7d3f"]'],
        [2400, end, msg],
      );
      const t = scan(log).summary.tasks[0];
      expect(t?.refs.done?.line, msg).toBe(4);
      expect(t).toMatchObject({ startMs: T0, endMs: T0 + 2400, costMs: 2400, costFrom: 'timestamps' });
      expect(t?.servedBy).toBe('remote-peer');
    }
  });
  it('ends a task sent to the origin at INFO with "all pieces are downloaded from source", not a local hit with "…from local"', () => {
    // a small task goes straight to the origin (resource/task.rs:520-537); a cached one ends its local stage
    // with "…from local" (:462), after which the proxy still reads the content
    const source = scan(infoTask('[0]', [900, 537, 'all pieces are downloaded from source'])).summary.tasks[0];
    expect(source?.refs.done?.line).toBe(3);
    expect(source).toMatchObject({ endMs: T0 + 900, costMs: 900, costFrom: 'timestamps', servedBy: 'back-to-source' });
    const local = scan(infoTask('[]', [900, 462, 'all pieces are downloaded from local'])).summary.tasks[0];
    expect(local?.refs.done).toBeUndefined();
    expect(local).toMatchObject({ costMs: null, servedBy: 'local', reportedHit: true });
  });
  it('writes a v1.5.1 task as that release does: at INFO no piece line nor "download task succeeded"', () => {
    const task = (mode: 'p2p' | 'source', debug: boolean) =>
      rustTaskLines({
        startMs: T0,
        host: 'h',
        peer: `p-${mode}`,
        task: `t-${mode}`,
        url: BLOB(7),
        size: 12 * 2 ** 20,
        mode,
        costMs: 900,
        series: 'v1',
        release: 'v1.5.1',
        debug,
      });
    for (const mode of ['p2p', 'source'] as const) {
      const info = task(mode, false);
      expect(info.some((l) => / DEBUG |finished piece|download task succeeded/.test(l))).toBe(false);
      // the scheduler's back-to-source order ends the task as a parent's pieces do (task.rs:948-991, :602)
      const t = scan(`${info.join('\n')}\n`).summary.tasks[0];
      expect(t?.refs.done?.text).toBe('all pieces are downloaded with scheduler');
      expect(t).toMatchObject({ costMs: 899, costFrom: 'timestamps' });
      // at DEBUG they are there, at their level (proxy/task.rs:262, resource/piece.rs:375)
      const debug = task(mode, true);
      expect(debug.filter((l) => / DEBUG .*download task succeeded/.test(l))).toHaveLength(1);
      expect(debug.filter((l) => / DEBUG .*finished piece /.test(l))).toHaveLength(3);
    }
  });
  it('ends the real cold task a seed peer served (client v1.5.5, INFO) at its "…with scheduler" line', () => {
    const log = readFileSync(
      'fixtures/real/dfdaemon-rust-cold-task-remote-peer/raw/dfdaemon/logs/dfdaemon.log',
      'utf8',
    );
    // the excerpt shortens the later lines' task id, so they make a task of their own, begun at the pick
    const t = scan(log).summary.tasks.find((x) => x.key === 'c8dca29...');
    expect(t?.refs.done?.text).toBe('all pieces are downloaded with scheduler');
    expect(t?.endMs).toBe(Date.parse('2026-09-26T06:57:00.187Z'));
    expect(t?.costFrom).toBe('timestamps');
  });
  it('counts a local-start line as a hit only when it shows pieces found locally', () => {
    // resource/task.rs:452-458 (v1.5.1) prints the pieces still wanted after the local cache was read
    const hit = (file: string, msg: string) => {
      const start = rustCompact(
        T0,
        'INFO',
        'download_task',
        'dragonfly-client/src/proxy/task.rs:127',
        'download task started: Download { url: "u" }',
        f,
      );
      const local = rustCompact(T0 + 1, 'INFO', 'download_task', file, msg, f);
      return scan(`${start}\n${local}\n`).summary.tasks[0]?.reportedHit;
    };
    const after = 'dragonfly-client/src/resource/task.rs:452';
    // a cold task: every piece still wanted
    expect(hit(after, 'interested pieces after downloading from local: [0, 1, 2, 3, 4, 5, 6, 7]')).toBe(false);
    // logged for every task before the cache is read (v0.1.82 task/mod.rs:293)
    expect(hit('dragonfly-client/src/task/mod.rs:293', 'download the pieces from local peer')).toBe(false);
    // not Rust's Debug of the list (an excerpt rewritten by hand): no claim either way
    expect(hit(after, 'interested pieces after downloading from local: [0..63] (64 pieces)')).toBe(false);
    expect(hit(after, 'interested pieces after downloading from local: []')).toBe(true);
    expect(hit(after, 'interested pieces after downloading from local: [0, 1, 5, 6, 7]')).toBe(true);
    expect(hit(after, 'interested pieces after downloading from local: [4, 5, 9]')).toBe(true);
    // a ranged request's pieces begin where its range does (piece.rs:146-202): a cold one is no hit
    expect(hit(after, 'interested pieces after downloading from local: [3, 4, 5]')).toBe(false);
    expect(hit(after, 'interested pieces after downloading from local: [4, 5, 6, 7]')).toBe(false);
    // a large layer's list, its gap past the first few hundred bytes: pieces 200-259 were cached
    const pieces = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const long = [...pieces(0, 200), ...pieces(260, 400)].join(', ');
    expect(hit(after, `interested pieces after downloading from local: [${long}]`)).toBe(true);
    expect(hit(after, `interested pieces after downloading from local: [${pieces(0, 400).join(', ')}]`)).toBe(false);
    // cut where it was pasted: the gap before the cut still shows, and a number cut in two is no gap
    expect(hit(after, 'interested pieces after downloading from local: [0, 1, 5, 6, 7')).toBe(true);
    expect(hit(after, 'interested pieces after downloading from local: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1')).toBe(false);
  });
  it('reads the pieces still wanted after waiting for a prefetch, which are no cache hit', () => {
    // v1.5.1 resource/task.rs:452-458, then :494-499 once the prefetch's in-flight pieces were waited for:
    // pieces 2-5 were written by the prefetch during the wait, then 0, 1, 6, 7 came from a parent
    const lines = [
      [T0, 'dragonfly-client/src/proxy/task.rs:127', 'download task started: Download { url: "u" }'],
      [
        T0 + 1,
        'dragonfly-client/src/resource/task.rs:452',
        'interested pieces after downloading from local: [0, 1, 2, 3, 4, 5, 6, 7]',
      ],
      [
        T0 + 900,
        'dragonfly-client/src/resource/task.rs:494',
        'interested pieces after waiting for in-flight pieces: [0, 1, 6, 7]',
      ],
    ] as const;
    const log = lines.map(([ts, file, msg]) => rustCompact(ts, 'INFO', 'download_task', file, msg, f)).join('\n');
    const { events, summary } = scan(`${log}\n`);
    const waited = events.find((e) => e.text.startsWith('interested pieces after waiting'));
    expect(waited?.kind).toBe('local-start');
    expect(waited?.value).toBe(false);
    expect(summary.tasks[0]?.endMs).toBe(T0 + 900);
    expect(summary.tasks[0]?.reportedHit).toBe(false);
  });
});

describe("the Rust console's pretty layout", () => {
  it('names the release the announce span carries on its "in" line', () => {
    // up to v1.4.0 the console layer is tracing-subscriber's pretty (dragonflyoss/client v1.2.7
    // dragonfly-client/src/tracing/mod.rs:66-75, target off): the event's line, "at <file>:<line>", then
    // "in <span> with <fields>"; init_announce_host records its request (v1.4.0 grpc/scheduler.rs:226-239)
    const block = [
      '  2024-06-21T10:00:00.123456+00:00  INFO  announce host to 10.96.1.20:8002',
      '    at dragonfly-client/src/grpc/scheduler.rs:239',
      '    in init_announce_host with request: AnnounceHostRequest { host: Some(Host { id: "10.244.2.9-node-b", hostname: "node-b", build: Some(Build { git_version: "1.2.7", git_commit: Some("5dee749"), go_version: None, rust_version: Some("1.80.0"), platform: Some("linux") }) }), interval: None }',
      '',
    ];
    const { events } = scan(`${block.join('\n')}\n`);
    const announce = events.find((e) => e.kind === 'daemon-version');
    expect(announce?.layout).toBe('rust-pretty');
    expect(announce?.release).toBe('v1.2.7');
    // and with the console's ANSI colours (bold span and field names)
    const ansi = block.map((l) =>
      l.replace('init_announce_host', '\x1b[1minit_announce_host\x1b[0m').replace('request:', '\x1b[1mrequest\x1b[0m:'),
    );
    expect(scan(`${ansi.join('\n')}\n`).events.find((e) => e.kind === 'daemon-version')?.release).toBe('v1.2.7');
  });
});

describe("the Rust proxy's connections that were no HTTP", () => {
  // dragonflyoss/dragonfly#3807: the pretty line as posted, and the compact layout of the same message
  const PRETTY = [
    '  2025-02-03T18:13:01.739929233+00:00 ERROR  failed to serve connection from 127.0.0.1:51158: invalid HTTP method parsed',
    '    at dragonfly-client/src/proxy/mod.rs:206',
  ];
  const compact = (err: string) =>
    rustCompact(
      T0,
      'ERROR',
      '',
      'dragonfly-client/src/proxy/mod.rs:265',
      `failed to serve connection from 127.0.0.1:40112: ${err}`,
    );

  it('reads hyper\'s "invalid HTTP method parsed" (a TLS ClientHello on the plain-HTTP port), pretty and compact', () => {
    const { summary, events } = scan(`${[...PRETTY, '', compact('invalid HTTP method parsed')].join('\n')}\n`);
    // a pretty line is handed over when its block ends
    expect(events.map((e) => [e.line, e.kind, e.layout]).sort()).toEqual([
      [1, 'proxy-not-http', 'rust-pretty'],
      [4, 'proxy-not-http', 'rust-compact'],
    ]);
    expect(summary.proxyNotHttp.find((r) => r.line === 1)?.text).toBe(
      'failed to serve connection from 127.0.0.1:51158: invalid HTTP method parsed',
    );
    expect(summary.proxyErrors).toEqual([]);
  });

  it('leaves the other errors of a connection out (a client that hung up, a CONNECT tunnel)', () => {
    const { summary } = scan(
      `${[compact('connection closed before message completed'), compact('error shutting down connection: Transport endpoint is not connected')].join('\n')}\n`,
    );
    expect(summary.proxyNotHttp).toEqual([]);
  });
});

describe('the register lines of the Go v2.0.0–v2.0.1 file and stream tasks', () => {
  // v2.0.0 client/daemon/peer/peertask_file.go:100, :128 and peertask_stream.go:77, :108: the package
  // logger, with no peer or task field: the ids are in the text only
  const PEER = '10.30.0.8-1-5b2e7c41-0a9d-4f3e-b6c2-81d4e7f90a13';
  const TASK = hex64(77);
  const fields = { peer: PEER, task: TASK, component: 'PeerTask' };

  it("times a file task's register from its own lines, whose ids are in the text", () => {
    const lines = [
      goJson(T0, 'info', 'peer/peertask_file.go:100', `step 1: peer ${PEER} start to register`),
      goJson(
        T0 + 1200,
        'info',
        'peer/peertask_file.go:128',
        `step 1: register task success, task id: ${TASK}, peer id: ${PEER}, SizeScope: NORMAL`,
      ),
      goJson(T0 + 9000, 'info', 'peer/peertask_file_callback.go:79', 'file peer task done, cost: 9000ms', fields),
    ];
    const { summary, events } = scan(`${lines.join('\n')}\n`);
    expect(events.map((e) => [e.kind, e.peer])).toEqual([
      ['register-start', PEER],
      ['register-ok', PEER],
      ['task-done', PEER],
    ]);
    expect(summary.tasks).toHaveLength(1);
    expect(summary.tasks[0]?.registerWaitMs).toBe(1200);
  });

  it("takes the stream task's and a failed register's peer from the text too", () => {
    const lines = [
      goJson(T0, 'info', 'peer/peertask_stream.go:77', `step 1: peer ${PEER} start to register`),
      goJson(T0 + 30, 'error', 'peer/peertask_stream.go:87', `step 1: peer ${PEER} register failed: rpc error`),
      goJson(
        T0 + 40,
        'info',
        'peer/peertask_stream.go:108',
        `register task success, task id: ${TASK}, peer id: ${PEER}, SizeScope: NORMAL`,
      ),
    ];
    const { events } = scan(`${lines.join('\n')}\n`);
    expect(events.map((e) => [e.kind, e.peer])).toEqual([
      ['register-start', PEER],
      ['register-failed', PEER],
      ['register-ok', PEER],
    ]);
  });
});
