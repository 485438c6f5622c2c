import { describe, expect, it } from 'vitest';
import { parseKubeletConfig } from '../../src/parsers/kubelet-config.js';
import { parseKubeletFlags } from '../../src/parsers/kubelet-flags.js';

describe('kubelet config', () => {
  it('reads the pull settings', () => {
    const r = parseKubeletConfig(
      'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserializeImagePulls: false\nmaxParallelImagePulls: 5\nregistryPullQPS: 0\n',
    );
    expect(r).toMatchObject({
      ok: true,
      settings: { serializeImagePulls: false, maxParallelImagePulls: 5, registryPullQPS: 0 },
      problems: [],
    });
  });
  it('locates invalid YAML and wrong types', () => {
    const bad = parseKubeletConfig('kind: KubeletConfiguration\nserializeImagePulls: [false\n');
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.line).toBeGreaterThanOrEqual(2);
    const typed = parseKubeletConfig('kind: KubeletConfiguration\n\nserializeImagePulls: "no"\n');
    expect(typed.ok && typed.problems).toEqual([
      { line: 3, message: expect.stringMatching(/serializeImagePulls must be true or false/) },
    ]);
    expect(parseKubeletConfig('- a\n- b\n')).toMatchObject({ ok: false });
  });
});

describe('kubelet config in a kubeadm config file', () => {
  const kubeadm = (kubelet: string) =>
    `apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n---\n${kubelet}---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n`;
  it('reads its KubeletConfiguration document, with lines counted in the whole file', () => {
    const r = parseKubeletConfig(
      kubeadm('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nserializeImagePulls: "false"\n'),
    );
    expect(r).toMatchObject({ ok: true, kind: 'KubeletConfiguration', document: { index: 3, of: 4, line: 7 } });
    expect(r.ok && r.problems).toEqual([
      { line: 9, message: expect.stringMatching(/serializeImagePulls must be true/) },
    ]);
    const set = parseKubeletConfig(kubeadm('kind: KubeletConfiguration\nserializeImagePulls: false\n'));
    expect(set.ok && set.settings).toEqual({ serializeImagePulls: false });
  });
  it('says when none of the documents is a KubeletConfiguration, and reads one document beside empty ones', () => {
    expect(parseKubeletConfig(kubeadm(''))).toMatchObject({
      ok: false,
      message: '3 YAML documents, none of kind KubeletConfiguration',
    });
    const one = parseKubeletConfig('---\nserializeImagePulls: false\n---\n');
    expect(one).toMatchObject({ ok: true, settings: { serializeImagePulls: false } });
    expect(one.ok && one.document).toBeUndefined();
  });
});

describe('kubelet flags', () => {
  it('reads flags in both spellings and ignores the rest', () => {
    const f = parseKubeletFlags(
      '/usr/bin/kubelet\n--config\n/var/lib/kubelet/config.yaml\n--serialize-image-pulls=false\n--registry-qps\n0\n--v=2\n',
    );
    expect(f).toEqual({
      config: '/var/lib/kubelet/config.yaml',
      settings: { serializeImagePulls: false, registryPullQPS: 0 },
      problems: [],
    });
  });
  it('reads "_" in flag names as "-", as the kubelet does (cliflag.WordSepNormalizeFunc)', () => {
    expect(parseKubeletFlags('--serialize_image_pulls=false\n--registry_burst=20\n').settings).toEqual({
      serializeImagePulls: false,
      registryBurst: 20,
    });
  });
  it('names --max-parallel-image-pulls as no kubelet flag instead of taking it as the limit', () => {
    const f = parseKubeletFlags('kubelet\n--max-parallel-image-pulls=3\n');
    expect(f.settings).toEqual({});
    expect(f.problems).toEqual([{ line: 2, message: expect.stringContaining('is not a kubelet flag') }]);
  });
  it('never takes the next argument as a boolean flag value', () => {
    expect(parseKubeletFlags('--serialize-image-pulls\n--v=2\n').settings.serializeImagePulls).toBe(true);
  });
  it('reports unreadable values with the line', () => {
    expect(parseKubeletFlags('kubelet\n--registry-qps=lots\n').problems).toEqual([
      { line: 2, message: expect.stringMatching(/not a number/) },
    ]);
  });
});
