import { readFileSync } from 'node:fs';
import { assembleLooseFiles } from '../../src/bundle/loose-files.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import { factsFrom } from '../helpers/bundle.js';

const pulled = (msg: string, pod = 'app-1') => ({
  reason: 'Pulled',
  message: msg,
  involvedObject: { kind: 'Pod', namespace: 'team', name: pod },
  source: { component: 'kubelet', host: 'node-1' },
  count: 1,
});
const events = (...msgs: string[]) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'List', items: msgs.map((m, i) => pulled(m, `app-${i}`)) });

async function serial(files: Record<string, string>) {
  const ev = evaluate(await factsFrom(files), RULES);
  return ev.diagnoses.find((d) => d.rule === 'kubelet.serial-pulls');
}

describe('kubelet.serial-pulls with Pulled events', () => {
  it('the largest queue wait is the impact, quoted with its event', async () => {
    const d = await serial({
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n',
      'raw/kubelet/events.json': events(
        'Successfully pulled image "big:1" in 19.874s (19.874s including waiting). Image size: 6442450944 bytes.',
        'Successfully pulled image "small:1" in 1.204s (14.611s including waiting). Image size: 1000000000 bytes.',
        'Successfully pulled image "other:1" in 300ms (2.8s including waiting)',
      ),
    });
    expect(d?.severity).toBe('warning');
    expect(d?.impactSeconds).toBeCloseTo(13.407, 3);
    expect(d?.evidence.join('\n')).toContain(
      'raw/kubelet/events.json item 2 (pod team/app-1): "Successfully pulled image "small:1" in 1.204s (14.611s including waiting)',
    );
    expect(d?.evidence.join('\n')).toMatch(/2 of 3 pulls in the events waited ≥ 1 s \(15\.9 s in all\)/);
  });

  it('events that show no queue make it info, with the largest gap as its cost', async () => {
    const d = await serial({
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n',
      'raw/kubelet/events.json': events(
        'Successfully pulled image "a:1" in 4.46s (4.461s including waiting)',
        'Container image "b:1" already present on machine',
      ),
    });
    expect(d?.severity).toBe('info');
    expect(d?.impactSeconds).toBeCloseTo(0.001, 6);
    expect(d?.evidence.join('\n')).toMatch(/none of the 1 pulls .* waited ≥ 1 s/);
  });

  it('without events: set true by hand a warning of unknown cost, the default alone an info; with parallel pulls silent whatever the events', async () => {
    const set = await serial({ 'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: true\n' });
    expect(set?.severity).toBe('warning');
    expect(set?.impactSeconds).toBeUndefined();
    // every kubelet not told otherwise serializes (a stock kind/kubeadm node): no queue shown, a tuning note
    const d = await serial({ 'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n' });
    expect(d?.severity).toBe('info');
    expect(d?.impactSeconds).toBeUndefined();
    expect(d?.evidence.join('\n')).toMatch(/no Pulled event in the bundle shows a pull queued/);
    const flags = await serial({
      'raw/kubelet/flags.txt': '/usr/bin/kubelet\n--config=/var/lib/kubelet/config.yaml\n',
    });
    expect(flags?.severity).toBe('info');
    expect(
      (await serial({ 'raw/kubelet/flags.txt': '/usr/bin/kubelet\n--serialize-image-pulls=true\n' }))?.severity,
    ).toBe('warning');
    expect(
      await serial({
        'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: false\nmaxParallelImagePulls: 2\n',
        'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 1s (9s including waiting)'),
      }),
    ).toBeUndefined();
  });

  it('events alone (no config, no flags): a queued pull is a warning; no queue, or no event at all, is a note, not a finding', async () => {
    // fixtures/real/kubelet-nap-pull-queued-karpenter-1260: the event shows the queue, the default is its reason
    const queued = await serial({
      'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 2.786s (10m16.315s including waiting)'),
    });
    expect(queued?.severity).toBe('warning');
    expect(queued?.evidence[0]).toContain('kubelet config not read; the kubelet default is true');
    const note =
      /^kubelet: neither its config nor its flags are in the bundle, and no Pulled event shows a pull queued/;
    expect(
      (
        await factsFrom({
          'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 2.786s (10m16.315s including waiting)'),
        })
      ).notes.map((n) => n.text),
    ).not.toContainEqual(expect.stringMatching(note));
    // W4 of the 2026-12 log artifacts: a Failed event only (Talos #12972, Dragonfly #2523, appstudio #7796)
    for (const files of [
      { 'raw/kubelet/events.json': JSON.stringify({ items: [] }) },
      { 'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 4.46s (4.461s including waiting)') },
    ]) {
      expect(await serial(files)).toBeUndefined();
      const f = await factsFrom(files);
      expect(f.notes).toContainEqual({ text: expect.stringMatching(note), source: 'raw/kubelet/events.json' });
    }
    // a config read says the default is in effect: the rule speaks, and no note
    const stock = { 'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n', 'raw/kubelet/events.json': events() };
    expect((await serial(stock))?.severity).toBe('info');
    expect((await factsFrom(stock)).notes.map((n) => n.text)).not.toContainEqual(expect.stringMatching(note));
  });

  it('events alone (no config read) still build kubelet facts; a damaged events file is a located problem', async () => {
    const f = await factsFrom({
      'raw/kubelet/events.json': events('Successfully pulled image "a:1" in 1s (3s including waiting)'),
    });
    expect(f.kubelet?.pulls?.[0]).toMatchObject({ image: 'a:1', pullSeconds: 1, waitSeconds: 2 });
    const bad = await factsFrom({
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\n',
      'raw/kubelet/events.json': '{"items": [',
    });
    expect(bad.problems).toContainEqual(
      expect.objectContaining({ file: 'raw/kubelet/events.json', message: expect.stringContaining('not JSON') }),
    );
    expect(bad.kubelet?.serializeImagePulls.value).toBe(true);
  });
});

// the real refusal events of fixtures/real/kubelet-pull-qps-exceeded-aks-3138
const AKS_EVENTS = readFileSync(
  new URL('../../fixtures/real/kubelet-pull-qps-exceeded-aks-3138/raw/kubelet/events.json', import.meta.url),
  'utf8',
);

describe('kubelet rules on a kubelet that reads no config file', () => {
  /** A rule's diagnosis beside a kubelet whose command line, as the probe read it, names no --config. */
  async function onFlagsOnly(rule: string, files: Record<string, string>) {
    const flags = '/usr/local/bin/kubelet\n--kubeconfig=/var/lib/kubelet/kubeconfig\n';
    const kubelet = { status: 'ok' as const, durationMs: 1, pid: 812, config: null };
    const facts = await factsFrom({ ...files, 'raw/kubelet/flags.txt': flags }, { manifest: { probes: { kubelet } } });
    return evaluate(facts, RULES).diagnoses.find((x) => x.rule === rule);
  }

  it('say where the values in effect come from: flags and defaults, not the file at the default path', async () => {
    const d = await onFlagsOnly('kubelet.serial-pulls', {
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: true\nregistryPullQPS: 1\n',
    });
    expect(d?.evidence[0]).toContain(
      'not set in raw/kubelet/flags.txt, and the kubelet reads no config file (its command line names no --config): the kubelet default is true',
    );
  });

  it('say the pull limits are the defaults because no config file is read', async () => {
    const d = await onFlagsOnly('kubelet.pull-qps', { 'raw/kubelet/events.json': AKS_EVENTS });
    expect(d?.evidence.join('\n')).toContain(
      'not set in raw/kubelet/flags.txt, and the kubelet reads no config file (its command line names no --config): the kubelet defaults',
    );
  });
});

describe('kubelet events given to analyze as a loose file', () => {
  it('are read as events: the refusals of the real AKS case fire kubelet.pull-qps', async () => {
    const a = assembleLooseFiles([{ path: 'events.json', text: AKS_EVENTS }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    expect(a.taken.map((t) => [t.kind, t.bundlePath])).toEqual([['kubelet-events', 'raw/kubelet/events.json']]);
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    expect(d.find((x) => x.rule === 'kubelet.pull-qps')?.severity).toBe('warning');
  });

  it("the real #3348 rows pasted as kubectl describe printed them fire kubelet.dfdaemon-restarting, and a kubectl 1.35 row's container is kept", async () => {
    const pasted = readFileSync(
      new URL('../../fixtures/real/kubelet-dfdaemon-crash-loop-3348/pasted/describe-events.txt', import.meta.url),
      'utf8',
    );
    const a = assembleLooseFiles([{ path: 'describe.txt', text: pasted }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    const d = evaluate(await factsFrom(a.files, { manifest: a.manifest }), RULES).diagnoses;
    expect(d.map((x) => [x.rule, x.severity])).toEqual([['kubelet.dfdaemon-restarting', 'warning']]);
    // kubectl 1.35+ writes the container's field path before the message: the bare wording is then tied by it
    const rows = [
      '  Normal   Started  17m (x3 over 17m)     kubelet  spec.containers{dfdaemon}: Started container dfdaemon',
      '  Normal   Started  17m (x3 over 17m)     kubelet  spec.containers{sidecar}: Started container sidecar',
      '  Warning  BackOff  2m45s (x82 over 17m)  kubelet  spec.containers{dfdaemon}: Back-off restarting failed container',
    ].join('\n');
    const b = assembleLooseFiles([{ path: 'describe.txt', text: rows }], '2026-01-01T00:00:00Z', {
      name: 'dfdoctor',
      version: '0',
    });
    const e = evaluate(await factsFrom(b.files, { manifest: b.manifest }), RULES).diagnoses;
    expect(e.find((x) => x.rule === 'kubelet.dfdaemon-restarting')?.confidence).toBe(0.9);
  });
});
