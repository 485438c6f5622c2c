// A kubelet setting as the rules advise changing it: in the file where it takes effect (the drop-in that
// set it, else the config file the kubelet reads), in that file's format (the kubelet reads JSON or
// YAML: EKS's nodeadm writes JSON), after the flag that would still win over it, with the restart and
// the check of the value in effect.
import { BUNDLE } from '../../bundle/layout.js';
import type { KubeletFacts, Sourced } from '../../facts/kubelet.js';
import type { Step } from '../../report/model.js';
import { cmd, prose, snippet } from '../steps.js';

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

export function kubeletChangeSteps(k: KubeletFacts, c: KubeletChange): Step[] {
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
  } else {
    const lines = c.values.map((v) => `${v.key}: ${String(v.value)}${v.comment ? `    # ${v.comment}` : ''}`);
    steps.push(snippet({ file, format: 'yaml', text: [...lines, ...(c.note ? [`# ${c.note}`] : [])].join('\n') }));
  }
  steps.push(
    cmd('systemctl restart kubelet'),
    cmd(
      `kubectl get --raw /api/v1/nodes/${k.onNode.nodeName ?? '<node>'}/proxy/configz | grep -o '${c.check.pattern}'    # ${c.check.comment}`,
    ),
  );
  return steps;
}
