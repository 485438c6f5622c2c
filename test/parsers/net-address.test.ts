import { describe, expect, it } from 'vitest';
import { urlPort } from '../../src/parsers/net-address.js';

describe('urlPort', () => {
  it('the written port, else the scheme default; nothing for what is not a URL', () => {
    expect(urlPort('http://127.0.0.1:65001')).toBe(65001);
    expect(urlPort('http://[::1]:4001/v2/')).toBe(4001);
    expect(urlPort('http://127.0.0.1')).toBe(80);
    expect(urlPort('https://registry-1.docker.io')).toBe(443);
    expect(urlPort('127.0.0.1:4001 without a scheme')).toBeUndefined();
    expect(urlPort('')).toBeUndefined();
  });
});
