// The WebAssembly scanner (src/parsers/dfdaemon-log.ts + assembly/dfdaemon-log-scan.ts) against the JS
// scanner it replaced (test/oracle/dfdaemon-log-js.ts): the same events, statistics, line callbacks and
// task timelines on every dfdaemon log fixture and on generated logs of both generations, whatever the
// chunking, with and without a --since window. The parser fuzz target (test/fuzz/targets.ts) compares
// the two on mutated inputs as well.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dfdaemonLogFixtures } from '../helpers/fixture-files.js';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';
import { type Layout, type Level, type LogEvent, LogScanner, type ScanStats } from '../../src/parsers/dfdaemon-log.js';
import { TimelineBuilder } from '../../src/parsers/dfdaemon-timeline.js';
import { LogScanner as JsLogScanner } from '../oracle/dfdaemon-log-js.js';
import {
  goConsole,
  goDirect,
  goJson,
  goTaskLines,
  hex64,
  rustCompact,
  rustSampleTask,
} from '../facts/dfdaemon-loggen.js';

const REPO = join(import.meta.dirname, '..', '..');

interface Reading {
  events: LogEvent[];
  lines: [number, Layout | null, Level][];
  stats: ScanStats;
}

type Scanner = { push(c: Uint8Array): void; end(): ScanStats };

function read(
  make: (o: ConstructorParameters<typeof JsLogScanner>[0]) => Scanner,
  bytes: Buffer,
  chunk: number,
  sinceMs?: number,
): Reading {
  const events: LogEvent[] = [];
  const lines: Reading['lines'] = [];
  const s = make({
    file: 'raw/dfdaemon/logs/x.log',
    ...(sinceMs === undefined ? {} : { sinceMs }),
    onEvent: (e) => events.push(e),
    onLine: (l, lay, lev) => lines.push([l, lay, lev]),
  });
  for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
  return { events, lines, stats: s.end() };
}

/**
 * The bytes as a stored file: LogScanner.readStored reads them `part` bytes at a time into its two areas.
 * Each read lands at once, before the part before it is scanned, as a read finished early on another core.
 */
async function readStored(bytes: Buffer, part: number, sinceMs?: number): Promise<Reading> {
  const events: LogEvent[] = [];
  const lines: Reading['lines'] = [];
  const s = new LogScanner(logScanWasm(), {
    file: 'raw/dfdaemon/logs/x.log',
    ...(sinceMs === undefined ? {} : { sinceMs }),
    onEvent: (e) => events.push(e),
    onLine: (l, lay, lev) => lines.push([l, lay, lev]),
  });
  const read = async (into: Uint8Array, at: number) => {
    const n = Math.max(0, Math.min(into.length, bytes.length - at));
    into.set(bytes.subarray(at, at + n));
    return n;
  };
  await s.readStored(read, 0, Infinity, part);
  return { events, lines, stats: s.end() };
}

const wasm = (o: ConstructorParameters<typeof JsLogScanner>[0]) => new LogScanner(logScanWasm(), o);
const js = (o: ConstructorParameters<typeof JsLogScanner>[0]) => new JsLogScanner(o);

function timelines(events: LogEvent[]) {
  const b = new TimelineBuilder();
  for (const e of events) b.add(e);
  return b.finish();
}

/**
 * Both scanners over the bytes in the given chunk sizes (the WebAssembly one also reading them as a
 * stored file in parts of that size); the readings and the timelines must agree.
 */
async function expectSame(bytes: Buffer, chunks: number[], sinceMs?: number): Promise<Reading> {
  let first: Reading | undefined;
  for (const chunk of chunks) {
    const a = read(wasm, bytes, chunk, sinceMs);
    const b = read(js, bytes, chunk, sinceMs);
    expect(a.stats, `stats, chunks of ${chunk}`).toEqual(b.stats);
    expect(a.lines, `line callbacks, chunks of ${chunk}`).toEqual(b.lines);
    expect(a.events, `events, chunks of ${chunk}`).toEqual(b.events);
    const stored = await readStored(bytes, chunk, sinceMs);
    expect(stored.stats, `stats, stored, parts of ${chunk}`).toEqual(b.stats);
    expect(stored.lines, `line callbacks, stored, parts of ${chunk}`).toEqual(b.lines);
    expect(stored.events, `events, stored, parts of ${chunk}`).toEqual(b.events);
    const oracle = timelines(b.events);
    expect(timelines(a.events)).toEqual(oracle);
    // the facts' path: piece lines folded without their event objects (TimelineBuilder.addPiece)
    const folded = new TimelineBuilder();
    const s = new LogScanner(logScanWasm(), {
      file: 'raw/dfdaemon/logs/x.log',
      ...(sinceMs === undefined ? {} : { sinceMs }),
      onEvent: (e) => folded.add(e),
      onPiece: (p) => folded.addPiece(p),
    });
    for (let i = 0; i < bytes.length; i += chunk) s.push(bytes.subarray(i, i + chunk));
    s.end();
    expect(folded.finish()).toEqual(oracle);
    first ??= a;
  }
  return first as Reading;
}

describe('WebAssembly dfdaemon log scanner = the JS scanner it replaced', () => {
  const files = dfdaemonLogFixtures(REPO);

  it('finds the dfdaemon log fixtures (fixtures/ and fixtures/real/)', () => {
    expect(files.some((f) => f.includes('/real/'))).toBe(true);
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [relative(REPO, f), f] as const))('%s', async (_name, f) => {
    const raw = readFileSync(f);
    const bytes = f.endsWith('.gz') ? gunzipSync(raw) : raw;
    const r = await expectSame(bytes, [7, 4096, 1 << 20]);
    if (bytes.length > 1000) expect(r.stats.lines).toBeGreaterThan(0);
  });

  const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
  const url = (i: number) => `https://index.docker.io/v2/library/app${i % 9}/blobs/sha256:${hex64(i)}`;

  function goLog(line: typeof goJson, n: number, verbose: boolean): Buffer {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(goDirect(T0 + i * 900, 'GET', `https://index.docker.io/v2/library/app${i % 9}/manifests/1`, line));
      lines.push(
        ...goTaskLines(
          {
            startMs: T0 + i * 900,
            peer: `10.0.0.5-1-${hex64(i).slice(0, 36)}`,
            task: hex64(i + 7),
            url: url(i),
            size: 9 * 2 ** 20 + i,
            mode: (['hit', 'p2p', 'source', 'timeout-source'] as const)[i % 4] as 'hit',
            costMs: 300 + i,
            verbose,
          },
          line,
        ),
      );
    }
    return Buffer.from(`${lines.join('\n')}\n`);
  }

  function rustLog(n: number, zulu: boolean): Buffer {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(...rustSampleTask(T0, i));
    let text = `${lines.join('\n')}\n`;
    // tracing writes "Z" with its default timer; the generator writes "+00:00" (both are read)
    if (zulu) text = text.replace(/^(\S+)\+00:00 /gm, '$1Z ');
    return Buffer.from(text);
  }

  it('generated Go logs (zap JSON at INFO and DEBUG, zap console), whole and in chunks', async () => {
    await expectSame(goLog(goJson, 300, false), [997, 65536]);
    const r = await expectSame(goLog(goJson, 200, true), [4096]);
    expect(r.events.length).toBeGreaterThan(1000);
    await expectSame(goLog(goConsole, 100, true), [333]);
  });

  it('generated Rust logs (tracing compact, "+00:00" and "Z" times), whole and in chunks', async () => {
    const r = await expectSame(rustLog(200, false), [1009, 65536]);
    expect(r.events.filter((e) => e.kind.startsWith('piece-')).length).toBeGreaterThan(500);
    await expectSame(rustLog(100, true), [4096]);
  });

  it('a --since window: the same lines fall before it', async () => {
    const since = T0 + 100 * 900;
    const go = await expectSame(goLog(goJson, 200, false), [65536], since);
    expect(go.stats.beforeSince).toBeGreaterThan(0);
    const rust = await expectSame(rustLog(200, true), [65536], since);
    expect(rust.stats.beforeSince).toBeGreaterThan(0);
  });

  it('messages with escapes, cut-off lines, odd timestamps, CRLF and an over-long line', async () => {
    const lines = [
      goJson(T0, 'info', 'peer/x.go:1', 'peer task done, cost: 12ms "quoted"', { peer: 'p1', task: 't1' }),
      '{"level":"info","ts":"2024-06-21 10:00:01.5","msg":"peer task done, cost: 3ms","peer":"p2"',
      '{"level":"info","ts":"24-06-21 10:00:01.000","msg":"peer task done, cost: 3ms","peer":"p3"}',
      '{"level":"info","ts":"2024-13-40 10:00:01.000","msg":"peer task done, cost: 4ms","peer":"p4"}',
      '{"level":"info","ts":1718964000.5,"msg":"peer task done, cost: 5ms","peer":"p5"}',
      rustCompact(
        T0,
        'INFO',
        'download_task',
        'x/y.rs:1',
        'download task succeeded',
        'task_id="t9" peer_id="p9"',
      ).replace(/\+00:00 /, '+05:30 '),
      '2024-02-30T10:00:00.5Z  INFO download_task: x/y.rs:1: download task succeeded task_id="t8" peer_id="p8"',
      '  2024-06-21T10:00:00.000Z  INFO download task succeeded',
      '    in download_task with task_id: "t7", peer_id: "p7"',
    ];
    await expectSame(Buffer.from(`${lines.join('\r\n')}\r\n`), [7, 65536]);
    await expectSame(Buffer.from(lines.join('\n')), [5, 4096]);
    // a line past the cap is counted once and skipped when it spans reads, read when it arrives whole
    const long = `{"level":"info","msg":"${'x'.repeat(1 << 21)}"}`;
    const r = await expectSame(Buffer.from([lines[0], long, lines[1], long].join('\n')), [65536, 1 << 23]);
    expect(r.stats.unrecognisedSamples.some((u) => u.text.includes('longer than 1 MiB'))).toBe(true);
  });

  it('a dated line without a source file is a pretty head that lost its indent; a Go caller keeps a line off it', async () => {
    const lines = [
      // dragonflyoss/dragonfly#3675 (client v0.2.11's console layer, exported one line per entry), as the
      // paste normaliser leaves them: the schedule timeout, then the source's read timing out
      '2025-03-06T09:12:59.358340455+00:00 ERROR download with scheduler error: TokioStreamElapsed(Elapsed(()))',
      '2025-03-06T09:12:52.229037450+00:00 ERROR download from source error: IO(Custom { kind: Other, error: reqwest::Error { kind: Decode, source: reqwest::Error { kind: Body, source: TimedOut } } })',
      // a zap console line whose tabs a paste turned to spaces (fixtures/real/dfdaemon-go-console-grep)
      '2021-09-27T14:32:21.709Z        INFO    transport/transport.go:159      start download with url: https://r.example.com/v2/x/blobs/sha256:3c5e',
      // a compact line: its file names the message's start
      '2025-03-06T09:12:59.358340455+00:00 ERROR download_task: dragonfly-client/src/resource/task.rs:407: download with scheduler error: TokioStreamElapsed(Elapsed(()))',
    ];
    const r = await expectSame(Buffer.from(`${lines.join('\n')}\n`), [13, 4096]);
    // a pretty event is handed on once its continuation lines are past: at the next head, or at the end
    expect(r.events.map((e) => [e.line, e.kind, e.layout]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'scheduler-error', 'rust-pretty'],
      [2, 'source-error', 'rust-pretty'],
      [4, 'scheduler-error', 'rust-compact'],
    ]);
    expect(r.events[0]?.text).toBe('download with scheduler error: TokioStreamElapsed(Elapsed(()))');
    expect(r.stats.byLayout).toMatchObject({ 'rust-pretty': 2, 'rust-compact': 2 });
  });

  it('piece lines whose second strings share a head: every place of it is tried, past the first and past eight', async () => {
    const piece = (msg: string, fields = 'task_id="t1" peer_id="p1"') =>
      rustCompact(T0, 'INFO', 'download_task', 'dragonfly-client/src/resource/task.rs:1025', msg, fields);
    const froms = (n: number) => Array.from({ length: n }, (_, i) => ` from x${i}`).join('');
    const lines = [
      piece('finished piece t1-0 from parent 10.0.0.9 using protocol tcp'),
      piece('finished piece t1-1 from local'),
      piece('finished piece t1-2 from source'),
      piece('finished piece t1-3 from remote peer 10.0.0.8'),
      // the head before the string that matches, again and again
      piece(`finished piece t1-4${froms(3)} from parent p`),
      piece(`finished piece t1-5${froms(7)} from source`),
      piece(`finished piece t1-6${froms(8)} from source`),
      piece(`finished piece t1-7${froms(12)} from parent q`),
      piece(`finished piece t1-8${froms(20)}`),
      // the string only in the span fields, and a head cut by the line's end
      piece('finished piece t1-9 via cache', 'task_id="t1" peer_id="p1" note=" from local"'),
      piece('finished piece t1-10', 'task_id="t1" peer_id="p1" x=" from'),
      piece('finished piece t1-11 from sourc'),
      // a string earlier in the table at a later place: that one (a first pass alone may take either)
      piece('finished piece t1-12 from parent p', 'task_id="t1" peer_id="p1" note=" from local"'),
    ];
    const r = await expectSame(Buffer.from(`${lines.join('\n')}\n`), [4096, 97]);
    expect(r.events.map((e) => e.kind)).toEqual([
      'piece-remote',
      'piece-local',
      'piece-source',
      'piece-remote',
      'piece-remote',
      'piece-source',
      'piece-source',
      'piece-remote',
      'piece-local',
      'piece-local',
    ]);
  });

  it('times of one second read from the last line read whole: only a fraction of digits differing may reuse it', async () => {
    const at = (ts: string, n: number) =>
      `${ts}  INFO download_task: x/y.rs:1: download task succeeded task_id="t${n}" peer_id="p${n}"`;
    const lines = [
      '2024-06-21T10:00:00.052123456+00:00',
      '2024-06-21T10:00:00.987654321+00:00', // the fraction only: the second is reused
      '2024-06-21T10:00:00.9x7654321+00:00', // a letter where the fraction was: JS reads it
      '2024-06-21T10:00:00.100000000+05:30', // the zone differs
      '2024-06-21T10:00:00.200000000+05:30',
      '2024-06-21T10:00:01.200000000+05:30', // the next second
      '2024-06-21T10:00:01.2000000+05:30', // shorter
      '2024-06-21T10:00:01.300000000Z', // "Z", same length as none before
      '2024-06-21T10:00:01.400000000Z',
      '2024-06-21T10:00:01.4Z', // under three digits: not kept
      '2024-06-21T10:00:01.5Z',
      '2024-06-22T10:00:01.400000000Z', // another day, the same time
      '2024-06-21T10:00:01.12Z',
      '2024-06-21T10:00:01.123Z',
    ].map(at);
    const r = await expectSame(Buffer.from(`${lines.join('\n')}\n`), [4096, 61]);
    expect(r.events.map((e) => e.tsMs)).toEqual([
      Date.UTC(2024, 5, 21, 10, 0, 0, 52),
      Date.UTC(2024, 5, 21, 10, 0, 0, 987),
      null,
      Date.UTC(2024, 5, 21, 4, 30, 0, 100),
      Date.UTC(2024, 5, 21, 4, 30, 0, 200),
      Date.UTC(2024, 5, 21, 4, 30, 1, 200),
      Date.UTC(2024, 5, 21, 4, 30, 1, 200),
      Date.UTC(2024, 5, 21, 10, 0, 1, 300),
      Date.UTC(2024, 5, 21, 10, 0, 1, 400),
      Date.UTC(2024, 5, 21, 10, 0, 1, 400),
      Date.UTC(2024, 5, 21, 10, 0, 1, 500),
      Date.UTC(2024, 5, 22, 10, 0, 1, 400),
      Date.UTC(2024, 5, 21, 10, 0, 1, 120),
      Date.UTC(2024, 5, 21, 10, 0, 1, 123),
    ]);
  });
});
