// A kubelet command line as issues and repositories show it becomes the one-argument-a-line form the
// probe records (/proc/<pid>/cmdline), which the flags parser reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kubeletFlagLines } from '../../src/bundle/loose-files.js';
import { parseKubeletFlags } from '../../src/parsers/kubelet-flags.js';

const GKE = readFileSync(
  new URL('../../fixtures/real/kubelet-gke-kubelet-opts/pasted/kubelet/flags.txt', import.meta.url),
  'utf8',
);

describe('kubeletFlagLines', () => {
  it('reads a GKE node\'s /etc/default/kubelet (KUBELET_OPTS="…", gitpod-io/gitpod at 60044c25)', () => {
    const flags = parseKubeletFlags(kubeletFlagLines(GKE));
    expect(flags.settings).toEqual({ registryPullQPS: 10, registryBurst: 20 });
    expect(flags.config).toBe('/home/kubernetes/kubelet-config.yaml');
    // the next line of the file is another variable's, not the kubelet's
    expect(kubeletFlagLines(GKE)).not.toContain('KUBE_COVERAGE_FILE');
  });

  it("reads a systemd unit's ExecStart over its continued lines (gravitational/planet's kube-kubelet.service)", () => {
    const unit = [
      '[Service]',
      'ExecStartPre=/bin/systemctl is-active docker.service',
      'ExecStart=/usr/bin/kubelet \\',
      '        --root-dir=/var/lib/kubelet \\',
      '        --config=/etc/kubernetes/kubelet.yaml \\',
      '        --registry-burst=20 \\',
      '        --image-pull-progress-deadline=15m',
      'Restart=always',
      'ExecStartPost=/bin/true --registry-qps=1',
    ].join('\n');
    const flags = parseKubeletFlags(kubeletFlagLines(unit));
    expect(flags.config).toBe('/etc/kubernetes/kubelet.yaml');
    // the line after the last continued one, and what follows, are not the kubelet's arguments
    expect(flags.settings).toEqual({ registryBurst: 20 });
  });

  it("reads kubeadm's drop-in form and leaves any other text as it is", () => {
    const dropIn = 'Environment="KUBELET_EXTRA_ARGS=--serialize-image-pulls=false --registry-qps=0"\n';
    expect(parseKubeletFlags(kubeletFlagLines(dropIn)).settings).toEqual({
      serializeImagePulls: false,
      registryPullQPS: 0,
    });
    expect(kubeletFlagLines('--a\n--b\n')).toBe('--a\n--b\n');
  });
});
