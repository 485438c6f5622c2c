// What mirror-misconfigured advises for each kind of misconfiguration, in the order the steps are given.
import type { ContainerdFacts } from '../../facts/containerd.js';
import type { MisconfigKind } from '../../facts/containerd-misconfigs.js';
import type { SetIn } from '../../facts/containerd-set-in.js';
import type { Step } from '../../report/model.js';
import { applySteps, configSnippet } from '../snippets/dfdaemon.js';
import {
  configPathSnippet,
  configTomlFor,
  GO_PROXY_PORT,
  configToml,
  mirrorsFiles,
  refusedFiles,
  dfdaemonHostSnippet,
  hostsDir,
  hostsTomlSnippet,
  legacyMirrorSnippet,
  proxyUrl,
} from '../snippets/containerd.js';
import { cmd, prose } from '../steps.js';

/** The file that holds a version 3 config's leftover CRI table. */
function leftoverIn(c: ContainerdFacts): SetIn | undefined {
  return c.leftoverCri ? { file: c.leftoverCri.file } : undefined;
}

interface Fix {
  /** Given once when the node has any of these. */
  kinds: readonly MisconfigKind[];
  steps(c: ContainerdFacts): Step[];
}

/**
 * Where config_path is added beside legacy registry.mirrors: containerd refuses the two together ("`mirrors`
 * cannot be set when `config_path` is provided", v1.6.38 pkg/cri/config/config.go:426, v2.1.0
 * internal/cri/config/config.go:489) and its CRI plugin does not load, so the mirrors go in the same change.
 */
function mirrorsOut(c: ContainerdFacts): Step[] {
  const legacy = Object.keys(c.config.cri.mirrors);
  if (legacy.length === 0) return [];
  return [
    prose(
      `In the same change, delete the registry.mirrors tables (${legacy.join(', ')}) from ${mirrorsFiles(c)} and write each registry's mirrors as a hosts.toml under that directory: containerd refuses config_path beside registry.mirrors ("\`mirrors\` cannot be set when \`config_path\` is provided"), and its CRI plugin then does not load, so no image pulls at all.`,
    ),
  ];
}

export const MISCONFIG_FIXES: readonly Fix[] = [
  {
    // first: every route below leads to this port
    kinds: ['dfdaemon-proxy-off'],
    steps: () => [
      prose(
        `Give dfdaemon's proxy a port in its dfget.yaml (with none, the Go daemon serves no proxy), then restart it; ${GO_PROXY_PORT} is the port the package's and the Helm chart's dfget.yaml use:`,
      ),
      configSnippet({ gen: 'go' }, `proxy:\n  tcpListen:\n    port: ${GO_PROXY_PORT}`),
      ...applySteps({ gen: 'go' }),
    ],
  },
  {
    kinds: ['legacy-with-config-path'],
    steps: (c) => [
      prose(`Remove the registry.mirrors / registry.configs.*.tls tables from ${refusedFiles(c)} and keep only:`),
      configPathSnippet(c),
    ],
  },
  {
    kinds: ['mirrors-refused'],
    steps: (c) => [
      prose(
        `Move each registry.mirrors entry into a hosts.toml under the default hosts directory and delete the registry.mirrors tables from ${mirrorsFiles(c)} (a mirror setting does nothing on this release: the CRI plugin refuses it):`,
      ),
      hostsTomlSnippet(c),
      prose(
        'Or upgrade containerd to ≥ 2.2.2, which sets its default config_path only when no mirrors are configured (mirrors are deprecated and planned for removal in 2.4).',
      ),
    ],
  },
  {
    kinds: ['config-path-list-transfer'],
    steps: (c) => [
      prose(
        'Give config_path one directory, the one that holds the hosts.toml files (containerd#12415 is not fixed in any release yet):',
      ),
      // the directory where containerd found a hosts.toml, else the first listed
      configPathSnippet(
        c,
        c.routes.find((r) => r.dirIndex !== undefined)?.nodeFile?.replace(/\/[^/]+\/hosts\.toml$/, '') ?? hostsDir(c),
      ),
    ],
  },
  {
    kinds: ['config-path-misplaced'],
    steps: (c) => [
      prose(
        `In ${configTomlFor(c, c.setIn.configPathMisplaced)}, move config_path from [plugins."${c.config.criPluginId}"] into its registry table, where containerd reads it:`,
      ),
      configPathSnippet(c, c.config.cri.configPathMisplaced ?? hostsDir(c), c.setIn.configPathMisplaced),
      ...mirrorsOut(c),
    ],
  },
  {
    kinds: ['no-routing', 'config-path-without-hosts', 'wrong-dir', 'wrong-name'],
    steps: (c) => [
      ...(c.configPathFrom === 'none' && c.config.cri.configPathMisplaced === undefined
        ? [prose(`Set the hosts directory in ${configToml(c)}:`), configPathSnippet(c), ...mirrorsOut(c)]
        : []),
      prose(
        'Write the mirror where containerd reads it (the first config_path directory), named after the registry as images name it ("docker.io", not "index.docker.io"):',
      ),
      hostsTomlSnippet(c),
      prose(
        'With dfinit: point its containerd configPath at the config.toml containerd really loads (k3s: /var/lib/rancher/k3s/agent/etc/containerd/config.toml) so it writes into the real config_path.',
      ),
    ],
  },
  {
    kinds: ['mirrors-wrong-name'],
    steps: (c) => [
      ...c.misconfigs.flatMap((m) =>
        m.kind === 'mirrors-wrong-name' && m.registry !== undefined
          ? [
              prose(
                `In ${configTomlFor(c, c.setIn.mirrors[m.registry])}, key the registry.mirrors."${m.registry}" table on "docker.io" instead, its endpoints as they are:`,
              ),
              legacyMirrorSnippet(
                c,
                'docker.io',
                c.config.cri.mirrors[m.registry] ?? [proxyUrl(c)],
                c.setIn.mirrors[m.registry],
              ),
            ]
          : [],
      ),
      // containerd v1.6.38 pkg/cri/config/config.go:426; v2.1.0 internal/cri/config/config.go:489
      prose(
        'registry.mirrors is deprecated: from containerd 1.5 a hosts.toml under config_path takes its place, and its removal is planned for 2.4. A move to hosts.toml takes the registry.mirrors tables out in the same change: containerd refuses config_path beside them ("`mirrors` cannot be set when `config_path` is provided"), and its CRI plugin does not load.',
      ),
    ],
  },
  {
    kinds: ['rejected'],
    steps: (c) => [
      prose(
        'Fix the hosts.toml containerd rejects: valid TOML, known capabilities (pull, resolve, push), and on containerd ≤ 1.7.31 at least one [host."…"] table:',
      ),
      hostsTomlSnippet(c),
    ],
  },
  {
    kinds: ['host-without-header'],
    steps: (c) => [
      prose(
        'Give dfdaemon\'s host a table header of its own: containerd 2.0+ tries only the hosts named by a [host."…"] header, not inline tables or dotted keys under `host`:',
      ),
      hostsTomlSnippet(c),
    ],
  },
  {
    kinds: ['leftover-cri-registry'],
    steps: (c) => [
      prose(
        `Delete every [plugins."io.containerd.grpc.v1.cri"…] table from ${configTomlFor(c, leftoverIn(c))} (a version 3 config keeps its registry settings under [plugins."io.containerd.cri.v1.images"] only; containerd 2.3+ copies a leftover one over them), and keep:`,
      ),
      configPathSnippet(c, c.leftoverCri?.configPathDropped ?? hostsDir(c), leftoverIn(c)),
    ],
  },
  {
    kinds: ['certs-dir-shadows-default'],
    steps: (c) => {
      const registry = c.misconfigs.find((m) => m.kind === 'certs-dir-shadows-default')?.registry ?? 'docker.io';
      return [
        prose(
          `Give ${hostsDir(c)}/${registry}/ a hosts.toml of its own with dfdaemon first (containerd reads no _default for a registry that has a directory); its certificates stay where they are, named in the registry's host entry with ca = "…":`,
        ),
        hostsTomlSnippet(c, registry),
      ];
    },
  },
  {
    kinds: ['default-dir-unread'],
    steps: (c) => [
      prose(
        "This containerd reads no _default directory (it came in 1.6.17 and 1.7.0): give each registry you pull from a hosts.toml of its own, dfdaemon's proxy first, e.g.:",
      ),
      hostsTomlSnippet(c),
      prose(
        'Or upgrade containerd to ≥ 1.6.17, which reads <config_path>/_default/hosts.toml for every other registry.',
      ),
    ],
  },
  {
    kinds: ['shadowed'],
    steps: () => [
      prose(
        "Move the hosts.toml into the first config_path directory, or remove the earlier directory's matching entry (including its _default).",
      ),
    ],
  },
  {
    kinds: ['wrong-port', 'scheme', 'not-listening', 'no-pull-capability'],
    steps: (c) => [
      prose("Make the first host dfdaemon's proxy, over plain HTTP, with pull and resolve:"),
      dfdaemonHostSnippet(c),
      cmd(`curl -sS -o /dev/null -w '%{http_code}\\n' ${proxyUrl(c)}/v2/    # check it answers`),
    ],
  },
];
