import { describe, expect, it } from 'vitest';
import { logsAs } from '../../src/facts/containerd-routes.js';

describe("a route host as containerd's log names it (Go's url.URL.Host)", () => {
  it('is host:port, or the host alone for the scheme’s default port, IPv6 in brackets', () => {
    const h = (host: string, port: number, scheme: 'http' | 'https' = 'http') => ({ host, port, scheme });
    expect(logsAs(h('127.0.0.1', 4001), '127.0.0.1:4001')).toBe(true);
    expect(logsAs(h('127.0.0.1', 4001), '127.0.0.1')).toBe(false);
    expect(logsAs(h('mirror.example', 80), 'mirror.example')).toBe(true);
    expect(logsAs(h('mirror.example', 80, 'https'), 'mirror.example')).toBe(false);
    expect(logsAs(h('mirror.example', 443, 'https'), 'mirror.example')).toBe(true);
    expect(logsAs(h('::1', 4001), '[::1]:4001')).toBe(true);
    expect(logsAs(h('::1', 80), '[::1]')).toBe(true);
    expect(logsAs(h('::1', 4001), '::1:4001')).toBe(false);
  });
});
