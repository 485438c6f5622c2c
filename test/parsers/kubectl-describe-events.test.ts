import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { evaluate } from '../../src/engine.js';
import { parseDescribeEvents } from '../../src/parsers/kubectl-describe-events.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

// the rows Azure/AKS#3138 pasted (fixtures/real/kubelet-pull-qps-exceeded-aks-3138/SOURCE.md)
const PASTED = readFileSync(
  new URL('../../fixtures/real/kubelet-pull-qps-exceeded-aks-3138/pasted/describe-events.txt', import.meta.url),
  'utf8',
);

describe('parseDescribeEvents', () => {
  it('reads the rows of a real paste: reason, repeat count, component and message', () => {
    expect(parseDescribeEvents(PASTED).map((e) => [e.line, e.type, e.reason, e.count, e.from, e.message])).toEqual([
      [1, 'Warning', 'Failed', 1, 'kubelet', 'Failed to pull image "a.b.c/image-0.1": pull QPS exceeded'],
      [2, 'Warning', 'Failed', 1, 'kubelet', 'Error: ErrImagePull'],
      [3, 'Normal', 'BackOff', 2, 'kubelet', 'Back-off pulling image "a.b.c/image-0.1"'],
      [4, 'Warning', 'Failed', 2, 'kubelet', 'Error: ImagePullBackOff'],
    ]);
  });

  it('reads rows whose column padding a paste collapsed to single spaces (hjacobs/kube-ops-view#176)', () => {
    const text = readFileSync(
      new URL(
        '../../fixtures/real/kubelet-describe-collapsed-columns-kube-ops-view-176/pasted/describe-events.txt',
        import.meta.url,
      ),
      'utf8',
    );
    expect(parseDescribeEvents(text).map((e) => [e.line, e.type, e.reason, e.count, e.from, e.host])).toEqual([
      [2, 'Normal', 'Pulling', 2, 'kubelet', 'kworker2'],
      [3, 'Warning', 'Failed', 2, 'kubelet', 'kworker2'],
      [4, 'Warning', 'Failed', 2, 'kubelet', 'kworker2'],
      [5, 'Normal', 'BackOff', 4, 'kubelet', 'kworker2'],
      [6, 'Warning', 'Failed', 4, 'kubelet', 'kworker2'],
    ]);
    expect(parseDescribeEvents(text)[1]!.message).toMatch(
      /^Failed to pull image "hjacobs\/kube-ops-view:0\.8\.1": rpc error/,
    );
    // prose that opens like a row but has no age where kubectl prints one is no row
    expect(
      parseDescribeEvents('Normal Pulling takes long with kubelet here\nWarning Failed 3 times kubelet x'),
    ).toEqual([]);
  });

  it("reads kubectl 1.35+'s rows, whose messages begin with the container's field path", () => {
    // kubernetes/kubernetes#133627's example of the new output (its columns two spaces apart, as kubectl's
    // tabwriter pads them), and a Pulled row in the same form
    const text = [
      '  Warning  Failed   7m11s (x2 over 7m33s)  kubelet          spec.containers{nginx}: Failed to pull image "nginx": pull QPS exceeded',
      '  Normal   Pulled   17s                   kubelet          spec.initContainers{init-db}: Successfully pulled image "nginx:1.7.9" in 6.341s (9.5s including waiting). Image size: 39947836 bytes.',
    ].join('\n');
    expect(parseDescribeEvents(text).map((e) => [e.reason, e.fieldPath, e.message])).toEqual([
      ['Failed', 'spec.containers{nginx}', 'Failed to pull image "nginx": pull QPS exceeded'],
      [
        'Pulled',
        'spec.initContainers{init-db}',
        'Successfully pulled image "nginx:1.7.9" in 6.341s (9.5s including waiting). Image size: 39947836 bytes.',
      ],
    ]);
  });

  it("reads `kubectl get events` rows and the kubelet's pull message pasted alone", () => {
    // kubernetes/kubernetes#111772 (`kubectl get events -w | grep pulled`), and Azure/karpenter-provider-azure#1260
    const text = [
      '[root@paco ~]# kubectl get events -w| grep pulled',
      '0s          Normal    Pulled                    pod/pod-small-3   Successfully pulled image "docker.m.daocloud.io/library/ubuntu:22.10" in 1m21.284220239s',
      '0s          Warning   FailedMount               pod/x             MountVolume.SetUp failed',
      '```Successfully pulled image "foo:bar" in 2.786s (10m16.315s including waiting). Image size: 40538901 bytes.```',
      'pulled image "x" in 2s, said someone',
    ].join('\n');
    expect(parseDescribeEvents(text).map((e) => [e.line, e.type, e.reason, e.from, e.message])).toEqual([
      [
        2,
        'Normal',
        'Pulled',
        'kubelet',
        'Successfully pulled image "docker.m.daocloud.io/library/ubuntu:22.10" in 1m21.284220239s',
      ],
      // no source column: only the kubelet's image reasons are taken as the kubelet's
      [3, 'Warning', 'FailedMount', 'unknown', 'MountVolume.SetUp failed'],
      [
        4,
        'Normal',
        'Pulled',
        'kubelet',
        'Successfully pulled image "foo:bar" in 2.786s (10m16.315s including waiting). Image size: 40538901 bytes.',
      ],
    ]);
  });

  it("reads the kubelet's failure message pasted alone, and nothing that merely mentions a failed pull", () => {
    // dragonflyoss/dragonfly#2523, as posted (the reporter's "or" between two such messages)
    const text = [
      'Failed to pull image "nginx": rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:latest": failed to unpack image on snapshotter overlayfs: unexpected media type text/html for sha256:723cc6bcc69478b1942d6796f2bcf2f67af9efa9974a3c8a0716d162721485bb: not found',
      '',
      'or',
      '```Failed to pull image "busybox:latest": rpc error: code = Unknown desc = boom```',
      // the kubelet's own structured log line is no event message
      'E0823 00:08:36.232130    2669 kuberuntime_image.go:55] "Failed to pull image" err="rpc error: boom" image="x"',
    ].join('\n');
    expect(parseDescribeEvents(text).map((e) => [e.line, e.type, e.reason, e.from, e.message.slice(0, 30)])).toEqual([
      [1, 'Warning', 'Failed', 'kubelet', 'Failed to pull image "nginx": '],
      [4, 'Warning', 'Failed', 'kubelet', 'Failed to pull image "busybox:'],
    ]);
    expect(parseDescribeEvents(text)[1]?.message).toBe(
      'Failed to pull image "busybox:latest": rpc error: code = Unknown desc = boom',
    );
  });

  it("skips the header and its rule, and reads an older kubectl's component with its host", () => {
    const text = [
      'Events:',
      '  Type    Reason   Age   From                Message',
      '  ----    ------   ----  ----                -------',
      '  Normal  Pulled   12s   kubelet, node-1     Successfully pulled image "nginx:1.27" in 1.204s (14.611s including waiting)',
    ].join('\n');
    expect(parseDescribeEvents(text)).toEqual([
      {
        line: 4,
        type: 'Normal',
        reason: 'Pulled',
        count: 1,
        from: 'kubelet',
        host: 'node-1',
        message: 'Successfully pulled image "nginx:1.27" in 1.204s (14.611s including waiting)',
      },
    ]);
  });
});

describe('wrapped event rows', () => {
  it('reads a message wrapped onto the next lines into its row, and reads the next row as its own', () => {
    // dragonflyoss/dragonfly#3348's rows, re-wrapped as a terminal (at 80 columns, mid-word) and a person
    // (between words, the rest indented) leave them; the error is dragonflyoss/dragonfly#3582's
    const text = [
      '  Normal   Started    17m (x3 over 17m)     kubelet            Started container dfdaemon',
      '  Warning  Failed     3m (x4 over 5m)       kubelet            Failed to pull image "h',
      'arbor.nebula.com/base/df/nginx:0911": failed to pull and unpack image "harbor.nebu',
      'la.com/base/df/nginx:0911": failed to resolve reference "harbor.nebula.com/base/df',
      '/nginx:0911": pulling from host 127.0.0.1:65001 failed with status code [manifest',
      's 0911]: 500 Internal Server Error',
      '  Warning  BackOff    2m45s (x82 over 17m)  kubelet            Back-off restarting failed container dfdaemon in pod',
      '                                                               dragonfly-dfdaemon-x7k2p_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
      '',
      '### Expected behavior:',
    ].join('\n');
    expect(parseDescribeEvents(text).map((e) => [e.line, e.reason, e.count, e.message])).toEqual([
      [1, 'Started', 3, 'Started container dfdaemon'],
      [
        2,
        'Failed',
        4,
        'Failed to pull image "harbor.nebula.com/base/df/nginx:0911": failed to pull and unpack image "harbor.nebula.com/base/df/nginx:0911": failed to resolve reference "harbor.nebula.com/base/df/nginx:0911": pulling from host 127.0.0.1:65001 failed with status code [manifests 0911]: 500 Internal Server Error',
      ],
      [
        7,
        'BackOff',
        82,
        'Back-off restarting failed container dfdaemon in pod dragonfly-dfdaemon-x7k2p_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
      ],
    ]);
  });

  it('reads a row whose message went whole onto the next line, and stops at what is no message', () => {
    // GoogleCloudPlatform/bank-of-anthos#261, as posted: a `kubectl get events` row broken before its message
    const text = [
      'kubectl get events',
      '',
      '65s         Warning   Unhealthy           pod/frontend-557f465b6f-xqz9q',
      'Readiness probe failed: Get http://10.1.010.10:8080/ready: net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      '  Warning  BackOff    10s (x9 over 2m)      kubelet',
      '    Back-off restarting failed container',
      '$ kubectl -n dragonfly-system get pod',
      '```',
    ].join('\n');
    expect(parseDescribeEvents(text).map((e) => [e.line, e.reason, e.from, e.message])).toEqual([
      [
        3,
        'Unhealthy',
        'unknown',
        'Readiness probe failed: Get http://10.1.010.10:8080/ready: net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      ],
      [5, 'BackOff', 'kubelet', 'Back-off restarting failed container'],
    ]);
    // a row with nothing after it is no event
    expect(parseDescribeEvents('  Warning  BackOff    10s   kubelet\n\nlater prose')).toEqual([]);
    // describe's other sections and a root prompt after the table are no message
    const after = [
      '  Warning  BackOff    2m    kubelet',
      '  Back-off restarting failed container',
      'Name:         dragonfly-dfdaemon-x7k2p',
      '  Warning  BackOff    2m    kubelet',
      'Back-off restarting failed container',
      '[root@master01 dragonfly]# kubectl get pod -n dragonfly-system -o wide',
      '  Warning  BackOff    2m    kubelet',
      'Back-off restarting failed container',
      'root@node-1:~# crictl ps',
    ].join('\n');
    expect(parseDescribeEvents(after).map((e) => e.message)).toEqual(
      Array(3).fill('Back-off restarting failed container'),
    );
  });

  it('fires kubelet.dfdaemon-restarting from a hand-wrapped BackOff given to analyze', async () => {
    const text = [
      '  Normal   Started    17m (x3 over 17m)     kubelet            Started container dfdaemon',
      '  Warning  BackOff    2m45s (x82 over 17m)  kubelet            Back-off restarting failed container dfdaemon in pod',
      '  dragonfly-dfdaemon-x7k2p_dragonfly-system(0f6c2a43-9d1e-4b7a-8a52-3f1f0d7e9a10)',
    ].join('\n');
    const a = assembleLooseFiles([{ path: 'describe.txt', text }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    const r = d.find((x) => x.rule === 'kubelet.dfdaemon-restarting');
    expect(r?.evidence.join('\n')).toContain('pod dragonfly-system/dragonfly-dfdaemon-x7k2p');
  });
});

describe('kubectl describe events given to analyze', () => {
  it('are read as the event list: the real refusal fires kubelet.pull-qps, as the bundle of the case does', async () => {
    const a = assembleLooseFiles([{ path: 'describe.txt', text: PASTED }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    expect(a.taken.map((t) => [t.kind, t.bundlePath])).toEqual([
      ['kubectl-describe-events', 'raw/kubelet/events.json'],
    ]);
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    expect(d.find((x) => x.rule === 'kubelet.pull-qps')?.severity).toBe('warning');
  });

  it('named kubelet-events= (the JSON list) are still read as the rows they are', async () => {
    const a = assembleLooseFiles(
      [{ path: 'describe.txt', text: PASTED, kind: 'kubelet-events' }],
      '2026-01-01T00:00:00Z',
      {
        name: 'dfdoctor',
        version: '0',
      },
    );
    expect(a.taken.map((t) => [t.kind, t.why.slice(0, 40), t.bundlePath])).toEqual([
      ['kubectl-describe-events', 'given as kubelet-events=, but not JSON: ', 'raw/kubelet/events.json'],
    ]);
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    expect(d.find((x) => x.rule === 'kubelet.pull-qps')?.severity).toBe('warning');
  });

  it("of two pods, given as two files, are one list: the second file's refusal is read, not left out", async () => {
    const other = readFileSync(
      new URL('../../fixtures/real/kubelet-pulled-no-wait-kagent-210/pasted/describe-events.txt', import.meta.url),
      'utf8',
    );
    const a = assembleLooseFiles(
      [
        { path: 'pod-a.txt', text: other },
        { path: 'pod-b.txt', text: PASTED },
      ],
      '2026-01-01T00:00:00Z',
      { name: 'dfdoctor', version: '0' },
    );
    expect(a.taken.map((t) => [t.path, t.bundlePath])).toEqual([
      ['pod-a.txt', 'raw/kubelet/events.json'],
      ['pod-b.txt', 'raw/kubelet/events.json'],
    ]);
    expect(a.manifest.sources?.['raw/kubelet/events.json']).toBe('pod-a.txt, pod-b.txt');
    const f = await factsFrom(a.files, { manifest: a.manifest });
    // the first file's pull and the second's refusal, each read
    expect(f.kubelet?.pulls?.map((p) => p.image)).toEqual(['ghcr.io/kagent-dev/kagent/controller:0.1.15']);
    expect(evaluate(f, RULES).diagnoses.find((x) => x.rule === 'kubelet.pull-qps')?.severity).toBe('warning');
  });
});
