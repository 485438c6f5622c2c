// Where a kubelet setting in effect was set, for evidence: both kubelet rules quote it.
import { BUNDLE } from '../bundle/layout.js';
import type { Sourced } from '../facts/kubelet.js';

/** Why "not set" means the default on a kubelet without --config, said the same way by every rule: "the kubelet …". */
export const READS_NO_CONFIG = 'reads no config file (its command line names no --config)';

/** The file that set a value (the flags naming `flag`, the config file, the drop-in); undefined for a default. */
export function kubeletSetIn(s: Sourced<unknown>, flag: string): string | undefined {
  switch (s.from) {
    case 'flag':
      return `${BUNDLE.kubelet.flags} (${flag})`;
    case 'config':
      return BUNDLE.kubelet.config;
    case 'drop-in':
      return `a --config-dir drop-in (${s.file})`;
    case 'default':
      return undefined;
  }
}

/** Whether two settings were set in the same place (the same drop-in, when in drop-ins). */
export function sameSource(a: Sourced<unknown>, b: Sourced<unknown>): boolean {
  return a.from === 'drop-in' || b.from === 'drop-in'
    ? a.from === 'drop-in' && b.from === 'drop-in' && a.file === b.file
    : a.from === b.from;
}
