// The timelines' memory bound: at most 5,000 tasks are kept; when a new one would pass that, the 500
// created first are dropped, finished or not, and counted. A key seen again after its task was dropped
// starts a new timeline.
import { describe, expect, it } from 'vitest';
import { newEvent } from '../../src/parsers/dfdaemon-log-details.js';
import type { EventKind } from '../../src/parsers/dfdaemon-log-types.js';
import { TimelineBuilder } from '../../src/parsers/dfdaemon-timeline.js';

let line = 0;
function event(kind: EventKind, peer: string, tsMs: number) {
  const e = newEvent(kind, 'core.log', ++line, 'go-json', 'info', tsMs, kind);
  e.peer = peer;
  return e;
}

describe('TimelineBuilder memory bound', () => {
  it('keeps the 5,000 newest tasks at most, dropping the first created 500 at a time, unfinished ones too', () => {
    const b = new TimelineBuilder();
    // task 0 never finishes; every other task does
    b.add(event('task-start', 'p0', 0));
    for (let i = 1; i < 6_000; i++) {
      b.add(event('task-start', `p${i}`, i * 10));
      b.add(event('task-done', `p${i}`, i * 10 + 5));
    }
    const s = b.finish();
    // at the 5,001st and at the 5,501st creation, the 500 created first go
    expect(s.tasks.length + s.droppedTasks).toBe(6_000);
    expect(s.tasks.length).toBeLessThanOrEqual(5_000);
    expect(s.droppedTasks).toBe(1_000);
    const keys = s.tasks.map((t) => t.key);
    expect(keys[0]).toBe('p1000');
    expect(keys.at(-1)).toBe('p5999');
    expect(keys).not.toContain('p0');
  });

  it('a key seen again after its task was dropped starts a new timeline from that line', () => {
    const b = new TimelineBuilder();
    b.add(event('task-start', 'again', 1));
    b.add(event('task-done', 'again', 2));
    for (let i = 0; i < 5_000; i++) b.add(event('task-start', `p${i}`, 100 + i));
    b.add(event('piece-local', 'again', 9_000));
    const t = b.finish().tasks.find((x) => x.key === 'again');
    expect(t?.startMs).toBe(9_000);
    expect(t?.refs.done).toBeUndefined();
    expect(t?.pieces.local).toBe(1);
  });
});
