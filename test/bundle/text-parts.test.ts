// Where a text written in parts may be cut (src/bundle/text-parts.ts): never inside a PEM block.
import { describe, expect, it } from 'vitest';
import { openPemLine } from '../../src/bundle/text-parts.js';

const open = (text: string, from = 0, to = Buffer.byteLength(text)) => openPemLine(Buffer.from(text), from, to);

describe('openPemLine', () => {
  it('gives the start of the line of a block that does not end in the part', () => {
    expect(open('a\n-----BEGIN PRIVATE KEY-----\nMIIE\n')).toBe(2);
    expect(open('-----BEGIN PRIVATE KEY-----\nMIIE')).toBe(0);
    // six dashes hold "-----BEGIN" all the same
    expect(open('x\ny ------BEGIN RSA PRIVATE KEY-----\n')).toBe(2);
  });

  it('is -1 when the block ends in the part, or when no "-----BEGIN" is there whole', () => {
    expect(open('a\n-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n')).toBe(-1);
    expect(open('2026-12-06 BEGIN of the day, ----BEGIN with four dashes, -- -- -BEGIN\n')).toBe(-1);
    expect(open('BEGIN at the start, -----BEGI\n')).toBe(-1);
    expect(open('')).toBe(-1);
  });

  it('reads only [from, to): dashes before the part do not count, nor a block after it', () => {
    const text = 'ab-----BEGIN PRIVATE KEY-----\n';
    expect(open(text, 0)).toBe(0);
    // from 3 the part begins "----BEGIN": four dashes
    expect(open(text, 3)).toBe(-1);
    expect(open(text, 0, 11)).toBe(-1);
    expect(open(text, 0, 12)).toBe(0);
  });
});
