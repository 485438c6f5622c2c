import { describe, expect, it } from 'vitest';
import { factsFrom } from '../helpers/bundle.js';

describe('kubelet facts', () => {
  it('is absent without files', async () => {
    expect((await factsFrom({})).kubelet).toBeUndefined();
  });
  it('flags override the config file, which overrides defaults', async () => {
    const f = await factsFrom({
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: false\nregistryPullQPS: 0\n',
      'raw/kubelet/flags.txt': 'kubelet\n--serialize-image-pulls=true\n',
    });
    expect(f.kubelet).toMatchObject({
      serializeImagePulls: { value: true, from: 'flag' },
      registryPullQPS: { value: 0, from: 'config' },
      registryBurst: { value: 10, from: 'default' },
      maxParallelImagePulls: { value: null, from: 'default' },
    });
  });
  it('leaves out a config file the kubelet does not read: its command line, as the probe read it, names no --config', async () => {
    const files = {
      // a file at kubeadm's path from an earlier setup, beside a kubelet that runs on flags
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: false\nregistryPullQPS: 0\n',
      'raw/kubelet/flags.txt':
        '/usr/local/bin/kubelet\n--kubeconfig=/var/lib/kubelet/kubeconfig\n--registry-burst=20\n',
    };
    const probe = { status: 'ok' as const, durationMs: 1, pid: 812, config: null };
    const f = await factsFrom(files, { manifest: { probes: { kubelet: probe } } });
    expect(f.kubelet).toMatchObject({
      serializeImagePulls: { value: true, from: 'default' },
      registryPullQPS: { value: 5, from: 'default' },
      registryBurst: { value: 20, from: 'flag' },
      files: ['raw/kubelet/flags.txt'],
      onNode: { config: null },
      noConfigFile: true,
    });
    expect(f.notes).toContainEqual(
      expect.objectContaining({
        source: 'raw/kubelet/config.yaml',
        text: 'not read by this kubelet: its command line (raw/kubelet/flags.txt) names no --config',
      }),
    );
    // flags the probe did not read from a process (pasted, partial) say nothing of the files beside them
    const loose = await factsFrom(files);
    expect(loose.kubelet?.serializeImagePulls).toEqual({ value: false, from: 'config' });
    expect(loose.kubelet?.noConfigFile).toBeUndefined();
  });
  it('an invalid config gives a located problem and defaults', async () => {
    const f = await factsFrom({
      'raw/kubelet/config.yaml': 'kind: KubeletConfiguration\nserializeImagePulls: [false\n',
    });
    expect(f.kubelet?.serializeImagePulls).toEqual({ value: true, from: 'default' });
    expect(f.problems[0]?.file).toBe('raw/kubelet/config.yaml');
    expect(f.problems[0]?.line).toBeGreaterThan(0);
  });
});

// --config-dir (1.28+): *.conf drop-ins merged over the loaded config in path order, under the flags
// (kubernetes cmd/kubelet/app/server.go mergeKubeletConfigurations); EKS's nodeadm writes a user's
// settings to /etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf
describe('kubelet --config-dir drop-ins', () => {
  const BASE = '{"kind": "KubeletConfiguration", "apiVersion": "kubelet.config.k8s.io/v1beta1"}\n';
  it('takes the pull settings a drop-in sets, the later file last', async () => {
    const f = await factsFrom({
      'raw/kubelet/config.yaml': BASE,
      'raw/kubelet/config.d/10-a.conf': '{"serializeImagePulls": false, "maxParallelImagePulls": 3}\n',
      'raw/kubelet/config.d/40-nodeadm.conf': '{"maxParallelImagePulls": 10}\n',
      'raw/kubelet/config.d/README': 'not a drop-in: no .conf\n',
    });
    expect(f.kubelet?.serializeImagePulls).toEqual({
      value: false,
      from: 'drop-in',
      file: 'raw/kubelet/config.d/10-a.conf',
    });
    // the last drop-in to set it
    expect(f.kubelet?.maxParallelImagePulls).toEqual({
      value: 10,
      from: 'drop-in',
      file: 'raw/kubelet/config.d/40-nodeadm.conf',
    });
    // all three are JSON, as nodeadm writes them: a change to any of them is JSON too
    expect(f.kubelet?.jsonFiles).toEqual([
      'raw/kubelet/config.yaml',
      'raw/kubelet/config.d/10-a.conf',
      'raw/kubelet/config.d/40-nodeadm.conf',
    ]);
    expect(f.kubelet?.files).toEqual([
      'raw/kubelet/config.yaml',
      'raw/kubelet/config.d/10-a.conf',
      'raw/kubelet/config.d/40-nodeadm.conf',
    ]);
  });
  it('defaults serializeImagePulls from the config file, before the drop-ins', async () => {
    // the base is loaded (and defaulted: true) before a drop-in adds the limit; the kubelet then refuses
    // a limit above 1 with serial pulls
    const f = await factsFrom({
      'raw/kubelet/config.yaml': BASE,
      'raw/kubelet/config.d/40-nodeadm.conf': '{"maxParallelImagePulls": 5}\n',
    });
    expect(f.kubelet?.serializeImagePulls).toEqual({ value: true, from: 'default' });
    expect(f.kubelet?.maxParallelImagePulls).toEqual({
      value: 5,
      from: 'drop-in',
      file: 'raw/kubelet/config.d/40-nodeadm.conf',
    });
  });
  it('names a drop-in that does not parse and goes on with the rest', async () => {
    const f = await factsFrom({
      'raw/kubelet/config.yaml': BASE,
      'raw/kubelet/config.d/10-bad.conf': '{"maxParallelImagePulls": \n',
      'raw/kubelet/config.d/20-ok.conf': '{"serializeImagePulls": false}\n',
    });
    expect(f.problems.some((p) => p.file === 'raw/kubelet/config.d/10-bad.conf')).toBe(true);
    expect(f.kubelet?.serializeImagePulls).toEqual({
      value: false,
      from: 'drop-in',
      file: 'raw/kubelet/config.d/20-ok.conf',
    });
  });
});
