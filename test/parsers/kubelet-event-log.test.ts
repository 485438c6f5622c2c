import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { sniffKind } from '../../src/bundle/sniff.js';
import { evaluate } from '../../src/engine.js';
import { parseKubeletEventLog } from '../../src/parsers/kubelet-event-log.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

// the two journal lines kubernetes/kubernetes#91560 pasted (fixtures/real/kubelet-journal-events-91560/SOURCE.md)
const JOURNAL = readFileSync(
  new URL('../../fixtures/real/kubelet-journal-events-91560/pasted/kubelet-journal.txt', import.meta.url),
  'utf8',
);

/**
 * A kubelet line in client-go's structured wording (tools/record/event.go StartStructuredLogging, v0.24.0 on:
 * object, fieldPath, kind, apiVersion, type, reason, message), with the Pulled message of a kubelet that times its pulls.
 */
const structured = (reason: string, message: string) =>
  `Oct 16 16:43:09 node-1 kubelet[812]: I1016 16:43:09.120418     812 event.go:389] "Event occurred" object="default/web-0" fieldPath="spec.containers{web}" kind="Pod" apiVersion="v1" type="Normal" reason="${reason}" message=${JSON.stringify(message)}`;

const assemble = (...files: { path: string; text: string }[]) =>
  assembleLooseFiles(files, '2026-01-01T00:00:00Z', { name: 'dfdoctor', version: '0' });

describe('parseKubeletEventLog', () => {
  it("reads the real #91560 lines in StartLogging's wording: object, type, reason and message", () => {
    expect(parseKubeletEventLog(JOURNAL)).toEqual([
      {
        line: 1,
        type: 'Normal',
        reason: 'Pulled',
        kind: 'Pod',
        namespace: 'mirror-pod-with-grace-period-2630',
        name: 'static-pod-0ed631f9-b5b7-4e9c-9a5b-0c2488388194-tmp-node-e2e-f9c7d938-cos-stable-81-12871-103-0',
        fieldPath: 'spec.containers{test}',
        message: 'Successfully pulled image "docker.io/library/fedora:32"',
        kubelet: true,
      },
      expect.objectContaining({ line: 2, reason: 'Pulling', message: 'Pulling image "docker.io/library/fedora:32"' }),
    ]);
  });

  it('reads the structured wording, unquoting the message; other klog lines are no event', () => {
    const text = [
      structured('Pulled', 'Successfully pulled image "a/b:1" in 1.204s (14.611s including waiting)'),
      'I1016 16:43:09.120418     812 kubelet.go:2400] "SyncLoop ADD" source="api" pods=["default/web-0"]',
      'I1016 16:43:10.000001       1 event.go:294] "Event occurred" object="node-1" kind="Node" apiVersion="v1" type="Normal" reason="Starting" message="Starting kubelet."',
    ].join('\n');
    expect(parseKubeletEventLog(text)).toEqual([
      {
        line: 1,
        type: 'Normal',
        reason: 'Pulled',
        kind: 'Pod',
        namespace: 'default',
        name: 'web-0',
        fieldPath: 'spec.containers{web}',
        message: 'Successfully pulled image "a/b:1" in 1.204s (14.611s including waiting)',
        kubelet: true,
      },
      // klog.KRef of an object without a namespace is its name alone
      expect.objectContaining({ line: 3, kind: 'Node', name: 'node-1', reason: 'Starting', kubelet: false }),
    ]);
    expect(parseKubeletEventLog(text)[1]).not.toHaveProperty('namespace');
  });
});

describe('a kubelet journal given to analyze', () => {
  it('is taken for the kubelet event log, and its events become the event list', () => {
    expect(sniffKind('journal.txt', JOURNAL)?.kind).toBe('kubelet-event-log');
    const a = assemble({ path: 'journal.txt', text: JOURNAL });
    expect(a.taken.map((t) => [t.kind, t.bundlePath])).toEqual([['kubelet-event-log', 'raw/kubelet/events.json']]);
    const items = (JSON.parse(a.files['raw/kubelet/events.json'] as string) as { items: unknown[] }).items;
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({
      reason: 'Pulled',
      involvedObject: {
        kind: 'Pod',
        namespace: 'mirror-pod-with-grace-period-2630',
        fieldPath: 'spec.containers{test}',
      },
      source: { component: 'kubelet' },
    });
    // the journal's time has no year: no event time is made up from it
    expect(items[0]).not.toHaveProperty('lastTimestamp');
  });

  it("gives the pull times its Pulled events carry, as kubectl's events do: a queued pull fires kubelet.serial-pulls", async () => {
    const a = assemble({
      path: 'journal.txt',
      text: `${structured('Pulling', 'Pulling image "a/b:1"')}\n${structured('Pulled', 'Successfully pulled image "a/b:1" in 1.204s (14.611s including waiting). Image size: 3407295 bytes.')}\n`,
    });
    const f = await factsFrom(a.files, { manifest: a.manifest });
    expect(f.kubelet?.pulls?.map((p) => [p.image, p.pullSeconds, Number(p.waitSeconds.toFixed(3))])).toEqual([
      ['a/b:1', 1.204, 13.407],
    ]);
    expect(evaluate(f, RULES).diagnoses.find((d) => d.rule === 'kubelet.serial-pulls')).toBeDefined();
  });

  it('read for its CRI client errors, is read for its events too', async () => {
    const cri =
      'Oct 16 16:43:09 node-1 kubelet[812]: E1016 16:43:09.120418     812 remote_image.go:180] "PullImage from image service failed" err="rpc error: code = Unknown desc = failed to pull and unpack image \\"docker.io/a/b:1\\": failed to resolve reference \\"docker.io/a/b:1\\": unexpected status from HEAD request to http://127.0.0.1:65001/v2/a/b/manifests/1?ns=docker.io: 500 Internal Server Error" image="a/b:1"';
    const text = [cri, cri, structured('Failed', 'Failed to pull image "a/b:1": pull QPS exceeded')].join('\n');
    expect(sniffKind('journal.txt', text)?.kind).toBe('containerd-log');
    const a = assemble({ path: 'journal.txt', text });
    expect(a.taken.map((t) => [t.kind, t.bundlePath])).toEqual([
      ['kubelet-event-log', 'raw/kubelet/events.json'],
      ['containerd-log', 'raw/containerd/journal.txt'],
    ]);
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    expect(d.find((x) => x.rule === 'kubelet.pull-qps')).toBeDefined();
  });
});
