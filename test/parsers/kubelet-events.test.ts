import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/parsers/go-duration.js';
import { parseImageEvents, parsePulledMessage, parseQpsRefusal } from '../../src/parsers/kubelet-events.js';

describe('parseGoDuration', () => {
  it('reads time.Duration strings as the kubelet prints them', () => {
    expect(parseGoDuration('717ms')).toBe(717);
    expect(parseGoDuration('1.315633737s')).toBeCloseTo(1315.633737, 6);
    expect(parseGoDuration('1m0.809s')).toBeCloseTo(60809, 6);
    expect(parseGoDuration('3m10.96s')).toBeCloseTo(190960, 6);
    expect(parseGoDuration('1h2m3s')).toBe(3723000);
    expect(parseGoDuration('0s')).toBe(0);
    expect(parseGoDuration('500µs')).toBeCloseTo(0.5, 9);
    expect(parseGoDuration('321.21188ms')).toBeCloseTo(321.21188, 6); // ctr's `done:` line
    expect(parseGoDuration('12µs')).toBeCloseTo(0.012, 9);
  });
  it('refuses what is not one', () => {
    for (const s of ['', 's', '1.5', '12 s', '1m0.809sx', '-1s', 'ms']) expect(parseGoDuration(s), s).toBeNull();
  });
});

describe('parsePulledMessage', () => {
  it('real kubelet wordings: with the image size (1.28+), without it, and a cached image', () => {
    expect(
      parsePulledMessage(
        'Successfully pulled image "zabbix/zabbix-web-nginx-pgsql:latest" in 717ms (718ms including waiting). Image size: 78005565 bytes.',
      ),
    ).toEqual({
      kind: 'pulled',
      image: 'zabbix/zabbix-web-nginx-pgsql:latest',
      pullMs: 717,
      totalMs: 718,
      bytes: 78005565,
    });
    expect(
      parsePulledMessage(
        'Successfully pulled image "registry.k8s.io/echoserver:1.4" in 7.46s (7.46s including waiting)',
      ),
    ).toMatchObject({ kind: 'pulled', pullMs: 7460, totalMs: 7460 });
    expect(parsePulledMessage('Container image "python:3.11-alpine" already present on machine')).toEqual({
      kind: 'present',
      image: 'python:3.11-alpine',
    });
  });
  it('anything else is not a pull', () => {
    expect(parsePulledMessage('Pulling image "nginx"')).toBeNull();
    expect(parsePulledMessage('Successfully pulled image "nginx" in soon (later including waiting)')).toBeNull();
    // a pull longer than the total that includes it is a message pasted wrong (Azure/AKS#3879, as posted)
    expect(
      parsePulledMessage('Successfully pulled image "<image>" in 5m0343499s (22m24.5159081s including waiting)'),
    ).toBeNull();
  });
});

const CORE_V1 = JSON.stringify(
  {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        reason: 'Scheduled',
        message: 'Successfully assigned team/app-1 to node-a',
        involvedObject: { kind: 'Pod', namespace: 'team', name: 'app-1' },
        source: { component: 'default-scheduler' },
      },
      {
        reason: 'Pulled',
        message:
          'Successfully pulled image "registry.example.com/team/app:2.3.1" in 4.46s (9.87s including waiting). Image size: 1000000000 bytes.',
        involvedObject: { kind: 'Pod', namespace: 'team', name: 'app-1', fieldPath: 'spec.containers{app}' },
        source: { component: 'kubelet', host: 'node-a' },
        lastTimestamp: '2026-11-25T09:00:10Z',
        count: 1,
      },
    ],
  },
  null,
  2,
);

describe('parseQpsRefusal', () => {
  it("reads the kubelet limiter's refusal, as a real event printed it (Azure/AKS#3138), with or without the old trailing dot", () => {
    expect(parseQpsRefusal('Failed to pull image "a.b.c/image-0.1": pull QPS exceeded')).toEqual({
      image: 'a.b.c/image-0.1',
    });
    expect(parseQpsRefusal('Failed to pull image "nginx:1": pull QPS exceeded.')).toEqual({ image: 'nginx:1' });
    // the registry's own rate limit and other failures are not the kubelet's limiter
    expect(
      parseQpsRefusal('Failed to pull image "nginx:1": rpc error: code = Unknown desc = toomanyrequests: rate limit'),
    ).toBeNull();
    expect(parseQpsRefusal('Error: ErrImagePull')).toBeNull();
  });
});

describe('parseImageEvents', () => {
  it('keeps the Pulled events of a core/v1 list with where they came from', () => {
    const r = parseImageEvents(CORE_V1);
    expect(r).toEqual({
      ok: true,
      value: [
        {
          reason: 'Pulled',
          item: 2,
          count: 1,
          message: expect.stringContaining('9.87s including waiting'),
          namespace: 'team',
          pod: 'app-1',
          fieldPath: 'spec.containers{app}',
          host: 'node-a',
          at: '2026-11-25T09:00:10Z',
        },
      ],
    });
  });
  it('reads events.k8s.io/v1 names too (note, regarding, reportingInstance)', () => {
    const r = parseImageEvents(
      JSON.stringify({
        items: [
          {
            reason: 'Pulled',
            note: 'Container image "nginx:1" already present on machine',
            regarding: { namespace: 'a', name: 'b' },
            reportingInstance: 'node-b',
            eventTime: '2026-11-25T09:00:00.000000Z',
          },
        ],
      }),
    );
    expect(r.ok && r.value[0]).toMatchObject({
      host: 'node-b',
      pod: 'b',
      message: expect.stringContaining('already present'),
    });
  });
  it('a broken file is located; a list of something else is named', () => {
    const bad = parseImageEvents(CORE_V1.slice(0, 200));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/not JSON/);
    expect(!bad.ok && bad.line).toBeGreaterThan(1);
    expect(parseImageEvents('{"kind":"Status"}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('event list'),
    });
    expect(parseImageEvents('[1, null, {"reason":"Pulled"}]')).toEqual({ ok: true, value: [] });
  });
});
