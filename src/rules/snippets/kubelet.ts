// A kubelet setting as the rules advise changing it: in the file where it takes effect (the drop-in that
// set it, else the config file the kubelet reads), in that file's format (the kubelet reads JSON or
// YAML: EKS's nodeadm writes JSON), after the flag that would still win over it, with the restart and
// the check of the value in effect.
import { BUNDLE } from '../../bundle/layout.js';
import type { KubeletFacts, Sourced } from '../../facts/kubelet.js';
import type { Step } from '../../report/model.js';
import { cmd, prose, snippet } from '../steps.js';
import { READS_NO_CONFIG } from '../kubelet-set-in.js';

/** kubeadm's path for the kubelet's --config; the file named when the bundle does not say. */
const DEFAULT_CONFIG = '/var/lib/kubelet/config.yaml';

export interface KubeletChange {
  /** The setting whose source decides where the change goes, and the flag that sets it. */
  setting: Sourced<unknown>;
  flag: string;
  /** What to set, each with a comment for YAML (JSON holds none). */
  values: { key: string; value: string | number | boolean; comment?: string }[];
  /** A closing remark: a comment line in YAML, a line of prose after JSON. */
  note?: string;
  /** What to grep in the node's configz, and the check's comment. */
  check: { pattern: string; comment: string };
}

/**
 * Files a node bootstrapper writes, whose own source a change must go to as well: EKS's nodeadm writes
 * the kubelet config from the NodeConfig in the instance's user data when it initialises the node (a
 * systemd service on the AL2023 EKS AMIs: awslabs.github.io/amazon-eks-ami/nodeadm); kubeadm writes
 * /var/lib/kubelet/config.yaml from the kube-system/kubelet-config ConfigMap at join, and
 * `kubeadm upgrade node` writes it from there again (kubernetes.io/docs/reference/setup-tools/kubeadm/
 * generated/kubeadm_upgrade/kubeadm_upgrade_node_phase_kubelet-config; tasks/administer-cluster/kubeadm/kubeadm-reconfigure).
 */
function writtenBy(file: string): string | undefined {
  if (file === '/etc/kubernetes/kubelet/config.json' || file.startsWith('/etc/kubernetes/kubelet/config.json.d/'))
    return `EKS's nodeadm writes ${file} from the NodeConfig in the instance's user data when it initialises the node: set the same under spec.kubelet.config there (the launch template), or the next start of the node puts the old value back.`;
  if (file === DEFAULT_CONFIG)
    return `If kubeadm joined this node, it wrote ${file} from the kube-system/kubelet-config ConfigMap, and \`kubeadm upgrade node\` writes it from there again: change the ConfigMap as well (\`kubectl -n kube-system edit cm kubelet-config\`).`;
  return undefined;
}

export function kubeletChangeSteps(k: KubeletFacts, c: KubeletChange): Step[] {
  const s = c.setting;
  const steps = s.from !== 'drop-in' && k.noConfigFile ? newConfigFile(c) : inPlace(k, c);
  steps.push(
    cmd('systemctl restart kubelet'),
    cmd(
      `kubectl get --raw /api/v1/nodes/${k.onNode.nodeName ?? '<node>'}/proxy/configz | grep -o '${c.check.pattern}'    # ${c.check.comment}`,
    ),
  );
  return steps;
}

/** The change in the file that set the value (a drop-in) or the config file the kubelet reads. */
function inPlace(k: KubeletFacts, c: KubeletChange): Step[] {
  const s = c.setting;
  const inBundle = s.from === 'drop-in' ? s.file : BUNDLE.kubelet.config;
  const file =
    s.from === 'drop-in'
      ? `${k.onNode.configDir ?? '<the kubelet --config-dir>'}/${s.file.slice(BUNDLE.kubelet.configDir.length + 1)}`
      : (k.onNode.config ?? DEFAULT_CONFIG);
  const json = k.jsonFiles.includes(inBundle) || file.endsWith('.json');
  const steps: Step[] = [];
  if (s.from === 'flag')
    steps.push(
      prose(
        `The kubelet's command line sets ${c.flag}, and a flag wins over the config file: remove it where the kubelet's flags are set (\`systemctl cat kubelet\` shows the unit and the drop-ins or environment files that set them), and set the value in the config file:`,
      ),
    );
  if (json) {
    const members = c.values.map((v) => `"${v.key}": ${JSON.stringify(v.value)}`);
    steps.push(snippet({ file, format: 'json', text: members.join(',\n') }));
    if (c.note) steps.push(prose(c.note));
  } else steps.push(snippet({ file, format: 'yaml', text: yamlLines(c).join('\n') }));
  const bootstrapper = writtenBy(file);
  if (bootstrapper) steps.push(prose(bootstrapper));
  return steps;
}

/**
 * A kubelet whose command line names no --config reads no file (kubernetes cmd/kubelet/app/server.go:
 * "load kubelet config file, if provided"): the change is a new file, which needs its kind and
 * apiVersion, and the flag that makes the kubelet read it.
 */
function newConfigFile(c: KubeletChange): Step[] {
  return [
    prose(
      `The kubelet ${READS_NO_CONFIG}, so it runs on flags and defaults. Write the settings to a new file and add \`--config=${DEFAULT_CONFIG}\` where the kubelet's flags are set${c.setting.from === 'flag' ? `, removing ${c.flag}, which would still win over the file` : ''} (\`systemctl cat kubelet\` shows the unit and the drop-ins or environment files that set them):`,
    ),
    snippet({
      file: DEFAULT_CONFIG,
      format: 'yaml',
      text: ['apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', ...yamlLines(c)].join('\n'),
    }),
  ];
}

function yamlLines(c: KubeletChange): string[] {
  const lines = c.values.map((v) => `${v.key}: ${String(v.value)}${v.comment ? `    # ${v.comment}` : ''}`);
  return [...lines, ...(c.note ? [`# ${c.note}`] : [])];
}
