import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../src/parsers/go-duration.js';
import {
  parseContainerEvents,
  parseImageEvents,
  parsePulledMessage,
  parseQpsRefusal,
  parseRestartBackOff,
  parseStartedContainer,
} from '../../src/parsers/kubelet-events.js';

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

describe('parseRestartBackOff and parseStartedContainer', () => {
  it("reads the kubelet's restart back-off in both wordings, the pod out of format.PodDesc's name_namespace(uid)", () => {
    // before v1.26 (dragonflyoss/dragonfly#3348), and from v1.26 (kubernetes#113216)
    expect(parseRestartBackOff('Back-off restarting failed container')).toEqual({});
    expect(
      parseRestartBackOff(
        'Back-off restarting failed container dfdaemon in pod dragonfly-dfdaemon-x7k2p_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
      ),
    ).toEqual({ container: 'dfdaemon', pod: 'dragonfly-dfdaemon-x7k2p', namespace: 'dragonfly-system' });
  });
  it('the image back-off, which has the same reason, is no restart', () => {
    expect(parseRestartBackOff('Back-off pulling image "docker.io/dragonflyoss/dfdaemon:v2.1.44"')).toBeNull();
    expect(parseRestartBackOff('Back-off restarting failed container dfdaemon')).toBeNull();
  });
  it('names the container a Started event started, none in old kubelets', () => {
    expect(parseStartedContainer('Started container dfdaemon')).toBe('dfdaemon');
    expect(parseStartedContainer('Started container')).toBe('');
    expect(parseStartedContainer('Started container with docker id 0e6f2eae3e7f')).toBeNull();
  });
  it('keeps the Started and BackOff events of a list, and no others', () => {
    const list = JSON.stringify({
      items: [
        { reason: 'Pulled', message: 'Container image "a:1" already present on machine' },
        {
          reason: 'Started',
          message: 'Started container dfdaemon',
          involvedObject: { name: 'p', namespace: 'n', fieldPath: 'spec.containers{dfdaemon}' },
          count: 3,
        },
        { reason: 'BackOff', message: 'Back-off restarting failed container', count: 82 },
      ],
    });
    const r = parseContainerEvents(list);
    expect(r.ok && r.value.map((e) => [e.reason, e.item, e.count, e.fieldPath])).toEqual([
      ['Started', 2, 3, 'spec.containers{dfdaemon}'],
      ['BackOff', 3, 82, undefined],
    ]);
    const i = parseImageEvents(list);
    expect(i.ok && i.value.map((e) => e.reason)).toEqual(['Pulled']);
  });
});
