// Where a kubelet setting in effect was set, for evidence: both kubelet rules quote it.
import { BUNDLE } from '../bundle/layout.js';
import type { KubeletFacts, KubeletSource } from '../facts/kubelet.js';

/** The file that set a value (the flags naming `flag`, the config file, its --config-dir drop-ins); undefined for a default. */
export function kubeletSetIn(k: KubeletFacts, from: KubeletSource, flag: string): string | undefined {
  switch (from) {
    case 'flag':
      return `${BUNDLE.kubelet.flags} (${flag})`;
    case 'config':
      return BUNDLE.kubelet.config;
    case 'drop-in':
      return `a --config-dir drop-in (${k.files.filter((f) => f.startsWith(BUNDLE.kubelet.configDir)).join(', ')})`;
    case 'default':
      return undefined;
  }
}
