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
