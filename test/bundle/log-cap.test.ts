import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capLog, isImportantLogLine } from '../../src/bundle/log-cap.js';

const info = (i: number) => `{"level":"info","ts":"2022-11-09 06:39:19.${String(i % 1000).padStart(3, '0')}","caller":"peer/x.go:1","msg":"piece ${i} done"}`;
const err = (i: number) => `{"level":"error","ts":"2022-11-09 06:39:19.000","caller":"peer/x.go:2","msg":"back source failed ${i}"}`;

describe('capLog', () => {
  it('leaves a log under the cap untouched', () => {
    const t = [info(1), err(2)].join('\n');
    expect(capLog(t, 10_000)).toEqual({ text: t, omittedLines: 0, omittedBytes: 0 });
  });

  it('keeps old errors and the newest lines, in order, and says what it left out', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => (i === 10 || i === 2000 ? err(i) : info(i)));
    const c = capLog(lines.join('\n'), 40_000);
    expect(c.text.length).toBeLessThanOrEqual(40_000);
    expect(c.text).toContain('back source failed 10');
    expect(c.text).toContain('back source failed 2000');
    expect(c.text.endsWith(info(4999))).toBe(true);
    expect(c.omittedLines).toBeGreaterThan(4000);
    expect(c.text).toMatch(/\[dfdoctor: \d+ older lines \(\d+ bytes\) left out/);
    const kept = c.text.split('\n').filter((l) => !l.startsWith('[dfdoctor'));
    const order = kept.map((l) => lines.indexOf(l));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('recognises the level formats of zap, tracing and logrus', () => {
    expect(isImportantLogLine('2024-06-01T10:00:00.1Z ERROR dragonfly_client::proxy: failed')).toBe(true);
    expect(isImportantLogLine('2022-08-24T13:09:04.964Z\tWARN\tpeer/x.go:1\tslow')).toBe(true);
    expect(isImportantLogLine('time="2026" level=warning msg="trying next host"')).toBe(true);
    expect(isImportantLogLine('2024-06-01T10:00:00.1Z  INFO dragonfly_client: ERRORS=0 ok')).toBe(false);
    expect(isImportantLogLine(info(3))).toBe(false);
  });

  it('never exceeds the cap and never invents a line', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 120 }).map((s) => s.replace(/\n/g, ' ')), fc.integer().map(err)), { maxLength: 400 }), fc.integer({ min: 500, max: 5000 }), (ls, cap) => {
        const text = ls.join('\n');
        const c = capLog(text, cap);
        expect(c.text.length).toBeLessThanOrEqual(Math.max(cap, text.length <= cap ? text.length : 0));
        const src = new Set(text.split('\n'));
        for (const l of c.text.split('\n')) if (!l.startsWith('[dfdoctor:')) expect(src.has(l)).toBe(true);
      }),
    );
  });
});
