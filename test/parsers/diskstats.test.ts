import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DiskstatsRow, ioStat, parseDiskstats } from '../../src/parsers/diskstats.js';

// Real rows: 17 counters (kernel ≥ 5.5, this machine), 15 (4.18–5.4) and 11 (older kernels).
const K6 = ` 254       0 vda 31701 7097 1771650 10511 7288 16981 1437384 8935 0 5560 19930 4135 54 86480 439 1155 43
 254       1 vda1 31000 7000 1700000 10000 7000 16000 1400000 8000 0 5000 18000 0 0 0 0 0 0
   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
`;
const K4_18 = '   8       0 sda 5013 1200 402100 8123 2201 4511 98000 3321 2 7012 11444 12 0 96 3\n';
const K4_4 = '   8      16 sdb 100 2 800 1500 50 0 400 900 0 2300 2400\n';

describe('parseDiskstats', () => {
  it('reads the 17-field rows of current kernels', () => {
    const r = parseDiskstats(K6);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const vda = r.value.get('vda') as DiskstatsRow;
    expect(vda).toMatchObject({
      major: 254,
      minor: 0,
      readsCompleted: 31701,
      sectorsRead: 1771650,
      readTicksMs: 10511,
      writesCompleted: 7288,
      ioTicksMs: 5560,
      timeInQueueMs: 19930,
      discardsCompleted: 4135,
      flushesCompleted: 1155,
      flushTicksMs: 43,
    });
    expect(r.value.get('vda1')?.minor).toBe(1);
    expect(r.value.size).toBe(3);
  });

  it('reads 15- and 11-field rows, with the absent counters at 0', () => {
    const a = parseDiskstats(K4_18);
    const b = parseDiskstats(K4_4);
    expect(a.ok && a.value.get('sda')).toMatchObject({
      inFlight: 2,
      ioTicksMs: 7012,
      timeInQueueMs: 11444,
      discardsCompleted: 12,
      flushesCompleted: 0,
    });
    expect(b.ok && b.value.get('sdb')).toMatchObject({
      readTicksMs: 1500,
      ioTicksMs: 2300,
      timeInQueueMs: 2400,
      discardsCompleted: 0,
    });
  });

  it('locates a truncated or garbled line', () => {
    const r = parseDiskstats(`${K6}   8 0 sdc 1 2 3\n`);
    expect(r).toEqual({ ok: false, line: 4, message: expect.stringContaining('sdc') });
    const g = parseDiskstats(' 254 0 vda 1 2 x 4 5 6 7 8 9 10 11\n');
    expect(g.ok).toBe(false);
    expect(parseDiskstats('').ok).toBe(false);
  });
});

function row(over: Partial<DiskstatsRow>): DiskstatsRow {
  return {
    major: 8,
    minor: 0,
    name: 'sda',
    readsCompleted: 0,
    readsMerged: 0,
    sectorsRead: 0,
    readTicksMs: 0,
    writesCompleted: 0,
    writesMerged: 0,
    sectorsWritten: 0,
    writeTicksMs: 0,
    inFlight: 0,
    ioTicksMs: 0,
    timeInQueueMs: 0,
    discardsCompleted: 0,
    discardTicksMs: 0,
    flushesCompleted: 0,
    flushTicksMs: 0,
    ...over,
  };
}

describe('ioStat (iostat -x)', () => {
  it('computes r/s, MB/s, r_await, aqu-sz and %util like sysstat', () => {
    const a = row({
      readsCompleted: 1000,
      sectorsRead: 100_000,
      readTicksMs: 5000,
      writesCompleted: 10,
      writeTicksMs: 20,
      ioTicksMs: 100,
      timeInQueueMs: 400,
    });
    const b = row({
      readsCompleted: 1200,
      sectorsRead: 100_000 + 200 * 256,
      readTicksMs: 5000 + 200 * 12.5,
      writesCompleted: 60,
      writeTicksMs: 20 + 50 * 2,
      ioTicksMs: 100 + 1800,
      timeInQueueMs: 400 + 6000,
    });
    const s = ioStat(a, b, 2000);
    expect(s).not.toBeNull();
    expect(s?.readsPerSec).toBe(100);
    expect(s?.writesPerSec).toBe(25);
    expect(s?.readMBps).toBeCloseTo((200 * 256 * 512) / 1e6 / 2, 6);
    expect(s?.rAwaitMs).toBe(12.5);
    expect(s?.wAwaitMs).toBe(2);
    expect(s?.aquSz).toBe(3);
    expect(s?.utilPct).toBe(90);
  });

  it('has no await without completed IO, and refuses counters that went backwards or an empty window', () => {
    const a = row({ readsCompleted: 5, ioTicksMs: 10 });
    expect(ioStat(a, a, 1000)).toMatchObject({ rAwaitMs: null, wAwaitMs: null, aquSz: 0, utilPct: 0 });
    expect(ioStat(a, row({ readsCompleted: 4 }), 1000)).toBeNull();
    expect(ioStat(a, a, 0)).toBeNull();
  });

  it('keeps %util within 0–100 and awaits non-negative for any forward-moving counters', () => {
    const nat = fc.nat({ max: 1e9 });
    fc.assert(
      fc.property(
        fc.array(nat, { minLength: 8, maxLength: 8 }),
        fc.array(nat, { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 600_000 }),
        (base, delta, w) => {
          const keys = [
            'readsCompleted',
            'sectorsRead',
            'readTicksMs',
            'writesCompleted',
            'sectorsWritten',
            'writeTicksMs',
            'ioTicksMs',
            'timeInQueueMs',
          ] as const;
          const a = row(Object.fromEntries(keys.map((k, i) => [k, base[i]])));
          const b = row(Object.fromEntries(keys.map((k, i) => [k, (base[i] ?? 0) + (delta[i] ?? 0)])));
          const s = ioStat(a, b, w);
          expect(s).not.toBeNull();
          expect(s?.utilPct).toBeGreaterThanOrEqual(0);
          expect(s?.utilPct).toBeLessThanOrEqual(100);
          expect(s?.rAwaitMs ?? 0).toBeGreaterThanOrEqual(0);
          expect(s?.aquSz).toBeGreaterThanOrEqual(0);
        },
      ),
    );
  });
});
