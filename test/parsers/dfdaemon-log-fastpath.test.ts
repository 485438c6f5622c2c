// The scanner reads ids, messages and timestamps from raw bytes (byte loops, an id cache keyed by a hash
// of the bytes). These tests hold that fast path to a plain reading of each line: JSON.parse for zap
// JSON, the span fields' text for tracing compact — over more distinct ids than the cache has slots,
// with ids that differ in one character, in chunks that split lines anywhere.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LogEvent, LogScanner } from '../../src/parsers/dfdaemon-log.js';
import { goJson, goTaskLines, hex64, rustCompact, rustProxy, rustTaskLines } from '../facts/dfdaemon-loggen.js';
import { logScanWasm } from '../../src/bundle/wasm-modules.js';

function scan(text: string, chunk: number): LogEvent[] {
  const events: LogEvent[] = [];
  const s = new LogScanner(logScanWasm(), { file: 'x.log', onEvent: (e) => events.push(e) });
  const buf = Buffer.from(text);
  for (let i = 0; i < buf.length; i += chunk) s.push(buf.subarray(i, i + chunk));
  s.end();
  return events;
}

const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const url = (i: number) => `https://r.example/v2/library/app${i % 7}/blobs/sha256:${hex64(i)}`;
/** Ids that differ only in their last character, so that a cache keyed by a weak hash would mix them up. */
const near = (i: number) => `10.0.0.5-1-${hex64(Math.floor(i / 10)).slice(0, 30)}-${i % 10}`;

/** Interleaves the lines of several tasks, as a busy daemon writes them. */
function interleave(tasks: string[][]): string[] {
  const out: string[] = [];
  for (let k = 0; tasks.some((t) => k < t.length); k++)
    for (const t of tasks) if (k < t.length) out.push(t[k] as string);
  return out;
}

describe('dfdaemon log fast path', () => {
  it('Go zap JSON: task, peer, message and time as JSON.parse reads them, for 600 interleaved tasks', () => {
    const groups: string[][] = [];
    for (let i = 0; i < 600; i++) {
      const mode = (['hit', 'p2p', 'source', 'timeout-source'] as const)[i % 4] as 'hit';
      groups.push(
        goTaskLines({
          startMs: T0 + i * 7,
          peer: near(i),
          task: hex64(i + 1),
          url: url(i),
          size: 1000 + i,
          mode,
          costMs: 100 + i,
          verbose: i % 2 === 0,
        }),
      );
    }
    const lines = [];
    for (let g = 0; g < groups.length; g += 3) lines.push(...interleave(groups.slice(g, g + 3)));
    for (const chunk of [1 << 20, 4093, 97]) {
      const events = scan(`${lines.join('\n')}\n`, chunk);
      expect(events.length).toBeGreaterThan(3000);
      for (const e of events) {
        const o = JSON.parse(lines[e.line - 1] as string) as Record<string, string>;
        expect(e.peer).toBe(o.peer);
        expect(e.task).toBe(o.task);
        expect(e.text).toBe((o.msg as string).length > 240 ? `${(o.msg as string).slice(0, 240)}…` : o.msg);
        expect(e.tsMs).toBe(Date.parse(`${(o.ts as string).replace(' ', 'T')}Z`));
      }
    }
  });

  it('Go zap JSON: peerID/taskID keys, escaped messages, keys in any order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.integer({ min: 0, max: 2000 }),
            msg: fc.constantFrom(
              'register task success',
              'peer task done, cost: 12ms',
              'reuse from peer task: p, total size: 5',
              'start download with url: http://h/"q"\\x',
            ),
            idKeys: fc.boolean(),
            reversed: fc.boolean(),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (specs) => {
          const lines = specs.map((s) => {
            const ids: Record<string, string> = s.idKeys
              ? { taskID: hex64(s.id), peerID: near(s.id) }
              : { task: hex64(s.id), peer: near(s.id) };
            const fields = s.reversed ? Object.fromEntries(Object.entries(ids).reverse()) : ids;
            return goJson(T0 + s.id, 'info', 'peer/x.go:1', s.msg, fields);
          });
          const events = scan(`${lines.join('\n')}\n`, 61);
          expect(events).toHaveLength(specs.length);
          for (const e of events) {
            const o = JSON.parse(lines[e.line - 1] as string) as Record<string, string>;
            expect(e.task).toBe(o.task ?? o.taskID);
            expect(e.peer).toBe(o.peer ?? o.peerID);
          }
        },
      ),
    );
  });

  it('Rust compact: span fields and piece sources as the line text shows them, for 400 interleaved tasks', () => {
    const groups: string[][] = [];
    for (let i = 0; i < 400; i++) {
      const mode = (['hit', 'p2p', 'source'] as const)[i % 3] as 'hit';
      const t = rustTaskLines({
        startMs: T0 + i * 5,
        host: 'node-1',
        peer: near(i),
        task: hex64(i + 3),
        url: url(i),
        size: 9 * 2 ** 20 + i,
        mode,
        costMs: 300 + i,
        series: i % 2 === 0 ? 'v0' : 'v1',
      });
      groups.push([rustProxy(T0 + i * 5, url(i), true, i % 2 === 0 ? 'v0' : 'v1'), ...t]);
    }
    const lines = [];
    for (let g = 0; g < groups.length; g += 4) lines.push(...interleave(groups.slice(g, g + 4)));
    lines.push(
      rustCompact(
        T0,
        'INFO',
        'download_task',
        'dragonfly-client/src/resource/task.rs:1',
        `finished piece ${hex64(1)}-7 from parent p using protocol tcp`,
        `task_id="${hex64(1)}" peer_id="x"`,
      ),
    );
    for (const chunk of [1 << 20, 5003, 113]) {
      const events = scan(`${lines.join('\n')}\n`, chunk);
      expect(events.length).toBeGreaterThan(3000);
      for (const e of events) {
        const line = lines[e.line - 1] as string;
        const field = (k: string) => new RegExp(` ${k}="([^"]*)"`).exec(line)?.[1] || undefined;
        const piece = /finished piece (\S+)-(\d+) from (local|remote peer|parent|source)/.exec(line);
        expect(e.peer).toBe(field('peer_id'));
        expect(e.task).toBe(field('task_id') ?? piece?.[1]);
        if (piece) {
          expect(e.kind).toBe(
            { local: 'piece-local', 'remote peer': 'piece-remote', parent: 'piece-remote', source: 'piece-source' }[
              piece[3] as string
            ],
          );
        } else if (e.kind !== 'proxy-p2p') {
          expect(e.url).toBe(field('url'));
        } else {
          expect(e.url).toBe(/uri: ([^,\s}]+)/.exec(line)?.[1]);
        }
      }
    }
  });
});
