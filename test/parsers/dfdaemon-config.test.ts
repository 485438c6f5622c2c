import { describe, expect, it } from 'vitest';
import { parseDfdaemonConfig } from '../../src/parsers/dfdaemon-config.js';

describe('parseDfdaemonConfig on hostile shapes', () => {
  it('a mapping with a `toString` key where a scalar belongs is a located problem, not a crash', () => {
    const r = parseDfdaemonConfig('metrics:\n  toString:\n    port: 4002\n', 'go');
    expect(r.problems).toContainEqual({
      line: 2,
      message: 'metrics: cannot read "{"toString":{"port":4002}}" as an address; using the default',
    });
    expect(r.ok ? r.config.metricsAddr?.from : 'no config').toBe('default');
  });
});
