// dfdaemon.proxy-body-cut: Go's ReverseProxy cut a response off mid-body (std-log "httputil: ReverseProxy read
// error during body copy: …"), a P2P task failure when the body was a stream task's
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { proxyBodyCut } from '../../src/rules/dfdaemon/proxy-body-cut.js';
import { factsFrom } from '../helpers/bundle.js';
import { goJson } from '../facts/dfdaemon-loggen.js';

const REAL = readFileSync(
  new URL('../../fixtures/real/dfdaemon-go-stderr-body-cut-5006/raw/dfdaemon/logs/stderr.log', import.meta.url),
  'utf8',
);
const cut = (err: string) => `2023/08/14 16:18:32 httputil: ReverseProxy read error during body copy: ${err}\n`;
const bundle = (log: string) => factsFrom({ 'raw/dfdaemon/logs/stderr.log': log });

describe('dfdaemon.proxy-body-cut', () => {
  it('the scheduler ending the P2P task (5006) behind a cut response: critical, with what 5006 means (dragonfly#2631)', async () => {
    const m = proxyBodyCut.when(await bundle(REAL));
    expect(m?.severity).toBe('critical');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain(
      '1 proxied response(s) cut off mid-body, first raw/dfdaemon/logs/stderr.log:1: "httputil: ReverseProxy read error during body copy: stream close with peer task fail: 5006/receive exit peer packet with code 5006"',
    );
    expect(ev).toContain('its peer task failed with code 5006 (SchedTaskStatusError)');
    expect(ev).toContain('the scheduler ending the task');
    // the defaults by release, not one release's (3 peers per task held for v2.0.5–v2.1.30 only)
    expect(ev).toContain('scheduler.backToSourceCount peers per task');
    expect(ev).toContain('code default 200 from v2.1.31, 3 in v2.0.5–v2.1.30');
    expect(ev).toContain('code default 5 from v2.1.31, 15 in v2.1.29–v2.1.30, 10 in v2.0.2–v2.1.28');
    expect(ev).not.toContain('default 10 tries');
    expect(ev).toContain('more than 200 peers of the task had failed');
    expect(m?.remediation.summary).toContain('Find why the scheduler gave up on these P2P tasks');
    const steps = JSON.stringify(m?.remediation.steps);
    expect(steps).toContain('logs -l component=scheduler --tail=-1');
    expect(steps).toContain('exceeded RetryLimit');
    expect(steps).toContain('seed peers');
  });

  it('another task failure names its code, without the 5006 reading', async () => {
    const m = proxyBodyCut.when(
      await bundle(cut('stream close with peer task fail: 5000/receive exit peer packet with code 5000')),
    );
    expect(m?.severity).toBe('critical');
    const ev = m?.evidence.join('\n') ?? '';
    expect(ev).toContain('code 5000 (SchedError)');
    expect(ev).not.toContain('backToSourceCount');
    expect(m?.remediation.summary).toContain('Find why these P2P tasks failed after their responses began');
  });

  it('a body that failed for another reason is a warning that names no P2P task', async () => {
    const m = proxyBodyCut.when(await bundle(cut('unexpected EOF')));
    expect(m?.severity).toBe('warning');
    expect(m?.title).toBe("dfdaemon's proxy cut responses off mid-body: the body it was streaming failed");
    expect(m?.evidence.join('\n')).not.toContain('peer task failed');
  });

  it('stays silent on a client that went away, on the 502 line, and on a zap log without such lines', async () => {
    expect(proxyBodyCut.when(await bundle(cut('context done due to: context canceled')))).toBeNull();
    expect(
      proxyBodyCut.when(await bundle('2023/08/14 16:18:33 http: proxy error: context deadline exceeded\n')),
    ).toBeNull();
    const zap = goJson(Date.UTC(2023, 7, 14), 'info', 'peer/peertask_conductor.go:1393', 'peer task done, cost: 12ms');
    expect(proxyBodyCut.when(await bundle(`${zap}\n`))).toBeNull();
  });
});
