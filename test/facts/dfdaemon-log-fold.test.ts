// The fold in two passes (src/facts/dfdaemon-log-fold.ts) against one pass that folds every event (the
// builder's own add()): the same timelines, dropped counts, proxy lists and statistics on every dfdaemon
// log fixture and on generated logs, with the timelines' bound lowered so that the two passes must
// agree on which tasks are dropped, whatever the chunking (restart points), with a --since window, with
// interleaved tasks, with a key that comes back after its task was dropped, and over several files.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { dfdaemonLogFixtures } from '../helpers/fixture-files.js';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';
import { foldLogs, type LogSource } from '../../src/facts/dfdaemon-log-fold.js';
import { LogScanner, type ScanStats } from '../../src/parsers/dfdaemon-log.js';
import { type LogSummary, TimelineBuilder } from '../../src/parsers/dfdaemon-timeline.js';
import {
  goConsole,
  goDirect,
  goJson,
  goTaskLines,
  hex64,
  rustCompact,
  rustProxy,
  rustSampleTask,
} from './dfdaemon-loggen.js';

const REPO = join(import.meta.dirname, '..', '..');

interface File {
  name: string;
  bytes: Buffer;
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Every event of every file into one builder, as the facts folded them before the two passes. */
/** The timelines' bounds: the default, one for tasks and proxy requests alike, or [tasks, proxy requests]. */
type Bound = number | [number, number] | undefined;
const tasksOf = (b: Bound) => (Array.isArray(b) ? b[0] : b);
const proxiesOf = (b: Bound) => (Array.isArray(b) ? b[1] : b);

function onePass(files: File[], chunk: number, bound: Bound, sinceMs?: number) {
  const b = new TimelineBuilder(tasksOf(bound), proxiesOf(bound));
  const stats: ScanStats[] = [];
  for (const f of files) {
    const s = new LogScanner(logScanWasm(), {
      file: f.name,
      ...(sinceMs === undefined ? {} : { sinceMs }),
      onEvent: (e) => b.add(e),
    });
    for (let i = 0; i < f.bytes.length; i += chunk) s.push(f.bytes.subarray(i, i + chunk));
    stats.push(s.end());
  }
  return { stats, summary: b.finish() };
}

/** Sources as chunks, or as stored files whose reads return at most `chunk` bytes (short reads). */
async function twoPasses(
  files: File[],
  chunk: number,
  bound: Bound,
  sinceMs?: number,
  stored = false,
  onePassBelow?: number,
) {
  const sources: LogSource[] = files.map((f) => ({
    file: f.name,
    chunks: () => chunked(f.bytes, chunk),
    ...(stored
      ? {
          stored: async () => ({
            size: f.bytes.length,
            read: async (into: Uint8Array, position: number) => {
              const part = f.bytes.subarray(position, position + Math.min(into.length, chunk));
              into.set(part);
              return part.length;
            },
            close: async () => {},
          }),
        }
      : {}),
  }));
  return foldLogs(sources, {
    ...(bound === undefined ? {} : { maxTasks: tasksOf(bound), maxProxy: proxiesOf(bound) }),
    ...(onePassBelow === undefined ? {} : { onePassBelow }),
    ...(sinceMs === undefined ? {} : { sinceMs }),
    readError: (file, message) => {
      throw new Error(`${file}: ${message}`);
    },
  });
}

async function expectSame(files: File[], chunks: number[], bounds: Bound[], sinceMs?: number) {
  let last: LogSummary | undefined;
  for (const chunk of chunks)
    for (const bound of bounds) {
      const want = onePass(files, chunk, bound, sinceMs);
      for (const stored of [false, true]) {
        const got = await twoPasses(files, chunk, bound, sinceMs, stored);
        const what = `chunks of ${chunk}, bound ${String(bound)}${stored ? ', read as stored' : ''}`;
        expect(got.stats, `stats, ${what}`).toEqual(want.stats);
        expect(got.summary, `timelines, ${what}`).toEqual(want.summary);
        last = got.summary;
      }
    }
  return last as LogSummary;
}

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const url = (i: number) => `https://index.docker.io/v2/library/app${i % 9}/blobs/sha256:${hex64(i)}`;

function goTask(i: number, peer = `10.0.0.5-1-${hex64(i).slice(0, 36)}`): string[] {
  return [
    goDirect(T0 + i * 900, 'GET', `https://index.docker.io/v2/library/app${i % 9}/manifests/1`),
    ...goTaskLines({
      startMs: T0 + i * 900,
      peer,
      task: hex64(i + 7),
      url: url(i),
      size: 9 * 2 ** 20 + i,
      mode: (['hit', 'p2p', 'source', 'timeout-source'] as const)[i % 4] as 'hit',
      costMs: 300 + i,
      verbose: i % 5 === 0,
    }),
  ];
}

function rustTask(i: number): string[] {
  return rustSampleTask(T0, i);
}

/** Tasks whose lines interleave, `width` at a time (concurrent downloads), line by line. */
function interleaved(tasks: string[][], width: number): string[] {
  const out: string[] = [];
  for (let g = 0; g < tasks.length; g += width) {
    const group = tasks.slice(g, g + width);
    for (let k = 0; group.some((t) => k < t.length); k++)
      for (const t of group) if (k < t.length) out.push(t[k] as string);
  }
  return out;
}

const text = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`);

describe('the two-pass fold = one pass over every event', () => {
  const files = dfdaemonLogFixtures(REPO);

  it('finds the dfdaemon log fixtures', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [relative(REPO, f), f] as const))('%s', async (_name, f) => {
    const raw = readFileSync(f);
    const bytes = f.endsWith('.gz') ? gunzipSync(raw) : raw;
    // bound 1 and 2: nearly every task of a fixture is dropped, and the survivors start late in the file
    await expectSame([{ name: 'raw/dfdaemon/logs/x.log', bytes }], [61, 1 << 20], [undefined, 1, 2, 7]);
  });

  it('generated Go and Rust logs past the bound: the same tasks dropped, the same ones kept', async () => {
    const go = text(Array.from({ length: 300 }, (_, i) => goTask(i)).flat());
    const s = await expectSame([{ name: 'core.log', bytes: go }], [997, 65536], [20, 50, 120]);
    expect(s.droppedTasks).toBeGreaterThan(0);
    expect(s.tasks.length).toBeGreaterThan(10);
    const rust = text(Array.from({ length: 200 }, (_, i) => rustTask(i)).flat());
    const r = await expectSame([{ name: 'dfdaemon.log', bytes: rust }], [1009, 65536], [20, 50]);
    expect(r.droppedTasks).toBeGreaterThan(0);
    expect(r.proxy).toHaveLength(50);
    expect(r.droppedProxy).toBe(150);
  });

  it("the proxy list's bound apart from the tasks': its first kept request before or after the first kept task", async () => {
    const rust = text(
      interleaved(
        Array.from({ length: 120 }, (_, i) => rustTask(i)),
        3,
      ),
    );
    const go = text(Array.from({ length: 150 }, (_, i) => goTask(i)).flat());
    for (const bytes of [rust, go]) {
      const s = await expectSame(
        [{ name: 'x.log', bytes }],
        [700],
        [
          [10, 90],
          [60, 3],
          [8192, 40],
          [5, 8192],
        ],
      );
      expect(s.proxy.length).toBeGreaterThan(0);
    }
  });

  it('interleaved tasks: lines of dropped tasks after the first kept one are left out', async () => {
    const go = text(
      interleaved(
        Array.from({ length: 240 }, (_, i) => goTask(i)),
        7,
      ),
    );
    const s = await expectSame([{ name: 'core.log', bytes: go }], [313, 1 << 20], [10, 33]);
    expect(s.droppedTasks).toBeGreaterThan(100);
    const rust = text(
      interleaved(
        Array.from({ length: 160 }, (_, i) => rustTask(i)),
        5,
      ),
    );
    await expectSame([{ name: 'dfdaemon.log', bytes: rust }], [509], [10, 21]);
  });

  it("piece lines whose kind a later place decides, and lines of a piece's head that match no pattern: the first pass keeps one pass's tasks", async () => {
    // a first pass takes any piece pattern found at the head's first place (assembly: anyPieceAtFirstPlace)
    const piece = (i: number, msg: string, fields: string) =>
      rustCompact(T0 + i * 900, 'INFO', 'download_task', 'dragonfly-client/src/resource/task.rs:1025', msg, fields);
    const lines: string[] = [];
    for (let i = 0; i < 90; i++) {
      const task = hex64(i + 7);
      const ids = `task_id="${task}" peer_id="10.0.0.5-node-1-${hex64(i).slice(0, 36)}"`;
      lines.push(...rustTask(i));
      // one pass calls this a local piece (" from local" comes first in the table), a first pass may not
      lines.push(
        piece(i, `finished piece ${task}-90 from parent 10.0.0.9 using protocol tcp`, `${ids} note=" from local"`),
      );
      // no pattern's second string at the head's place, nor anywhere after it: no event, no task of its own
      lines.push(piece(i, `finished piece own-${i}-1 from nowhere`, `task_id="own-${i}" peer_id="own-${i}"`));
      lines.push(piece(i, `finished piece cut-${i}-1 from sourc`, `task_id="cut-${i}" peer_id="cut-${i}"`));
    }
    const s = await expectSame([{ name: 'dfdaemon.log', bytes: text(lines) }], [389, 1 << 20], [7, 25]);
    expect(s.tasks.some((t) => t.key.startsWith('own-') || t.key.startsWith('cut-'))).toBe(false);
    // each task's extra piece is local, as one pass reads it: hits stay local, the rest become mixed
    expect(new Set(s.tasks.map((t) => t.servedBy))).toEqual(new Set(['local', 'mixed']));
  });

  it('a key that comes back after its task was dropped: only its last task is kept, from its first line', async () => {
    const lines = [
      ...goTask(0, 'again'),
      ...Array.from({ length: 40 }, (_, i) => goTask(i + 1)).flat(),
      ...goTask(41, 'again'),
      ...Array.from({ length: 5 }, (_, i) => goTask(i + 42)).flat(),
    ];
    // one chunk: the second pass reads from the file's start, through the dropped task of the same key
    const s = await expectSame([{ name: 'core.log', bytes: text(lines) }], [211, 1 << 20], [10, 20]);
    const again = s.tasks.filter((t) => t.key === 'again');
    expect(again).toHaveLength(1);
    expect(again[0]?.startMs).toBe(T0 + 41 * 900);
  });

  it('several files: tasks that span two files, survivors that start in the first', async () => {
    const all = interleaved(
      Array.from({ length: 120 }, (_, i) => goTask(i)),
      4,
    );
    const cut = Math.floor(all.length * 0.8);
    const parts = [
      { name: 'core.log.1', bytes: text(all.slice(0, cut)) },
      { name: 'core.log', bytes: text(all.slice(cut)) },
    ];
    for (const bound of [10, 40, 100]) await expectSame(parts, [777], [bound]);
  });

  it('lines whose key JS must read, amid those the module reads: non-ASCII ids, odd times, keys in the text, other layouts', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      const t = goTask(i);
      if (i % 7 === 1)
        t.push(goJson(T0 + i * 900 + 5, 'info', 'peer/x.go:1', 'peer task done, cost: 5ms', { peer: `pé-${i}` }));
      // the same id as bytes that do not decode: two of them read as one key in JS
      if (i % 7 === 2)
        t.push(
          `{"level":"info","ts":"2024-06-21 10:00:01.000","msg":"peer task done, cost: 3ms","peer":"p${i % 2 ? '\xff' : '\xfe'}"}`,
        );
      if (i % 7 === 3)
        t.push(`{"level":"info","ts":"24-06-21 10:00:01.000","msg":"peer task done, cost: 4ms","peer":"odd-${i}"}`);
      if (i % 7 === 4)
        t.push(
          goJson(
            T0 + i * 900 + 7,
            'warn',
            'peer/x.go:2',
            `reschedule parent for peer only-text-${i} already reaches max reschedule times`,
            {},
          ),
        );
      if (i % 7 === 5)
        t.push(
          goConsole(T0 + i * 900 + 9, 'info', 'peer/x.go:3', 'peer task done, cost: 9ms', { peer: `console-${i}` }),
        );
      if (i % 7 === 6)
        t.push(
          `{"level":"info","ts":"2024-06-21 10:00:01.000","msg":"peer task done, cost: 1ms \\"q\\"","peer":"esc-${i}"}`,
        );
      lines.push(...t);
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`, 'latin1');
    await expectSame([{ name: 'core.log', bytes }], [173, 1 << 20], [3, 10, 25]);
  });

  it('Rust proxy requests whose URL only JS can tell: a non-ASCII character, or a space JS reads as one, after "uri: "', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40; i++) {
      lines.push(...rustTask(i));
      if (i % 3 === 0) lines.push(rustProxy(T0 + i * 900 + 1, `\u00a0https://x/${i}`, true));
      if (i % 3 === 1) lines.push(rustProxy(T0 + i * 900 + 1, `\u00e9https://x/${i}`, false));
      if (i % 3 === 2) lines.push(rustProxy(T0 + i * 900 + 1, `,https://x/${i}`, true));
    }
    const s = await expectSame(
      [{ name: 'dfdaemon.log', bytes: text(lines) }],
      [997],
      [
        [5, 7],
        [5, 30],
      ],
    );
    expect(s.proxy.some((p) => p.url.startsWith('\u00e9'))).toBe(true);
  });

  it('a key too long for the module (over 64 KiB, read by JS): every line is folded in one pass instead', async () => {
    const long = `é${'x'.repeat(70_000)}`;
    const lines = [...goTask(0), goJson(T0 + 10, 'info', 'peer/x.go:1', 'peer task done, cost: 5ms', { peer: long })];
    for (let i = 1; i < 30; i++) lines.push(...goTask(i));
    const s = await expectSame([{ name: 'core.log', bytes: text(lines) }], [4096], [5, 20]);
    expect(s.droppedTasks).toBeGreaterThan(0);
  });

  it('logs below onePassBelow are folded in one pass, with the same result; chunks alone never are', async () => {
    const go = text(Array.from({ length: 100 }, (_, i) => goTask(i)).flat());
    const files = [{ name: 'core.log', bytes: go }];
    const want = onePass(files, 4096, 20);
    for (const [stored, below] of [
      [true, go.length + 1],
      [true, go.length],
      [false, go.length + 1],
    ] as const) {
      const got = await twoPasses(files, 4096, 20, undefined, stored, below);
      expect(got.summary).toEqual(want.summary);
      expect(got.stats).toEqual(want.stats);
    }
  });

  it('a --since window', async () => {
    const go = text(Array.from({ length: 200 }, (_, i) => goTask(i)).flat());
    await expectSame([{ name: 'core.log', bytes: go }], [4096], [15], T0 + 120 * 900);
  });
});
