// dfdaemon.cannot-listen: the Go daemon could not open a listener and exited (its port taken)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cannotListen } from '../../src/rules/dfdaemon/cannot-listen.js';
import { factsFrom } from '../helpers/bundle.js';
import { goJson } from '../facts/dfdaemon-loggen.js';

const REAL = readFileSync(
  new URL('../../fixtures/real/dfdaemon-go-no-available-port-65001/raw/dfdaemon/logs/stderr.log', import.meta.url),
  'utf8',
);
const T0 = Date.UTC(2024, 5, 21, 10, 0, 0);
const bundle = (log: string, extra: Record<string, string> = {}) =>
  factsFrom({ 'raw/dfdaemon/logs/stderr.log': log, ...extra });

describe('dfdaemon.cannot-listen', () => {
  it('cobra\'s "Error: no available port to listen" on the stderr: critical, the port held, ss for it (dragonfly#1171)', async () => {
    const m = cannotListen.when(await bundle(REAL));
    expect(m?.severity).toBe('critical');
    expect(m?.title).toBe('dfdaemon cannot listen on port 65001 and exits: it is not running');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain('first raw/dfdaemon/logs/stderr.log:1: "no available port to listen, port: 65001 - 65001"');
    expect(ev).toContain('the port is held by another process');
    expect(ev).toContain('port 65001 is the proxy port the Helm chart and the packages give it');
    expect(ev).toContain('CrashLoopBackOff');
    expect(JSON.stringify(m?.remediation.steps)).toContain("ss -ltnp 'sport = :65001'");
  });

  it("names the proxy from the daemon's own line, on the port the config sets", async () => {
    const log = goJson(
      T0,
      'error',
      'daemon/daemon.go:676',
      'failed to listen for proxy service: no available port to listen, port: 5001 - 5001',
    );
    const m = cannotListen.when(await bundle(`${log}\n`));
    expect(m?.severity).toBe('critical');
    expect(m?.evidence.join('\n')).toContain('port 5001 is its proxy port');
    expect(JSON.stringify(m?.remediation.steps)).toContain("ss -ltnp 'sport = :5001'");
  });

  it('an earlier failure the log goes on after is a warning: the daemon started again', async () => {
    const fail = goJson(T0, 'error', 'cmd/root.go:126', 'no available port to listen, port: 65001 - 65001');
    const later = goJson(T0 + 600_000, 'info', 'peer/peertask_conductor.go:1393', 'peer task done, cost: 12ms');
    const m = cannotListen.when(await bundle(`${fail}\n${later}\n`));
    expect(m?.severity).toBe('warning');
    expect(m?.title).toBe('dfdaemon failed to open port 65001 at an earlier start, and ran again after it');
    expect(m?.evidence.join('\n')).toContain('the log goes on for 600 s after the last failure');
    // its own restart's lines a moment later are the crash loop itself
    const retry = goJson(
      T0 + 2_000,
      'info',
      'peer/piece_manager.go:92',
      'set calculateDigest to false for piece manager',
    );
    expect(cannotListen.when(await bundle(`${fail}\n${retry}\n`))?.severity).toBe('critical');
  });

  it('stays silent on a daemon that started: its "listen port … is in used" warning alone is no failure', async () => {
    const warn = goJson(
      T0,
      'warn',
      'rpc/server_listen.go:62',
      'listen port 0.0.0.0:65001 is in used, sys error: listen tcp 0.0.0.0:65001: bind: address already in use',
    );
    const serve = goJson(T0 + 5, 'info', 'daemon/daemon.go:682', 'serve proxy at tcp://0.0.0.0:65002');
    expect(cannotListen.when(await bundle(`${warn}\n${serve}\n`))).toBeNull();
  });
});
