// A hung dfdaemon (accepts, never answers GET /v2/) by containerd release: up to 2.2.x containerd
// waits on it until image_pull_progress_timeout cancels the pull; from 2.3.0 its registry transport
// gives up after 30 s (ResponseHeaderTimeout, containerd/containerd v2.3.0
// core/remotes/docker/registry.go:267) and tries the next host. Same bundle, only the version differs.
import { describe, expect, it } from 'vitest';
import { mirrorErrorStatusFallsBack, mirrorResponseHeaderTimeout } from '../../src/knowledge/containerd.js';
import { parseRelease, pick } from '../../src/knowledge/versioned.js';
import { stepText } from '../../src/report/steps-render.js';
import { mirrorFallback } from '../../src/rules/containerd/mirror-fallback.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

const fx = loadFixture(new URL('../../fixtures/containerd-mirror-hung/', import.meta.url).pathname);
const VERSION = 'raw/containerd/version.txt';
const HOSTS = 'raw/containerd/certs.d/docker.io/hosts.toml';

/** containerd.mirror-fallback on the hung-mirror fixture, on `version` (null: no version.txt). */
async function hungOn(version: string | null, over: Record<string, string> = {}) {
  const files: Record<string, string> = { ...fx.files, ...over };
  if (version === null) delete files[VERSION];
  else files[VERSION] = `containerd github.com/containerd/containerd/v2 v${version} x\n`;
  return mirrorFallback.when(await factsFrom(files, { manifest: fx.manifest, measurements: fx.measurements }));
}

describe('the response-header timeout by release', () => {
  it('is none before 2.3.0 and 30 s from 2.3.0, the newest assumed when the version is unknown', () => {
    const at = (v: string) => pick(mirrorResponseHeaderTimeout, parseRelease(v));
    expect(at('1.7.27')).toMatchObject({ kind: 'known', value: null });
    expect(at('2.2.7')).toMatchObject({ kind: 'known', value: null });
    expect(at('2.3.0')).toMatchObject({ kind: 'known', value: 30 });
    expect(at('2.3.4')).toMatchObject({ kind: 'known', value: 30 });
    expect(pick(mirrorResponseHeaderTimeout, null)).toMatchObject({ kind: 'assumed', value: 30 });
  });
});

describe('containerd.mirror-fallback with a hung dfdaemon', () => {
  it('2.2.7: waited on, not fallen back from; priced at the progress timeout', async () => {
    const m = await hungOn('2.2.7');
    expect(m?.severity).toBe('critical');
    expect(m?.impactSeconds).toBe(300);
    const ev = m!.evidence.join('\n');
    expect(ev).toMatch(/containerd 2\.2\.7 sets no response timeout on mirror requests \(it has one from 2\.3\.0 on\)/);
    expect(ev).toMatch(/stalls until image_pull_progress_timeout \(5m0s\) cancels it/);
    expect(ev).not.toMatch(/fallback target/);
    expect(ev).not.toMatch(/response-header timeout/);
  });

  it('2.3.4: falls back to the origin after 30 s per request; dial_timeout does not help, restart the mirror', async () => {
    const m = await hungOn('2.3.4');
    expect(m?.severity).toBe('critical');
    // the fixture's bench pull: 3 layers + 2 → 5 requests, as for a black-holed mirror
    expect(m?.impactSeconds).toBe(5 * 30);
    const ev = m!.evidence.join('\n');
    expect(ev).toMatch(
      /containerd 2\.3\.4 gives up on a response after 30 s \(its response-header timeout, from 2\.3\.0\)/,
    );
    expect(ev).toMatch(/dial_timeout does not shorten this/);
    expect(ev).toMatch(/then goes to the next host: pulls succeed, past this dfdaemon/);
    expect(ev).toMatch(/fallback target after the mirror: docker\.io → https:\/\/index\.docker\.io:443/);
    expect(ev).toMatch(/~5 requests × 30 s response-header timeout ≈ 150 s \(bench warm pull/);
    expect(ev).not.toMatch(/stalls|image_pull_progress_timeout/);
    const steps = m!.remediation.steps.map(stepText).join('\n');
    expect(steps).toMatch(/dfdaemon is up but stuck: .*restart it/);
    // the connection is made: a dial timeout never fires for a hung mirror, so none is advised
    expect(steps).not.toMatch(/dial_timeout/);
  });

  it('version unknown: assumes 2.3+ and says so', async () => {
    const m = await hungOn(null);
    expect(m?.impactSeconds).toBe(150);
    expect(m!.evidence.join('\n')).toMatch(
      /containerd's version is unknown: assumed a 30 s response-header timeout \(≥ 2\.3\.0\), so it gives up on a response after 30 s \(before 2\.3\.0 it waits until image_pull_progress_timeout instead\)/,
    );
  });

  it('dfdaemon as the last host (`server`): the request fails after 30 s on 2.3.0–2.3.1, after 5 × 30 s from 2.3.2 (it is retried), no fallback', async () => {
    const server = { [HOSTS]: 'server = "http://127.0.0.1:4001"\n' };
    const m = await hungOn('2.3.1', server);
    expect(m?.severity).toBe('critical');
    // the pull fails rather than slows: no time figure
    expect(m?.impactSeconds).toBeUndefined();
    const ev = m!.evidence.join('\n');
    expect(ev).toMatch(
      /where it is the last host \(docker\.io: dfdaemon as `server`, no origin after it\), the request fails after 30 s instead/,
    );
    expect(ev).not.toMatch(/fallback target|goes to the next host/);
    const retried = (await hungOn('2.3.4', server))!.evidence.join('\n');
    expect(retried).toMatch(
      /the request is tried 5 times \(containerd 2\.3\.4 retries a timeout on the last host, 50 ms apart\), so it fails after 150 s instead/,
    );
    // a progress timeout shorter than the five attempts cancels the pull first
    const cancelled = await hungOn('2.3.4', {
      ...server,
      'raw/containerd/config.toml': fx.files['raw/containerd/config.toml']!.replace(
        '[plugins."io.containerd.grpc.v1.cri"]\n',
        '[plugins."io.containerd.grpc.v1.cri"]\n  image_pull_progress_timeout = "1m"\n',
      ),
    });
    expect(cancelled!.evidence.join('\n')).toMatch(
      /is tried up to 5 times .*, but image_pull_progress_timeout \(1m\) cancels the pull before the last attempt ends/,
    );
    // before 2.3.0 the same file stalls until the progress timeout
    expect((await hungOn('2.2.7', server))?.impactSeconds).toBe(300);
  });

  it('2.3.4 with image_pull_progress_timeout below 30 s: the pull is cancelled before the mirror times out', async () => {
    const m = await hungOn('2.3.4', {
      'raw/containerd/config.toml': fx.files['raw/containerd/config.toml']!.replace(
        '[plugins."io.containerd.grpc.v1.cri"]\n',
        '[plugins."io.containerd.grpc.v1.cri"]\n  image_pull_progress_timeout = "20s"\n',
      ),
    });
    expect(m?.impactSeconds).toBe(20);
    expect(m!.evidence.join('\n')).toMatch(
      /gives up on a response after 30 s .*, but image_pull_progress_timeout \(20s\) is shorter; the pull stalls/,
    );
  });
});

describe('a mirror whose GET /v2/ answers 500, by release', () => {
  it('sends containerd to the next host from 1.4.12 and 1.5.5; before, in 1.4 and 1.5, the pull fails on it', async () => {
    const at = (v: string) => {
      const r = pick(mirrorErrorStatusFallsBack, parseRelease(v));
      return r.kind === 'none' ? undefined : r.value;
    };
    expect([at('1.4.11'), at('1.4.12'), at('1.5.4'), at('1.5.5'), at('1.6.0'), at('2.3.4')]).toEqual([
      false,
      true,
      false,
      true,
      true,
      true,
    ]);
    const checks = JSON.parse(fx.files['raw/containerd/mirror-check.json'] as string) as Record<string, unknown>[];
    const erroring = JSON.stringify(checks.map((k) => ({ ...k, tcp: 'open', v2Status: 500, error: undefined })));
    const over = { 'raw/containerd/mirror-check.json': erroring };
    const old = (await hungOn('1.5.2', over))!.evidence.join('\n');
    expect(old).toMatch(
      /answered 500 .*: containerd 1\.5\.2 fails a pull whose manifest request such a mirror answers with an error, without trying the next host/,
    );
    const now = (await hungOn('1.6.20', over))!.evidence.join('\n');
    expect(now).toMatch(/answered 500 .*: dfdaemon errors send containerd to the next host/);
  });
});
