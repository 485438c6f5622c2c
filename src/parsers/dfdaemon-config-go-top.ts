// The top level of a Go dfget.yaml against the keys the daemon reads there: viper drops any other key
// without a word, so a proxy key written at the top, or a file whose top level holds no key the daemon
// reads (a Dragonfly 1.x dfdaemon.yml, a fragment of the proxy section), would otherwise read as the
// code's defaults, warnings included. Pure.
import { GO_PROXY_ONLY_KEYS, GO_TOP_LEVEL_KEYS } from '../knowledge/dfdaemon-go.js';
import type { ConfigProblem, TopKey } from './yaml-settings.js';

export interface GoTopLevel {
  problems: ConfigProblem[];
  /** The file has top-level keys and the daemon reads none of them: nothing in it is read. */
  readsNothing: boolean;
}

/** The file's top-level keys, as the settings reader parsed them (the document is read once). */
export function goTopLevel(keys: readonly TopKey[]): GoTopLevel {
  const unread = keys.filter((k) => !GO_TOP_LEVEL_KEYS.has(k.key.toLowerCase()));
  const problems: ConfigProblem[] = unread
    .filter((k) => GO_PROXY_ONLY_KEYS.has(k.key.toLowerCase()))
    .map((k) => ({
      ...(k.line === undefined ? {} : { line: k.line }),
      message: `${k.key}: not read at the top level: the Go dfdaemon reads it under proxy: (client/config/peerhost.go ProxyOption)`,
    }));
  const readsNothing = keys.length > 0 && unread.length === keys.length;
  if (readsNothing)
    problems.push({
      message: `none of its top-level keys (${keys.map((k) => k.key).join(', ')}) is one the Go dfdaemon reads (client/config/peerhost.go DaemonOption, v2.0.0–v2.3.4; viper drops any other key): nothing in it is read, so no setting is taken from it, default or not. Give the dfget.yaml the daemon runs with (/etc/dragonfly/dfget.yaml, or its ConfigMap)`,
    });
  return { problems, readsNothing };
}
