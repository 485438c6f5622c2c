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
