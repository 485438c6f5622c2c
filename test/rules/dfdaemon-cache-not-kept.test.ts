// dfdaemon.cache-not-kept, what it says of the Helm chart's volumes by generation (dragonflyoss/helm-charts:
// Go ≤ 1.1.65 templates/dfdaemon/dfdaemon-daemonset.yaml; Rust client.extraVolumes, an emptyDir from 1.3.8)
import { describe, expect, it } from 'vitest';
import { stepText } from '../../src/report/steps-render.js';
import { cacheNotPersistent } from '../../src/rules/dfdaemon/cache-not-kept.js';
import { factsFrom } from '../helpers/bundle.js';

const POD = JSON.stringify({
  id: 'a'.repeat(64),
  labels: { 'io.kubernetes.pod.namespace': 'dragonfly-system', 'io.kubernetes.pod.name': 'dragonfly-client-x7k2p' },
});
const ROOT = '1410 1282 0:244 / / rw,relatime - overlay overlay rw';
const EMPTY_DIR =
  '1417 1410 259:1 /var/lib/kubelet/pods/5f1c2b7e/volumes/kubernetes.io~empty-dir/storage /var/lib/dragonfly rw,relatime - ext4 /dev/nvme0n1p1 rw';

describe('dfdaemon.cache-not-kept and the Helm chart', () => {
  it('names the Rust chart emptyDir when a Rust pod does not keep its storage and its mounts were not read', async () => {
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/config/dfdaemon.yaml': 'storage:\n  dir: /var/lib/dragonfly/\n  keep: false\n',
      'raw/dfdaemon/container.json': POD,
    });
    const ev = cacheNotPersistent.when(f)?.evidence.join('\n') ?? '';
    expect(ev).toContain('it runs in pod dragonfly-system/dragonfly-client-x7k2p');
    expect(ev).toContain('Helm chart 1.3.8 or later (the Rust client)');
    expect(ev).not.toContain('mountDataDirAsHostPath');
  });

  it("keeps the chart's logs volume in the Rust fix: Helm replaces the whole list", async () => {
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'rust\n',
      'raw/dfdaemon/config/dfdaemon.yaml': 'storage:\n  dir: /var/lib/dragonfly/\n  keep: true\n',
      'raw/dfdaemon/mountinfo.txt': `${ROOT}\n${EMPTY_DIR}\n`,
    });
    const steps = cacheNotPersistent.when(f)?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain('{name: logs, emptyDir: {}}');
    expect(steps).toContain('{name: logs, mountPath: /var/log/dragonfly/dfdaemon/}');
  });

  it('sends a Go cache on no volume at all (hostNetwork) to extraVolumes, not mountDataDirAsHostPath', async () => {
    const f = await factsFrom({
      'raw/dfdaemon/generation.txt': 'go\n',
      'raw/dfdaemon/config/dfget.yaml': 'dataDir: /var/lib/dragonfly\nkeepStorage: true\n',
      'raw/dfdaemon/mountinfo.txt': `${ROOT}\n`,
    });
    const m = cacheNotPersistent.when(f);
    expect(m?.evidence.join('\n')).toContain("in the container's writable layer");
    const steps = m?.remediation.steps.map(stepText).join('\n') ?? '';
    expect(steps).toContain('dfdaemon.extraVolumes');
    expect(steps).not.toContain('mountDataDirAsHostPath');
  });
});
