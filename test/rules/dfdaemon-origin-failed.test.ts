// dfdaemon.origin-failed: the origin registry answered a back-to-source request with an error status, or did not
// answer. Rust "backend get failed: {} {}" (v1.5.1 dragonfly-client/src/resource/piece.rs:570, :589) and
// "download from source error: {:?}" (resource/task.rs:533, :579, :624); Go "back source status code %d/%s"
// (v2.1.49 client/daemon/peer/piece_manager.go:387) and "download from source error: %s" (peertask_conductor.go:515)
import { describe, expect, it } from 'vitest';
import { originFailed, originFailureOf } from '../../src/rules/dfdaemon/origin-failed.js';
import { stepText } from '../../src/report/steps-render.js';
import { factsFrom } from '../helpers/bundle.js';
import { goJson, goTaskLines, hex64, rustCompact, rustTaskLines } from '../facts/dfdaemon-loggen.js';

const T0 = Date.UTC(2026, 10, 20, 7, 50, 0);
const URL0 = `https://registry.example.com/v2/team/app/blobs/sha256:${hex64(5)}`;
const TASK = hex64(9);
const PEER = '10.244.2.9-node-b-1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b';
const ids = `host_id="10.244.2.9-node-b" task_id="${TASK}" peer_id="${PEER}"`;
const rust = (log: string[]) =>
  factsFrom({ 'raw/dfdaemon/generation.txt': 'rust\n', 'raw/dfdaemon/logs/dfdaemon.log': `${log.join('\n')}\n` });
const backendGet = (ms: number, rest: string) =>
  rustCompact(
    ms,
    'ERROR',
    'download_task:download_from_source',
    'dragonfly-client/src/resource/piece.rs:589',
    `backend get failed: ${rest}`,
    `${ids} piece_id="${TASK}-0"`,
  );
const started = rustCompact(
  T0,
  'INFO',
  'download_task',
  'dragonfly-client/src/grpc/dfdaemon_download.rs:221',
  `download task started: Download { url: "${URL0}", digest: None, range: None, type: 0, tag: None, application: None, priority: 0, filtered_query_params: [], request_header: {}, piece_length: None, output_path: None, timeout: None, need_back_to_source: false }`,
  `${ids} url="${URL0}"`,
);
const order = rustCompact(
  T0 + 30,
  'INFO',
  'download_task',
  'dragonfly-client/src/resource/task.rs:950',
  'need back to source response',
  ids,
);

describe('dfdaemon.origin-failed', () => {
  it('names the status the origin answered a Rust piece with, and the task, a warning in the last pull', async () => {
    const f = await rust([
      started,
      order,
      backendGet(T0 + 200, '401 Unauthorized {"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'),
      backendGet(T0 + 210, '401 Unauthorized {"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'),
    ]);
    const m = originFailed.when(f);
    expect(m?.severity).toBe('warning');
    expect(originFailed.cause).toBe('registry-roundtrip');
    expect(m?.evidence[0]).toBe('2 request(s) to the origin failed in the last pull: 401 Unauthorized');
    expect(m?.evidence[1]).toContain(`task ${TASK.slice(0, 16)}…`);
    expect(m?.evidence[1]).toContain('the origin answered 401 Unauthorized');
    expect(m?.evidence[2]).toContain('dfdaemon.log:3: "backend get failed: 401 Unauthorized');
    const steps = m?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain("the registry refused the request's credentials");
  });

  it('tries the origin from this node when the request got no answer', async () => {
    const f = await rust([started, order, backendGet(T0 + 200, `error sending request for url (${URL0}) `)]);
    const m = originFailed.when(f);
    expect(m?.evidence[0]).toBe('1 request(s) to the origin failed in the last pull: request not sent (no connection)');
    const steps = m?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain("timeout 5 bash -c '</dev/tcp/registry.example.com/443' && echo reachable");
  });

  it("reads the status of Go's back-to-source answer", async () => {
    const g = { peer: 'p1', task: 't1', component: 'PeerTask' };
    const log = [
      ...goTaskLines({ startMs: T0, peer: 'p1', task: 't1', url: URL0, size: 30e6, mode: 'source', costMs: 900 }),
      goJson(T0 + 950, 'error', 'peer/piece_manager.go:387', 'back source status code 403/403 Forbidden', g),
    ];
    const f = await factsFrom({ 'raw/dfdaemon/logs/core.log': `${log.join('\n')}\n` });
    expect(originFailed.when(f)?.evidence[0]).toBe('1 request(s) to the origin failed in the last pull: 403 Forbidden');
  });

  it('says a Go source error for a URL without a scheme sent nothing, and tries no connection', async () => {
    // dragonflyoss/dragonfly#4006's line: proxy.registryMirror.url written without https://
    const g = { peer: 'p1', task: 't1', component: 'PeerTask' };
    const log = [
      ...goTaskLines({ startMs: T0, peer: 'p1', task: 't1', url: URL0, size: 30e6, mode: 'source', costMs: 900 }),
      goJson(
        T0 + 950,
        'error',
        'peer/peertask_conductor.go:519',
        'download from source error: scheme : no source client found',
        g,
      ),
    ];
    const m = originFailed.when(await factsFrom({ 'raw/dfdaemon/logs/core.log': `${log.join('\n')}\n` }));
    expect(m?.evidence[0]).toBe('1 request(s) to the origin failed in the last pull: no source client for scheme ""');
    expect(m?.evidence[1]).toContain(': the origin request failed: no source client for scheme ""');
    const steps = m?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain('nothing was sent — the URL dfdaemon was to fetch has no scheme');
    expect(steps).not.toContain('/dev/tcp/');
  });

  it('stays silent on a healthy back-to-source, on back-to-source disabled and on a full disk', async () => {
    const healthy = rustTaskLines({
      startMs: T0,
      host: '10.244.2.9-node-b',
      peer: PEER,
      task: TASK,
      url: URL0,
      size: 30e6,
      mode: 'source',
      costMs: 900,
      series: 'v1',
      release: 'v1.5.1',
    });
    expect(originFailed.when(await rust(healthy))).toBeNull();
    const disabled = rustCompact(
      T0 + 40,
      'ERROR',
      'download_task',
      'dragonfly-client/src/resource/task.rs:608',
      'download back-to-source is disabled',
      ids,
    );
    expect(originFailed.when(await rust([started, disabled]))).toBeNull();
    const full = goJson(
      T0 + 40,
      'error',
      'peer/peertask_conductor.go:515',
      'download from source error: write /var/lib/dragonfly/t1/data: no space left on device',
      { peer: 'p1', task: 't1', component: 'PeerTask' },
    );
    expect(originFailed.when(await factsFrom({ 'raw/dfdaemon/logs/core.log': `${full}\n` }))).toBeNull();
  });

  it('reads what failed from each form', () => {
    expect(originFailureOf('backend get failed: 404 Not Found {"errors":[]}')).toBe('404 Not Found');
    expect(originFailureOf('backend get failed: 429 Too Many Requests ')).toBe('429 Too Many Requests');
    expect(
      originFailureOf(
        'download from source error: BackendError(BackendError { message: "503 Service Unavailable", status_code: Some(503), header: Some({}) })',
      ),
    ).toBe('503 Service Unavailable');
    expect(
      originFailureOf(
        'download from source error: rpc error: code = Aborted desc = source response 404/404 Not Found is not valid',
      ),
    ).toBe('404 Not Found');
    expect(
      originFailureOf(
        'download from source error: IO(Custom { kind: Other, error: reqwest::Error { kind: Decode, source: reqwest::Error { kind: Body, source: TimedOut } } })',
      ),
    ).toBe('timed out');
  });
});
