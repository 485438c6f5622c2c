// A kubelet step changes the setting where it takes effect on the node: the drop-in that set it, else
// the config file the kubelet was started with (as the probe recorded it), in that file's format; after
// the flag that would still win; and checks the node it ran on.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/bundle/manifest.js';
import { evaluate } from '../../src/engine.js';
import { RULES } from '../../src/rules/index.js';
import type { Step } from '../../src/report/model.js';
import { factsFrom } from '../helpers/bundle.js';
import { loadFixture } from '../helpers/fixture-files.js';

const fixture = (name: string) => new URL(`../../fixtures/${name}/`, import.meta.url).pathname;

async function steps(
  rule: string,
  files: Record<string, string>,
  kubelet: Record<string, unknown> = {},
): Promise<Step[]> {
  const probes: Manifest['probes'] = { kubelet: { status: 'ok', durationMs: 1, ...kubelet } };
  const d = evaluate(await factsFrom(files, { manifest: { probes } }), RULES).diagnoses.find((x) => x.rule === rule);
  if (!d) throw new Error(`${rule} did not fire`);
  return d.remediation.steps;
}

const snippets = (s: Step[]) => s.flatMap((x) => (x.kind === 'snippet' ? [x] : []));
const commands = (s: Step[]) => s.flatMap((x) => (x.kind === 'command' ? [x.command] : []));
const prose = (s: Step[]) => s.flatMap((x) => (x.kind === 'prose' ? [x.text] : []));

const STOCK = 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n';

describe('kubelet steps', () => {
  it('name the config file the kubelet was started with, and the node', async () => {
    const s = await steps(
      'kubelet.serial-pulls',
      { 'raw/kubelet/config.yaml': STOCK },
      { config: '/home/kubernetes/kubelet-config.yaml', nodeName: 'gke-pool-1-a2b3' },
    );
    expect(snippets(s).map((x) => [x.file, x.format])).toEqual([['/home/kubernetes/kubelet-config.yaml', 'yaml']]);
    expect(commands(s)).toContain(
      `kubectl get --raw /api/v1/nodes/gke-pool-1-a2b3/proxy/configz | grep -o '"serializeImagePulls":[a-z]*'    # check the value in effect`,
    );
  });

  it('the config file the flags name, when the probe recorded none', async () => {
    const s = await steps('kubelet.serial-pulls', {
      'raw/kubelet/flags.txt': '/usr/bin/kubelet\n--config=/etc/kubernetes/kubelet-config.yaml\n',
    });
    expect(snippets(s).map((x) => x.file)).toEqual(['/etc/kubernetes/kubelet-config.yaml']);
  });

  it("kubeadm's path and a <node> to fill in when the bundle does not say", async () => {
    const s = await steps('kubelet.serial-pulls', { 'raw/kubelet/config.yaml': STOCK });
    expect(snippets(s).map((x) => x.file)).toEqual(['/var/lib/kubelet/config.yaml']);
    expect(commands(s).join('\n')).toContain('/api/v1/nodes/<node>/proxy/configz');
    // kubeadm writes that file from its ConfigMap: an upgrade would put the old value back
    expect(prose(s).join('\n')).toContain('kubectl -n kube-system edit cm kubelet-config');
  });

  it("send a change of nodeadm's files to the NodeConfig too, and of other files to nobody", async () => {
    const eks = await steps(
      'kubelet.serial-pulls',
      { 'raw/kubelet/config.yaml': STOCK },
      { config: '/etc/kubernetes/kubelet/config.json' },
    );
    expect(prose(eks).join('\n')).toContain('set the same under spec.kubelet.config there');
    const gke = await steps(
      'kubelet.serial-pulls',
      { 'raw/kubelet/config.yaml': STOCK },
      { config: '/home/kubernetes/kubelet-config.yaml' },
    );
    expect(prose(gke)).toEqual([]);
  });

  it('write JSON into a JSON config (EKS nodeadm), its comment as prose', async () => {
    // the config nodeadm writes (real), and the refusals of Azure/AKS#3138 (real)
    const eks = readFileSync(`${fixture('real/kubelet-eks-nodeadm-config')}raw/kubelet/config.yaml`, 'utf8');
    const aks = loadFixture(fixture('real/kubelet-pull-qps-exceeded-aks-3138'));
    const s = await steps(
      'kubelet.pull-qps',
      { ...aks.files, 'raw/kubelet/config.yaml': eks },
      { config: '/etc/kubernetes/kubelet/config.json' },
    );
    const [snip] = snippets(s);
    expect(snip).toMatchObject({ file: '/etc/kubernetes/kubelet/config.json', format: 'json' });
    expect(JSON.parse(`{${snip?.text ?? ''}}`)).toEqual({ registryPullQPS: 0 });
    expect(prose(s)).toContain('or raise both, e.g. registryPullQPS: 20 with registryBurst: 40');
  });

  it('change the drop-in that set the value, where --config-dir puts it', async () => {
    const s = await steps(
      'kubelet.serial-pulls',
      {
        'raw/kubelet/config.yaml': `${STOCK}serializeImagePulls: false\n`,
        'raw/kubelet/config.d/10-base.conf': `${STOCK}serializeImagePulls: true\n`,
        'raw/kubelet/config.d/20-limits.conf': `${STOCK}registryPullQPS: 10\n`,
      },
      { config: '/var/lib/kubelet/config.yaml', configDir: '/etc/kubernetes/kubelet.conf.d' },
    );
    expect(snippets(s).map((x) => x.file)).toEqual(['/etc/kubernetes/kubelet.conf.d/10-base.conf']);
  });

  it('remove the flag first when the command line set it', async () => {
    const s = await steps('kubelet.serial-pulls', {
      'raw/kubelet/config.yaml': `${STOCK}serializeImagePulls: false\n`,
      'raw/kubelet/flags.txt':
        '/usr/bin/kubelet\n--config=/var/lib/kubelet/config.yaml\n--serialize-image-pulls=true\n',
    });
    expect(prose(s)[0]).toMatch(/^The kubelet's command line sets --serialize-image-pulls, and a flag wins/);
    expect(prose(s)[0]).toContain('systemctl cat kubelet');
    expect(snippets(s).map((x) => x.file)).toEqual(['/var/lib/kubelet/config.yaml']);
  });

  it('write a new config file, and the flag that makes the kubelet read it, when it reads none', async () => {
    // the probe found the process; its command line names no --config
    const flags = '/usr/local/bin/kubelet\n--kubeconfig=/var/lib/kubelet/kubeconfig\n';
    const s = await steps('kubelet.serial-pulls', { 'raw/kubelet/flags.txt': flags }, { pid: 812, config: null });
    expect(prose(s)[0]).toMatch(
      /^The kubelet reads no config file \(its command line names no --config\), so it runs on flags and defaults\./,
    );
    expect(prose(s)[0]).toContain("add `--config=/var/lib/kubelet/config.yaml` where the kubelet's flags are set");
    const [file] = snippets(s);
    expect(file?.file).toBe('/var/lib/kubelet/config.yaml');
    // a config file the kubelet loads names its kind
    expect(file?.text).toMatch(
      /^apiVersion: kubelet\.config\.k8s\.io\/v1beta1\nkind: KubeletConfiguration\nserializeImagePulls: false\n/,
    );
    // no kubeadm wrote a file it does not read
    expect(prose(s).join('\n')).not.toContain('kubeadm');
    expect(commands(s)).toContain('systemctl restart kubelet');
    // a flag that set the value goes too: it would still win over the new file
    const set = await steps(
      'kubelet.serial-pulls',
      { 'raw/kubelet/flags.txt': `${flags}--serialize-image-pulls=true\n` },
      { pid: 812, config: null },
    );
    expect(prose(set)[0]).toContain('removing --serialize-image-pulls, which would still win over the file');
  });

  it('say nothing of flags when none set the value', async () => {
    const s = await steps('kubelet.serial-pulls', { 'raw/kubelet/config.yaml': STOCK });
    expect(prose(s).join('\n')).not.toContain('command line');
  });
});
