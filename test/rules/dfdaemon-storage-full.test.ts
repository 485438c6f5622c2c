// dfdaemon.storage-full and the Go "put piece to storage failed" line (v2.1.49 client/daemon/peer/piece_manager.go:232,
// :294): a full filesystem fires the rule; the stream's errors do not: a parent's broken stream is a failure of that
// parent (dfdaemon.parent-failures), an origin's is the task's "download from source error"; a digest mismatch is a
// digest failure
import { describe, expect, it } from 'vitest';
import { storageFull } from '../../src/rules/dfdaemon/storage-full.js';
import { verification } from '../../src/rules/dfdaemon/digest-verification.js';
import { parentFailures } from '../../src/rules/dfdaemon/parent-failures.js';
import { factsFrom } from '../helpers/bundle.js';
import { goJson } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2024, 2, 1, 10, 0, 0);
const ids = { peer: '10.0.0.5-1-aa11', task: 'f00d' };
const put = (ms: number, err: string) =>
  goJson(
    ms,
    'error',
    'peer/piece_manager.go:232',
    `put piece to storage failed, piece num: 3, wrote: 1048576, error: ${err}`,
    ids,
  );
const log = (...lines: string[]) =>
  [
    goJson(T0, 'info', 'peer/peertask_conductor.go:270', 'step 1: peer 10.0.0.5-1-aa11 start to register', ids),
    ...lines,
    goJson(T0 + 9_000, 'info', 'peer/peertask_conductor.go:1393', 'peer task done, cost: 9000ms', ids),
    '',
  ].join('\n');
const bundle = (text: string) => factsFrom({ 'raw/dfdaemon/logs/core.log': text });

describe('dfdaemon.storage-full', () => {
  it('a piece the daemon could not write for want of space is a warning quoting the line', async () => {
    const f = await bundle(log(put(T0 + 1_000, 'write /var/lib/dragonfly/f00d/data: no space left on device')));
    const m = storageFull.when(f);
    expect(m?.severity).toBe('warning');
    expect(m?.evidence[0]).toContain(
      "1 piece(s) of 1 task(s) of the last pull could not be written to dfdaemon's storage",
    );
    expect(m?.evidence[0]).toContain('no space left on device');
    const task = f.dfdaemon?.logs?.summary.tasks[0];
    expect(task?.pieces.failed).toBe(1);
    expect(task?.storeFailures).toHaveLength(1);
  });

  it("stays silent on the line's stream errors, which are not the disk's", async () => {
    const f = await bundle(log(put(T0 + 1_000, 'unexpected EOF'), put(T0 + 2_000, 'short read')));
    expect(storageFull.when(f)).toBeNull();
  });

  it("reads a parent's stream that broke mid-piece as a failure of that parent (peertask_conductor.go:1118-1120)", async () => {
    const f = await bundle(
      log(
        put(T0 + 1_000, 'read tcp 10.0.0.5:51234->10.0.3.17:65002: read: connection reset by peer'),
        put(T0 + 2_000, 'short read'),
      ),
    );
    const task = f.dfdaemon?.logs?.summary.tasks[0];
    expect(task?.pieceFailures).toHaveLength(2);
    expect(task?.storeFailures).toHaveLength(0);
    expect(task?.pieces.failed).toBe(2);
    const m = parentFailures.when(f);
    expect(m?.severity).toBe('warning');
    expect(m?.evidence[0]).toBe(
      '2 pieces of 1 task of the last pull failed from a parent: 10.0.3.17:65002 (connection reset by peer)',
    );
  });

  it('leaves the disk, a cancel and the origin\'s stream (after "start to download from source") out of the parent failures', async () => {
    const f = await bundle(
      log(
        put(T0 + 500, 'open /var/lib/dragonfly/f00d/data: read-only file system'),
        put(T0 + 600, 'context canceled'),
        goJson(T0 + 700, 'info', 'peer/piece_manager.go:318', 'start to download from source', ids),
        put(T0 + 1_000, 'read tcp 10.0.0.5:51240->104.18.123.25:443: read: connection reset by peer'),
      ),
    );
    const task = f.dfdaemon?.logs?.summary.tasks[0];
    expect(task?.pieceFailures).toHaveLength(0);
    expect(task?.storeFailures).toHaveLength(3);
    expect(parentFailures.when(f)).toBeNull();
  });

  it("a piece whose md5 failed its check is the task's digest failure", async () => {
    const f = await bundle(log(put(T0 + 1_000, 'digest encoded not match')));
    expect(storageFull.when(f)).toBeNull();
    expect(f.dfdaemon?.logs?.summary.tasks[0]?.digestFailures).toHaveLength(1);
    expect(verification.when(f)?.severity).toBe('warning');
  });
});
